// A study page: header, every plot, the advice and the trials table. While the study runs, the page asks
// for its revision every 1.5 s and redraws in place when it changed (no reload, controls keep their state).
// A little over 400 lines: one page whose sections share the state the live refresh redraws in place.
import type {
  ContourPlot,
  EdfPlot,
  HistoryPlot,
  IntermediatePlot,
  ParallelPlot,
  ParamAxis,
  ParetoPlot,
  SlicePlot,
  TimelinePlot,
} from '../../../analysis/plots/index.js';
import { paths } from '../../paths.js';
import { draw } from '../charts/core.js';
import { curvesOption } from '../charts/curves.js';
import { contourOption, parallelOption, sliceOption } from '../charts/params.js';
import { edfOption, historyOption, paretoOption, timelineOption } from '../charts/plots.js';
import type { Source } from '../data.js';
import { ago, clear, fmt, h, trialHref } from '../dom.js';
import { actionsSection } from './actions.js';
import { analysisSection } from './advice.js';
import { stageStrip } from './stages.js';
import type { AnalysisAnswer } from './advice.js';
import { trialsTable } from './table.js';

export interface StudyAnswer {
  name: string;
  directions: string[];
  trialCounts: Record<string, number>;
  bestValue: number | null;
  lastActivityAt: number;
  params: ParamAxis[];
  hasIntermediate: boolean;
  notes: Record<number, string>;
  revision: string;
  stopRequests: number;
  userAttrs?: Record<string, unknown>;
}

const POLL_MS = 1500;

export function studyPage(root: HTMLElement, src: Source, name: string, allowWrites: boolean): () => void {
  let study: StudyAnswer | null = null;
  let objective = 0;
  let bestParams: Record<string, unknown> | null = null;
  const smoothing = { weight: 0, biasCorrection: true };
  let curves: IntermediatePlot | null = null;
  let bestNumber: number | null = null;

  const chart = (id: string, cls = 'chart') => h('div', { class: cls, 'data-chart': id });
  const charts = {
    history: chart('history'),
    curves: chart('intermediate'),
    parallel: chart('parallel', 'chart tall'),
    contour: chart('contour', 'chart tall'),
    pareto: chart('pareto'),
    timeline: chart('timeline'),
    edf: chart('edf'),
  };
  const header = h('div', { class: 'study-header' });
  const live = h('span', { class: 'live', id: 'live-status' });
  const slices = h('div', { class: 'slices' });
  const notes = {
    history: h('p', { class: 'muted' }),
    curves: h('p', { class: 'muted' }),
    parallel: h('p', { class: 'muted' }),
    contour: h('p', { class: 'muted' }),
    timeline: h('p', { class: 'muted' }),
  };
  const objectiveSelect = h('select', {
    id: 'objective',
    onchange: () => {
      objective = Number(objectiveSelect.value);
      void refresh();
    },
  });
  const contourX = h('select', { id: 'contour-x', onchange: () => void drawContour() });
  const contourY = h('select', { id: 'contour-y', onchange: () => void drawContour() });
  const paretoX = h('select', { id: 'pareto-x', onchange: () => void drawPareto() });
  const paretoY = h('select', { id: 'pareto-y', onchange: () => void drawPareto() });
  const weightLabel = h('span', {}, '0');
  const slider = h('input', {
    id: 'smoothing',
    type: 'range',
    min: 0,
    max: 0.99,
    step: 0.01,
    value: 0,
    oninput: () => {
      smoothing.weight = Number(slider.value);
      clear(weightLabel, slider.value);
      redrawCurves();
    },
  });
  const bias = h('input', {
    id: 'bias-correction',
    type: 'checkbox',
    checked: true,
    onchange: () => {
      smoothing.biasCorrection = bias.checked;
      redrawCurves();
    },
  });
  const analysis = analysisSection();
  const table = trialsTable(name, src, () => study?.notes ?? {});
  const error = h('p', { class: 'error' });

  const section = (id: string, title: string, ...children: (Node | string)[]) =>
    h('section', { id }, h('h2', {}, title), ...children);
  const sections = {
    pareto: section(
      'pareto',
      'Pareto front',
      h('div', { class: 'filters' }, 'x ', paretoX, ' y ', paretoY),
      charts.pareto,
    ),
    curves: section(
      'curves',
      'Learning curves',
      h(
        'div',
        { class: 'filters' },
        h('label', {}, 'smoothing ', slider, ' ', weightLabel),
        h('label', {}, bias, ' bias correction'),
      ),
      notes.curves,
      charts.curves,
    ),
  };
  clear(
    root,
    header,
    error,
    h(
      'nav',
      { class: 'toc' },
      ...[
        'history',
        'curves',
        'importance',
        'parallel',
        'slice',
        'contour',
        'pareto',
        'timeline',
        'edf',
        'trials',
      ].map((id) =>
        h(
          'a',
          {
            href: `#/study/${encodeURIComponent(name)}`,
            'data-target': id,
            onclick: (e: Event) => {
              e.preventDefault();
              document.getElementById(id)?.scrollIntoView();
            },
          },
          id,
        ),
      ),
    ),
    section('history', 'Optimisation history', notes.history, charts.history),
    sections.curves,
    section('importance', 'Importance and advice', analysis.el),
    section('parallel', 'Parallel coordinates', notes.parallel, charts.parallel),
    section('slice', 'Slices', slices),
    section(
      'contour',
      'Contour',
      h('div', { class: 'filters' }, 'x ', contourX, ' y ', contourY),
      notes.contour,
      charts.contour,
    ),
    sections.pareto,
    section('timeline', 'Timeline', notes.timeline, charts.timeline),
    section('edf', 'Empirical distribution of values', charts.edf),
    section('trials', 'Trials', table.el),
    ...(allowWrites && src.live
      ? [
          section(
            'actions',
            'Actions',
            actionsSection(name, src, () => bestParams),
          ),
        ]
      : []),
  );

  const label = () => (study && study.directions.length > 1 ? `value ${objective}` : 'value');

  function renderHeader(s: StudyAnswer): void {
    clear(
      header,
      h('h1', { id: 'study-name' }, s.name),
      h(
        'div',
        { class: 'chips' },
        ...s.directions.map((d, i) =>
          h('span', { class: 'chip' }, s.directions.length > 1 ? `${i}: ${d}` : d),
        ),
        ...Object.entries(s.trialCounts)
          .filter(([, n]) => n > 0)
          .map(([state, n]) =>
            h('span', { class: `chip state-${state}`, 'data-count': state }, `${n} ${state}`),
          ),
        s.bestValue !== null
          ? h(
              'span',
              { class: 'chip best' },
              `best ${fmt(s.bestValue)}`,
              bestNumber !== null
                ? h('a', { href: trialHref(name, bestNumber) }, ` (trial ${bestNumber})`)
                : '',
            )
          : '',
        h('span', { class: 'muted' }, `last activity ${ago(s.lastActivityAt)}`),
        s.stopRequests > 0 ? h('span', { class: 'chip state-fail' }, 'stop requested') : '',
        live,
      ),
      stageStrip(s.userAttrs),
      s.directions.length > 1 ? h('label', {}, 'objective ', objectiveSelect) : '',
    );
  }

  function fillSelect(select: HTMLSelectElement, options: string[], fallback: number): void {
    const current = select.value;
    clear(
      select,
      ...options.map((o, i) =>
        h(
          'option',
          { value: select === objectiveSelect || select === paretoX || select === paretoY ? String(i) : o },
          o,
        ),
      ),
    );
    select.value =
      current && [...select.options].some((o) => o.value === current)
        ? current
        : (select.options[Math.min(fallback, options.length - 1)]?.value ?? '');
  }

  function redrawCurves(): void {
    if (curves)
      draw(
        charts.curves,
        curvesOption(curves, smoothing, bestNumber),
        curves.curves.reduce((n, c) => n + c.steps.length, 0),
        (d) => openTrial(d),
      );
  }

  const openTrial = (d: unknown) => {
    const v = (d as { value?: number[] })?.value ?? (d as number[]);
    const number = Array.isArray(v) ? (v[2] ?? v[0]) : undefined;
    if (typeof number === 'number') location.hash = trialHref(name, number);
  };

  async function drawContour(): Promise<void> {
    if (!study || study.params.length < 2 || !contourX.value || !contourY.value)
      return void clear(notes.contour, 'needs two parameters');
    if (contourX.value === contourY.value) return void clear(notes.contour, 'pick two different parameters');
    try {
      const c = await src.get<ContourPlot>(
        paths.plot(name, 'contour', { x: contourX.value, y: contourY.value, objective }),
      );
      clear(notes.contour, `best ${label()} per cell over ${c.totalPoints} complete trials`);
      draw(charts.contour, contourOption(c, label()), c.cells.length + c.points.x.length);
    } catch (e) {
      clear(notes.contour, (e as Error).message);
    }
  }

  async function drawPareto(): Promise<void> {
    if (!study || study.directions.length < 2) return;
    const p = await src.get<ParetoPlot>(paths.plot(name, 'pareto'));
    const names = study.directions.map((d, i) => `value ${i} (${d})`);
    draw(
      charts.pareto,
      paretoOption(p, names, Number(paretoX.value || 0), Number(paretoY.value || 1)),
      p.numbers.length,
      (d) => openTrial(d),
    );
  }

  async function refresh(): Promise<void> {
    const s = await src.get<StudyAnswer>(paths.study(name));
    study = s;
    const [history, inter, parallel, slice, timeline, edf] = await Promise.all([
      src.get<HistoryPlot>(paths.plot(name, 'history', { objective })),
      s.hasIntermediate ? src.get<IntermediatePlot>(paths.plot(name, 'intermediate')) : Promise.resolve(null),
      src.get<ParallelPlot>(paths.plot(name, 'parallel')),
      src.get<{ plots: SlicePlot[] }>(paths.plot(name, 'slice', { objective })),
      src.get<TimelinePlot>(paths.plot(name, 'timeline')),
      src.get<EdfPlot>(paths.plot(name, 'edf', { objective })),
    ]);
    bestNumber = history.bestNumber;
    renderHeader(s);
    fillSelect(
      objectiveSelect,
      s.directions.map((d, i) => `value ${i} (${d})`),
      objective,
    );
    const names = s.params.map((p) => p.name);
    fillSelect(contourX, names, 0);
    fillSelect(contourY, names, 1);
    sections.pareto.hidden = s.directions.length < 2;
    if (s.directions.length > 1) {
      fillSelect(
        paretoX,
        s.directions.map((d, i) => `value ${i} (${d})`),
        0,
      );
      fillSelect(
        paretoY,
        s.directions.map((d, i) => `value ${i} (${d})`),
        1,
      );
    }

    clear(
      notes.history,
      history.numbers.length
        ? `${history.numbers.length} complete trials; best ${fmt(history.best.at(-1))} at trial ${history.bestNumber}`
        : 'no complete trial yet',
    );
    draw(charts.history, historyOption(history, label()), history.numbers.length, (d) => openTrial(d));
    sections.curves.hidden = inter === null;
    curves = inter;
    if (inter)
      clear(
        notes.curves,
        `${inter.curves.length === inter.totalCurves ? `all ${inter.totalCurves}` : `${inter.curves.length} of ${inter.totalCurves} (running, best and evenly spaced)`} curves; the band is the 10–90% range over all of them. Pruned trials end in ×.`,
      );
    redrawCurves();
    clear(
      notes.parallel,
      parallel.rows.length < parallel.totalTrials
        ? `${parallel.rows.length} of ${parallel.totalTrials} trials (the best and evenly spaced); drag along an axis to select`
        : 'drag along an axis to select a range',
    );
    draw(
      charts.parallel,
      parallelOption(
        parallel,
        s.directions.map((d, i) => (s.directions.length > 1 ? `value ${i}` : 'value')),
      ),
      parallel.rows.length,
    );
    renderSlices(slice.plots);
    clear(
      notes.timeline,
      timeline.numbers.length < timeline.totalTrials
        ? `the last ${timeline.numbers.length} of ${timeline.totalTrials} trials`
        : `${timeline.workers.length} worker(s)`,
    );
    draw(charts.timeline, timelineOption(timeline), timeline.numbers.length, (d) =>
      openTrial({ value: [0, 0, (d as { value: number[] }).value[3]] }),
    );
    draw(charts.edf, edfOption(edf, label()), edf.x.length);
    bestParams = null;
    await Promise.all([
      drawContour(),
      drawPareto(),
      table.refresh(s.params, s.directions),
      history.bestNumber !== null
        ? src
            .get<{ trial: { params: Record<string, unknown> } }>(paths.trial(name, history.bestNumber))
            .then((t) => (bestParams = t.trial.params))
        : null,
      src.get<AnalysisAnswer>(paths.analysis(name, objective)).then((a) => analysis.render(a)),
    ]);
  }

  function renderSlices(plots: SlicePlot[]): void {
    // Keep one element per parameter so a live refresh redraws in place.
    const existing = new Map(
      [...slices.children].map((el) => [(el as HTMLElement).dataset.param, el as HTMLElement]),
    );
    const wanted = plots.map(
      (p) =>
        existing.get(p.axis.name) ??
        h('div', { class: 'chart small', 'data-chart': 'slice', 'data-param': p.axis.name }),
    );
    slices.replaceChildren(...wanted);
    plots.forEach((p, i) =>
      draw(wanted[i] as HTMLElement, sliceOption(p, label()), p.x.length, (d) => openTrial(d)),
    );
  }

  let revision = '';
  let stopped = false;
  const tick = async () => {
    try {
      const r = await src.get<{ revision: string }>(paths.revision(name));
      if (r.revision !== revision) {
        revision = r.revision;
        await refresh();
        clear(live, `live · updated ${new Date().toLocaleTimeString()}`);
        live.dataset.revision = revision;
      }
      clear(error);
    } catch (e) {
      clear(error, (e as Error).message);
    }
    if (!stopped && src.live) timer = setTimeout(() => void tick(), POLL_MS);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (src.live) void tick();
  else
    void refresh()
      .then(() => clear(live, 'static report'))
      .catch((e: Error) => clear(error, e.message));
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

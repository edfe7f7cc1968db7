// A study page: header, every plot, the advice and the trials table. It draws progressively (header, then
// history, then each chart as its answer arrives, importance last), and while the study runs it asks for
// the revision every 1.5 s and redraws in place when it changed (no reload, controls keep their state).
import type {
  EdfPlot,
  HistoryPlot,
  HypervolumePlot,
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
import {
  edfOption,
  historyOption,
  hypervolumeOption,
  paretoOption,
  timelineOption,
} from '../charts/plots.js';
import type { StageSummary } from '../../../study/stages.js';
import type { ReproducibleMode, StageLink } from '../../../study/types.js';
import type { ApiError, Source } from '../data.js';
import { ago, clear, fmt, h, trialHref } from '../dom.js';
import { hashParts, updateHashQuery } from '../url.js';
import { actionsSection } from './actions.js';
import { analysisSection } from './advice.js';
import { stageStrip } from './stages.js';
import type { AnalysisAnswer } from './advice.js';
import { studyNotes } from './notes.js';
import { paramSections } from './params.js';
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
  marks: string[];
  revision: string;
  stopRequests: number;
  /** The study's own stage link (null: not a stage). */
  stage: StageLink | null;
  /** The stages of a staged run's parent, by index (none for other studies). */
  stages: StageSummary[];
  /** The study's reproducible mode (null: not reproducible). */
  reproducible: ReproducibleMode | null;
}

const POLL_MS = 1500;

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));

/** Sections in page order, with the label their link shows. */
const SECTIONS: [string, string][] = [
  ['notes', 'notes'],
  ['history', 'history'],
  ['curves', 'learning curves'],
  ['importance', 'importance'],
  ['parallel', 'parallel'],
  ['slice', 'slices'],
  ['contour', 'contour & rank'],
  ['pareto', 'Pareto front'],
  ['hypervolume', 'hypervolume'],
  ['timeline', 'timeline'],
  ['edf', 'EDF'],
  ['trials', 'trials'],
];

export function studyPage(root: HTMLElement, src: Source, name: string, allowWrites: boolean): () => void {
  let study: StudyAnswer | null = null;
  let objective = 0;
  let bestParams: Record<string, unknown> | null = null;
  const smoothing = { weight: 0, biasCorrection: true };
  let curves: IntermediatePlot | null = null;
  let history: HistoryPlot | null = null;
  let bestNumber: number | null = null;

  const chart = (id: string, cls = 'chart') => h('div', { class: cls, 'data-chart': id });
  const charts = {
    history: chart('history'),
    curves: chart('intermediate'),
    pareto: chart('pareto'),
    hypervolume: chart('hypervolume'),
    timeline: chart('timeline'),
    edf: chart('edf'),
  };
  const header = h('div', { class: 'study-header' });
  const live = h('span', { class: 'live', id: 'live-status' });
  const note = () => h('p', { class: 'muted' });
  const notes = { history: note(), curves: note(), timeline: note(), hypervolume: note(), edf: note() };
  const objectiveSelect = h('select', {
    id: 'objective',
    onchange: () => {
      objective = Number(objectiveSelect.value);
      void refresh();
    },
  });
  const paretoX = h('select', { id: 'pareto-x', onchange: () => void drawPareto() });
  const paretoY = h('select', { id: 'pareto-y', onchange: () => void drawPareto() });
  const logBox = h('input', {
    id: 'history-log',
    type: 'checkbox',
    checked: hashParts().query.get('log') === '1',
    onchange: () => {
      updateHashQuery({ log: logBox.checked ? '1' : null });
      drawHistory();
    },
  });
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
  const params = paramSections(name, src);
  const table = trialsTable(name, src, () => study?.notes ?? {});
  const studyNote = studyNotes(name, src, allowWrites);
  const error = h('p', { class: 'error', id: 'study-error' });

  const sections = new Map<string, HTMLElement>();
  const section = (id: string, title: string, ...children: (Node | string)[]) => {
    const el = h('section', { id }, h('h2', {}, title), ...children);
    sections.set(id, el);
    return el;
  };
  const links = SECTIONS.map(([id, text]) =>
    h(
      'a',
      {
        // A link of its own per section, so it can be opened, copied and restored on reload.
        href: `#/study/${encodeURIComponent(name)}?section=${id}`,
        'data-target': id,
        onclick: (e: Event) => {
          e.preventDefault();
          updateHashQuery({ section: id });
          document.getElementById(id)?.scrollIntoView();
        },
      },
      text,
    ),
  );
  clear(
    root,
    header,
    error,
    h('nav', { class: 'toc' }, ...links),
    section('notes', 'Notes', studyNote.el),
    section(
      'history',
      'Optimisation history',
      h('div', { class: 'filters' }, h('label', {}, logBox, ' log scale')),
      notes.history,
      charts.history,
    ),
    section(
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
    section('importance', 'Importance and advice', analysis.el),
    section('parallel', 'Parallel coordinates', params.parallel),
    section('slice', 'Slices', params.slice),
    section('contour', 'Contour and rank of two parameters', params.contour),
    section(
      'pareto',
      'Pareto front',
      h('div', { class: 'filters' }, 'x ', paretoX, ' y ', paretoY),
      charts.pareto,
    ),
    section('hypervolume', 'Hypervolume history', notes.hypervolume, charts.hypervolume),
    section('timeline', 'Timeline', notes.timeline, charts.timeline),
    section('edf', 'Empirical distribution of values (EDF)', notes.edf, charts.edf),
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

  /** Hides a section and its link together: no link leads to a section that is not there. */
  const show = (id: string, visible: boolean) => {
    const el = sections.get(id);
    if (el) el.hidden = !visible;
    for (const a of links) if (a.dataset.target === id) a.hidden = !visible;
  };

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
        s.reproducible
          ? h(
              'span',
              {
                class: 'chip',
                'data-reproducible': String(s.reproducible.lag),
                title: `trial n sees the trials placed below n - ${s.reproducible.lag}: any number of workers gives the same trials`,
              },
              `reproducible · lag ${s.reproducible.lag}`,
            )
          : '',
        ...Object.entries(s.trialCounts)
          .filter(([, n]) => n > 0)
          .map(([state, n]) =>
            h('span', { class: `chip state-${state}`, 'data-count': state }, `${n} ${state}`),
          ),
        s.bestValue !== null
          ? h('span', { class: 'chip best', id: 'best-chip' }, `best ${fmt(s.bestValue)}`)
          : '',
        h('span', { class: 'muted' }, `last activity ${ago(s.lastActivityAt)}`),
        s.stopRequests > 0 ? h('span', { class: 'chip state-fail' }, 'stop requested') : '',
        live,
      ),
      stageStrip(s),
      s.directions.length > 1 ? h('label', {}, 'objective ', objectiveSelect) : '',
    );
  }

  function fillSelect(select: HTMLSelectElement, options: string[], fallback: number): void {
    const current = select.value;
    clear(select, ...options.map((o, i) => h('option', { value: String(i) }, o)));
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

  function drawHistory(): void {
    if (!history) return;
    // A log axis cannot show zero or negative values: say so instead of dropping points.
    const positive = history.values.every((v) => v > 0);
    logBox.disabled = !positive;
    logBox.title = positive ? '' : 'some values are zero or negative';
    draw(
      charts.history,
      historyOption(history, label(), logBox.checked && positive),
      history.numbers.length,
      (d) => openTrial(d),
    );
  }

  const openTrial = (d: unknown) => {
    const v = (d as { value?: number[] })?.value ?? (d as number[]);
    const number = Array.isArray(v) ? (v[2] ?? v[0]) : undefined;
    if (typeof number === 'number') location.hash = trialHref(name, number);
  };

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

  async function drawHypervolume(): Promise<void> {
    if (!study || study.directions.length < 2) return;
    const hv = await src.get<HypervolumePlot>(paths.plot(name, 'hypervolume'));
    clear(
      notes.hypervolume,
      `reference point (${hv.reference.map((r) => fmt(r)).join(', ')}): ${hv.referenceFrom === 'worst' ? "each objective's worst value pushed out by a tenth of its range" : 'given'}`,
    );
    draw(charts.hypervolume, hypervolumeOption(hv), hv.numbers.length, (d) => openTrial(d));
  }

  /** Runs one section's request and drawing; a failure is shown in that section, not the whole page. */
  const step = (where: HTMLElement, work: () => Promise<unknown>) =>
    work().catch((e: Error) => clear(where, e.message));

  async function refresh(): Promise<void> {
    // The history is asked for with the header, not after it: one round trip less before the first chart.
    const historyAnswer = src.get<HistoryPlot>(paths.plot(name, 'history', { objective }));
    historyAnswer.catch(() => undefined);
    const s = await src.get<StudyAnswer>(paths.study(name));
    study = s;
    renderHeader(s);
    studyNote.render(s.notes);
    const multi = s.directions.length > 1;
    const valueNames = s.directions.map((d, i) => `value ${i} (${d})`);
    fillSelect(objectiveSelect, valueNames, objective);
    show('pareto', multi);
    show('hypervolume', multi);
    show('curves', s.hasIntermediate);
    if (multi) {
      fillSelect(paretoX, valueNames, 0);
      fillSelect(paretoY, valueNames, 1);
    }
    // History first: it is what a user opens the page for.
    await step(notes.history, async () => {
      history = await historyAnswer;
      bestNumber = history.bestNumber;
      clear(
        notes.history,
        history.numbers.length
          ? `${history.numbers.length} complete trials; best ${fmt(history.best.at(-1))} at trial ${history.bestNumber}`
          : 'no complete trial yet',
      );
      const chip = document.getElementById('best-chip');
      if (chip && bestNumber !== null)
        chip.append(h('a', { href: trialHref(name, bestNumber) }, ` (trial ${bestNumber})`));
      drawHistory();
    });
    // Let the history reach the screen before the other answers are parsed and drawn.
    await nextFrame();
    bestParams = null;
    await Promise.all([
      s.hasIntermediate
        ? step(notes.curves, async () => {
            const inter = await src.get<IntermediatePlot>(paths.plot(name, 'intermediate'));
            curves = inter;
            clear(
              notes.curves,
              `${inter.curves.length === inter.totalCurves ? `all ${inter.totalCurves}` : `${inter.curves.length} of ${inter.totalCurves} (running, best and evenly spaced)`} curves; the band is the 10–90% range over all of them. Pruned trials end in ×.`,
            );
            redrawCurves();
          })
        : null,
      step(params.parallel, async () =>
        params.drawParallel(
          await src.get<ParallelPlot>(paths.plot(name, 'parallel')),
          s.directions.map((_, i) => (multi ? `value ${i}` : 'value')),
        ),
      ),
      step(params.slice, async () =>
        params.drawSlices(
          (await src.get<{ plots: SlicePlot[] }>(paths.plot(name, 'slice', { objective }))).plots,
          label(),
          openTrial,
        ),
      ),
      params.drawPair(
        s.params.map((p) => p.name),
        objective,
        label(),
      ),
      step(notes.timeline, async () => {
        const timeline = await src.get<TimelinePlot>(paths.plot(name, 'timeline'));
        clear(
          notes.timeline,
          timeline.numbers.length < timeline.totalTrials
            ? `the last ${timeline.numbers.length} of ${timeline.totalTrials} trials`
            : `${timeline.workers.length} worker(s)`,
        );
        draw(charts.timeline, timelineOption(timeline), timeline.numbers.length, (d) =>
          openTrial({ value: [0, 0, (d as { value: number[] }).value[3]] }),
        );
      }),
      step(notes.edf, async () => {
        const edf = await src.get<EdfPlot>(paths.plot(name, 'edf', { objective }));
        draw(charts.edf, edfOption(edf, label()), edf.x.length);
      }),
      multi ? step(notes.hypervolume, drawPareto) : null,
      multi ? step(notes.hypervolume, drawHypervolume) : null,
      table.refresh(s.params, s.directions, s.marks),
      bestNumber !== null
        ? src
            .get<{ trial: { params: Record<string, unknown> } }>(paths.trial(name, bestNumber))
            .then((t) => (bestParams = t.trial.params))
        : null,
    ]);
    // Importance last: its forest fit holds the server for a while, and no chart should wait behind it.
    await src.get<AnalysisAnswer>(paths.analysis(name, objective)).then((a) => analysis.render(a));
  }

  // Back to the section named in the address (a reload, Back from a trial page, a shared link).
  const wanted = hashParts().query.get('section');
  let restored = false;
  const restore = () => {
    if (restored || !wanted) return;
    restored = true;
    document.getElementById(wanted)?.scrollIntoView();
  };

  let revision = '';
  let stopped = false;
  const tick = async () => {
    try {
      const r = await src.get<{ revision: string }>(paths.revision(name));
      if (r.revision !== revision) {
        revision = r.revision;
        await refresh();
        restore();
        clear(live, `live · updated ${new Date().toLocaleTimeString()}`);
        live.dataset.revision = revision;
      }
      clear(error);
    } catch (e) {
      clear(error, (e as Error).message);
      // An unknown study will not appear by asking again: stop, and offer the way back.
      if ((e as ApiError).code === 'study_not_found') {
        stopped = true;
        error.append(' ', h('a', { href: '#/' }, 'back to the study list'));
      }
    }
    if (!stopped && src.live) timer = setTimeout(() => void tick(), POLL_MS);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (src.live) void tick();
  else
    void refresh()
      .then(() => (restore(), clear(live, 'static report')))
      .catch((e: Error) => clear(error, e.message));
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

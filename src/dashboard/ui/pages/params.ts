// The parameter sections of a study page: parallel coordinates (one branch of a conditional space at a
// time), slices, and the contour and rank plots of a chosen pair. Each draws what its API answer holds.
import type { ContourPlot, ParallelPlot, RankPlot, SlicePlot } from '../../../analysis/plots/index.js';
import { paths } from '../../paths.js';
import { draw } from '../charts/core.js';
import { contourOption, parallelOption, rankOption, sliceOption } from '../charts/params.js';
import type { Source } from '../data.js';
import { clear, h } from '../dom.js';

export interface ParamSections {
  readonly parallel: HTMLElement;
  readonly slice: HTMLElement;
  readonly contour: HTMLElement;
  drawParallel(p: ParallelPlot, objectiveNames: string[]): void;
  drawSlices(plots: SlicePlot[], label: string, open: (d: unknown) => void): void;
  drawPair(params: string[], objective: number, label: string): Promise<void>;
}

export function paramSections(name: string, src: Source): ParamSections {
  const chart = (id: string, cls = 'chart') => h('div', { class: cls, 'data-chart': id });
  const charts = { parallel: chart('parallel', 'chart tall'), contour: chart('contour', 'chart tall') };
  const rankChart = chart('rank', 'chart tall');
  const notes = {
    parallel: h('p', { class: 'muted', id: 'parallel-note' }),
    contour: h('p', { class: 'muted', id: 'contour-note' }),
    rank: h('p', { class: 'muted', id: 'rank-note' }),
  };
  const slices = h('div', { class: 'slices' });
  let last: { plot: ParallelPlot; names: string[] } | null = null;
  let pair: { objective: number; label: string } = { objective: 0, label: 'value' };
  const branch = h('select', { id: 'parallel-branch', onchange: () => last && redrawParallel() });
  const branchLabel = h('label', { hidden: true }, 'trials with ', branch);
  const x = h('select', { id: 'contour-x', onchange: () => void drawPairNow() });
  const y = h('select', { id: 'contour-y', onchange: () => void drawPairNow() });

  function redrawParallel(): void {
    const { plot, names } = last!;
    const b = plot.branches[Number(branch.value) || 0];
    const drawn = b?.rows.length ?? 0;
    const total = b?.totalTrials ?? plot.totalTrials;
    clear(
      notes.parallel,
      `${drawn < total ? `${drawn} of ${total} trials (the best and evenly spaced)` : `${drawn} trials`}${plot.branches.length > 1 ? ' with exactly these parameters' : ''}; drag along an axis to select a range`,
    );
    draw(charts.parallel, parallelOption(plot, names, Number(branch.value) || 0), drawn);
  }

  async function drawPairNow(): Promise<void> {
    if (!x.value || !y.value || x.options.length < 2)
      return void clear(notes.contour, 'needs two parameters');
    if (x.value === y.value) return void clear(notes.contour, 'pick two different parameters');
    const query = { x: x.value, y: y.value, objective: pair.objective };
    await Promise.all([
      src
        .get<ContourPlot>(paths.plot(name, 'contour', query))
        .then((c) => {
          const categorical = c.x.axis.kind === 'categorical' || c.y.axis.kind === 'categorical';
          clear(
            notes.contour,
            `${pair.label} smoothed over ${c.totalPoints} complete trials (Gaussian kernel, ${Math.round(c.bandwidth * 100)}% of each axis); blank where no trial is near${categorical ? '; each choice on its own, no lines between choices' : `; ${c.lines.length} iso-lines`}`,
          );
          const cells = c.z.reduce((n, row) => n + row.filter((v) => v !== null).length, 0);
          draw(charts.contour, contourOption(c, pair.label), cells + c.points.x.length);
        })
        .catch((e: Error) => clear(notes.contour, e.message)),
      src
        .get<RankPlot>(paths.plot(name, 'rank', query))
        .then((r) => {
          clear(
            notes.rank,
            `${r.totalPoints} complete trials coloured by the rank of their ${pair.label} (dark = best)`,
          );
          draw(rankChart, rankOption(r, pair.label), r.px.length);
        })
        .catch((e: Error) => clear(notes.rank, e.message)),
    ]);
  }

  const fill = (select: HTMLSelectElement, options: [string, string][], fallback: number) => {
    const current = select.value;
    clear(select, ...options.map(([value, text]) => h('option', { value }, text)));
    select.value = options.some(([v]) => v === current)
      ? current
      : (options[Math.min(fallback, options.length - 1)]?.[0] ?? '');
  };

  return {
    parallel: h('div', {}, h('div', { class: 'filters' }, branchLabel), notes.parallel, charts.parallel),
    slice: slices,
    contour: h(
      'div',
      {},
      h('div', { class: 'filters' }, 'x ', x, ' y ', y),
      h(
        'div',
        { class: 'pair' },
        h('div', {}, h('h3', {}, 'Contour'), notes.contour, charts.contour),
        h('div', {}, h('h3', {}, 'Rank'), notes.rank, rankChart),
      ),
    ),
    drawParallel(plot, names) {
      last = { plot, names };
      branchLabel.hidden = plot.branches.length < 2;
      fill(
        branch,
        plot.branches.map((b, i) => [
          String(i),
          `${b.params.map((k) => plot.params[k]?.name).join(', ') || 'no parameter'} (${b.totalTrials})`,
        ]),
        0,
      );
      redrawParallel();
    },
    drawSlices(plots, label, open) {
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
      plots.forEach((p, i) => draw(wanted[i] as HTMLElement, sliceOption(p, label), p.x.length, open));
    },
    async drawPair(params, objective, label) {
      pair = { objective, label };
      const options = params.map((p): [string, string] => [p, p]);
      fill(x, options, 0);
      fill(y, options, 1);
      await drawPairNow();
    },
  };
}

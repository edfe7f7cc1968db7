// Several studies side by side: the best value so far of each (by trial number) and their empirical
// distributions on one axis, from the same history and EDF answers each study page draws.
import type { EdfPlot, HistoryPlot } from '../../../analysis/plots/index.js';
import { paths } from '../../paths.js';
import { draw } from '../charts/core.js';
import type { Option } from '../charts/core.js';
import type { Source } from '../data.js';
import { clear, esc, fmt, h, studyHref } from '../dom.js';

const PALETTE = ['#2f6fdf', '#e4572e', '#17a398', '#f0a202', '#7b4fb8', '#c0392b', '#555'];

function overlay(
  series: { name: string; data: number[][] }[],
  x: string,
  y: string,
  percent: boolean,
): Option {
  return {
    grid: { left: 64, right: 24, top: 36, bottom: 48 },
    legend: { top: 4, data: series.map((s) => s.name) },
    tooltip: {
      trigger: 'item',
      formatter: (p: { seriesName: string; data: number[] }) =>
        `${esc(p.seriesName)}<br>${esc(x)} ${esc(fmt(p.data[0]))}: ${esc(percent ? `${Math.round((p.data[1] ?? 0) * 100)}%` : fmt(p.data[1]))}`,
    },
    xAxis: {
      type: 'value',
      name: x,
      nameLocation: 'middle',
      nameGap: 28,
      scale: true,
      axisLine: { onZero: false },
    },
    yAxis: {
      type: 'value',
      name: y,
      nameLocation: 'middle',
      nameGap: 44,
      scale: !percent,
      ...(percent ? { min: 0, max: 1 } : {}),
      axisLabel: { formatter: (v: number) => (percent ? `${Math.round(v * 100)}%` : fmt(v)) },
      axisLine: { onZero: false },
    },
    series: series.map((s, i) => ({
      name: s.name,
      type: 'line',
      step: 'end',
      showSymbol: false,
      lineStyle: { width: 2, color: PALETTE[i % PALETTE.length] },
      itemStyle: { color: PALETTE[i % PALETTE.length] },
      data: s.data,
    })),
  };
}

export function comparePage(root: HTMLElement, src: Source, names: string[]): () => void {
  const history = h('div', { class: 'chart', 'data-chart': 'compare-history' });
  const edf = h('div', { class: 'chart', 'data-chart': 'compare-edf' });
  const status = h('p', { class: 'muted', id: 'compare-status' });
  clear(
    root,
    h('p', {}, h('a', { href: '#/' }, '← studies')),
    h('h1', {}, 'Compare studies'),
    h('p', {}, ...names.flatMap((n, i) => [i ? ', ' : '', h('a', { href: studyHref(n) }, n)])),
    status,
    h('section', { id: 'compare-history-section' }, h('h2', {}, 'Best value so far'), history),
    h('section', { id: 'compare-edf-section' }, h('h2', {}, 'Empirical distribution of values (EDF)'), edf),
  );
  void Promise.all(
    names.map(async (n) => ({
      name: n,
      history: await src.get<HistoryPlot>(paths.plot(n, 'history', { objective: 0 })),
      edf: await src.get<EdfPlot>(paths.plot(n, 'edf', { objective: 0 })),
    })),
  )
    .then((all) => {
      clear(status, 'the first objective of each study; trials numbered from each study\u2019s start');
      draw(
        history,
        overlay(
          all.map((a) => ({
            name: a.name,
            data: a.history.numbers.map((x, i) => [x, a.history.best[i] as number]),
          })),
          'trial',
          'best value so far',
          false,
        ),
        all.reduce((n, a) => n + a.history.numbers.length, 0),
      );
      draw(
        edf,
        overlay(
          all.map((a) => ({ name: a.name, data: a.edf.x.map((x, i) => [x, a.edf.y[i] as number]) })),
          'value',
          'share of trials',
          true,
        ),
        all.reduce((n, a) => n + a.edf.x.length, 0),
      );
    })
    .catch((e: Error) => clear(status, e.message));
  return () => undefined;
}

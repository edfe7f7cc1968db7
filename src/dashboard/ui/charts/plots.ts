// Chart options for the optimisation history, the empirical distribution, the timeline and the Pareto
// front: each turns one API answer into an ECharts option, escaping every string a tooltip shows.
import type {
  EdfPlot,
  HistoryPlot,
  HypervolumePlot,
  ParetoPlot,
  TimelinePlot,
} from '../../../analysis/plots/index.js';
import { esc, fmt, fmtDuration } from '../dom.js';
import { COLORS } from './core.js';
import type { Option } from './core.js';

const grid = { left: 64, right: 24, top: 36, bottom: 48, containLabel: false };
const valueAxis = (name: string) => ({
  type: 'value',
  name,
  nameLocation: 'middle',
  nameGap: 44,
  scale: true,
  axisLabel: { formatter: (v: number) => fmt(v) },
  // At the plot's edge, not through 0 when the range spans it.
  axisLine: { onZero: false },
});

export function historyOption(h: HistoryPlot, label: string, log = false): Option {
  return {
    grid,
    legend: { top: 4, data: [label, 'best so far'] },
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: number[]; seriesName: string }) =>
        `trial ${esc(p.data[0])}<br>${esc(p.seriesName)}: ${esc(fmt(p.data[1]))}`,
    },
    dataZoom: [{ type: 'inside' }],
    xAxis: { type: 'value', name: 'trial', nameLocation: 'middle', nameGap: 28, min: 0, minInterval: 1 },
    yAxis: log ? { ...valueAxis(`${label} (log)`), type: 'log' } : valueAxis(label),
    series: [
      {
        name: label,
        type: 'scatter',
        symbolSize: 5,
        large: h.numbers.length > 2000,
        itemStyle: { color: COLORS.complete, opacity: 0.7 },
        data: h.numbers.map((n, i) => [n, h.values[i]]),
      },
      {
        name: 'best so far',
        type: 'line',
        step: 'end',
        showSymbol: false,
        lineStyle: { color: COLORS.best, width: 2 },
        itemStyle: { color: COLORS.best },
        data: h.numbers.map((n, i) => [n, h.best[i]]),
      },
    ],
  };
}

export function edfOption(e: EdfPlot, label: string): Option {
  return {
    grid,
    tooltip: {
      trigger: 'axis',
      formatter: (ps: { data: number[] }[]) =>
        `${esc(label)} ≤ ${esc(fmt(ps[0]?.data[0]))}: ${esc(((ps[0]?.data[1] ?? 0) * 100).toFixed(1))}% of trials`,
    },
    xAxis: { ...valueAxis(label), nameGap: 28 },
    yAxis: {
      type: 'value',
      name: 'share of trials',
      nameLocation: 'middle',
      nameGap: 44,
      min: 0,
      max: 1,
      axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` },
    },
    series: [
      {
        type: 'line',
        step: 'end',
        showSymbol: false,
        lineStyle: { color: COLORS.complete, width: 2 },
        areaStyle: { opacity: 0.08 },
        data: e.x.map((x, i) => [x, e.y[i]]),
      },
    ],
  };
}

export function hypervolumeOption(hv: HypervolumePlot): Option {
  return {
    grid,
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: number[] }) => `after trial ${esc(p.data[0])}: ${esc(fmt(p.data[1]))}`,
    },
    xAxis: { type: 'value', name: 'trial', nameLocation: 'middle', nameGap: 28, min: 0, minInterval: 1 },
    yAxis: valueAxis('hypervolume'),
    series: [
      {
        type: 'line',
        step: 'end',
        showSymbol: false,
        lineStyle: { color: COLORS.best, width: 2 },
        data: hv.numbers.map((n, i) => [n, hv.values[i]]),
      },
    ],
  };
}

const TIMELINE_STATES = ['complete', 'pruned', 'fail', 'running', 'waiting'] as const;

export function timelineOption(t: TimelinePlot): Option {
  const data = t.numbers.map((n, i) => ({
    value: [t.worker[i], t.start[i], t.end[i], n],
    itemStyle: { color: COLORS[t.states[i] as keyof typeof COLORS] ?? COLORS.waiting },
    state: t.states[i],
  }));
  return {
    grid: { ...grid, left: 140 },
    // The bars' colours are per item; empty series named after the states give them a legend.
    legend: { top: 4, data: TIMELINE_STATES.filter((s) => t.states.includes(s)) },
    tooltip: {
      formatter: (p: { data: { value: number[]; state: string } }) =>
        `trial ${esc(p.data.value[3])} (${esc(p.data.state)})<br>worker ${esc(t.workers[p.data.value[0] as number])}<br>${esc(fmtDuration((p.data.value[2] as number) - (p.data.value[1] as number)))}`,
    },
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'weakFilter' }],
    xAxis: { type: 'time', scale: true },
    yAxis: { type: 'category', data: t.workers, axisLabel: { width: 120, overflow: 'truncate' } },
    series: [
      {
        type: 'custom',
        encode: { x: [1, 2], y: 0 },
        data,
        renderItem: (
          _params: unknown,
          api: {
            value: (i: number) => number;
            coord: (v: number[]) => number[];
            size: (v: number[]) => number[];
            style: () => object;
          },
        ) => {
          const start = api.coord([api.value(1), api.value(0)]);
          const end = api.coord([api.value(2), api.value(0)]);
          const height = (api.size([0, 1])[1] as number) * 0.6;
          return {
            type: 'rect',
            shape: {
              x: start[0],
              y: (start[1] as number) - height / 2,
              width: Math.max(1, (end[0] as number) - (start[0] as number)),
              height,
            },
            style: api.style(),
          };
        },
      },
      ...TIMELINE_STATES.map((state) => ({
        name: state,
        type: 'scatter',
        data: [],
        itemStyle: { color: COLORS[state] },
      })),
    ],
  };
}

export function paretoOption(p: ParetoPlot, names: string[], i: number, j: number): Option {
  const point = (k: number) => ({ value: [p.values[k]?.[i], p.values[k]?.[j], p.numbers[k]] });
  const indices = p.numbers.map((_, k) => k);
  return {
    grid,
    legend: { top: 4, data: ['Pareto front', 'dominated'] },
    tooltip: {
      formatter: (q: { data: { value: number[] } }) =>
        `trial ${esc(q.data.value[2])}<br>${esc(names[i])}: ${esc(fmt(q.data.value[0]))}<br>${esc(names[j])}: ${esc(fmt(q.data.value[1]))}`,
    },
    xAxis: { ...valueAxis(names[i] ?? ''), nameGap: 28 },
    yAxis: valueAxis(names[j] ?? ''),
    series: [
      {
        name: 'dominated',
        type: 'scatter',
        symbolSize: 5,
        itemStyle: { color: COLORS.muted },
        data: indices.filter((k) => !p.onFront[k]).map(point),
      },
      {
        name: 'Pareto front',
        type: 'scatter',
        symbolSize: 8,
        itemStyle: { color: COLORS.best },
        data: indices.filter((k) => p.onFront[k]).map(point),
      },
    ],
  };
}

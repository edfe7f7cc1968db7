// Chart options for the parameter views: parallel coordinates, slice plots and the contour of two
// parameters. Log parameters get log axes; categories are drawn at their choice index, labelled.
import type { ContourPlot, ParallelPlot, ParamAxis, SlicePlot } from '../../../analysis/plots/index.js';
import { esc, fmt } from '../dom.js';
import { COLORS, valueRamp } from './core.js';
import type { Option } from './core.js';

function axisType(axis: ParamAxis): string {
  return axis.kind === 'categorical' ? 'category' : axis.log ? 'log' : 'value';
}

/** A numeric axis standing for a parameter: log where it is log, choice labels where it is categorical. */
function paramAxis(axis: ParamAxis, extra: object = {}): object {
  if (axis.kind === 'categorical')
    return {
      type: 'value',
      name: axis.name,
      min: -0.5,
      max: axis.choices.length - 0.5,
      interval: 1,
      axisLabel: { formatter: (v: number) => axis.choices[Math.round(v)] ?? '' },
      splitLine: { show: false },
      ...extra,
    };
  return {
    type: axis.log ? 'log' : 'value',
    name: axis.name,
    scale: true,
    axisLabel: { formatter: (v: number) => fmt(v) },
    ...extra,
  };
}

const label = (axis: ParamAxis, v: number) =>
  axis.kind === 'categorical' ? (axis.choices[v] ?? '') : fmt(v);

export function parallelOption(p: ParallelPlot, objectiveNames: string[]): Option {
  const dims = p.params.length;
  const parallelAxis = [
    ...p.params.map((axis, dim) => ({
      dim,
      name: axis.name,
      type: axisType(axis),
      ...(axis.kind === 'categorical' ? { data: axis.choices } : { scale: true }),
    })),
    ...objectiveNames.map((name, k) => ({
      dim: dims + k,
      name,
      type: 'value',
      scale: true,
      nameTextStyle: { fontWeight: 'bold' },
    })),
  ];
  const values = p.rows.map((r) => r[dims] as number);
  return {
    parallel: {
      left: 48,
      right: 96,
      top: 48,
      bottom: 32,
      parallelAxisDefault: {
        nameLocation: 'end',
        nameGap: 16,
        nameTruncate: { maxWidth: 110 },
        axisLabel: { formatter: (v: number | string) => (typeof v === 'number' ? fmt(v) : v) },
      },
    },
    parallelAxis,
    visualMap: {
      type: 'continuous',
      dimension: dims,
      min: Math.min(...values),
      max: Math.max(...values),
      inRange: { color: valueRamp(p.directions[0] ?? 'minimize') },
      right: 4,
      top: 'middle',
      itemHeight: 120,
      calculable: true,
      precision: 3,
    },
    tooltip: {
      trigger: 'item',
      formatter: (q: { dataIndex: number }) => `trial ${esc(p.numbers[q.dataIndex])}`,
    },
    series: [
      {
        type: 'parallel',
        lineStyle: { width: 1, opacity: 0.45 },
        emphasis: { lineStyle: { width: 3, opacity: 1 } },
        data: p.rows.map((r) => r.map((v) => (v === null ? '-' : v))),
      },
    ],
  };
}

export function sliceOption(s: SlicePlot, objective: string): Option {
  // Colour encodes trial order (light early, dark late), as in Optuna's slice plot.
  const numbers = s.numbers;
  return {
    grid: { left: 56, right: 16, top: 28, bottom: 40 },
    title: {
      text: s.axis.name + (s.axis.log ? ' (log)' : ''),
      left: 'center',
      top: 0,
      textStyle: { fontSize: 13 },
    },
    tooltip: {
      formatter: (q: { data: number[] }) =>
        `trial ${esc(q.data[2])}<br>${esc(s.axis.name)}: ${esc(label(s.axis, q.data[0] as number))}<br>${esc(objective)}: ${esc(fmt(q.data[1]))}`,
    },
    visualMap: {
      show: false,
      type: 'continuous',
      dimension: 2,
      min: Math.min(...numbers, 0),
      max: Math.max(...numbers, 1),
      inRange: { color: ['#c6dbef', '#08306b'] },
    },
    xAxis: paramAxis(s.axis, { name: '', splitLine: { show: false } }),
    yAxis: {
      type: 'value',
      scale: true,
      name: objective,
      nameLocation: 'middle',
      nameGap: 40,
      axisLabel: { formatter: (v: number) => fmt(v) },
    },
    series: [
      {
        type: 'scatter',
        symbolSize: 5,
        large: s.x.length > 2000,
        data: s.x.map((x, i) => [x, s.y[i], numbers[i]]),
      },
    ],
  };
}

export function contourOption(c: ContourPlot, objective: string): Option {
  const values = c.cells.map((cell) => cell[2]);
  const edge = (g: ContourPlot['x'], i: number) => g.edges[i] as number;
  return {
    grid: { left: 72, right: 96, top: 20, bottom: 48 },
    tooltip: {
      formatter: (q: { seriesType: string; data: number[] }) =>
        q.seriesType === 'custom'
          ? `${esc(c.x.axis.name)} ${esc(label(c.x.axis, edge(c.x, q.data[0] as number)))}…${esc(label(c.x.axis, edge(c.x, (q.data[0] as number) + 1)))}<br>${esc(c.y.axis.name)} ${esc(label(c.y.axis, edge(c.y, q.data[1] as number)))}…${esc(label(c.y.axis, edge(c.y, (q.data[1] as number) + 1)))}<br>best ${esc(objective)}: ${esc(fmt(q.data[2]))} (${esc(q.data[3])} trials)`
          : `trial ${esc(q.data[3])}<br>${esc(objective)}: ${esc(fmt(q.data[2]))}`,
    },
    visualMap: {
      type: 'continuous',
      seriesIndex: 0,
      dimension: 2,
      min: Math.min(...values),
      max: Math.max(...values),
      inRange: { color: valueRamp(c.direction) },
      right: 4,
      top: 'middle',
      itemHeight: 140,
      calculable: true,
      precision: 3,
    },
    xAxis: paramAxis(c.x.axis, {
      nameLocation: 'middle',
      nameGap: 30,
      min: c.x.axis.kind === 'categorical' ? -0.5 : edge(c.x, 0),
      max: c.x.axis.kind === 'categorical' ? c.x.axis.choices.length - 0.5 : edge(c.x, c.x.edges.length - 1),
    }),
    yAxis: paramAxis(c.y.axis, {
      nameLocation: 'middle',
      nameGap: 56,
      min: c.y.axis.kind === 'categorical' ? -0.5 : edge(c.y, 0),
      max: c.y.axis.kind === 'categorical' ? c.y.axis.choices.length - 0.5 : edge(c.y, c.y.edges.length - 1),
    }),
    series: [
      {
        type: 'custom',
        data: c.cells,
        encode: { x: -1, y: -1 },
        renderItem: (
          _p: unknown,
          api: {
            value: (i: number) => number;
            coord: (v: number[]) => number[];
            visual: (k: string) => string;
          },
        ) => {
          const [i, j] = [api.value(0), api.value(1)];
          const a = api.coord([edge(c.x, i), edge(c.y, j)]);
          const b = api.coord([edge(c.x, i + 1), edge(c.y, j + 1)]);
          return {
            type: 'rect',
            shape: {
              x: Math.min(a[0] as number, b[0] as number),
              y: Math.min(a[1] as number, b[1] as number),
              width: Math.abs((b[0] as number) - (a[0] as number)),
              height: Math.abs((b[1] as number) - (a[1] as number)),
            },
            style: { fill: api.visual('color') },
          };
        },
      },
      {
        type: 'scatter',
        symbolSize: 4,
        itemStyle: { color: '#111', opacity: 0.55 },
        data: c.points.x.map((x, k) => [x, c.points.y[k], c.points.values[k], c.points.numbers[k]]),
      },
    ],
  };
}

export { COLORS };

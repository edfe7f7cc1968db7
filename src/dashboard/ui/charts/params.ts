// Chart options for the parameter views: parallel coordinates, slice plots, the contour and the rank plot of
// two parameters. Log parameters get log axes; categories get category axes (a choice in its band's middle).
import type {
  ContourPlot,
  ParallelPlot,
  ParamAxis,
  RankPlot,
  SlicePlot,
} from '../../../analysis/plots/index.js';
import { esc, fmt, fmtAxis } from '../dom.js';
import { COLORS, valueRamp } from './core.js';
import type { Option } from './core.js';

/**
 * A cartesian axis standing for a parameter. Categories are a category axis, so choice i is drawn at its
 * label, not between two; the axis line stays at the plot's edge (`onZero: false`) instead of running
 * through the first choice or through 0.
 */
export function paramAxis(axis: ParamAxis, extra: object = {}): object {
  const edge = { axisLine: { onZero: false } };
  if (axis.kind === 'categorical')
    return {
      type: 'category',
      name: axis.name,
      data: axis.choices,
      boundaryGap: true,
      // Every choice labelled: ECharts would otherwise drop labels that crowd, leaving bands unnamed.
      axisLabel: { interval: 0, overflow: 'truncate', width: 90 },
      axisTick: { alignWithLabel: true },
      splitLine: { show: false },
      ...edge,
      ...extra,
    };
  return {
    type: axis.log ? 'log' : 'value',
    name: axis.name,
    scale: true,
    ...(axis.kind === 'int' && !axis.log ? { minInterval: 1 } : {}),
    axisLabel: { formatter: fmtAxis(axis.low, axis.high, axis.log) },
    ...edge,
    ...extra,
  };
}

const label = (axis: ParamAxis, v: number) =>
  axis.kind === 'categorical' ? (axis.choices[v] ?? '') : fmt(v);

/** One branch of the study (the trials sharing a set of parameters), drawn with only the axes it has. */
export function parallelOption(p: ParallelPlot, objectiveNames: string[], branch = 0): Option {
  const dims = p.params.length;
  const b = p.branches[branch] ?? { params: p.params.map((_, i) => i), rows: p.rows.map((_, i) => i) };
  const parallelAxis = [
    ...b.params.map((i, dim) => {
      const axis = p.params[i] as ParamAxis;
      return {
        dim,
        name: axis.name,
        type: axis.kind === 'categorical' ? 'category' : axis.log ? 'log' : 'value',
        ...(axis.kind === 'categorical'
          ? { data: axis.choices, axisLabel: { interval: 0 } }
          : {
              scale: true,
              ...(axis.kind === 'int' && !axis.log ? { minInterval: 1 } : {}),
              axisLabel: { formatter: fmtAxis(axis.low, axis.high, axis.log) },
            }),
      };
    }),
    ...objectiveNames.map((name, k) => ({
      dim: b.params.length + k,
      name,
      type: 'value',
      scale: true,
      nameTextStyle: { fontWeight: 'bold' },
      axisLabel: { formatter: (v: number) => fmt(v) },
    })),
  ];
  const rows = b.rows.map((r) => p.rows[r] as (number | null)[]);
  const values = rows.map((r) => r[dims] as number);
  return {
    parallel: {
      left: 48,
      // Room for the colour bar, which sits right of the last axis's labels instead of over them.
      right: 150,
      top: 48,
      bottom: 32,
      parallelAxisDefault: { nameLocation: 'end', nameGap: 16, nameTruncate: { maxWidth: 110 } },
    },
    parallelAxis,
    visualMap: {
      type: 'continuous',
      dimension: b.params.length,
      min: Math.min(...values),
      max: Math.max(...values),
      inRange: { color: valueRamp(p.directions[0] ?? 'minimize') },
      right: 8,
      top: 'middle',
      itemHeight: 120,
      calculable: true,
      formatter: (v: number) => fmt(v),
      text: [objectiveNames[0] ?? 'value', ''],
    },
    tooltip: {
      trigger: 'item',
      formatter: (q: { dataIndex: number }) => `trial ${esc(p.numbers[b.rows[q.dataIndex] as number])}`,
    },
    series: [
      {
        type: 'parallel',
        lineStyle: { width: 1, opacity: 0.45 },
        emphasis: { lineStyle: { width: 3, opacity: 1 } },
        data: rows.map((r) => [...b.params.map((i) => r[i] as number), ...r.slice(dims)]),
      },
    ],
  };
}

export function sliceOption(s: SlicePlot, objective: string): Option {
  // Colour encodes trial order (light early, dark late), as in Optuna's slice plot; the bar says so.
  const numbers = s.numbers;
  return {
    grid: { left: 56, right: 16, top: 28, bottom: 56 },
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
      type: 'continuous',
      orient: 'horizontal',
      dimension: 2,
      min: Math.min(...numbers, 0),
      max: Math.max(...numbers, 1),
      inRange: { color: ['#c6dbef', '#08306b'] },
      left: 'center',
      bottom: 0,
      itemWidth: 10,
      itemHeight: 80,
      text: ['later', 'trial: earlier'],
      textStyle: { fontSize: 10 },
      calculable: false,
    },
    xAxis: paramAxis(s.axis, { name: '', splitLine: { show: false } }),
    yAxis: {
      type: 'value',
      scale: true,
      name: objective,
      nameLocation: 'middle',
      nameGap: 40,
      axisLabel: { formatter: (v: number) => fmt(v) },
      axisLine: { onZero: false },
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

type RenderApi = {
  value: (i: number) => number;
  coord: (v: number[]) => number[];
  size: (v: number[]) => number[];
  visual: (k: string) => string;
};

/** Where a cell boundary of a contour axis is on screen: category bands are measured from their centre. */
function edgePixel(g: ContourPlot['x'], k: number, dim: 0 | 1, api: RenderApi): number {
  if (g.axis.kind === 'categorical') {
    const i = Math.min(k, g.nodes.length - 1);
    const centre = api.coord(dim === 0 ? [i, 0] : [0, i])[dim] as number;
    const band = api.size(dim === 0 ? [1, 0] : [0, 1])[dim] as number;
    return centre + (k === i ? -0.5 : 0.5) * band * (dim === 0 ? 1 : -1);
  }
  return api.coord(dim === 0 ? [g.edges[k] as number, 0] : [0, g.edges[k] as number])[dim] as number;
}

export function contourOption(c: ContourPlot, objective: string): Option {
  const cells: [number, number, number][] = [];
  c.z.forEach((row, j) => row.forEach((v, i) => v !== null && cells.push([i, j, v])));
  const values = cells.map((cell) => cell[2]);
  const numeric = (g: ContourPlot['x']) => g.axis.kind !== 'categorical';
  // Numeric axes span the grid's edges; category axes span their bands by themselves.
  const span = (g: ContourPlot['x']) =>
    numeric(g) ? { min: g.edges[0], max: g.edges[g.edges.length - 1] } : {};
  const lineColor = '#1b1b1b';
  return {
    grid: { left: 72, right: 110, top: 20, bottom: 48 },
    tooltip: {
      formatter: (q: { seriesType: string; seriesIndex: number; data: number[] }) =>
        q.seriesIndex === 0
          ? `${esc(c.x.axis.name)} ${esc(label(c.x.axis, c.x.nodes[q.data[0] as number] as number))}<br>${esc(c.y.axis.name)} ${esc(label(c.y.axis, c.y.nodes[q.data[1] as number] as number))}<br>smoothed ${esc(objective)}: ${esc(fmt(q.data[2]))}`
          : q.seriesIndex === 1
            ? `${esc(objective)} = ${esc(fmt(q.data[4]))}`
            : `trial ${esc(q.data[3])}<br>${esc(objective)}: ${esc(fmt(q.data[2]))}`,
    },
    visualMap: {
      type: 'continuous',
      seriesIndex: 0,
      dimension: 2,
      min: Math.min(...values),
      max: Math.max(...values),
      inRange: { color: valueRamp(c.direction) },
      right: 8,
      top: 'middle',
      itemHeight: 140,
      calculable: true,
      formatter: (v: number) => fmt(v),
      text: [objective, ''],
    },
    xAxis: paramAxis(c.x.axis, { nameLocation: 'middle', nameGap: 30, ...span(c.x) }),
    yAxis: paramAxis(c.y.axis, { nameLocation: 'middle', nameGap: 56, ...span(c.y) }),
    series: [
      {
        type: 'custom',
        name: 'surface',
        data: cells,
        encode: { x: -1, y: -1 },
        renderItem: (_p: unknown, api: RenderApi) => {
          const [i, j] = [api.value(0), api.value(1)];
          const [x0, x1] = [edgePixel(c.x, i, 0, api), edgePixel(c.x, i + 1, 0, api)];
          const [y0, y1] = [edgePixel(c.y, j, 1, api), edgePixel(c.y, j + 1, 1, api)];
          return {
            type: 'rect',
            shape: {
              x: Math.min(x0, x1),
              y: Math.min(y0, y1),
              // Half a pixel more on each side so neighbouring cells leave no hairline gaps.
              width: Math.abs(x1 - x0) + 0.5,
              height: Math.abs(y1 - y0) + 0.5,
            },
            style: { fill: api.visual('color') },
          };
        },
      },
      {
        type: 'custom',
        name: 'iso-lines',
        silent: false,
        data: c.lines.flatMap((l) => l.segments.map((s) => [...s, l.level])),
        encode: { x: -1, y: -1 },
        renderItem: (_p: unknown, api: RenderApi) => {
          const a = api.coord([api.value(0), api.value(1)]);
          const b = api.coord([api.value(2), api.value(3)]);
          return {
            type: 'line',
            shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] },
            style: { stroke: lineColor, lineWidth: 1, opacity: 0.55 },
          };
        },
      },
      {
        type: 'scatter',
        name: 'trials',
        symbolSize: 4,
        itemStyle: { color: '#111', opacity: 0.55 },
        data: c.points.x.map((x, k) => [x, c.points.y[k], c.points.values[k], c.points.numbers[k]]),
      },
    ],
  };
}

/** Optuna's rank plot: two parameters, each trial coloured by the rank of its value (0 = best). */
export function rankOption(r: RankPlot, objective: string): Option {
  return {
    grid: { left: 72, right: 110, top: 20, bottom: 48 },
    tooltip: {
      formatter: (q: { data: number[] }) =>
        `trial ${esc(q.data[3])}<br>${esc(objective)}: ${esc(fmt(q.data[4]))}<br>rank ${esc(fmt((q.data[2] as number) * 100))}% (0 = best)`,
    },
    visualMap: {
      type: 'continuous',
      dimension: 2,
      min: 0,
      max: 1,
      // Best (rank 0) dark, as the contour's good end.
      inRange: { color: valueRamp('minimize') },
      right: 8,
      top: 'middle',
      itemHeight: 140,
      text: ['worst', 'rank: best'],
      formatter: (v: number) => `${Math.round(v * 100)}%`,
    },
    xAxis: paramAxis(r.x, { nameLocation: 'middle', nameGap: 30 }),
    yAxis: paramAxis(r.y, { nameLocation: 'middle', nameGap: 56 }),
    series: [
      {
        type: 'scatter',
        symbolSize: 7,
        data: r.px.map((x, k) => [x, r.py[k], r.rank[k], r.numbers[k], r.values[k]]),
      },
    ],
  };
}

export { COLORS };

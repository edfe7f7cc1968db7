// Importance and interactions as horizontal bars (most important on top).
import type { ImportanceResult, InteractionResult } from '../../../analysis/index.js';
import { esc, fmt } from '../dom.js';
import { COLORS } from './core.js';
import type { Option } from './core.js';

export function importanceOption(r: ImportanceResult): Option {
  const params = [...r.params].reverse();
  return {
    grid: { left: 130, right: 48, top: 10, bottom: 30 },
    tooltip: {
      formatter: (q: { dataIndex: number }) => {
        const p = params[q.dataIndex];
        return p
          ? `${esc(p.param)}: ${esc((p.importance * 100).toFixed(1))}%${p.std !== undefined ? ` ± ${esc((p.std * 100).toFixed(1))}` : ''}`
          : '';
      },
    },
    xAxis: { type: 'value', max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    yAxis: {
      type: 'category',
      data: params.map((p) => p.param),
      axisLabel: { width: 120, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        data: params.map((p) => p.importance),
        itemStyle: { color: COLORS.complete },
        label: {
          show: true,
          position: 'insideLeft',
          color: '#fff',
          formatter: (q: { value: number }) => `${(q.value * 100).toFixed(1)}%`,
        },
      },
      {
        // The spread over the forest's trees, as a whisker from importance - std to importance + std.
        type: 'custom',
        name: 'spread',
        data: params.flatMap((p, i) =>
          p.std === undefined ? [] : [[i, Math.max(0, p.importance - p.std), p.importance + p.std]],
        ),
        renderItem: (
          _p: unknown,
          api: {
            value: (i: number) => number;
            coord: (v: number[]) => number[];
            size: (v: number[]) => number[];
          },
        ) => {
          const a = api.coord([api.value(1), api.value(0)]);
          const b = api.coord([api.value(2), api.value(0)]);
          const cap = (api.size([0, 1])[1] as number) * 0.2;
          const line = (x1: number, y1: number, x2: number, y2: number) => ({
            type: 'line',
            shape: { x1, y1, x2, y2 },
            style: { stroke: '#222', lineWidth: 1.5 },
          });
          const [x1, y, x2] = [a[0] as number, a[1] as number, b[0] as number];
          return {
            type: 'group',
            children: [line(x1, y, x2, y), line(x1, y - cap, x1, y + cap), line(x2, y - cap, x2, y + cap)],
          };
        },
        encode: { x: [1, 2], y: 0 },
        silent: true,
      },
    ],
  };
}

export function interactionsOption(r: InteractionResult): Option {
  const pairs = [...r.pairs].reverse();
  return {
    grid: { left: 180, right: 48, top: 10, bottom: 30 },
    tooltip: {
      formatter: (q: { dataIndex: number }) => {
        const p = pairs[q.dataIndex];
        return p
          ? `${esc(p.params[0])} × ${esc(p.params[1])}: ${esc(fmt(p.share * 100))}% of the variance`
          : '';
      },
    },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${fmt(v * 100)}%` } },
    yAxis: {
      type: 'category',
      data: pairs.map((p) => `${p.params[0]} × ${p.params[1]}`),
      axisLabel: { width: 170, overflow: 'truncate' },
    },
    series: [{ type: 'bar', data: pairs.map((p) => p.share), itemStyle: { color: COLORS.pruned } }],
  };
}

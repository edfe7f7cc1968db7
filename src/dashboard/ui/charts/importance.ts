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
          position: 'right',
          formatter: (q: { value: number }) => `${(q.value * 100).toFixed(1)}%`,
        },
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

// Learning curves: every drawn trial's intermediate values, smoothed in the page with the library's EWA
// (slider and bias-correction toggle), pruned trials in their own colour ending in a cross, and the
// 10–90% band and median over all trials.
import type { IntermediatePlot } from '../../../analysis/plots/index.js';
import { ewa } from '../../../analysis/plots/index.js';
import { esc, fmt } from '../dom.js';
import { COLORS } from './core.js';
import type { Option } from './core.js';

export interface Smoothing {
  weight: number;
  biasCorrection: boolean;
}

export function curvesOption(p: IntermediatePlot, smoothing: Smoothing, bestNumber: number | null): Option {
  const smooth = (values: number[]) =>
    smoothing.weight > 0 ? ewa(values, smoothing.weight, smoothing.biasCorrection) : values;
  const series: object[] = [];
  if (p.band && p.totalCurves > 1) {
    const b = p.band;
    series.push(
      {
        name: '10–90%',
        type: 'line',
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        data: b.steps.map((s, i) => [s, b.p10[i]]),
        silent: true,
      },
      {
        name: '10–90%',
        type: 'line',
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        areaStyle: { color: '#2f6fdf', opacity: 0.12 },
        data: b.steps.map((s, i) => [s, (b.p90[i] as number) - (b.p10[i] as number)]),
        silent: true,
      },
      {
        name: 'median',
        type: 'line',
        symbol: 'none',
        lineStyle: { color: '#0b3c8c', width: 2, type: 'dashed' },
        data: b.steps.map((s, i) => [s, b.median[i]]),
        z: 3,
      },
    );
  }
  for (const c of p.curves) {
    const ys = smooth(c.values);
    const color =
      c.number === bestNumber
        ? COLORS.best
        : c.state === 'pruned'
          ? COLORS.pruned
          : c.state === 'running'
            ? COLORS.running
            : c.state === 'fail'
              ? COLORS.fail
              : COLORS.complete;
    const data: object[] = c.steps.map((s, i) => ({ value: [s, ys[i], c.number, c.values[i]] }));
    // Mark where a pruned trial was stopped.
    if (c.state === 'pruned' && data.length > 0)
      data[data.length - 1] = {
        ...data[data.length - 1],
        symbol: 'path://M0,0L10,10M10,0L0,10',
        symbolSize: 9,
        itemStyle: { borderColor: COLORS.pruned, borderWidth: 2 },
      };
    series.push({
      name: `trial ${c.number}`,
      type: 'line',
      symbol: 'none',
      showSymbol: c.state === 'pruned',
      data,
      lineStyle: {
        color,
        width: c.number === bestNumber || c.state === 'running' ? 2.5 : 1,
        opacity: c.number === bestNumber || c.state === 'running' ? 1 : 0.45,
      },
      itemStyle: { color },
      z: c.number === bestNumber ? 4 : 2,
      emphasis: { focus: 'series', lineStyle: { width: 3, opacity: 1 } },
    });
  }
  // What the colours mean: empty series named after each kind of curve give the legend its entries.
  const legend = [
    ['best trial', COLORS.best],
    ['complete', COLORS.complete],
    ['pruned (×)', COLORS.pruned],
    ['running', COLORS.running],
  ] as const;
  for (const [name, color] of legend)
    series.push({ name, type: 'line', data: [], lineStyle: { color }, itemStyle: { color } });
  return {
    grid: { left: 64, right: 24, top: 32, bottom: 48 },
    legend: {
      top: 0,
      data: [...legend.map(([name]) => name), ...(p.band && p.totalCurves > 1 ? ['median', '10–90%'] : [])],
      selectedMode: false,
    },
    tooltip: {
      trigger: 'item',
      formatter: (q: { seriesName: string; data: { value: number[] } | number[] }) => {
        const v = Array.isArray(q.data) ? q.data : q.data.value;
        if (v.length < 4) return `${esc(q.seriesName)} at step ${esc(v[0])}: ${esc(fmt(v[1]))}`;
        return `trial ${esc(v[2])}, step ${esc(v[0])}<br>value ${esc(fmt(v[3]))}${smoothing.weight > 0 ? `<br>smoothed ${esc(fmt(v[1]))}` : ''}`;
      },
    },
    dataZoom: [{ type: 'inside' }],
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 28, min: 'dataMin' },
    yAxis: {
      type: 'value',
      scale: true,
      name: 'intermediate value',
      nameLocation: 'middle',
      nameGap: 44,
      axisLabel: { formatter: (v: number) => fmt(v) },
    },
    series,
  };
}

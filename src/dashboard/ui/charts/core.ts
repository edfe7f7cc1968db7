// ECharts, tree-shaken to the charts the dashboard draws (canvas renderer: fast with thousands of points),
// and one helper that keeps a chart per element so live updates redraw instead of rebuilding.
import { BarChart, CustomChart, HeatmapChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  ParallelComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  CustomChart,
  HeatmapChart,
  LineChart,
  ParallelChart,
  ScatterChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  ParallelComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type Option = EChartsCoreOption;

export const COLORS = {
  complete: '#2f6fdf',
  best: '#e4572e',
  pruned: '#f0a202',
  fail: '#c0392b',
  running: '#17a398',
  waiting: '#8e8e8e',
  muted: '#b8c4d6',
};

const charts = new WeakMap<HTMLElement, echarts.ECharts>();
const resizer = new ResizeObserver((entries) => {
  for (const e of entries) charts.get(e.target as HTMLElement)?.resize();
});

/**
 * Draws `option` into `el` (creating the chart once), and records how many points it drew in
 * `data-points`, which the end-to-end test reads. `onClick` gets the clicked item's `data`.
 */
export function draw(
  el: HTMLElement,
  option: Option,
  points: number,
  onClick?: (data: unknown, seriesIndex: number) => void,
): echarts.ECharts {
  let chart = charts.get(el);
  if (!chart) {
    chart = echarts.init(el, undefined, { renderer: 'canvas' });
    charts.set(el, chart);
    resizer.observe(el);
  }
  chart.off('click');
  if (onClick)
    chart.on('click', (p: { data?: unknown; seriesIndex?: number }) => onClick(p.data, p.seriesIndex ?? 0));
  chart.setOption(
    { animation: false, textStyle: { fontFamily: 'system-ui, sans-serif' }, ...atEdges(option) },
    { notMerge: true },
  );
  el.dataset.points = String(points);
  // The end-to-end test measures where things are drawn through the chart itself (convertToPixel, the
  // rendered elements); the instance is reachable from the element for that, and for nothing else.
  (el as HTMLElement & { chart?: echarts.ECharts }).chart = chart;
  // When the first drawing reached the screen (the next frame), in ms since navigation: bench:dashboard
  // reads it, since a test polling the page only runs once the page is idle, well after the paint.
  if (el.dataset.drawnAt === undefined)
    requestAnimationFrame(() => (el.dataset.drawnAt ??= String(Math.round(performance.now()))));
  return chart;
}

/**
 * Every cartesian axis line at the plot's edge: ECharts otherwise draws an axis through the other axis's
 * zero (or its first category), a stray line that reads as data.
 */
function atEdges(option: Option): Option {
  const fix = (axis: unknown) =>
    axis && typeof axis === 'object' && !Array.isArray(axis)
      ? { ...axis, axisLine: { ...((axis as { axisLine?: object }).axisLine ?? {}), onZero: false } }
      : axis;
  return {
    ...option,
    ...(option.xAxis ? { xAxis: fix(option.xAxis) } : {}),
    ...(option.yAxis ? { yAxis: fix(option.yAxis) } : {}),
  };
}

export function dispose(el: HTMLElement): void {
  charts.get(el)?.dispose();
  charts.delete(el);
}

/** A diverging colour ramp where the good end of the objective is dark, whichever the direction. */
export function valueRamp(direction: string): string[] {
  const ramp = ['#0b3c8c', '#2f6fdf', '#7fb0f0', '#d6e6fa', '#fde0c5', '#f59a5b', '#c4411b'];
  return direction === 'maximize' ? ramp : [...ramp].reverse();
}

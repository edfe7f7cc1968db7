// Plot data: pure functions from trial records to what a chart draws. The dashboard serves them as JSON,
// the static report inlines them; neither computes anything of its own.
export { paramAxes, downsample } from './common.js';
export type { ParamAxis } from './common.js';
export { historyPlot } from './history.js';
export type { HistoryPlot } from './history.js';
export { intermediatePlot } from './intermediate.js';
export type { IntermediateOptions, IntermediatePlot, LearningCurve, QuantileBand } from './intermediate.js';
export { ewa } from './smoothing.js';
export { parallelPlot } from './parallel.js';
export type { ParallelPlot } from './parallel.js';
export { slicePlots } from './slice.js';
export type { SlicePlot } from './slice.js';
export { contourPlot } from './contour.js';
export type { ContourGridAxis, ContourLine, ContourOptions, ContourPlot } from './contour.js';
export { rankPlot } from './rank.js';
export type { RankPlot } from './rank.js';
export { hypervolume, hypervolumePlot } from './hypervolume.js';
export type { HypervolumePlot } from './hypervolume.js';
export { nonDominated, paretoPlot } from './pareto.js';
export type { ParetoPlot } from './pareto.js';
export { timelinePlot } from './timeline.js';
export type { TimelinePlot } from './timeline.js';
export { edfPlot } from './edf.js';
export type { EdfPlot } from './edf.js';
export { fieldValue, trialTable } from './table.js';
export type { TrialField, TrialRow, TrialTable, TrialTableQuery } from './table.js';

// Parallel coordinates: one axis per parameter plus one per objective, one line per complete trial.
import type { Direction, TrialRecord } from '../../index.js';
import { axisValue, downsample, objectiveValue, paramAxes, sign } from './common.js';
import type { ParamAxis } from './common.js';

export interface ParallelPlot {
  /** Parameter axes, then objectives. */
  readonly params: ParamAxis[];
  readonly directions: readonly Direction[];
  /** One row per drawn trial: parameter positions (choice index for categories, null if the trial lacks it), then values. */
  readonly rows: (number | null)[][];
  readonly numbers: number[];
  /** Complete trials in the study; more than `rows.length` when sampled. */
  readonly totalTrials: number;
}

export function parallelPlot(
  trials: readonly TrialRecord[],
  directions: readonly Direction[],
  options: { maxRows?: number } = {},
): ParallelPlot {
  const complete = trials.filter((t) => directions.every((_, i) => objectiveValue(t, i) !== null));
  const params = paramAxes(complete);
  const s = sign(directions[0] ?? 'minimize');
  const drawn = downsample(complete, options.maxRows ?? 1000, (t) => s * (t.values![0] as number));
  return {
    params,
    directions,
    rows: drawn.map((t) => [
      ...params.map((axis) => axisValue(axis, t.params[axis.name])),
      ...(t.values as number[]),
    ]),
    numbers: drawn.map((t) => t.number),
    totalTrials: complete.length,
  };
}

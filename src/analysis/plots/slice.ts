// Slice plots: the objective against each parameter on its own axis (log where the parameter is log).
import type { Direction, TrialRecord } from '../../index.js';
import { axisValue, downsample, objectiveValue, paramAxes, sign } from './common.js';
import type { ParamAxis } from './common.js';

export interface SlicePlot {
  readonly axis: ParamAxis;
  /** Columns over the trials that have this parameter: position on the axis (choice index for categories), value, trial. */
  readonly x: number[];
  readonly y: number[];
  readonly numbers: number[];
  readonly totalPoints: number;
}

export function slicePlots(
  trials: readonly TrialRecord[],
  directions: readonly Direction[],
  options: { objective?: number; params?: readonly string[]; maxPoints?: number } = {},
): SlicePlot[] {
  const objective = options.objective ?? 0;
  const s = sign(directions[objective] ?? 'minimize');
  const complete = trials.filter((t) => objectiveValue(t, objective) !== null);
  const axes = paramAxes(complete).filter((a) => !options.params || options.params.includes(a.name));
  return axes.map((axis) => {
    const points = complete.filter((t) => axisValue(axis, t.params[axis.name]) !== null);
    const drawn = downsample(
      points,
      options.maxPoints ?? 2000,
      (t) => s * (objectiveValue(t, objective) as number),
    );
    return {
      axis,
      x: drawn.map((t) => axisValue(axis, t.params[axis.name]) as number),
      y: drawn.map((t) => objectiveValue(t, objective) as number),
      numbers: drawn.map((t) => t.number),
      totalPoints: points.length,
    };
  });
}

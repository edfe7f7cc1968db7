// Rank plot (as Optuna's plot_rank): two parameters against each other, each trial coloured by where its
// value ranks among all complete trials, so the good region shows whatever the objective's scale.
import type { Direction, TrialRecord } from '../../index.js';
import { TunekitError } from '../../errors.js';
import { axisValue, downsample, objectiveValue, paramAxes, sign } from './common.js';
import type { ParamAxis } from './common.js';

export interface RankPlot {
  readonly x: ParamAxis;
  readonly y: ParamAxis;
  readonly direction: Direction;
  /** Trial positions (choice indices for categories), values, and rank in [0, 1]: 0 is the best trial. */
  readonly px: number[];
  readonly py: number[];
  readonly values: number[];
  readonly rank: number[];
  readonly numbers: number[];
  readonly totalPoints: number;
}

export function rankPlot(
  trials: readonly TrialRecord[],
  directions: readonly Direction[],
  xName: string,
  yName: string,
  options: { objective?: number; maxPoints?: number } = {},
): RankPlot {
  const objective = options.objective ?? 0;
  const direction = directions[objective] ?? 'minimize';
  const s = sign(direction);
  const complete = trials.filter((t) => objectiveValue(t, objective) !== null);
  const axes = paramAxes(complete);
  const find = (name: string): ParamAxis => {
    const axis = axes.find((a) => a.name === name);
    if (!axis)
      throw new TunekitError(
        'invalid_argument',
        `no complete trial has the parameter ${JSON.stringify(name)}`,
        { param: name },
      );
    return axis;
  };
  const [x, y] = [find(xName), find(yName)];
  const inPlane = complete.filter(
    (t) => axisValue(x, t.params[xName]) !== null && axisValue(y, t.params[yName]) !== null,
  );
  // Ties share the better rank, so equal values get equal colours.
  const sorted = inPlane.map((t) => s * (objectiveValue(t, objective) as number)).sort((a, b) => a - b);
  const rankOf = (v: number): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    return sorted.length > 1 ? lo / (sorted.length - 1) : 0;
  };
  const drawn = downsample(
    inPlane,
    options.maxPoints ?? 2000,
    (t) => s * (objectiveValue(t, objective) as number),
  );
  return {
    x,
    y,
    direction,
    px: drawn.map((t) => axisValue(x, t.params[xName]) as number),
    py: drawn.map((t) => axisValue(y, t.params[yName]) as number),
    values: drawn.map((t) => objectiveValue(t, objective) as number),
    rank: drawn.map((t) => rankOf(s * (objectiveValue(t, objective) as number))),
    numbers: drawn.map((t) => t.number),
    totalPoints: inPlane.length,
  };
}

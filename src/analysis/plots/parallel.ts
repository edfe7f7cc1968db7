// Parallel coordinates: one axis per parameter plus one per objective, one line per complete trial. In a
// conditional space, trials are grouped by the parameters they have, so no line crosses an axis it lacks.
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
  /** Trials grouped by the parameters they have, largest group first: draw one group's axes at a time. */
  readonly branches: ParallelBranch[];
}

export interface ParallelBranch {
  /** Indices into `params` of the parameters every trial of the group has. */
  readonly params: number[];
  /** Indices into `rows`. */
  readonly rows: number[];
  /** Complete trials with exactly these parameters (drawn or not). */
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
  const rows = drawn.map((t) => [
    ...params.map((axis) => axisValue(axis, t.params[axis.name])),
    ...(t.values as number[]),
  ]);
  const key = (present: (number | null)[]) =>
    params.flatMap((_, i) => (present[i] === null ? [] : [i])).join(',');
  const totals = new Map<string, number>();
  for (const t of complete) {
    const k = key(params.map((axis) => axisValue(axis, t.params[axis.name])));
    totals.set(k, (totals.get(k) ?? 0) + 1);
  }
  const branches = new Map<string, ParallelBranch>();
  rows.forEach((row, r) => {
    const k = key(row);
    let branch = branches.get(k);
    if (!branch)
      branches.set(
        k,
        (branch = {
          params: k === '' ? [] : k.split(',').map(Number),
          rows: [],
          totalTrials: totals.get(k) ?? 0,
        }),
      );
    branch.rows.push(r);
  });
  return {
    params,
    directions,
    rows,
    numbers: drawn.map((t) => t.number),
    totalTrials: complete.length,
    branches: [...branches.values()].sort((a, b) => b.totalTrials - a.totalTrials),
  };
}

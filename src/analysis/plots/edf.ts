// Empirical distribution of the objective: the fraction of complete trials at or below each value.
import type { Direction, TrialRecord } from '../../index.js';
import { completeWithValue, downsample, objectiveValue } from './common.js';

export interface EdfPlot {
  readonly direction: Direction;
  /** Sorted values and the cumulative fraction at each (thinned to `maxPoints`, ends kept). */
  readonly x: number[];
  readonly y: number[];
  readonly totalTrials: number;
}

export function edfPlot(
  trials: readonly TrialRecord[],
  directions: readonly Direction[],
  options: { objective?: number; maxPoints?: number } = {},
): EdfPlot {
  const objective = options.objective ?? 0;
  const values = completeWithValue(trials, objective)
    .map((t) => objectiveValue(t, objective) as number)
    .sort((a, b) => a - b);
  const n = values.length;
  const indices = downsample(
    values.map((_, i) => i),
    options.maxPoints ?? 500,
  );
  if (n > 0 && indices[indices.length - 1] !== n - 1) indices.push(n - 1);
  return {
    direction: directions[objective] ?? 'minimize',
    x: indices.map((i) => values[i] as number),
    y: indices.map((i) => (i + 1) / n),
    totalTrials: n,
  };
}

// Pareto front of a multi-objective study: every complete trial's values, the non-dominated ones marked.
import type { Direction, TrialRecord } from '../../index.js';
import { downsample, objectiveValue, sign } from './common.js';

export interface ParetoPlot {
  readonly directions: readonly Direction[];
  /** Per drawn trial: its values (one per objective), number and whether it is on the front. */
  readonly values: number[][];
  readonly numbers: number[];
  readonly onFront: boolean[];
  readonly frontSize: number;
  readonly totalTrials: number;
}

export function paretoPlot(
  trials: readonly TrialRecord[],
  directions: readonly Direction[],
  options: { maxPoints?: number } = {},
): ParetoPlot {
  const complete = trials.filter((t) => directions.every((_, i) => objectiveValue(t, i) !== null));
  const front = nonDominated(complete, directions);
  // The front is what the plot is for: it is always drawn in full, the rest is sampled.
  const rest = downsample(
    complete.filter((t) => !front.has(t.number)),
    Math.max(0, (options.maxPoints ?? 3000) - front.size),
  );
  const drawn = [...complete.filter((t) => front.has(t.number)), ...rest].sort((a, b) => a.number - b.number);
  return {
    directions,
    values: drawn.map((t) => [...(t.values as number[])]),
    numbers: drawn.map((t) => t.number),
    onFront: drawn.map((t) => front.has(t.number)),
    frontSize: front.size,
    totalTrials: complete.length,
  };
}

/**
 * Trial numbers of the non-dominated trials. Sorted lexicographically (best first), a trial can only be
 * dominated by an earlier one, and if it is, some front member dominates it: so O(n · front) not O(n²).
 */
export function nonDominated(trials: readonly TrialRecord[], directions: readonly Direction[]): Set<number> {
  const signs = directions.map(sign);
  const key = (t: TrialRecord) => signs.map((s, i) => s * (t.values![i] as number));
  const sorted = trials
    .map((t) => ({ t, k: key(t) }))
    .sort((a, b) => {
      for (let i = 0; i < signs.length; i++)
        if (a.k[i] !== b.k[i]) return (a.k[i] as number) - (b.k[i] as number);
      return 0;
    });
  const front: number[][] = [];
  const numbers = new Set<number>();
  for (const { t, k } of sorted) {
    const dominated = front.some(
      (f) => f.every((v, i) => v <= (k[i] as number)) && f.some((v, i) => v < (k[i] as number)),
    );
    if (!dominated) {
      front.push(k);
      numbers.add(t.number);
    }
  }
  return numbers;
}

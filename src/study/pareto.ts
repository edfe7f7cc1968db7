// Best trials: the single best for one objective, the Pareto front for several.
import type { Direction, TrialRecord } from './types.js';

/** True if `a` is at least as good as `b` in every objective and better in one. */
export function dominates(
  a: readonly number[],
  b: readonly number[],
  directions: readonly Direction[],
): boolean {
  let better = false;
  for (let i = 0; i < directions.length; i++) {
    const sign = directions[i] === 'maximize' ? -1 : 1;
    const x = sign * (a[i] as number);
    const y = sign * (b[i] as number);
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

/** Complete trials that no other complete trial dominates, in trial order. */
export function paretoFront(trials: readonly TrialRecord[], directions: readonly Direction[]): TrialRecord[] {
  const complete = trials.filter((t) => t.state === 'complete' && t.values !== null);
  return complete.filter(
    (t) => !complete.some((o) => o !== t && dominates(o.values!, t.values!, directions)),
  );
}

/** The best complete trial of a single-objective study (the earliest among ties), or null. */
export function bestOf(trials: readonly TrialRecord[], direction: Direction): TrialRecord | null {
  const sign = direction === 'maximize' ? -1 : 1;
  let best: TrialRecord | null = null;
  for (const t of trials) {
    if (t.state !== 'complete' || !t.values) continue;
    if (best === null || sign * (t.values[0] as number) < sign * (best.values![0] as number)) best = t;
  }
  return best;
}

/** Complete single-objective trials, best first (ties keep trial order). */
export function bestFirst(trials: readonly TrialRecord[], direction: Direction): TrialRecord[] {
  const sign = direction === 'maximize' ? -1 : 1;
  return trials
    .filter((t) => t.state === 'complete' && t.values !== null)
    .sort((a, b) => sign * ((a.values![0] as number) - (b.values![0] as number)) || a.number - b.number);
}

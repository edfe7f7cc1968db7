// SuccessiveHalvingPruner: asynchronous successive halving (ASHA, Li et al. 2018). Rung k ends at step
// minResource · η^(s+k); a trial that reaches it goes on only if it is in the best 1/η of the trials that
// reached it before. Rung values are read from the reported steps, so the pruner keeps no state.
import { TunekitError } from '../errors.js';
import type { Pruner, PrunerContext } from '../study/pruner.js';
import type { Direction, TrialRecord } from '../study/types.js';
import { checkInt, directionOf, lastStep, reportedSteps } from './common.js';

export interface SuccessiveHalvingPrunerOptions {
  /**
   * Steps before the first rung ends (r). 'auto' (default) takes 1/100 of the last step of the first
   * trial to complete, at least 1, and prunes nothing until then.
   */
  minResource?: number | 'auto';
  /** η: about 1/η of the trials that reach a rung go on to the next. Default 4. */
  reductionFactor?: number;
  /** s: the first rung ends at r·η^s instead of r. Default 0. */
  minEarlyStoppingRate?: number;
  /** Trials that must have completed a rung before any is promoted from it. Default 0. */
  bootstrapCount?: number;
}

export class SuccessiveHalvingPruner implements Pruner {
  readonly minResource: number | 'auto';
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;
  readonly bootstrapCount: number;

  constructor(options: SuccessiveHalvingPrunerOptions = {}) {
    const owner = 'SuccessiveHalvingPruner';
    const minResource = options.minResource ?? 'auto';
    this.minResource = minResource === 'auto' ? 'auto' : checkInt(owner, 'minResource', minResource, 1);
    this.reductionFactor = checkInt(owner, 'reductionFactor', options.reductionFactor ?? 4, 2);
    this.minEarlyStoppingRate = checkInt(owner, 'minEarlyStoppingRate', options.minEarlyStoppingRate ?? 0, 0);
    this.bootstrapCount = checkInt(owner, 'bootstrapCount', options.bootstrapCount ?? 0, 0);
    if (this.bootstrapCount > 0 && this.minResource === 'auto')
      throw new TunekitError(
        'invalid_argument',
        `${owner}: bootstrapCount needs an explicit minResource, not 'auto'`,
        {
          option: 'bootstrapCount',
        },
      );
  }

  prune(ctx: PrunerContext, trial: TrialRecord): boolean {
    const steps = reportedSteps(trial);
    if (steps.length === 0) return false;
    const step = steps[steps.length - 1] as number;
    const value = trial.intermediateValues[step] as number;
    const minResource = this.resolveMinResource(ctx.trials);
    if (minResource === null) return false;
    const rungEnd = (rung: number): number =>
      rungPromotionStep(minResource, this.reductionFactor, this.minEarlyStoppingRate, rung);

    for (let rung = 0; ; rung++) {
      const end = rungEnd(rung);
      if (step < end) return false;
      // An earlier report already crossed this rung's end: the trial was judged there then, and survived.
      if (steps.some((s) => s >= end && s < step)) continue;
      if (Number.isNaN(value)) return true;
      const direction = directionOf(ctx, 'SuccessiveHalvingPruner');
      const competing = [value];
      for (const other of ctx.trials) {
        if (other.id === trial.id) continue;
        const v = rungValue(other, rung, rungEnd);
        if (v !== undefined && !Number.isNaN(v)) competing.push(v);
      }
      if (competing.length <= this.bootstrapCount) return true;
      if (!isPromotable(value, competing, this.reductionFactor, direction)) return true;
    }
  }

  /** r: as given, or with 'auto' read from the history (null until a trial that reported completes). */
  resolveMinResource(trials: readonly TrialRecord[]): number | null {
    if (this.minResource !== 'auto') return this.minResource;
    const first = firstComplete(trials);
    return first === null ? null : Math.max(Math.floor((lastStep(first) as number) / 100), 1);
  }
}

/** The step at which rung `rung` ends: r · η^(s + rung). */
export function rungPromotionStep(
  minResource: number,
  reductionFactor: number,
  minEarlyStoppingRate: number,
  rung: number,
): number {
  return minResource * reductionFactor ** (minEarlyStoppingRate + rung);
}

/**
 * A trial's value at a rung: what it reported at its first step at or past the rung's end (where it was
 * judged), or undefined if it never got there.
 */
export function rungValue(
  trial: TrialRecord,
  rung: number,
  rungEnd: (rung: number) => number,
): number | undefined {
  const steps = reportedSteps(trial);
  const end = rungEnd(rung);
  const at = steps.findIndex((s) => s >= end);
  if (at < 0) return undefined;
  const decided = steps[at] as number;
  // A pruned trial that crossed several rung ends in one report was stopped at one of them; we cannot
  // tell which, so it counts at the lowest only (exact whenever reports do not skip a rung end).
  if (trial.state === 'pruned' && decided === lastStep(trial) && rung > 0) {
    const previous = at > 0 ? (steps[at - 1] as number) : -1;
    if (previous < rungEnd(rung - 1)) return undefined;
  }
  return trial.intermediateValues[decided];
}

/** Whether `value` is among the best ⌊n/η⌋ of `competing` (which includes it); at least the best goes on. */
export function isPromotable(
  value: number,
  competing: readonly number[],
  reductionFactor: number,
  direction: Direction,
): boolean {
  const sorted = [...competing].sort((a, b) => a - b);
  const index = Math.max(Math.floor(sorted.length / reductionFactor) - 1, 0);
  return direction === 'maximize'
    ? value >= (sorted[sorted.length - 1 - index] as number)
    : value <= (sorted[index] as number);
}

/**
 * The complete trial (with reports) that finished first. Choosing it, rather than whatever has completed
 * by now, keeps 'auto' settings the same in every worker and for the whole study.
 */
export function firstComplete(trials: readonly TrialRecord[]): TrialRecord | null {
  let first: TrialRecord | null = null;
  for (const t of trials) {
    if (t.state !== 'complete' || lastStep(t) === null) continue;
    const earlier =
      first === null ||
      (t.finishedAt ?? Infinity) < (first.finishedAt ?? Infinity) ||
      ((t.finishedAt ?? Infinity) === (first.finishedAt ?? Infinity) && t.number < first.number);
    if (earlier) first = t;
  }
  return first;
}

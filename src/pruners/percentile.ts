// PercentilePruner and MedianPruner: stop a trial whose best value so far is worse than the given
// percentile of what complete trials had reported at the same step. Decisions follow Optuna's.
import type { Pruner, PrunerContext } from '../study/pruner.js';
import type { TrialRecord } from '../study/types.js';
import {
  bestIgnoringNaN,
  checkInt,
  checkNumber,
  directionOf,
  isFirstInIntervalStep,
  lastStep,
  reportedSteps,
} from './common.js';

export interface PercentilePrunerOptions {
  /** Complete trials needed before anything is pruned. Default 5. */
  nStartupTrials?: number;
  /** A trial is not pruned before it reports this step. Default 0. */
  nWarmupSteps?: number;
  /** Steps between checks, counted from the warm-up step. Default 1. */
  intervalSteps?: number;
  /** Complete trials that must have reported the current step to judge it. Default 1. */
  nMinTrials?: number;
}

export class PercentilePruner implements Pruner {
  readonly percentile: number;
  readonly nStartupTrials: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
  readonly nMinTrials: number;

  /** `percentile` in [0, 100]: 25 keeps trials in the best quarter at each step. */
  constructor(percentile: number, options: PercentilePrunerOptions = {}) {
    const owner = this.constructor.name;
    this.percentile = checkNumber(owner, 'percentile', percentile, 0, 100);
    this.nStartupTrials = checkInt(owner, 'nStartupTrials', options.nStartupTrials ?? 5, 0);
    this.nWarmupSteps = checkInt(owner, 'nWarmupSteps', options.nWarmupSteps ?? 0, 0);
    this.intervalSteps = checkInt(owner, 'intervalSteps', options.intervalSteps ?? 1, 1);
    this.nMinTrials = checkInt(owner, 'nMinTrials', options.nMinTrials ?? 1, 1);
  }

  prune(ctx: PrunerContext, trial: TrialRecord): boolean {
    const complete = ctx.trials.filter((t) => t.state === 'complete');
    if (complete.length === 0 || complete.length < this.nStartupTrials) return false;
    const step = lastStep(trial);
    if (step === null || step < this.nWarmupSteps) return false;
    if (!isFirstInIntervalStep(step, reportedSteps(trial), this.nWarmupSteps, this.intervalSteps))
      return false;

    const direction = directionOf(ctx, this.constructor.name);
    // The trial's best so far, not its latest: one noisy epoch should not stop a trial that did well.
    const best = bestIgnoringNaN(Object.values(trial.intermediateValues), direction);
    if (Number.isNaN(best)) return true;
    const atStep = complete
      .map((t) => t.intermediateValues[step])
      .filter((v): v is number => v !== undefined);
    if (atStep.length < this.nMinTrials) return false;
    const threshold = percentileOf(
      atStep,
      direction === 'maximize' ? 100 - this.percentile : this.percentile,
    );
    if (Number.isNaN(threshold)) return false;
    return direction === 'maximize' ? best < threshold : best > threshold;
  }
}

/** Prunes a trial whose best value is worse than the median of complete trials at the same step. */
export class MedianPruner extends PercentilePruner {
  constructor(options: PercentilePrunerOptions = {}) {
    super(50, options);
  }
}

/** The q-th percentile (0-100) with linear interpolation, ignoring NaN (numpy's nanpercentile). */
export function percentileOf(values: readonly number[], q: number): number {
  const xs = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const position = (q / 100) * (xs.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, xs.length - 1);
  const a = xs[lo] as number;
  const b = xs[hi] as number;
  const t = position - lo;
  // Written as numpy does it, so that thresholds equal to a reported value compare the same way.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

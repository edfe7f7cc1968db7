// ThresholdPruner: stops a trial whose latest value leaves [lower, upper] or is NaN, e.g. a diverging
// loss. Needs no other trial, so it works from the first trial on.
import { TunekitError } from '../errors.js';
import type { Pruner, PrunerContext } from '../study/pruner.js';
import type { TrialRecord } from '../study/types.js';
import { checkInt, checkNumber, isFirstInIntervalStep, lastStep, reportedSteps } from './common.js';

export interface ThresholdPrunerOptions {
  lower?: number;
  upper?: number;
  /** A trial is not pruned before it reports this step. Default 0. */
  nWarmupSteps?: number;
  /** Steps between checks, counted from the warm-up step. Default 1. */
  intervalSteps?: number;
}

export class ThresholdPruner implements Pruner {
  readonly lower: number;
  readonly upper: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;

  constructor(options: ThresholdPrunerOptions) {
    if (options?.lower === undefined && options?.upper === undefined)
      throw new TunekitError('invalid_argument', 'ThresholdPruner: give lower, upper or both');
    this.lower = checkNumber('ThresholdPruner', 'lower', options.lower ?? -Infinity);
    this.upper = checkNumber('ThresholdPruner', 'upper', options.upper ?? Infinity);
    if (this.lower > this.upper)
      throw new TunekitError(
        'invalid_argument',
        `ThresholdPruner: lower (${this.lower}) is above upper (${this.upper})`,
        { option: 'lower' },
      );
    this.nWarmupSteps = checkInt('ThresholdPruner', 'nWarmupSteps', options.nWarmupSteps ?? 0, 0);
    this.intervalSteps = checkInt('ThresholdPruner', 'intervalSteps', options.intervalSteps ?? 1, 1);
  }

  prune(_ctx: PrunerContext, trial: TrialRecord): boolean {
    const step = lastStep(trial);
    if (step === null || step < this.nWarmupSteps) return false;
    if (!isFirstInIntervalStep(step, reportedSteps(trial), this.nWarmupSteps, this.intervalSteps))
      return false;
    const value = trial.intermediateValues[step] as number;
    return Number.isNaN(value) || value < this.lower || value > this.upper;
  }
}

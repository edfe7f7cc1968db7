// PatientPruner: tolerates `patience` steps without improvement before it lets the wrapped pruner (or,
// without one, itself) stop the trial. Useful for noisy curves that plateau before they improve.
import type { Pruner, PrunerContext } from '../study/pruner.js';
import type { TrialRecord } from '../study/types.js';
import { bestIgnoringNaN, checkInt, checkNumber, directionOf, reportedSteps } from './common.js';

export interface PatientPrunerOptions {
  /** Steps in a row without improvement that are tolerated. */
  patience: number;
  /** An improvement smaller than this does not count. Default 0. */
  minDelta?: number;
}

export class PatientPruner implements Pruner {
  readonly patience: number;
  readonly minDelta: number;

  /** `wrapped` decides once patience has run out; null prunes as soon as it has. */
  constructor(
    readonly wrapped: Pruner | null,
    options: PatientPrunerOptions,
  ) {
    this.patience = checkInt('PatientPruner', 'patience', options?.patience, 0);
    this.minDelta = checkNumber('PatientPruner', 'minDelta', options.minDelta ?? 0, 0);
  }

  async prune(ctx: PrunerContext, trial: TrialRecord): Promise<boolean> {
    const steps = reportedSteps(trial);
    if (steps.length <= this.patience + 1) return false;
    const direction = directionOf(ctx, 'PatientPruner');
    const split = steps.length - this.patience - 1;
    const before = bestIgnoringNaN(
      steps.slice(0, split).map((s) => trial.intermediateValues[s] as number),
      direction,
    );
    const after = bestIgnoringNaN(
      steps.slice(split).map((s) => trial.intermediateValues[s] as number),
      direction,
    );
    // NaN on either side compares false, as numpy's does: no verdict without numbers.
    const stalled =
      direction === 'minimize' ? before + this.minDelta < after : before - this.minDelta > after;
    if (!stalled) return false;
    return this.wrapped === null ? true : await this.wrapped.prune(ctx, trial);
  }

  samplerView(ctx: PrunerContext, trial: TrialRecord): readonly TrialRecord[] {
    return this.wrapped?.samplerView ? this.wrapped.samplerView(ctx, trial) : ctx.trials;
  }
}

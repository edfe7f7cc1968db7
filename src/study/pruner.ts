// The pruner contract: one method. Given the study's history and a running trial that has just reported,
// decide whether to stop it.
import type { StudyInfo, TrialRecord } from './types.js';

export interface PrunerContext {
  readonly study: StudyInfo;
  /**
   * The study's trials, including the trial being judged: this process's as they are now, other processes'
   * as last read, at most one report or one sync interval earlier (see PruneHistory in trial.ts).
   */
  readonly trials: readonly TrialRecord[];
}

export interface Pruner {
  /**
   * Called by `trial.shouldPrune()`. `trial` is the trial with everything it reported so far (the latest
   * report included, whether or not its write has reached storage yet). Return true to stop it.
   */
  prune(ctx: PrunerContext, trial: TrialRecord): boolean | Promise<boolean>;
  /**
   * Optional. Called by `study.ask()` when a trial starts, before the sampler sees anything: returns the
   * history the sampler may model for `trial`, drawn from `ctx.trials`, each trial at most once and
   * possibly presented differently (Hyperband: the trial's own bracket, or trials valued at one rung).
   * Must depend only on its arguments, so every worker gives the sampler the same view, and keep `trial`.
   */
  samplerView?(ctx: PrunerContext, trial: TrialRecord): readonly TrialRecord[];
}

/** Never prunes: the default until a pruner is chosen. */
export const nopPruner: Pruner = { prune: () => false };

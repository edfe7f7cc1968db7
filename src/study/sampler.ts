// The sampler contract, in the spirit of Optuna's: independent sampling of one parameter is required;
// joint (relative) sampling of several parameters at once and the other hooks are optional.
import type { Distribution, ParamValue } from '../search-space/index.js';
import type { StudyStorage } from './storage.js';
import type { JsonValue, StudyInfo, TrialRecord } from './types.js';

export interface SamplerContext {
  readonly study: StudyInfo;
  /**
   * A consistent snapshot of the study's trials, taken when the current trial started (it includes the
   * current trial, running). Samplers that model the history read only this.
   */
  readonly trials: readonly TrialRecord[];
  /** The trial being sampled, as it was when it started. */
  readonly trial: TrialRecord;
  /**
   * Stores a JSON memo on the current trial (under the sampler's own key), so that any process that loads
   * the study can pick up the sampler's state. Storage is the only memory a sampler has.
   */
  setMemo(key: string, value: JsonValue): Promise<void>;
}

/** Values a sampler chose jointly for several parameters, with the space it assumed for each. */
export interface RelativeSample {
  readonly space: Readonly<Record<string, Distribution>>;
  readonly params: Readonly<Record<string, ParamValue>>;
}

export interface Sampler {
  /**
   * Called before each trial is started, with the study's storage. A sampler that knows every point in
   * advance (grid) enqueues them here, once, with `enqueueTrials(..., { onceKey })`.
   */
  prepare?(study: StudyInfo, storage: StudyStorage): Promise<void>;
  /**
   * Set when the sampler only runs trials it enqueued in `prepare`: once none is waiting, the search space
   * is exhausted and `optimize` stops.
   */
  readonly onlyEnqueued?: boolean;
  /**
   * Set when the sampler never reads `ctx.trials` (random search): `ask` then does not load the study's
   * trials for it, one read less per trial. Reading `ctx.trials` anyway throws.
   */
  readonly ignoresHistory?: boolean;
  /**
   * Called once per trial when it starts, before the objective runs. Returns values for the parameters
   * the sampler models jointly (it infers their space from `ctx.trials`), or null to sample every
   * parameter independently. A value is used only if the objective asks for the same distribution.
   */
  sampleRelative?(ctx: SamplerContext): Promise<RelativeSample | null> | RelativeSample | null;
  /**
   * Called when the objective asks for a parameter that was neither fixed nor sampled jointly.
   * Must return a value the distribution contains. Synchronous: it may only read `ctx`.
   */
  sampleIndependent(ctx: SamplerContext, name: string, distribution: Distribution): ParamValue;
  /** Called after the trial finished (complete, pruned or failed), with the record as stored. */
  afterTrial?(ctx: SamplerContext, finished: TrialRecord): Promise<void> | void;
}

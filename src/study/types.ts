// The records a study is made of. They are plain, JSON-serialisable data: storages return them, samplers
// and pruners read them, the CLI and dashboard print them. A returned record is never mutated.
import type { Distribution, ParamValue } from '../search-space/index.js';

export type Direction = 'minimize' | 'maximize';

export type TrialState = 'waiting' | 'running' | 'complete' | 'pruned' | 'fail';

export const FINISHED_STATES: readonly TrialState[] = ['complete', 'pruned', 'fail'];

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface StudyInfo {
  /** Storage-wide identifier. */
  readonly id: number;
  readonly name: string;
  readonly directions: readonly Direction[];
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  /** How many stops were ever requested (`requestStop`); a worker stops when the count changes. */
  readonly stopRequests: number;
  /** Every scoring of the study's test data, oldest first (`evaluateOnTest`). */
  readonly testEvaluations: readonly TestEvaluation[];
  /** The tune config the study was started from, as written (`tunekit tune`); null otherwise. */
  readonly config: JsonValue | null;
  /** Notes on trials, by trial number (the dashboard's); on the study, since finished trials are immutable. */
  readonly notes: Readonly<Record<number, string>>;
  /** The `enqueueTrials` once-keys used so far, so a grid is enqueued once (and a copied grid not again). */
  readonly onceKeys: readonly string[];
  /** For a stage of a staged run (docs/strategies.md), its link to the run's study; null for any other study. */
  readonly stage: StageLink | null;
  /** How every worker runs the study when it is reproducible (docs/reproducibility.md); null: it is not. */
  readonly reproducible: ReproducibleMode | null;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/**
 * What makes a study a stage of a staged run: the run's own study (the parent) and what the stage tunes.
 * Kept on the stage only; a parent's stages are the studies whose link names it, in index order (`stagesOf`).
 */
export interface StageLink {
  /** The name of the parent study; the stage's own name is `<parent>.stage-<index>`. */
  readonly parent: string;
  /** 1, 2, ... in the order the stages run. */
  readonly index: number;
  /** What the stage is, for people: its knobs joined by `+`, or `explore`, or `final`. */
  readonly label: string;
  /** The knobs the stage tunes. */
  readonly params: readonly string[];
  /** The knobs the stage holds still, and where. */
  readonly fixed: Readonly<Record<string, ParamValue>>;
}

/**
 * A reproducible study's mode: trial n's sampler and pruner see exactly the trials placed below n − lag, so
 * 1 or 8 workers give the same trials. It is the study's, not a worker's: set in the write that creates the
 * study (or while it holds no trial), and every worker that opens the study runs with it. How long a worker
 * waits for the trials it must see is its own (`ReproducibleOptions.waitMs`), so it is not stored.
 */
export interface ReproducibleMode {
  /**
   * Trial n's sampler and pruner see the trials in places below n − lag as stored (waiting for them to
   * finish), and those from n − lag to n − 1 as running placeholders. Workers − 1 lets that many run at once.
   */
  readonly lag: number;
}

// There is no bag of system attributes: each thing tunekit keeps on a record is a field of its own, read
// and written under its name. Keys an older database held outside these fields (only code writing the
// old bag directly could put them there) are kept in `userAttrs` as `system:<key>` by the migration.

export interface TrialRecord {
  /** Storage-wide identifier. */
  readonly id: number;
  readonly studyId: number;
  /** 0, 1, 2, ... per study, dense and unique however many workers add trials. */
  readonly number: number;
  readonly state: TrialState;
  /** One value per objective for complete trials; a pruned trial keeps its last intermediate value. */
  readonly values: readonly number[] | null;
  /** Hyperparameters chosen for this trial, with the distribution each was drawn from. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** Values reported during training, keyed by step (epoch, batch, resource used). */
  readonly intermediateValues: Readonly<Record<number, number>>;
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  /**
   * Constraint values the objective set (`trial.setConstraint`); every value <= 0 means feasible. Null when
   * none were set: the trial counts as feasible.
   */
  readonly constraints: readonly number[] | null;
  /** The params an enqueued trial must use; null for a trial that was not enqueued. */
  readonly fixedParams: Readonly<Record<string, ParamValue>> | null;
  /** Which point of its grid an enqueued grid trial runs (an index); null otherwise. */
  readonly gridId: number | null;
  /** On a retry: the number of the stale trial it repeats; null otherwise. */
  readonly retriedFrom: number | null;
  /** On a trial failed as stale: the number of the trial that repeats it; null otherwise. */
  readonly retriedBy: number | null;
  /** How many retries led to this trial (0 for an original). */
  readonly retryCount: number;
  /** What samplers stored on the trial (`ctx.setMemo`), by the sampler's key; the run's, not carried to a retry. */
  readonly samplerMemo: Readonly<Record<string, JsonValue>>;
  /** Why a trial failed (the error message), null otherwise. */
  readonly failReason: string | null;
  /** Which worker ran the trial (host:pid:n), null while waiting. */
  readonly worker: string | null;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly heartbeatAt: number | null;
}

/** A new trial's bookkeeping fields, before anything set them: not enqueued, no grid point, no retry, no memo. */
export function noBookkeeping(): Pick<
  TrialRecord,
  'fixedParams' | 'gridId' | 'retriedFrom' | 'retriedBy' | 'retryCount'
> & { samplerMemo: Record<string, JsonValue> } {
  return {
    fixedParams: null,
    gridId: null,
    retriedFrom: null,
    retriedBy: null,
    retryCount: 0,
    samplerMemo: {},
  };
}

export type TestScore = number | Readonly<Record<string, number>>;

/** One scoring of a study's test data (see data/test-set.ts). */
export interface TestEvaluation {
  /** Milliseconds since the epoch, when the evaluation started. */
  readonly at: number;
  /** Number of the trial whose hyperparameters were evaluated. */
  readonly trial: number;
  /** Null while running, or when the evaluation threw (the test data may have been seen all the same). */
  readonly score: TestScore | null;
  readonly status: 'running' | 'complete' | 'failed';
  /** True when an earlier evaluation existed and `force` overrode the refusal. */
  readonly forced: boolean;
  readonly error?: string;
  readonly note?: string;
}

/** False when a constraint of the trial is broken (a value > 0); a trial without constraints is feasible. */
export function isFeasible(trial: Pick<TrialRecord, 'constraints'>): boolean {
  return trial.constraints === null || trial.constraints.every((v) => v <= 0);
}

/** The sum of the trial's broken constraint values (0 when feasible): how far it is from feasible. */
export function violation(trial: Pick<TrialRecord, 'constraints'>): number {
  let total = 0;
  for (const v of trial.constraints ?? []) if (v > 0) total += v;
  return total;
}

export function isFinished(state: TrialState): boolean {
  return state === 'complete' || state === 'pruned' || state === 'fail';
}

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
  /** Attributes tunekit itself keeps (sampler settings, grid bookkeeping); not for users. */
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

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
  /** tunekit's own bookkeeping: fixed params of an enqueued trial, sampler memos, retry links. */
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
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

export function isFinished(state: TrialState): boolean {
  return state === 'complete' || state === 'pruned' || state === 'fail';
}

/** System attribute holding the params an enqueued trial must use. */
export const FIXED_PARAMS_ATTR = 'fixed_params';

/** On a retry: the number of the stale trial it repeats. */
export const RETRIED_FROM_ATTR = 'retried_from';
/** On a trial failed as stale: the number of the trial that repeats it. */
export const RETRIED_BY_ATTR = 'retried_by';
/** On a study: marks an `enqueueTrials` once-key as used (`once:<key>`). */
export const ONCE_KEY_PREFIX = 'once:';

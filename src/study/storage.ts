// The storage contract. Storage is the only source of truth: any process that opens the same storage is a
// worker. Implementations: in-memory (here), SQLite and PostgreSQL (their own subpath exports), and every
// one runs the shared contract suite in src/storage/contract.ts.
//
// Rules every implementation keeps:
// - Returned records are snapshots; the caller may keep them, the storage never mutates them afterwards.
// - A finished trial (complete, pruned, fail) is immutable: any write to it throws `trial_finished`.
// - Trial numbers are assigned by the storage, dense (0, 1, 2, ...) and unique per study, atomically.
// - A waiting trial is claimed by exactly one `startTrial` call, however many workers race for it.
// - Every write to a running trial (params, intermediate values, attributes) also counts as a heartbeat.
import type { Distribution, ParamValue } from '../search-space/index.js';
import type { Direction, JsonValue, StudyInfo, TrialRecord, TrialState } from './types.js';

export interface StudySummary {
  readonly study: StudyInfo;
  readonly trialCounts: Readonly<Record<TrialState, number>>;
  /** Best value of each objective among complete trials (single objective only; null otherwise). */
  readonly bestValue: number | null;
  /** Most recent start or finish of any trial, or the creation time. */
  readonly lastActivityAt: number;
}

export interface NewWaitingTrial {
  readonly fixedParams: Readonly<Record<string, ParamValue>>;
  readonly userAttrs?: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs?: Readonly<Record<string, JsonValue>>;
}

export interface TrialParam {
  readonly name: string;
  readonly distribution: Distribution;
  readonly value: ParamValue;
}

/** Writes to a running trial that are sent together (see `writeTrial`). */
export interface TrialWrite {
  readonly params?: readonly TrialParam[];
  /** By step. */
  readonly intermediateValues?: Readonly<Record<number, number>>;
  readonly userAttrs?: Readonly<Record<string, JsonValue>>;
}

export interface TrialResult {
  readonly state: 'complete' | 'pruned' | 'fail';
  readonly values?: readonly number[] | null;
  readonly failReason?: string | null;
}

export interface TrialQuery {
  /** Only trials in these states. */
  readonly states?: readonly TrialState[];
  /** Only trials numbered at least this (lets a caller cache the finished prefix). */
  readonly fromNumber?: number;
}

export interface StartOptions {
  /** Only claim a waiting trial; never create one. */
  readonly onlyWaiting?: boolean;
  /** Create a new trial only while the study holds fewer trials than this (waiting ones are still claimed). */
  readonly maxTrials?: number;
}

/** Given a trial that was failed as stale, the trial to enqueue in its place, or null for none. */
export type RetryPolicy = (failed: TrialRecord) => NewWaitingTrial | null;

export interface StudyStorage {
  /** Creates a study; throws `duplicate_study` if the name is taken. */
  createStudy(name: string, directions: readonly Direction[]): Promise<StudyInfo>;
  /** Throws `study_not_found`. */
  getStudy(name: string): Promise<StudyInfo>;
  listStudies(): Promise<StudySummary[]>;
  /** Deletes a study with all its trials; throws `study_not_found`. */
  deleteStudy(studyId: number): Promise<void>;
  /** Throws `study_not_found`, or `duplicate_study` if the new name is taken. */
  renameStudy(studyId: number, newName: string): Promise<StudyInfo>;
  setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void>;
  setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void>;

  /**
   * Adds waiting trials, atomically. With `onceKey`, does so only if no earlier call used the same key on
   * this study (a grid is enqueued once however many workers start together); returns whether it did.
   */
  enqueueTrials(
    studyId: number,
    trials: readonly NewWaitingTrial[],
    options?: { onceKey?: string },
  ): Promise<boolean>;
  /**
   * Adds trials exactly as given (any state, params, values, attributes, timestamps), numbered after the
   * study's existing trials in the given order, atomically. For copying a study between storages.
   */
  addTrials(studyId: number, trials: readonly TrialRecord[]): Promise<void>;
  /**
   * Starts a trial for `worker`: claims the oldest waiting trial, or, when none waits, creates a new running
   * trial with the next number. Returns null when `onlyWaiting` or `maxTrials` forbids creating one.
   */
  startTrial(studyId: number, worker: string, options?: StartOptions): Promise<TrialRecord | null>;
  /** Records a parameter of a running trial; throws `trial_finished` once finished. */
  setTrialParam(trialId: number, name: string, distribution: Distribution, value: ParamValue): Promise<void>;
  /**
   * Optional: records several parameters of a running trial in one write (one round trip, one commit),
   * all or none; the same rules as setTrialParam. Trials batch the suggestions an objective makes at once.
   */
  setTrialParams?(trialId: number, params: readonly TrialParam[]): Promise<void>;
  setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void>;
  /**
   * Optional: params, intermediate values and user attributes of a running trial in one write (one round
   * trip, one commit), all or none; the same rules as the single writes. A Trial sends what the objective
   * asked for in one go this way: its suggestions and the first report after them.
   */
  writeTrial?(trialId: number, write: TrialWrite): Promise<void>;
  setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void>;
  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void>;
  /** Marks a running trial alive now. */
  heartbeat(trialId: number): Promise<void>;
  /** Finishes a running trial; throws `trial_finished` if it already is. */
  finishTrial(trialId: number, result: TrialResult): Promise<TrialRecord>;
  /**
   * Optional: `finishTrial`, then `startTrial(studyId, worker, options)`, in one write (one round trip, one
   * commit). When the finish is refused (`trial_finished`, `trial_not_found`) nothing is started. `optimize`
   * uses it between two trials of a worker; `started` is null when `startTrial` would return null.
   */
  finishAndStartTrial?(
    trialId: number,
    result: TrialResult,
    studyId: number,
    worker: string,
    options?: StartOptions,
  ): Promise<{ finished: TrialRecord; started: TrialRecord | null }>;
  /**
   * Fails every running trial of the study whose last heartbeat is older than `graceMs` (its worker is
   * presumed dead) and, where `retry` returns a trial, enqueues that in the same transaction, linking the two
   * (`retried_by` on the failed trial, `retried_from` on the new one). Each stale trial is failed by exactly
   * one caller. Returns the trials it failed, as stored.
   */
  failStaleTrials(studyId: number, graceMs: number, retry?: RetryPolicy): Promise<TrialRecord[]>;

  /** Throws `trial_not_found`. */
  getTrial(trialId: number): Promise<TrialRecord>;
  /** Trials ordered by number. */
  getTrials(studyId: number, query?: TrialQuery): Promise<TrialRecord[]>;

  /** Releases connections and file handles. Optional: the in-memory storage holds none. */
  close?(): Promise<void>;
}

// The storage contract. Storage is the only source of truth: any process that opens the same storage is a
// worker. Implementations: in-memory (here), SQLite and PostgreSQL (their own subpath exports), and every
// one runs the shared contract suite in src/storage/storage.contract.ts.
//
// Rules every implementation keeps:
// - Returned records are snapshots; the caller may keep them, the storage never mutates them afterwards.
// - A finished trial (complete, pruned, fail) is immutable: any write to it throws `trial_finished`.
// - Trial numbers are assigned by the storage, dense (0, 1, 2, ...) and unique per study, atomically.
// - A waiting trial is claimed by exactly one `startTrial` call, however many workers race for it.
// - Every write to a running trial (`writeTrial`) also counts as a heartbeat.
import type { Distribution, ParamValue } from '../search-space/index.js';
import type {
  Direction,
  JsonValue,
  ReproducibleMode,
  StageLink,
  StudyInfo,
  TestEvaluation,
  TrialRecord,
  TrialState,
} from './types.js';

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
  /** The grid point the trial runs. */
  readonly gridId?: number;
  /** How many retries led to it (a retry policy sets it). */
  readonly retryCount?: number;
}

export interface TrialParam {
  readonly name: string;
  readonly distribution: Distribution;
  readonly value: ParamValue;
}

/**
 * Writes to a running trial, applied together, all or none (see `writeTrial`). Params, intermediate values,
 * user attributes and sampler memos are merged into what the trial holds, key by key.
 */
export interface TrialWrite {
  readonly params?: readonly TrialParam[];
  /** By step. */
  readonly intermediateValues?: Readonly<Record<number, number>>;
  readonly userAttrs?: Readonly<Record<string, JsonValue>>;
  /** By the sampler's key. */
  readonly samplerMemo?: Readonly<Record<string, JsonValue>>;
  /** Replaces the trial's constraint values (all of them: they are one vector). */
  readonly constraints?: readonly number[];
}

/** Writes to a study (see `writeStudy`): user attributes and notes merge key by key, the others replace. */
export interface StudyWrite {
  readonly userAttrs?: Readonly<Record<string, JsonValue>>;
  readonly stopRequests?: number;
  readonly testEvaluations?: readonly TestEvaluation[];
  readonly config?: JsonValue | null;
  readonly notes?: Readonly<Record<number, string>>;
  /** The study's stage link (null: not a stage). */
  readonly stage?: StageLink | null;
  /** The study's reproducible mode (null: none); when it may change is create-study.ts's rule, not storage's. */
  readonly reproducible?: ReproducibleMode | null;
}

/**
 * What a study holds from the moment it exists: stored in the same write that creates it, so a worker that
 * opens the study right after never sees it without these. Absent fields are null.
 */
export interface NewStudy {
  readonly reproducible?: ReproducibleMode | null;
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

/** The trial to start, in the finished trial's study, in the same write as a finish (see `finishTrial`). */
export interface NextTrial {
  readonly worker: string;
  readonly options?: StartOptions;
}

export interface Finished {
  readonly finished: TrialRecord;
  /** Undefined when no next trial was asked for; null when none could start (as `startTrial` returns null). */
  readonly started?: TrialRecord | null;
}

/** Given a trial that was failed as stale, the trial to enqueue in its place, or null for none. */
export type RetryPolicy = (failed: TrialRecord) => NewWaitingTrial | null;

export interface StudyStorage {
  /** Creates a study, with `fields` in the same write; throws `duplicate_study` if the name is taken. */
  createStudy(name: string, directions: readonly Direction[], fields?: NewStudy): Promise<StudyInfo>;
  /** Throws `study_not_found`. */
  getStudy(name: string): Promise<StudyInfo>;
  listStudies(): Promise<StudySummary[]>;
  /** Deletes a study with all its trials; throws `study_not_found`. */
  deleteStudy(studyId: number): Promise<void>;
  /** Throws `study_not_found`, or `duplicate_study` if the new name is taken. */
  renameStudy(studyId: number, newName: string): Promise<StudyInfo>;
  /** The only write to a study's own fields, in one write; returns the study as stored. Throws `study_not_found`. */
  writeStudy(studyId: number, write: StudyWrite): Promise<StudyInfo>;

  /**
   * Adds waiting trials, atomically. With `onceKey`, does so only if no earlier call used the same key on
   * this study (a grid is enqueued once however many workers start together), adding the key to the
   * study's `onceKeys`; returns whether it did. No trials and a key just records the key (copyStudy).
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
  /**
   * The only write to a running (or waiting) trial: everything in `write` in one write (one round trip,
   * one commit), all or none. Throws `trial_finished` once the trial is finished, `trial_not_found`.
   * A Trial sends what the objective asked for in one go this way: its suggestions and the report after them.
   */
  writeTrial(trialId: number, write: TrialWrite): Promise<void>;
  /** Marks a running trial alive now. */
  heartbeat(trialId: number): Promise<void>;
  /**
   * Finishes a running trial; throws `trial_finished` if it already is. With `next`, then starts a trial in
   * the same study as `startTrial(studyId, next.worker, next.options)` would, in the same write (one round
   * trip, one commit); when the finish is refused nothing is started. `optimize` chains a worker's trials so.
   */
  finishTrial(trialId: number, result: TrialResult, next?: NextTrial): Promise<Finished>;
  /**
   * Fails every running trial of the study whose last heartbeat is older than `graceMs` (its worker is
   * presumed dead) and, where `retry` returns a trial, enqueues that in the same transaction, linking the two
   * (`retriedBy` on the failed trial, `retriedFrom` on the new one). Each stale trial is failed by exactly
   * one caller. Returns the trials it failed, as stored.
   */
  failStaleTrials(studyId: number, graceMs: number, retry?: RetryPolicy): Promise<TrialRecord[]>;

  /** Throws `trial_not_found`. */
  getTrial(trialId: number): Promise<TrialRecord>;
  /** Trials ordered by number. */
  getTrials(studyId: number, query?: TrialQuery): Promise<TrialRecord[]>;

  /** Releases connections and file handles (the in-memory storage holds none). Nothing may be called after. */
  close(): Promise<void>;
}

// The storage contract. Storage is the only source of truth: any process that opens the same storage is a
// worker. Implementations: in-memory (here), SQLite and PostgreSQL (their own subpath exports), and every
// one runs the shared contract suite in src/storage/contract.ts.
//
// Rules every implementation keeps:
// - Returned records are snapshots; the caller may keep them, the storage never mutates them afterwards.
// - A finished trial (complete, pruned, fail) is immutable: any write to it throws `trial_finished`.
// - Trial numbers are assigned by the storage, dense (0, 1, 2, ...) and unique per study, atomically.
// - A waiting trial is claimed by exactly one `startTrial` call, however many workers race for it.
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

export interface StudyStorage {
  /** Creates a study; throws `duplicate_study` if the name is taken. */
  createStudy(name: string, directions: readonly Direction[]): Promise<StudyInfo>;
  /** Throws `study_not_found`. */
  getStudy(name: string): Promise<StudyInfo>;
  listStudies(): Promise<StudySummary[]>;
  /** Deletes a study with all its trials; throws `study_not_found`. */
  deleteStudy(studyId: number): Promise<void>;
  setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void>;
  setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void>;

  /**
   * Adds waiting trials, atomically. With `onceKey`, does so only if no earlier call used the same key on
   * this study (a grid is enqueued once however many workers start together); returns whether it did.
   */
  enqueueTrials(studyId: number, trials: readonly NewWaitingTrial[], options?: { onceKey?: string }): Promise<boolean>;
  /**
   * Starts a trial for `worker`: claims the oldest waiting trial, or, when none waits and `onlyWaiting`
   * is not set, creates a new running trial with the next number. Returns null only with `onlyWaiting`.
   */
  startTrial(studyId: number, worker: string, options?: { onlyWaiting?: boolean }): Promise<TrialRecord | null>;
  /** Records a parameter of a running trial; throws `trial_finished` once finished. */
  setTrialParam(trialId: number, name: string, distribution: Distribution, value: ParamValue): Promise<void>;
  setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void>;
  setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void>;
  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void>;
  /** Marks a running trial alive now. */
  heartbeat(trialId: number): Promise<void>;
  /** Finishes a running trial; throws `trial_finished` if it already is. */
  finishTrial(trialId: number, result: TrialResult): Promise<TrialRecord>;

  /** Throws `trial_not_found`. */
  getTrial(trialId: number): Promise<TrialRecord>;
  /** Trials ordered by number. */
  getTrials(studyId: number, query?: TrialQuery): Promise<TrialRecord[]>;

  /** Releases connections and file handles. Optional: the in-memory storage holds none. */
  close?(): Promise<void>;
}

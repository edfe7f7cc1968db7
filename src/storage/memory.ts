// In-memory storage: the default for library use and the reference the SQL storages are tested against.
// Records are frozen copies, so a caller can never change what the storage holds.
import { TunekitError } from '../errors.js';
import type {
  Finished,
  NewStudy,
  NewWaitingTrial,
  NextTrial,
  RetryPolicy,
  StartOptions,
  StudyStorage,
  StudySummary,
  StudyWrite,
  TrialWrite,
  TrialQuery,
  TrialResult,
} from '../study/storage.js';
import { isFinished, noBookkeeping } from '../study/types.js';
import type { Direction, StudyInfo, TrialRecord, TrialState } from '../study/types.js';
import { asFailed } from './stale.js';
import { summarizeStudy } from './summary.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface StudyRow extends Mutable<StudyInfo> {
  trials: Mutable<TrialRecord>[];
}

function freeze<T>(value: T): T {
  return Object.freeze(structuredClone(value));
}

/** Attributes as the SQL storages keep them: a JSON copy; `invalid_argument` for what JSON cannot hold. */
export function jsonCopy<T>(value: T): T {
  if (value === undefined) return value;
  try {
    return JSON.parse(JSON.stringify(value)) as T;
  } catch (error) {
    throw new TunekitError('invalid_argument', `cannot store a value as JSON: ${(error as Error).message}`);
  }
}

export class InMemoryStorage implements StudyStorage {
  private readonly studies = new Map<number, StudyRow>();
  private readonly trials = new Map<number, Mutable<TrialRecord>>();
  private nextStudyId = 1;
  private nextTrialId = 1;

  async createStudy(name: string, directions: readonly Direction[], fields?: NewStudy): Promise<StudyInfo> {
    for (const s of this.studies.values())
      if (s.name === name)
        throw new TunekitError(
          'duplicate_study',
          `a study named "${name}" already exists; load it or pick another name`,
        );
    const row: StudyRow = { id: this.nextStudyId++, ...newStudy(name, directions, fields), trials: [] };
    this.studies.set(row.id, row);
    return this.info(row);
  }

  async getStudy(name: string): Promise<StudyInfo> {
    for (const s of this.studies.values()) if (s.name === name) return this.info(s);
    throw new TunekitError('study_not_found', `no study named "${name}" in this storage`);
  }

  async listStudies(): Promise<StudySummary[]> {
    return [...this.studies.values()].map((s) => summarizeStudy(this.info(s), s.trials));
  }

  async deleteStudy(studyId: number): Promise<void> {
    const row = this.study(studyId);
    for (const t of row.trials) this.trials.delete(t.id);
    this.studies.delete(studyId);
  }

  async renameStudy(studyId: number, newName: string): Promise<StudyInfo> {
    const row = this.study(studyId);
    for (const s of this.studies.values())
      if (s.name === newName && s !== row)
        throw new TunekitError(
          'duplicate_study',
          `a study named "${newName}" already exists; pick another name`,
        );
    row.name = newName;
    return this.info(row);
  }

  async writeStudy(studyId: number, write: StudyWrite): Promise<StudyInfo> {
    const row = this.study(studyId);
    Object.assign(row, studyWritten(row, write));
    return this.info(row);
  }

  async enqueueTrials(
    studyId: number,
    trials: readonly NewWaitingTrial[],
    options: { onceKey?: string } = {},
  ): Promise<boolean> {
    const row = this.study(studyId);
    if (options.onceKey !== undefined) {
      // Kept on the study, so a copied study remembers what it enqueued.
      if (row.onceKeys.includes(options.onceKey)) return false;
      row.onceKeys = [...row.onceKeys, options.onceKey];
    }
    for (const t of trials) this.addTrial(row, 'waiting', null, waitingFields(t));
    return true;
  }

  async addTrials(studyId: number, trials: readonly TrialRecord[]): Promise<void> {
    const row = this.study(studyId);
    for (const t of trials) {
      const copy: Mutable<TrialRecord> = {
        ...structuredClone(t),
        id: this.nextTrialId++,
        studyId,
        number: row.trials.length,
      };
      row.trials.push(copy);
      this.trials.set(copy.id, copy);
    }
  }

  async startTrial(studyId: number, worker: string, options: StartOptions = {}): Promise<TrialRecord | null> {
    const row = this.study(studyId);
    const now = Date.now();
    const waiting = row.trials.find((t) => t.state === 'waiting');
    if (waiting) {
      Object.assign(waiting, { state: 'running', worker, startedAt: now, heartbeatAt: now });
      return freeze(waiting);
    }
    if (options.onlyWaiting || row.trials.length >= (options.maxTrials ?? Infinity)) return null;
    return freeze(this.addTrial(row, 'running', worker, {}));
  }

  async writeTrial(trialId: number, write: TrialWrite): Promise<void> {
    applyTrialWrite(this.touch(trialId), write);
  }

  async heartbeat(trialId: number): Promise<void> {
    this.running(trialId).heartbeatAt = Date.now();
  }

  async finishTrial(trialId: number, result: TrialResult, next?: NextTrial): Promise<Finished> {
    const t = this.running(trialId);
    t.state = result.state;
    t.values = result.values ? [...result.values] : null;
    t.failReason = result.failReason ?? null;
    t.finishedAt = Date.now();
    const finished = freeze(t);
    if (!next) return { finished };
    return { finished, started: await this.startTrial(t.studyId, next.worker, next.options) };
  }

  async failStaleTrials(studyId: number, graceMs: number, retry?: RetryPolicy): Promise<TrialRecord[]> {
    const row = this.study(studyId);
    const now = Date.now();
    const stale = row.trials.filter((t) => t.state === 'running' && (t.heartbeatAt ?? 0) < now - graceMs);
    return stale.map((t) => {
      Object.assign(t, asFailed(t, graceMs, now));
      const next = retry?.(freeze(t)) ?? null;
      if (next) {
        const again = this.addTrial(row, 'waiting', null, { ...waitingFields(next), retriedFrom: t.number });
        t.retriedBy = again.number;
      }
      return freeze(t);
    });
  }

  /** Holds nothing to release. */
  async close(): Promise<void> {}

  async getTrial(trialId: number): Promise<TrialRecord> {
    return freeze(this.trial(trialId));
  }

  async getTrials(studyId: number, query: TrialQuery = {}): Promise<TrialRecord[]> {
    const { states, fromNumber = 0 } = query;
    return this.study(studyId)
      .trials.filter((t) => t.number >= fromNumber && (!states || states.includes(t.state)))
      .map(freeze);
  }

  private addTrial(
    row: StudyRow,
    state: TrialState,
    worker: string | null,
    fields: Partial<Mutable<TrialRecord>>,
  ): Mutable<TrialRecord> {
    const now = Date.now();
    const trial: Mutable<TrialRecord> = {
      id: this.nextTrialId++,
      studyId: row.id,
      number: row.trials.length,
      state,
      values: null,
      params: {},
      distributions: {},
      intermediateValues: {},
      userAttrs: {},
      constraints: null,
      ...noBookkeeping(),
      failReason: null,
      worker,
      createdAt: now,
      startedAt: state === 'running' ? now : null,
      finishedAt: null,
      heartbeatAt: state === 'running' ? now : null,
      ...fields,
    };
    row.trials.push(trial);
    this.trials.set(trial.id, trial);
    return trial;
  }

  private info(row: StudyRow): StudyInfo {
    const { trials: _trials, ...info } = row;
    return freeze(info);
  }

  private study(studyId: number): StudyRow {
    const row = this.studies.get(studyId);
    if (!row) throw new TunekitError('study_not_found', `no study with id ${studyId} in this storage`);
    return row;
  }

  private trial(trialId: number): Mutable<TrialRecord> {
    const t = this.trials.get(trialId);
    if (!t) throw new TunekitError('trial_not_found', `no trial with id ${trialId} in this storage`);
    return t;
  }

  /** A write to a running trial: it counts as a heartbeat. */
  private touch(trialId: number): Mutable<TrialRecord> {
    const t = this.running(trialId);
    if (t.state === 'running') t.heartbeatAt = Date.now();
    return t;
  }

  private running(trialId: number): Mutable<TrialRecord> {
    const t = this.trial(trialId);
    if (isFinished(t.state))
      throw new TunekitError(
        'trial_finished',
        `trial ${t.number} is already ${t.state} and cannot be changed`,
      );
    return t;
  }
}

/** A new study's record, but its id. The in-memory and IndexedDB storages both create studies from it. */
export function newStudy(
  name: string,
  directions: readonly Direction[],
  fields: NewStudy = {},
): Omit<Mutable<StudyInfo>, 'id'> {
  return {
    name,
    directions: [...directions],
    userAttrs: {},
    stopRequests: 0,
    testEvaluations: [],
    config: null,
    notes: {},
    onceKeys: [],
    stage: null,
    reproducible: jsonCopy(fields.reproducible) ?? null,
    createdAt: Date.now(),
  };
}

/**
 * A study's fields after `write`, as `writeStudy` promises: user attributes and notes merge key by key, the
 * others replace. The in-memory and IndexedDB storages keep whole records, so both apply writes here.
 */
export function studyWritten<T extends StudyInfo>(row: T, write: StudyWrite): T {
  const { userAttrs, stopRequests, testEvaluations, config, notes, stage, reproducible } = jsonCopy(write);
  return {
    ...row,
    userAttrs: { ...row.userAttrs, ...userAttrs },
    notes: { ...row.notes, ...notes },
    ...(stopRequests === undefined ? {} : { stopRequests }),
    ...(testEvaluations === undefined ? {} : { testEvaluations }),
    ...(config === undefined ? {} : { config }),
    ...(stage === undefined ? {} : { stage }),
    ...(reproducible === undefined ? {} : { reproducible }),
  };
}

/** A waiting trial's own fields, copied. */
export function waitingFields(t: NewWaitingTrial): Partial<Mutable<TrialRecord>> {
  return jsonCopy({
    fixedParams: { ...t.fixedParams },
    userAttrs: { ...t.userAttrs },
    gridId: t.gridId ?? null,
    retryCount: t.retryCount ?? 0,
  });
}

/**
 * A write to a running trial applied to its record in place, as `writeTrial` promises: params and
 * intermediate values merge, attributes and memo merge key by key, constraints replace. The in-memory and
 * IndexedDB storages keep whole records, so both apply writes here.
 */
export function applyTrialWrite(t: Mutable<TrialRecord>, write: TrialWrite): void {
  const [userAttrs, samplerMemo] = [jsonCopy(write.userAttrs), jsonCopy(write.samplerMemo)];
  const params = write.params ?? [];
  t.params = { ...t.params, ...Object.fromEntries(params.map((p) => [p.name, p.value])) };
  t.distributions = {
    ...t.distributions,
    ...Object.fromEntries(params.map((p) => [p.name, structuredClone(p.distribution)])),
  };
  t.intermediateValues = { ...t.intermediateValues, ...write.intermediateValues };
  t.userAttrs = { ...t.userAttrs, ...userAttrs };
  t.samplerMemo = { ...t.samplerMemo, ...samplerMemo };
  if (write.constraints) t.constraints = [...write.constraints];
}

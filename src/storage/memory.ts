// In-memory storage: the default for library use and the reference the SQL storages are tested against.
// Records are frozen copies, so a caller can never change what the storage holds.
import { TunekitError } from '../errors.js';
import type { Distribution, ParamValue } from '../search-space/index.js';
import type {
  NewWaitingTrial,
  RetryPolicy,
  StartOptions,
  StudyStorage,
  StudySummary,
  TrialParam,
  TrialWrite,
  TrialQuery,
  TrialResult,
} from '../study/storage.js';
import { isFinished } from '../study/types.js';
import type { Direction, JsonValue, StudyInfo, TrialRecord, TrialState } from '../study/types.js';
import { FIXED_PARAMS_ATTR, ONCE_KEY_PREFIX } from '../study/types.js';
import { asFailed, retryLinks } from './stale.js';
import { summarizeStudy } from './summary.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface StudyRow extends Mutable<StudyInfo> {
  trials: Mutable<TrialRecord>[];
}

function freeze<T>(value: T): T {
  return Object.freeze(structuredClone(value));
}

export class InMemoryStorage implements StudyStorage {
  private readonly studies = new Map<number, StudyRow>();
  private readonly trials = new Map<number, Mutable<TrialRecord>>();
  private nextStudyId = 1;
  private nextTrialId = 1;

  async createStudy(name: string, directions: readonly Direction[]): Promise<StudyInfo> {
    for (const s of this.studies.values())
      if (s.name === name)
        throw new TunekitError(
          'duplicate_study',
          `a study named "${name}" already exists; load it or pick another name`,
        );
    const row: StudyRow = {
      id: this.nextStudyId++,
      name,
      directions: [...directions],
      userAttrs: {},
      systemAttrs: {},
      createdAt: Date.now(),
      trials: [],
    };
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

  async setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    const row = this.study(studyId);
    row.userAttrs = { ...row.userAttrs, [key]: structuredClone(value) };
  }

  async setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    const row = this.study(studyId);
    row.systemAttrs = { ...row.systemAttrs, [key]: structuredClone(value) };
  }

  async enqueueTrials(
    studyId: number,
    trials: readonly NewWaitingTrial[],
    options: { onceKey?: string } = {},
  ): Promise<boolean> {
    const row = this.study(studyId);
    if (options.onceKey !== undefined) {
      // Kept with the study's attributes, so a copied study remembers what it enqueued.
      const key = ONCE_KEY_PREFIX + options.onceKey;
      if (key in row.systemAttrs) return false;
      row.systemAttrs = { ...row.systemAttrs, [key]: true };
    }
    for (const t of trials) {
      this.addTrial(row, 'waiting', null, {
        userAttrs: structuredClone({ ...t.userAttrs }),
        systemAttrs: structuredClone({ ...t.systemAttrs, [FIXED_PARAMS_ATTR]: { ...t.fixedParams } }),
      });
    }
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

  async setTrialParam(
    trialId: number,
    name: string,
    distribution: Distribution,
    value: ParamValue,
  ): Promise<void> {
    await this.setTrialParams(trialId, [{ name, distribution, value }]);
  }

  async setTrialParams(trialId: number, params: readonly TrialParam[]): Promise<void> {
    await this.writeTrial(trialId, { params });
  }

  async writeTrial(trialId: number, write: TrialWrite): Promise<void> {
    const t = this.touch(trialId);
    const params = write.params ?? [];
    t.params = { ...t.params, ...Object.fromEntries(params.map((p) => [p.name, p.value])) };
    t.distributions = {
      ...t.distributions,
      ...Object.fromEntries(params.map((p) => [p.name, structuredClone(p.distribution)])),
    };
    t.intermediateValues = { ...t.intermediateValues, ...write.intermediateValues };
    t.userAttrs = { ...t.userAttrs, ...structuredClone(write.userAttrs) };
  }

  async setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void> {
    const t = this.touch(trialId);
    t.intermediateValues = { ...t.intermediateValues, [step]: value };
  }

  async setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    const t = this.touch(trialId);
    t.userAttrs = { ...t.userAttrs, [key]: structuredClone(value) };
  }

  async setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    const t = this.touch(trialId);
    t.systemAttrs = { ...t.systemAttrs, [key]: structuredClone(value) };
  }

  async heartbeat(trialId: number): Promise<void> {
    this.running(trialId).heartbeatAt = Date.now();
  }

  async finishTrial(trialId: number, result: TrialResult): Promise<TrialRecord> {
    const t = this.running(trialId);
    t.state = result.state;
    t.values = result.values ? [...result.values] : null;
    t.failReason = result.failReason ?? null;
    t.finishedAt = Date.now();
    return freeze(t);
  }

  async finishAndStartTrial(
    trialId: number,
    result: TrialResult,
    studyId: number,
    worker: string,
    options?: StartOptions,
  ): Promise<{ finished: TrialRecord; started: TrialRecord | null }> {
    const finished = await this.finishTrial(trialId, result);
    return { finished, started: await this.startTrial(studyId, worker, options) };
  }

  async failStaleTrials(studyId: number, graceMs: number, retry?: RetryPolicy): Promise<TrialRecord[]> {
    const row = this.study(studyId);
    const now = Date.now();
    const stale = row.trials.filter((t) => t.state === 'running' && (t.heartbeatAt ?? 0) < now - graceMs);
    return stale.map((t) => {
      Object.assign(t, asFailed(t, graceMs, now));
      const next = retry?.(freeze(t)) ?? null;
      if (next) {
        const { retryAttrs, failedAttr } = retryLinks(next, t.number, row.trials.length);
        this.addTrial(row, 'waiting', null, {
          userAttrs: structuredClone({ ...next.userAttrs }),
          systemAttrs: structuredClone({ ...retryAttrs, [FIXED_PARAMS_ATTR]: { ...next.fixedParams } }),
        });
        t.systemAttrs = { ...t.systemAttrs, ...failedAttr };
      }
      return freeze(t);
    });
  }

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
    attrs: { userAttrs?: Record<string, JsonValue>; systemAttrs?: Record<string, JsonValue> },
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
      userAttrs: attrs.userAttrs ?? {},
      systemAttrs: attrs.systemAttrs ?? {},
      failReason: null,
      worker,
      createdAt: now,
      startedAt: state === 'running' ? now : null,
      finishedAt: null,
      heartbeatAt: state === 'running' ? now : null,
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

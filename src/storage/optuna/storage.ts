// A StudyStorage over Optuna's own RDB schema (SQLite or PostgreSQL), so Python Optuna workers and tunekit
// workers run one study together. Optuna's rows hold what both know (params, values, states, user
// attributes); what only tunekit keeps goes into `tunekit:`-prefixed system attributes, which Optuna ignores.
import { TunekitError } from '../../errors.js';
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
  TrialQuery,
  TrialResult,
  TrialWrite,
} from '../../study/storage.js';
import type { Direction, StudyInfo, TrialRecord } from '../../study/types.js';
import { asFailed } from '../stale.js';
import { summarizeStudy } from '../summary.js';
import { CONSTRAINTS, FIXED_PARAMS, NS, STATE_TO_OPTUNA, directionToOptuna, timeToOptuna } from './codec.js';
import { readStudies, readTrials } from './records.js';
import type { Sql } from './sql.js';
import {
  attrText,
  countTrials,
  insertTrial,
  lockStudy,
  lockUnfinished,
  setAttrs,
  setIntermediate,
  setParams,
  setValues,
} from './writes.js';
import type { Attrs } from './writes.js';

const textAttrs = (bag: object, prefix = ''): Record<string, string> =>
  Object.fromEntries(Object.entries(bag).map(([k, v]) => [prefix + k, attrText(v)]));

export class OptunaStorage implements StudyStorage {
  constructor(private readonly sql: Sql) {}

  async createStudy(
    name: string,
    directions: readonly Direction[],
    fields: NewStudy = {},
  ): Promise<StudyInfo> {
    const system: Record<string, string> = { [`${NS}created_at`]: attrText(Date.now()) };
    if (fields.reproducible) system[`${NS}reproducible`] = attrText(fields.reproducible as never);
    const id = await this.sql
      .transaction(async (tx) => {
        if ((await tx.all(`SELECT 1 FROM studies WHERE study_name = ?`, [name])).length > 0)
          throw this.duplicate(name);
        const [row] = await tx.all<{ study_id: number }>(
          `INSERT INTO studies (study_name) VALUES (?) RETURNING study_id`,
          [name],
        );
        const studyId = Number(row!.study_id);
        for (const [objective, d] of directions.entries())
          await tx.run(`INSERT INTO study_directions (direction, study_id, objective) VALUES (?, ?, ?)`, [
            directionToOptuna(d),
            studyId,
            objective,
          ]);
        await setAttrs(tx, 'study', studyId, system, true);
        return studyId;
      })
      .catch((error: unknown) => {
        // Two creators raced past the check: the unique index refused the second.
        const code =
          (error as { details?: { code?: string }; code?: string }).details?.code ??
          (error as { code?: string }).code;
        if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE') throw this.duplicate(name);
        throw error;
      });
    return this.study(this.sql, id);
  }

  async getStudy(name: string): Promise<StudyInfo> {
    const [row] = await this.sql.all<{ study_id: number }>(
      `SELECT study_id FROM studies WHERE study_name = ?`,
      [name],
    );
    if (!row) throw new TunekitError('study_not_found', `no study named "${name}" in ${this.sql.where}`);
    return this.study(this.sql, Number(row.study_id));
  }

  async listStudies(): Promise<StudySummary[]> {
    return this.sql.transaction(async (tx) => {
      const summaries: StudySummary[] = [];
      for (const study of await readStudies(tx, null))
        summaries.push(summarizeStudy(study, await readTrials(tx, { studyId: study.id })));
      return summaries;
    }, 'read');
  }

  async deleteStudy(studyId: number): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await lockStudy(tx, studyId);
      const ofStudy = `trial_id IN (SELECT trial_id FROM trials WHERE study_id = ?)`;
      for (const table of [
        'trial_params',
        'trial_values',
        'trial_intermediate_values',
        'trial_user_attributes',
        'trial_system_attributes',
        'trial_heartbeats',
      ])
        await tx.run(`DELETE FROM ${table} WHERE ${ofStudy}`, [studyId]);
      for (const table of [
        'trials',
        'study_directions',
        'study_user_attributes',
        'study_system_attributes',
        'studies',
      ])
        await tx.run(`DELETE FROM ${table} WHERE study_id = ?`, [studyId]);
    });
  }

  async renameStudy(studyId: number, newName: string): Promise<StudyInfo> {
    await this.sql.transaction(async (tx) => {
      await lockStudy(tx, studyId);
      const [taken] = await tx.all<{ study_id: number }>(
        `SELECT study_id FROM studies WHERE study_name = ?`,
        [newName],
      );
      if (taken && Number(taken.study_id) !== studyId) throw this.duplicate(newName);
      await tx.run(`UPDATE studies SET study_name = ? WHERE study_id = ?`, [newName, studyId]);
    });
    return this.study(this.sql, studyId);
  }

  async writeStudy(studyId: number, write: StudyWrite): Promise<StudyInfo> {
    const system: Record<string, string> = textAttrs(write.notes ?? {}, `${NS}note:`);
    if (write.stopRequests !== undefined) system[`${NS}stop_requests`] = attrText(write.stopRequests);
    if (write.testEvaluations !== undefined)
      system[`${NS}test_evaluations`] = attrText(write.testEvaluations as never);
    if (write.config !== undefined) system[`${NS}config`] = attrText(write.config);
    if (write.stage !== undefined) system[`${NS}stage`] = attrText(write.stage as never);
    if (write.reproducible !== undefined) system[`${NS}reproducible`] = attrText(write.reproducible as never);
    const user = textAttrs(write.userAttrs ?? {});
    return this.sql.transaction(async (tx) => {
      await lockStudy(tx, studyId);
      await setAttrs(tx, 'study', studyId, user, false);
      await setAttrs(tx, 'study', studyId, system, true);
      return this.study(tx, studyId);
    });
  }

  async enqueueTrials(
    studyId: number,
    trials: readonly NewWaitingTrial[],
    options: { onceKey?: string } = {},
  ): Promise<boolean> {
    const now = Date.now();
    const rows = trials.map((t) => ({
      user: textAttrs(t.userAttrs ?? {}),
      system: waitingAttrs(t, null, now),
    }));
    return this.sql.transaction(async (tx) => {
      await lockStudy(tx, studyId);
      if (options.onceKey !== undefined) {
        const key = `${NS}once:${options.onceKey}`;
        const used = await tx.all(`SELECT 1 FROM study_system_attributes WHERE study_id = ? AND "key" = ?`, [
          studyId,
          key,
        ]);
        if (used.length > 0) return false;
        await setAttrs(tx, 'study', studyId, { [key]: 'true' }, true);
      }
      for (const row of rows) await this.insertWaiting(tx, studyId, row.user, row.system);
      return true;
    });
  }

  async addTrials(studyId: number, trials: readonly TrialRecord[]): Promise<void> {
    const rows = trials.map((t) => ({ trial: t, user: textAttrs(t.userAttrs), system: recordAttrs(t) }));
    await this.sql.transaction(async (tx) => {
      await lockStudy(tx, studyId);
      for (const { trial: t, user, system } of rows) {
        const { trialId } = await insertTrial(tx, studyId, {
          state: STATE_TO_OPTUNA[t.state],
          startedAt: t.startedAt,
          finishedAt: t.finishedAt,
        });
        await setParams(
          tx,
          trialId,
          Object.entries(t.params).map(([name, value]) => ({
            name,
            value,
            distribution: t.distributions[name]!,
          })),
        );
        await setValues(tx, trialId, t.values);
        await setIntermediate(tx, trialId, t.intermediateValues);
        await setAttrs(tx, 'trial', trialId, user, false);
        await setAttrs(tx, 'trial', trialId, system, true);
      }
    });
  }

  startTrial(studyId: number, worker: string, options: StartOptions = {}): Promise<TrialRecord | null> {
    return this.sql.transaction((tx) => this.start(tx, studyId, worker, options));
  }

  async writeTrial(trialId: number, write: TrialWrite): Promise<void> {
    const user = textAttrs(write.userAttrs ?? {});
    const memo = textAttrs(write.samplerMemo ?? {}, `${NS}memo:`);
    await this.sql.transaction(async (tx) => {
      const { state } = await lockUnfinished(tx, trialId);
      await setParams(tx, trialId, write.params ?? []);
      await setIntermediate(tx, trialId, write.intermediateValues ?? {});
      await setAttrs(tx, 'trial', trialId, user, false);
      const beat: Attrs = state === 'RUNNING' ? { [`${NS}heartbeat_at`]: attrText(Date.now()) } : {};
      const constraints: Attrs = write.constraints ? { [CONSTRAINTS]: attrText([...write.constraints]) } : {};
      await setAttrs(tx, 'trial', trialId, { ...memo, ...beat, ...constraints }, true);
    });
  }

  async heartbeat(trialId: number): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await lockUnfinished(tx, trialId);
      await setAttrs(tx, 'trial', trialId, { [`${NS}heartbeat_at`]: attrText(Date.now()) }, true);
    });
  }

  finishTrial(trialId: number, result: TrialResult, next?: NextTrial): Promise<Finished> {
    return this.sql.transaction(async (tx) => {
      const { studyId } = await lockUnfinished(tx, trialId);
      await setValues(tx, trialId, result.values);
      if (result.failReason)
        await setAttrs(tx, 'trial', trialId, { [`${NS}fail_reason`]: attrText(result.failReason) }, true);
      await tx.run(`UPDATE trials SET state = ?, datetime_complete = ? WHERE trial_id = ?`, [
        STATE_TO_OPTUNA[result.state],
        timeToOptuna(Date.now()),
        trialId,
      ]);
      const [finished] = await readTrials(tx, { trialId });
      if (!next) return { finished: finished! };
      return { finished: finished!, started: await this.start(tx, studyId, next.worker, next.options ?? {}) };
    });
  }

  async failStaleTrials(studyId: number, graceMs: number, retry?: RetryPolicy): Promise<TrialRecord[]> {
    const real = this.sql.dialect === 'postgres' ? 'double precision' : 'REAL';
    const stale = `SELECT t.trial_id FROM trials t JOIN trial_system_attributes a ON a.trial_id = t.trial_id
      AND a."key" = '${NS}heartbeat_at' WHERE t.study_id = ? AND t.state = 'RUNNING' AND CAST(a.value_json AS ${real}) < ?`;
    // Most calls find nothing: look without a transaction first.
    if ((await this.sql.all(`${stale} LIMIT 1`, [studyId, Date.now() - graceMs])).length === 0)
      return this.requireStudy(studyId, []);
    return this.sql.transaction(async (tx) => {
      const now = Date.now();
      // SKIP LOCKED: a trial another worker is failing (or finishing) right now is left to it.
      const skip = tx.dialect === 'postgres' ? ' FOR UPDATE OF t SKIP LOCKED' : '';
      const ids = (
        await tx.all<{ trial_id: number }>(`${stale} ORDER BY t.number${skip}`, [studyId, now - graceMs])
      ).map((r) => Number(r.trial_id));
      const failed: TrialRecord[] = [];
      for (const id of ids) {
        const [trial] = await readTrials(tx, { trialId: id, states: ['RUNNING'] });
        if (!trial) continue;
        const record = asFailed(trial, graceMs, now);
        const next = retry?.(record) ?? null;
        const system: Record<string, string> = { [`${NS}fail_reason`]: attrText(record.failReason) };
        if (next) {
          await lockStudy(tx, studyId);
          const number = await this.insertWaiting(
            tx,
            studyId,
            textAttrs(next.userAttrs ?? {}),
            waitingAttrs(next, trial.number, now),
          );
          system[`${NS}retried_by`] = attrText(number);
        }
        await setAttrs(tx, 'trial', id, system, true);
        await tx.run(`UPDATE trials SET state = 'FAIL', datetime_complete = ? WHERE trial_id = ?`, [
          timeToOptuna(now),
          id,
        ]);
        failed.push((await readTrials(tx, { trialId: id }))[0]!);
      }
      return failed;
    });
  }

  async getTrial(trialId: number): Promise<TrialRecord> {
    const [trial] = await this.sql.transaction((tx) => readTrials(tx, { trialId }), 'read');
    if (!trial) throw new TunekitError('trial_not_found', `no trial with id ${trialId} in ${this.sql.where}`);
    return trial;
  }

  async getTrials(studyId: number, query: TrialQuery = {}): Promise<TrialRecord[]> {
    const states = query.states?.map((s) => STATE_TO_OPTUNA[s]);
    const trials = await this.sql.transaction(
      (tx) => readTrials(tx, { studyId, fromNumber: query.fromNumber, states }),
      'read',
    );
    return trials.length > 0 ? trials : this.requireStudy(studyId, []);
  }

  close(): Promise<void> {
    return this.sql.close();
  }

  /** startTrial's work, inside a transaction: claim the oldest waiting trial, or create one. */
  private async start(
    tx: Sql,
    studyId: number,
    worker: string,
    options: StartOptions,
  ): Promise<TrialRecord | null> {
    await lockStudy(tx, studyId);
    const now = Date.now();
    const running = { [`${NS}worker`]: attrText(worker), [`${NS}heartbeat_at`]: attrText(now) };
    // SKIP LOCKED: a waiting trial an Optuna worker is claiming right now is left to it.
    const skip = tx.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    // Bounded: each pass either claims a trial or finds one an Optuna worker claimed in between.
    for (let pass = 0; pass < 16; pass++) {
      const [waiting] = await tx.all<{ trial_id: number }>(
        `SELECT trial_id FROM trials WHERE study_id = ? AND state = 'WAITING' ORDER BY number LIMIT 1${skip}`,
        [studyId],
      );
      if (!waiting) break;
      const id = Number(waiting.trial_id);
      const claimed = await tx.run(
        `UPDATE trials SET state = 'RUNNING', datetime_start = ? WHERE trial_id = ? AND state = 'WAITING'`,
        [timeToOptuna(now), id],
      );
      if (claimed === 0) continue;
      await setAttrs(tx, 'trial', id, running, true);
      return (await readTrials(tx, { trialId: id }))[0]!;
    }
    if (options.onlyWaiting) return null;
    if (options.maxTrials !== undefined && (await countTrials(tx, studyId)) >= options.maxTrials) return null;
    const { trialId } = await insertTrial(tx, studyId, {
      state: 'RUNNING',
      startedAt: now,
      finishedAt: null,
    });
    await setAttrs(tx, 'trial', trialId, { ...running, [`${NS}created_at`]: attrText(now) }, true);
    return (await readTrials(tx, { trialId }))[0]!;
  }

  /** Adds a waiting trial to a locked study; returns its number. */
  private async insertWaiting(tx: Sql, studyId: number, user: Attrs, system: Attrs): Promise<number> {
    const { trialId, number } = await insertTrial(tx, studyId, {
      state: 'WAITING',
      startedAt: null,
      finishedAt: null,
    });
    await setAttrs(tx, 'trial', trialId, user, false);
    await setAttrs(tx, 'trial', trialId, system, true);
    return number;
  }

  private study(sql: Sql, studyId: number): Promise<StudyInfo> {
    return readStudies(sql, [studyId]).then(([study]) => {
      if (!study)
        throw new TunekitError('study_not_found', `no study with id ${studyId} in ${this.sql.where}`);
      return study;
    });
  }

  private async requireStudy<T>(studyId: number, value: T): Promise<T> {
    if ((await this.sql.all(`SELECT 1 FROM studies WHERE study_id = ?`, [studyId])).length === 0)
      throw new TunekitError('study_not_found', `no study with id ${studyId} in ${this.sql.where}`);
    return value;
  }

  private duplicate(name: string): TunekitError {
    return new TunekitError(
      'duplicate_study',
      `a study named "${name}" already exists in ${this.sql.where}; load it or pick another name`,
    );
  }
}

/** A waiting trial's system attributes: Optuna's fixed_params (Optuna workers honour them too) and tunekit's fields. */
function waitingAttrs(t: NewWaitingTrial, retriedFrom: number | null, now: number): Record<string, string> {
  const attrs: Record<string, string> = {
    [FIXED_PARAMS]: attrText(t.fixedParams),
    [`${NS}created_at`]: attrText(now),
  };
  if (t.gridId !== undefined) attrs[`${NS}grid_id`] = attrText(t.gridId);
  if (t.retryCount) attrs[`${NS}retry_count`] = attrText(t.retryCount);
  if (retriedFrom !== null) attrs[`${NS}retried_from`] = attrText(retriedFrom);
  return attrs;
}

/** Every tunekit-only field of a record, as system attributes (for addTrials: a copy keeps them all). */
function recordAttrs(t: TrialRecord): Record<string, string> {
  const attrs: Record<string, string> = {
    ...textAttrs(t.samplerMemo, `${NS}memo:`),
    [`${NS}created_at`]: attrText(t.createdAt),
  };
  const fields = {
    grid_id: t.gridId,
    retried_from: t.retriedFrom,
    retried_by: t.retriedBy,
    fail_reason: t.failReason,
    worker: t.worker,
    heartbeat_at: t.heartbeatAt,
  };
  for (const [key, value] of Object.entries(fields)) if (value !== null) attrs[NS + key] = attrText(value);
  if (t.retryCount !== 0) attrs[`${NS}retry_count`] = attrText(t.retryCount);
  if (t.fixedParams !== null) attrs[FIXED_PARAMS] = attrText(t.fixedParams);
  if (t.constraints !== null) attrs[CONSTRAINTS] = attrText([...t.constraints]);
  return attrs;
}

// PostgreSQL storage (pg): many workers on many machines. Most calls are one statement, so one round trip
// and no transaction held open across the network; row locks are taken in one order (trial rows, then the
// study row), so workers never deadlock; each process uses a small, bounded pool of connections.
// A little over 400 lines: one method per contract method, each a statement or two of SQL kept beside the
// code that reads its rows; statements.ts and schema.ts already hold what could be split off.
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
  TrialWrite,
  TrialQuery,
  TrialResult,
} from '../../study/storage.js';
import type { Direction, StudyInfo, TrialRecord } from '../../study/types.js';
import { encodeValues, jsonOrNull, jsonText, studyFromRow, summariesFromRows } from '../sql/codec.js';
import type { StudyRow, SummaryRow, TrialRow } from '../sql/codec.js';
import { asFailed } from '../stale.js';
import type { PgPool, PgPoolClient } from './driver.js';
import { encodeSteps, INSERT_STEPS, TRIAL, trialFromPg } from './intermediate.js';
import { migrate, NOW_MS } from './schema.js';
import { asStorageError, redact } from './errors.js';
import {
  UNFINISHED,
  NO_LIMIT,
  START_TRIAL,
  FINISH,
  FINISH_AND_START,
  ADD_BATCH,
  waitingRow,
  finishValues,
  LIST_STUDIES,
} from './statements.js';
import { createPool, poolSettings } from './pool.js';
import type { PoolOptions, PoolSettings } from './pool.js';

/** How the storage connects: pool_max, idle_ms, connect_timeout_ms and prepared (pool.ts). */
export type PostgresStorageOptions = PoolOptions;

export class PostgresStorage implements StudyStorage {
  private readonly pool: PgPool;
  private readonly settings: PoolSettings;
  private readonly where: string;
  private ready: Promise<void> | null = null;

  constructor(url: string, options: PostgresStorageOptions = {}) {
    const parsed = new URL(url);
    this.settings = poolSettings(parsed, options);
    this.where = `PostgreSQL database ${redact(parsed)}`;
    this.pool = createPool(parsed, this.settings);
  }

  /** Connects and creates or migrates the schema; every other method waits for it. */
  open(): Promise<void> {
    this.ready ??= (async () => {
      const client = await this.pool.connect().catch((error: unknown) => {
        throw asStorageError(error, this.where, true, this.settings);
      });
      try {
        await migrate(client, this.where).catch((error: unknown) => {
          throw asStorageError(error, this.where, true, this.settings);
        });
      } finally {
        client.release();
      }
    })().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  async createStudy(
    name: string,
    directions: readonly Direction[],
    fields: NewStudy = {},
  ): Promise<StudyInfo> {
    try {
      const sql = `INSERT INTO tunekit_studies (name, directions, reproducible, created_at)
        VALUES ($1, $2, $3::jsonb, ${NOW_MS}) RETURNING *`;
      const args = [name, JSON.stringify(directions), jsonOrNull(fields.reproducible)];
      return studyFromRow((await this.query<StudyRow>(sql, args))[0]!);
    } catch (error) {
      throw this.uniqueAsDuplicate(error, name);
    }
  }

  async getStudy(name: string): Promise<StudyInfo> {
    const [row] = await this.query<StudyRow>(`SELECT * FROM tunekit_studies WHERE name = $1`, [name]);
    if (!row) throw new TunekitError('study_not_found', `no study named "${name}" in ${this.where}`);
    return studyFromRow(row);
  }

  async listStudies(): Promise<StudySummary[]> {
    const rows = await this.query<StudyRow & { summary: Array<Omit<SummaryRow, 'study_id'>> }>(LIST_STUDIES);
    const studies = rows.map(studyFromRow);
    return summariesFromRows(
      studies,
      rows.flatMap((r) => r.summary.map((g) => ({ ...g, study_id: r.id }))),
    );
  }

  async deleteStudy(studyId: number): Promise<void> {
    // Trials first, then the study: the same lock order as failStaleTrials, so the two never deadlock.
    const deleted = await this.transaction(async (client) => {
      await client.query(`DELETE FROM tunekit_trials WHERE study_id = $1`, [studyId]);
      return (await client.query(`DELETE FROM tunekit_studies WHERE id = $1`, [studyId])).rowCount;
    });
    if (deleted === 0) throw this.noStudy(studyId);
  }

  async renameStudy(studyId: number, newName: string): Promise<StudyInfo> {
    let rows: StudyRow[];
    try {
      rows = await this.query<StudyRow>(`UPDATE tunekit_studies SET name = $2 WHERE id = $1 RETURNING *`, [
        studyId,
        newName,
      ]);
    } catch (error) {
      throw this.uniqueAsDuplicate(error, newName);
    }
    if (!rows[0]) throw this.noStudy(studyId);
    return studyFromRow(rows[0]);
  }

  async writeStudy(studyId: number, write: StudyWrite): Promise<StudyInfo> {
    const [row] = await this.query<StudyRow>(
      `UPDATE tunekit_studies SET user_attrs = user_attrs || $2::jsonb, notes = notes || $3::jsonb,
         stop_requests = COALESCE($4::bigint, stop_requests),
         test_evaluations = CASE WHEN $5::jsonb IS NULL THEN test_evaluations ELSE $5::jsonb END,
         config = CASE WHEN $6::boolean THEN $7::text ELSE config END,
         stage = CASE WHEN $8::boolean THEN $9::jsonb ELSE stage END,
         reproducible = CASE WHEN $10::boolean THEN $11::jsonb ELSE reproducible END
       WHERE id = $1 RETURNING *`,
      [
        studyId,
        jsonText(write.userAttrs ?? {}),
        jsonText(write.notes ?? {}),
        write.stopRequests ?? null,
        write.testEvaluations === undefined ? null : jsonText(write.testEvaluations),
        write.config !== undefined,
        jsonOrNull(write.config),
        write.stage !== undefined,
        jsonOrNull(write.stage),
        write.reproducible !== undefined,
        jsonOrNull(write.reproducible),
      ],
    );
    if (!row) throw this.noStudy(studyId);
    return studyFromRow(row);
  }

  async enqueueTrials(
    studyId: number,
    trials: readonly NewWaitingTrial[],
    options: { onceKey?: string } = {},
  ): Promise<boolean> {
    const batch = trials.map(waitingRow);
    const sql = ADD_BATCH(
      `state, user_attrs, fixed_params, grid_id, retry_count, created_at`,
      `'waiting', e.t -> 'userAttrs', e.t -> 'fixedParams', (e.t ->> 'gridId')::bigint, (e.t ->> 'retryCount')::bigint, ${NOW_MS}`,
    );
    const key = options.onceKey ?? null;
    const [row] = await this.query<{ done: string }>(sql, [
      studyId,
      trials.length,
      key,
      JSON.stringify(batch),
    ]);
    if (Number(row!.done) === 0) return this.requireStudy(studyId, false);
    return true;
  }

  async addTrials(studyId: number, trials: readonly TrialRecord[]): Promise<void> {
    const batch = trials.map((t) => ({
      ...t,
      values: encodeValues(t.values),
      intermediateValues: encodeSteps(t.intermediateValues),
    }));
    const ms = (field: string): string => `(e.t ->> '${field}')::bigint`;
    const sql = ADD_BATCH(
      `state, vals, params, distributions, user_attrs, fixed_params, grid_id, retried_from, retried_by,
       retry_count, sampler_memo, fail_reason, worker, created_at, started_at, finished_at, heartbeat_at,
       constraint_values`,
      `e.t ->> 'state', NULLIF(e.t -> 'values', 'null'), e.t -> 'params', e.t -> 'distributions', e.t -> 'userAttrs',
       NULLIF(e.t -> 'fixedParams', 'null'), ${ms('gridId')}, ${ms('retriedFrom')}, ${ms('retriedBy')},
       ${ms('retryCount')}, e.t -> 'samplerMemo', e.t ->> 'failReason', e.t ->> 'worker',
       ${ms('createdAt')}, ${ms('startedAt')}, ${ms('finishedAt')}, ${ms('heartbeatAt')},
       NULLIF(e.t -> 'constraints', 'null')`,
    );
    const [row] = await this.query<{ done: string }>(sql, [
      studyId,
      trials.length,
      null,
      JSON.stringify(batch),
    ]);
    if (Number(row!.done) === 0) throw this.noStudy(studyId);
  }

  async startTrial(studyId: number, worker: string, options: StartOptions = {}): Promise<TrialRecord | null> {
    const limit = options.maxTrials === undefined ? NO_LIMIT : String(options.maxTrials);
    const [row] = await this.query<TrialRow>(
      START_TRIAL,
      [studyId, worker, !options.onlyWaiting, limit],
      'tunekit_start_trial',
    );
    return row ? trialFromPg(row) : this.requireStudy(studyId, null);
  }

  async writeTrial(trialId: number, write: TrialWrite): Promise<void> {
    const params = write.params ?? [];
    // One statement: the trial row and its new intermediate rows are written together, or not at all.
    await this.patchTrial(
      trialId,
      `params = params || $2::jsonb, distributions = distributions || $3::jsonb,
       user_attrs = user_attrs || $5::jsonb, sampler_memo = sampler_memo || $6::jsonb,
       constraint_values = COALESCE($7::jsonb, constraint_values)`,
      [
        JSON.stringify(Object.fromEntries(params.map((p) => [p.name, p.value]))),
        JSON.stringify(Object.fromEntries(params.map((p) => [p.name, p.distribution]))),
        JSON.stringify(encodeSteps(write.intermediateValues)),
        jsonText(write.userAttrs ?? {}),
        jsonText(write.samplerMemo ?? {}),
        write.constraints ? JSON.stringify(write.constraints) : null,
      ],
      'tunekit_write_trial',
      `reported AS (${INSERT_STEPS('trial', 'trial.id', '$4::jsonb')})`,
    );
  }

  async heartbeat(trialId: number): Promise<void> {
    await this.patchTrial(trialId, `heartbeat_at = ${NOW_MS}`, [], 'tunekit_heartbeat');
  }

  async finishTrial(trialId: number, result: TrialResult, next?: NextTrial): Promise<Finished> {
    if (!next) {
      const [row] = await this.query<TrialRow>(FINISH, finishValues(trialId, result), 'tunekit_finish_trial');
      if (!row) throw await this.whyNotWritable(trialId);
      return { finished: trialFromPg(row) };
    }
    const { worker, options = {} } = next;
    const start = [
      worker,
      !options.onlyWaiting,
      options.maxTrials === undefined ? NO_LIMIT : String(options.maxTrials),
    ];
    const rows = await this.query<TrialRow & { was_finished: boolean }>(
      FINISH_AND_START,
      [...finishValues(trialId, result), ...start],
      'tunekit_finish_and_start',
    );
    const finished = rows.find((r) => r.was_finished);
    if (!finished) throw await this.whyNotWritable(trialId);
    const started = rows.find((r) => !r.was_finished);
    return { finished: trialFromPg(finished), started: started ? trialFromPg(started) : null };
  }

  async failStaleTrials(studyId: number, graceMs: number, retry?: RetryPolicy): Promise<TrialRecord[]> {
    const stale = `FROM tunekit_trials WHERE study_id = $1 AND state = 'running' AND heartbeat_at < ${NOW_MS} - $2::bigint`;
    // Most calls find nothing: look without a transaction first.
    if ((await this.query(`SELECT 1 ${stale} LIMIT 1`, [studyId, graceMs], 'tunekit_any_stale')).length === 0)
      return this.requireStudy(studyId, []);
    return this.transaction(async (client) => {
      // SKIP LOCKED: a trial another worker is failing (or heartbeating right now) is left to it.
      const locked = await client.query<TrialRow>(
        `SELECT ${TRIAL} ${stale} ORDER BY number FOR UPDATE SKIP LOCKED`,
        [studyId, graceMs],
      );
      const failed: TrialRecord[] = [];
      for (const trial of locked.rows.map(trialFromPg)) {
        const record = asFailed(trial, graceMs, Date.now());
        const next = retry?.(record) ?? null;
        let retriedBy: number | null = null;
        if (next) {
          const numbered = await client.query(
            `UPDATE tunekit_studies SET next_number = next_number + 1 WHERE id = $1 RETURNING next_number - 1 AS n`,
            [studyId],
          );
          retriedBy = Number(numbered.rows[0].n);
          const row = waitingRow(next);
          await client.query(
            `INSERT INTO tunekit_trials (study_id, number, state, user_attrs, fixed_params, grid_id, retry_count, retried_from, created_at)
             VALUES ($1, $2, 'waiting', $3, $4, $5, $6, $7, ${NOW_MS})`,
            [
              studyId,
              retriedBy,
              jsonText(row.userAttrs),
              jsonText(row.fixedParams),
              row.gridId,
              row.retryCount,
              trial.number,
            ],
          );
        }
        const updated = await client.query<TrialRow>(
          `UPDATE tunekit_trials SET state = 'fail', fail_reason = $2, finished_at = ${NOW_MS}, retried_by = $3
           WHERE id = $1 RETURNING ${TRIAL}`,
          [trial.id, record.failReason, retriedBy],
        );
        failed.push(trialFromPg(updated.rows[0]!));
      }
      return failed;
    });
  }

  async getTrial(trialId: number): Promise<TrialRecord> {
    const [row] = await this.query<TrialRow>(
      `SELECT ${TRIAL} FROM tunekit_trials WHERE id = $1`,
      [trialId],
      'tunekit_get_trial',
    );
    if (!row) throw new TunekitError('trial_not_found', `no trial with id ${trialId} in ${this.where}`);
    return trialFromPg(row);
  }

  async getTrials(studyId: number, query: TrialQuery = {}): Promise<TrialRecord[]> {
    const { states, fromNumber = 0 } = query;
    const sql = `SELECT ${TRIAL} FROM tunekit_trials WHERE study_id = $1 AND number >= $2 AND ($3::text[] IS NULL OR state = ANY ($3::text[]))
                 ORDER BY number`;
    const rows = await this.query<TrialRow>(sql, [studyId, fromNumber, states ?? null], 'tunekit_get_trials');
    return rows.length > 0 ? rows.map(trialFromPg) : this.requireStudy(studyId, []);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * One statement on a pooled connection; `name` makes the server keep its plan per connection, unless
   * `prepared=false` (a pooler in transaction mode gives each statement any server connection).
   */
  private async query<R = Record<string, unknown>>(
    text: string,
    values: unknown[] = [],
    name?: string,
  ): Promise<R[]> {
    await this.open();
    try {
      const named = name !== undefined && this.settings.prepared;
      const result = await this.pool.query(named ? { name, text, values } : { text, values });
      return result.rows as R[];
    } catch (error) {
      throw asStorageError(error, this.where, false, this.settings);
    }
  }

  private async transaction<T>(fn: (client: PgPoolClient) => Promise<T>): Promise<T> {
    await this.open();
    const client = await this.pool.connect().catch((error: unknown) => {
      throw asStorageError(error, this.where, false, this.settings);
    });
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw asStorageError(error, this.where, false, this.settings);
    } finally {
      client.release();
    }
  }

  /**
   * Applies `set` to an unfinished trial ($1 is its id), then `also`: more CTEs, which see the updated row
   * as `trial` (none if the trial was finished). The write counts as a heartbeat.
   */
  private async patchTrial(
    trialId: number,
    set: string,
    values: unknown[],
    name?: string,
    also?: string,
  ): Promise<void> {
    const beat = set.startsWith('heartbeat_at')
      ? ''
      : `, heartbeat_at = CASE WHEN state = 'running' THEN ${NOW_MS} ELSE heartbeat_at END`;
    const update = `UPDATE tunekit_trials SET ${set}${beat} WHERE id = $1 AND ${UNFINISHED}`;
    const rows = await this.query(
      also ? `WITH trial AS (${update} RETURNING id), ${also} SELECT 1 FROM trial` : `${update} RETURNING 1`,
      [trialId, ...values],
      name,
    );
    if (rows.length === 0) throw await this.whyNotWritable(trialId);
  }

  /** Returns `value` if the study exists; throws `study_not_found` otherwise. */
  private async requireStudy<T>(studyId: number, value: T): Promise<T> {
    if ((await this.query(`SELECT 1 FROM tunekit_studies WHERE id = $1`, [studyId])).length === 0)
      throw this.noStudy(studyId);
    return value;
  }

  private async whyNotWritable(trialId: number): Promise<TunekitError> {
    const [row] = await this.query<{ number: string; state: string }>(
      `SELECT number, state FROM tunekit_trials WHERE id = $1`,
      [trialId],
    );
    if (!row) return new TunekitError('trial_not_found', `no trial with id ${trialId} in ${this.where}`);
    return new TunekitError(
      'trial_finished',
      `trial ${row.number} is already ${row.state} and cannot be changed`,
    );
  }

  private noStudy(studyId: number): TunekitError {
    return new TunekitError('study_not_found', `no study with id ${studyId} in ${this.where}`);
  }

  private uniqueAsDuplicate(error: unknown, name: string): unknown {
    if ((error as { details?: { code?: string } }).details?.code === '23505')
      return new TunekitError(
        'duplicate_study',
        `a study named "${name}" already exists in ${this.where}; load it or pick another name`,
      );
    return error;
  }
}

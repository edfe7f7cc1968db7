// SQLite storage (better-sqlite3): one file, many worker processes. WAL lets readers run beside the one
// writer; every write that reads first runs in an IMMEDIATE transaction, which takes the write lock up
// front, so two workers never both read "number 7 is next" or both claim the same waiting trial.
import type Database from 'better-sqlite3';
import { TunekitError } from '../../errors.js';
import type {
  Finished,
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
import type { Direction, JsonValue, StudyInfo, TrialRecord } from '../../study/types.js';
import {
  encodeIntermediate,
  encodeNumber,
  encodeValues,
  jsonText,
  studyFromRow,
  summariesFromRows,
  trialFromRow,
} from '../sql/codec.js';
import type { StudyRow, SummaryRow, TrialRow } from '../sql/codec.js';
import { asFailed } from '../stale.js';
import { asDiskError, openDatabase } from './open.js';
import { migrate, requireCurrent } from './schema.js';

export interface SqliteStorageOptions {
  /** How long a write waits for another process's write lock before failing. Default 30 s. */
  busyTimeoutMs?: number;
  /** Open an existing database without migrating it (e.g. for a read-only dashboard). */
  readonly?: boolean;
}

const UNFINISHED = `state IN ('waiting', 'running')`;
type JsonColumn = 'params' | 'distributions' | 'user_attrs' | 'sampler_memo';
// A trial row as the codec reads it: the table's columns plus the intermediate values gathered from their
// own table into one JSON object.
const TRIAL = `*, (SELECT json_group_object(step, json(value)) FROM tunekit_intermediate i WHERE i.trial_id = tunekit_trials.id) AS intermediate`;

export class SqliteStorage implements StudyStorage {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(path: string, options: SqliteStorageOptions = {}) {
    this.path = path;
    this.db = openDatabase(path, options.busyTimeoutMs ?? 30_000, options.readonly ?? false);
    if (!options.readonly) migrate(this.db, `SQLite database ${path}`);
    else requireCurrent(this.db, `SQLite database ${path}`);
  }

  createStudy(name: string, directions: readonly Direction[]): Promise<StudyInfo> {
    return this.run(() => {
      try {
        const row = this.sql(
          `INSERT INTO tunekit_studies (name, directions, created_at) VALUES (?, ?, ?) RETURNING *`,
        ).get(name, JSON.stringify(directions), Date.now());
        return studyFromRow(row as StudyRow);
      } catch (error) {
        throw this.uniqueAsDuplicate(error, name);
      }
    });
  }

  getStudy(name: string): Promise<StudyInfo> {
    return this.run(() => {
      const row = this.sql(`SELECT * FROM tunekit_studies WHERE name = ?`).get(name);
      if (!row) throw new TunekitError('study_not_found', `no study named "${name}" in ${this.path}`);
      return studyFromRow(row as StudyRow);
    });
  }

  listStudies(): Promise<StudySummary[]> {
    const read = this.db.transaction(() => {
      const studies = (this.sql(`SELECT * FROM tunekit_studies ORDER BY id`).all() as StudyRow[]).map(
        studyFromRow,
      );
      const first = `CASE WHEN json_type(vals, '$[0]') IN ('real', 'integer') THEN json_extract(vals, '$[0]') END`;
      const rows = this.sql(
        `SELECT study_id, state, COUNT(*) AS n, MIN(${first}) AS lo, MAX(${first}) AS hi,
                MAX(MAX(created_at, COALESCE(started_at, 0), COALESCE(finished_at, 0))) AS last
         FROM tunekit_trials GROUP BY study_id, state`,
      ).all() as SummaryRow[];
      return summariesFromRows(studies, rows);
    });
    return this.run(() => read.deferred());
  }

  deleteStudy(studyId: number): Promise<void> {
    return this.run(() => {
      if (this.sql(`DELETE FROM tunekit_studies WHERE id = ?`).run(studyId).changes === 0)
        throw this.noStudy(studyId);
    });
  }

  renameStudy(studyId: number, newName: string): Promise<StudyInfo> {
    return this.run(() => {
      let row: unknown;
      try {
        row = this.sql(`UPDATE tunekit_studies SET name = ? WHERE id = ? RETURNING *`).get(newName, studyId);
      } catch (error) {
        throw this.uniqueAsDuplicate(error, newName);
      }
      if (!row) throw this.noStudy(studyId);
      return studyFromRow(row as StudyRow);
    });
  }

  writeStudy(studyId: number, write: StudyWrite): Promise<StudyInfo> {
    return this.run(() =>
      this.write(() => {
        const row = this.sql(`SELECT * FROM tunekit_studies WHERE id = ?`).get(studyId) as
          StudyRow | undefined;
        if (!row) throw this.noStudy(studyId);
        const merged = (column: unknown, patch: object | undefined): string =>
          jsonText({ ...JSON.parse(column as string), ...patch });
        const replaced = (column: unknown, value: unknown): unknown =>
          value === undefined ? column : value === null ? null : jsonText(value);
        const updated = this.sql(
          `UPDATE tunekit_studies SET user_attrs = ?, stop_requests = ?, test_evaluations = ?, config = ?, notes = ?
           WHERE id = ? RETURNING *`,
        ).get(
          merged(row.user_attrs, write.userAttrs),
          write.stopRequests ?? row.stop_requests,
          replaced(row.test_evaluations, write.testEvaluations),
          replaced(row.config, write.config),
          merged(row.notes, write.notes),
          studyId,
        );
        return studyFromRow(updated as StudyRow);
      }),
    );
  }

  enqueueTrials(
    studyId: number,
    trials: readonly NewWaitingTrial[],
    options: { onceKey?: string } = {},
  ): Promise<boolean> {
    return this.run(() =>
      this.write(() => {
        if (options.onceKey !== undefined) {
          const keys = this.onceKeys(studyId);
          if (keys.includes(options.onceKey)) return false;
          this.sql(`UPDATE tunekit_studies SET once_keys = ? WHERE id = ?`).run(
            JSON.stringify([...keys, options.onceKey]),
            studyId,
          );
        }
        let number = this.takeNumbers(studyId, trials.length);
        const now = Date.now();
        for (const t of trials) this.insertWaiting(studyId, number++, t, null, now);
        return true;
      }),
    );
  }

  addTrials(studyId: number, trials: readonly TrialRecord[]): Promise<void> {
    return this.run(() =>
      this.write(() => {
        let number = this.takeNumbers(studyId, trials.length);
        const insert = this.sql(
          `INSERT INTO tunekit_trials (study_id, number, state, vals, params, distributions, user_attrs,
             fixed_params, grid_id, retried_from, retried_by, retry_count, sampler_memo, fail_reason, worker,
             created_at, started_at, finished_at, heartbeat_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        );
        for (const t of trials) {
          const { id } = insert.get(
            studyId,
            number++,
            t.state,
            JSON.stringify(encodeValues(t.values)),
            JSON.stringify(t.params),
            JSON.stringify(t.distributions),
            JSON.stringify(t.userAttrs),
            t.fixedParams === null ? null : JSON.stringify(t.fixedParams),
            t.gridId,
            t.retriedFrom,
            t.retriedBy,
            t.retryCount,
            JSON.stringify(t.samplerMemo),
            t.failReason,
            t.worker,
            t.createdAt,
            t.startedAt,
            t.finishedAt,
            t.heartbeatAt,
          ) as { id: number };
          for (const [step, value] of Object.entries(encodeIntermediate(t.intermediateValues)))
            this.insertIntermediate(id, step, value);
        }
      }),
    );
  }

  startTrial(studyId: number, worker: string, options: StartOptions = {}): Promise<TrialRecord | null> {
    return this.run(() => this.write(() => this.start(studyId, worker, options)));
  }

  writeTrial(trialId: number, write: TrialWrite): Promise<void> {
    const params = write.params ?? [];
    const patch: Partial<Record<JsonColumn, Record<string, JsonValue>>> = {};
    if (params.length > 0) {
      patch.params = Object.fromEntries(params.map((p) => [p.name, p.value]));
      patch.distributions = Object.fromEntries(
        params.map((p) => [p.name, p.distribution as unknown as JsonValue]),
      );
    }
    if (write.userAttrs && Object.keys(write.userAttrs).length > 0) patch.user_attrs = { ...write.userAttrs };
    if (write.samplerMemo && Object.keys(write.samplerMemo).length > 0)
      patch.sampler_memo = { ...write.samplerMemo };
    // One transaction: the patch checks the trial is unfinished first, so either everything goes in or nothing.
    return this.run(() =>
      this.write(() => {
        this.patchTrial(trialId, patch);
        for (const [step, value] of Object.entries(write.intermediateValues ?? {}))
          this.insertIntermediate(trialId, step, encodeNumber(value));
      }),
    );
  }

  heartbeat(trialId: number): Promise<void> {
    return this.run(() => {
      const changed = this.sql(
        `UPDATE tunekit_trials SET heartbeat_at = ? WHERE id = ? AND ${UNFINISHED}`,
      ).run(Date.now(), trialId).changes;
      if (changed === 0) throw this.whyNotWritable(trialId);
    });
  }

  finishTrial(trialId: number, result: TrialResult, next?: NextTrial): Promise<Finished> {
    if (!next) return this.run(() => ({ finished: this.finish(trialId, result) }));
    return this.run(() =>
      this.write(() => {
        const finished = this.finish(trialId, result);
        return { finished, started: this.start(finished.studyId, next.worker, next.options ?? {}) };
      }),
    );
  }

  failStaleTrials(studyId: number, graceMs: number, retry?: RetryPolicy): Promise<TrialRecord[]> {
    return this.run(() => this.failStale(studyId, graceMs, retry));
  }

  getTrial(trialId: number): Promise<TrialRecord> {
    return this.run(() => {
      const row = this.sql(`SELECT ${TRIAL} FROM tunekit_trials WHERE id = ?`).get(trialId);
      if (!row) throw new TunekitError('trial_not_found', `no trial with id ${trialId} in ${this.path}`);
      return trialFromRow(row as TrialRow);
    });
  }

  getTrials(studyId: number, query: TrialQuery = {}): Promise<TrialRecord[]> {
    return this.run(() => {
      const { states, fromNumber = 0 } = query;
      if (states && states.length === 0) return this.requireStudy(studyId, []);
      const stateFilter = states ? `AND state IN (${states.map(() => '?').join(', ')})` : '';
      const rows = this.sql(
        `SELECT ${TRIAL} FROM tunekit_trials WHERE study_id = ? AND number >= ? ${stateFilter} ORDER BY number`,
      ).all(studyId, fromNumber, ...(states ?? [])) as TrialRow[];
      return rows.length > 0 ? rows.map(trialFromRow) : this.requireStudy(studyId, []);
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /**
   * Every public call runs its work through here: better-sqlite3 is synchronous, so the work runs now and
   * its result (or error) becomes the promise; a disk-level failure becomes a `storage_error` naming the file.
   */
  private async run<T>(work: () => T): Promise<T> {
    try {
      return work();
    } catch (error) {
      throw asDiskError(error, this.path);
    }
  }

  /** startTrial's work; call inside `write`. */
  private start(studyId: number, worker: string, options: StartOptions): TrialRecord | null {
    const now = Date.now();
    const claimed = this.sql(
      `UPDATE tunekit_trials SET state = 'running', worker = ?, started_at = ?, heartbeat_at = ?
       WHERE id = (SELECT id FROM tunekit_trials WHERE study_id = ? AND state = 'waiting' ORDER BY number LIMIT 1)
       RETURNING ${TRIAL}`,
    ).get(worker, now, now, studyId);
    if (claimed) return trialFromRow(claimed as TrialRow);
    if (options.onlyWaiting) return this.requireStudy(studyId, null);
    const next = this.sql(
      `UPDATE tunekit_studies SET next_number = next_number + 1 WHERE id = ? AND next_number < ? RETURNING next_number - 1 AS number`,
    ).get(studyId, options.maxTrials ?? Number.MAX_SAFE_INTEGER) as { number: number } | undefined;
    if (!next) return this.requireStudy(studyId, null);
    const row = this.sql(
      `INSERT INTO tunekit_trials (study_id, number, state, worker, created_at, started_at, heartbeat_at)
       VALUES (?, ?, 'running', ?, ?, ?, ?) RETURNING ${TRIAL}`,
    ).get(studyId, next.number, worker, now, now, now);
    return trialFromRow(row as TrialRow);
  }

  /** finishTrial's work: one statement, so inside or outside `write`. */
  private finish(trialId: number, result: TrialResult): TrialRecord {
    const row = this.sql(
      `UPDATE tunekit_trials SET state = ?, vals = ?, fail_reason = ?, finished_at = ? WHERE id = ? AND ${UNFINISHED} RETURNING ${TRIAL}`,
    ).get(
      result.state,
      JSON.stringify(encodeValues(result.values)),
      result.failReason ?? null,
      Date.now(),
      trialId,
    );
    if (!row) throw this.whyNotWritable(trialId);
    return trialFromRow(row as TrialRow);
  }

  private failStale(studyId: number, graceMs: number, retry?: RetryPolicy): TrialRecord[] {
    const staleSql = `FROM tunekit_trials WHERE study_id = ? AND state = 'running' AND heartbeat_at < ?`;
    // Most calls find nothing: look without the write lock first.
    if (!this.sql(`SELECT 1 ${staleSql} LIMIT 1`).get(studyId, Date.now() - graceMs))
      return this.requireStudy(studyId, []);
    return this.write(() => {
      const now = Date.now();
      const stale = (
        this.sql(`SELECT ${TRIAL} ${staleSql} ORDER BY number`).all(studyId, now - graceMs) as TrialRow[]
      ).map(trialFromRow);
      return stale.map((trial) => {
        const failed = asFailed(trial, graceMs, now);
        const next = retry?.(failed) ?? null;
        let retriedBy: number | null = null;
        if (next) {
          retriedBy = this.takeNumbers(studyId, 1);
          this.insertWaiting(studyId, retriedBy, next, trial.number, now);
        }
        const row = this.sql(
          `UPDATE tunekit_trials SET state = 'fail', fail_reason = ?, finished_at = ?, retried_by = ? WHERE id = ? RETURNING ${TRIAL}`,
        ).get(failed.failReason, now, retriedBy, trial.id);
        return trialFromRow(row as TrialRow);
      });
    });
  }

  /** Runs `fn` in an IMMEDIATE transaction: the write lock is taken before the first read. */
  private write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  /** Reserves `count` consecutive trial numbers; call inside `write`. */
  private takeNumbers(studyId: number, count: number): number {
    const row = this.sql(
      `UPDATE tunekit_studies SET next_number = next_number + ? WHERE id = ? RETURNING next_number - ? AS first`,
    ).get(count, studyId, count) as { first: number } | undefined;
    if (!row) throw this.noStudy(studyId);
    return row.first;
  }

  private insertIntermediate(trialId: number, step: string, value: number | string): void {
    this.sql(`INSERT OR REPLACE INTO tunekit_intermediate (trial_id, step, value) VALUES (?, ?, ?)`).run(
      trialId,
      step,
      JSON.stringify(value),
    );
  }

  private insertWaiting(
    studyId: number,
    number: number,
    trial: NewWaitingTrial,
    retriedFrom: number | null,
    now: number,
  ): void {
    this.sql(
      `INSERT INTO tunekit_trials (study_id, number, state, user_attrs, fixed_params, grid_id, retry_count, retried_from, created_at)
       VALUES (?, ?, 'waiting', ?, ?, ?, ?, ?, ?)`,
    ).run(
      studyId,
      number,
      jsonText({ ...trial.userAttrs }),
      jsonText({ ...trial.fixedParams }),
      trial.gridId ?? null,
      trial.retryCount ?? 0,
      retriedFrom,
      now,
    );
  }

  /** Merges `patch[column]` into each JSON column of a waiting or running trial, in one write; it counts as a heartbeat. */
  private patchTrial(trialId: number, patch: Partial<Record<JsonColumn, Record<string, JsonValue>>>): void {
    const columns = Object.keys(patch) as JsonColumn[];
    this.write(() => {
      const row = this.sql(`SELECT ${['state', ...columns].join(', ')} FROM tunekit_trials WHERE id = ?`).get(
        trialId,
      ) as Record<string, string> | undefined;
      if (!row || (row.state !== 'waiting' && row.state !== 'running')) throw this.whyNotWritable(trialId);
      const values = columns.map((c) => jsonText({ ...JSON.parse(row[c]!), ...patch[c] }));
      const sets = [...columns.map((c) => `${c} = ?`), 'heartbeat_at = COALESCE(?, heartbeat_at)'].join(', ');
      const beat = row.state === 'running' ? Date.now() : null;
      this.sql(`UPDATE tunekit_trials SET ${sets} WHERE id = ?`).run(...values, beat, trialId);
    });
  }

  private onceKeys(studyId: number): string[] {
    const row = this.sql(`SELECT once_keys FROM tunekit_studies WHERE id = ?`).get(studyId) as
      { once_keys: string } | undefined;
    if (!row) throw this.noStudy(studyId);
    return JSON.parse(row.once_keys) as string[];
  }

  /** Returns `value` if the study exists; throws `study_not_found` otherwise. */
  private requireStudy<T>(studyId: number, value: T): T {
    if (!this.sql(`SELECT 1 FROM tunekit_studies WHERE id = ?`).get(studyId)) throw this.noStudy(studyId);
    return value;
  }

  private whyNotWritable(trialId: number): TunekitError {
    const row = this.sql(`SELECT number, state FROM tunekit_trials WHERE id = ?`).get(trialId) as
      { number: number; state: string } | undefined;
    if (!row) return new TunekitError('trial_not_found', `no trial with id ${trialId} in ${this.path}`);
    return new TunekitError(
      'trial_finished',
      `trial ${row.number} is already ${row.state} and cannot be changed`,
    );
  }

  private noStudy(studyId: number): TunekitError {
    return new TunekitError('study_not_found', `no study with id ${studyId} in ${this.path}`);
  }

  private uniqueAsDuplicate(error: unknown, name: string): unknown {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
      return new TunekitError(
        'duplicate_study',
        `a study named "${name}" already exists in ${this.path}; load it or pick another name`,
      );
    return error;
  }
}

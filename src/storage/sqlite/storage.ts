// SQLite storage (better-sqlite3): one file, many worker processes. WAL lets readers run beside the one
// writer; every write that reads first runs in an IMMEDIATE transaction, which takes the write lock up
// front, so two workers never both read "number 7 is next" or both claim the same waiting trial.
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
import type { Direction, JsonValue, StudyInfo, TrialRecord } from '../../study/types.js';
import {
  encodeIntermediate,
  encodeNumber,
  encodeValues,
  jsonOrNull,
  jsonText,
  studyFromRow,
  summariesFromRows,
  trialFromRow,
} from '../sql/codec.js';
import type { StudyRow, SummaryRow, TrialRow } from '../sql/codec.js';
import { asFailed } from '../stale.js';
import type { SqliteDatabase } from './driver.js';
import { asDiskError, openDatabase } from './open.js';
import { SqliteRows, TRIAL, UNFINISHED } from './rows.js';
import type { JsonColumn } from './rows.js';
import { migrate, requireCurrent } from './schema.js';

export interface SqliteStorageOptions {
  /** How long a write waits for another process's write lock before failing. Default 30 s. */
  busyTimeoutMs?: number;
  /** Open an existing database without migrating it (e.g. for a read-only dashboard). */
  readonly?: boolean;
  /** false: a file that does not exist is refused (`storage_unreachable`) instead of created. Default true. */
  create?: boolean;
}

export class SqliteStorage implements StudyStorage {
  readonly path: string;
  private readonly db: SqliteDatabase;
  private readonly rows: SqliteRows;

  constructor(path: string, options: SqliteStorageOptions = {}) {
    this.path = path;
    this.db = openDatabase(path, {
      busyTimeoutMs: options.busyTimeoutMs ?? 30_000,
      readonly: options.readonly ?? false,
      create: options.create ?? true,
    });
    this.rows = new SqliteRows(this.db, path);
    if (!options.readonly) migrate(this.db, `SQLite database ${path}`);
    else requireCurrent(this.db, `SQLite database ${path}`);
  }

  createStudy(name: string, directions: readonly Direction[], fields: NewStudy = {}): Promise<StudyInfo> {
    return this.run(() => {
      try {
        const row = this.rows
          .sql(
            `INSERT INTO tunekit_studies (name, directions, reproducible, created_at) VALUES (?, ?, ?, ?) RETURNING *`,
          )
          .get(name, JSON.stringify(directions), jsonOrNull(fields.reproducible), Date.now());
        return studyFromRow(row as StudyRow);
      } catch (error) {
        throw this.rows.uniqueAsDuplicate(error, name);
      }
    });
  }

  getStudy(name: string): Promise<StudyInfo> {
    return this.run(() => {
      const row = this.rows.sql(`SELECT * FROM tunekit_studies WHERE name = ?`).get(name);
      if (!row) throw new TunekitError('study_not_found', `no study named "${name}" in ${this.path}`);
      return studyFromRow(row as StudyRow);
    });
  }

  listStudies(): Promise<StudySummary[]> {
    const read = this.db.transaction(() => {
      const studies = (this.rows.sql(`SELECT * FROM tunekit_studies ORDER BY id`).all() as StudyRow[]).map(
        studyFromRow,
      );
      // The first value of trials that break no constraint (the best value is a feasible one).
      const first = `CASE WHEN json_type(vals, '$[0]') IN ('real', 'integer') AND NOT EXISTS (
          SELECT 1 FROM json_each(COALESCE(constraint_values, '[]')) WHERE value > 0)
        THEN json_extract(vals, '$[0]') END`;
      const rows = this.rows
        .sql(
          `SELECT study_id, state, COUNT(*) AS n, MIN(${first}) AS lo, MAX(${first}) AS hi,
                MAX(MAX(created_at, COALESCE(started_at, 0), COALESCE(finished_at, 0))) AS last
         FROM tunekit_trials GROUP BY study_id, state`,
        )
        .all() as SummaryRow[];
      return summariesFromRows(studies, rows);
    });
    return this.run(() => read.deferred());
  }

  deleteStudy(studyId: number): Promise<void> {
    return this.run(() => {
      if (this.rows.sql(`DELETE FROM tunekit_studies WHERE id = ?`).run(studyId).changes === 0)
        throw this.rows.noStudy(studyId);
    });
  }

  renameStudy(studyId: number, newName: string): Promise<StudyInfo> {
    return this.run(() => {
      let row: unknown;
      try {
        row = this.rows
          .sql(`UPDATE tunekit_studies SET name = ? WHERE id = ? RETURNING *`)
          .get(newName, studyId);
      } catch (error) {
        throw this.rows.uniqueAsDuplicate(error, newName);
      }
      if (!row) throw this.rows.noStudy(studyId);
      return studyFromRow(row as StudyRow);
    });
  }

  writeStudy(studyId: number, write: StudyWrite): Promise<StudyInfo> {
    return this.run(() =>
      this.rows.write(() => {
        const row = this.rows.sql(`SELECT * FROM tunekit_studies WHERE id = ?`).get(studyId) as
          StudyRow | undefined;
        if (!row) throw this.rows.noStudy(studyId);
        const merged = (column: unknown, patch: object | undefined): string =>
          jsonText({ ...JSON.parse(column as string), ...patch });
        const replaced = (column: unknown, value: unknown): unknown =>
          value === undefined ? column : value === null ? null : jsonText(value);
        const updated = this.rows
          .sql(
            `UPDATE tunekit_studies SET user_attrs = ?, stop_requests = ?, test_evaluations = ?, config = ?, notes = ?,
             stage = ?, reproducible = ? WHERE id = ? RETURNING *`,
          )
          .get(
            merged(row.user_attrs, write.userAttrs),
            write.stopRequests ?? row.stop_requests,
            replaced(row.test_evaluations, write.testEvaluations),
            replaced(row.config, write.config),
            merged(row.notes, write.notes),
            replaced(row.stage, write.stage),
            replaced(row.reproducible, write.reproducible),
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
      this.rows.write(() => {
        if (options.onceKey !== undefined) {
          const keys = this.rows.onceKeys(studyId);
          if (keys.includes(options.onceKey)) return false;
          this.rows
            .sql(`UPDATE tunekit_studies SET once_keys = ? WHERE id = ?`)
            .run(JSON.stringify([...keys, options.onceKey]), studyId);
        }
        let number = this.rows.takeNumbers(studyId, trials.length);
        const now = Date.now();
        for (const t of trials) this.rows.insertWaiting(studyId, number++, t, null, now);
        return true;
      }),
    );
  }

  addTrials(studyId: number, trials: readonly TrialRecord[]): Promise<void> {
    return this.run(() =>
      this.rows.write(() => {
        let number = this.rows.takeNumbers(studyId, trials.length);
        const insert = this.rows.sql(
          `INSERT INTO tunekit_trials (study_id, number, state, vals, params, distributions, user_attrs,
             fixed_params, grid_id, retried_from, retried_by, retry_count, sampler_memo, fail_reason, worker,
             created_at, started_at, finished_at, heartbeat_at, constraint_values)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
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
            t.constraints === null ? null : JSON.stringify(t.constraints),
          ) as { id: number };
          for (const [step, value] of Object.entries(encodeIntermediate(t.intermediateValues)))
            this.rows.insertIntermediate(id, step, value);
        }
      }),
    );
  }

  startTrial(studyId: number, worker: string, options: StartOptions = {}): Promise<TrialRecord | null> {
    return this.run(() => this.rows.write(() => this.start(studyId, worker, options)));
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
      this.rows.write(() => {
        this.rows.patchTrial(trialId, patch);
        if (write.constraints)
          this.rows
            .sql(`UPDATE tunekit_trials SET constraint_values = ? WHERE id = ?`)
            .run(JSON.stringify(write.constraints), trialId);
        for (const [step, value] of Object.entries(write.intermediateValues ?? {}))
          this.rows.insertIntermediate(trialId, step, encodeNumber(value));
      }),
    );
  }

  heartbeat(trialId: number): Promise<void> {
    return this.run(() => {
      const changed = this.rows
        .sql(`UPDATE tunekit_trials SET heartbeat_at = ? WHERE id = ? AND ${UNFINISHED}`)
        .run(Date.now(), trialId).changes;
      if (changed === 0) throw this.rows.whyNotWritable(trialId);
    });
  }

  finishTrial(trialId: number, result: TrialResult, next?: NextTrial): Promise<Finished> {
    if (!next) return this.run(() => ({ finished: this.finish(trialId, result) }));
    return this.run(() =>
      this.rows.write(() => {
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
      const row = this.rows.sql(`SELECT ${TRIAL} FROM tunekit_trials WHERE id = ?`).get(trialId);
      if (!row) throw new TunekitError('trial_not_found', `no trial with id ${trialId} in ${this.path}`);
      return trialFromRow(row as TrialRow);
    });
  }

  getTrials(studyId: number, query: TrialQuery = {}): Promise<TrialRecord[]> {
    return this.run(() => {
      const { states, fromNumber = 0 } = query;
      if (states && states.length === 0) return this.rows.requireStudy(studyId, []);
      const stateFilter = states ? `AND state IN (${states.map(() => '?').join(', ')})` : '';
      const rows = this.rows
        .sql(
          `SELECT ${TRIAL} FROM tunekit_trials WHERE study_id = ? AND number >= ? ${stateFilter} ORDER BY number`,
        )
        .all(studyId, fromNumber, ...(states ?? [])) as TrialRow[];
      return rows.length > 0 ? rows.map(trialFromRow) : this.rows.requireStudy(studyId, []);
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
    const claimed = this.rows
      .sql(
        `UPDATE tunekit_trials SET state = 'running', worker = ?, started_at = ?, heartbeat_at = ?
       WHERE id = (SELECT id FROM tunekit_trials WHERE study_id = ? AND state = 'waiting' ORDER BY number LIMIT 1)
       RETURNING ${TRIAL}`,
      )
      .get(worker, now, now, studyId);
    if (claimed) return trialFromRow(claimed as TrialRow);
    if (options.onlyWaiting) return this.rows.requireStudy(studyId, null);
    const next = this.rows
      .sql(
        `UPDATE tunekit_studies SET next_number = next_number + 1 WHERE id = ? AND next_number < ? RETURNING next_number - 1 AS number`,
      )
      .get(studyId, options.maxTrials ?? Number.MAX_SAFE_INTEGER) as { number: number } | undefined;
    if (!next) return this.rows.requireStudy(studyId, null);
    const row = this.rows
      .sql(
        `INSERT INTO tunekit_trials (study_id, number, state, worker, created_at, started_at, heartbeat_at)
       VALUES (?, ?, 'running', ?, ?, ?, ?) RETURNING ${TRIAL}`,
      )
      .get(studyId, next.number, worker, now, now, now);
    return trialFromRow(row as TrialRow);
  }

  /** finishTrial's work: one statement, so inside or outside `write`. */
  private finish(trialId: number, result: TrialResult): TrialRecord {
    const row = this.rows
      .sql(
        `UPDATE tunekit_trials SET state = ?, vals = ?, fail_reason = ?, finished_at = ? WHERE id = ? AND ${UNFINISHED} RETURNING ${TRIAL}`,
      )
      .get(
        result.state,
        JSON.stringify(encodeValues(result.values)),
        result.failReason ?? null,
        Date.now(),
        trialId,
      );
    if (!row) throw this.rows.whyNotWritable(trialId);
    return trialFromRow(row as TrialRow);
  }

  private failStale(studyId: number, graceMs: number, retry?: RetryPolicy): TrialRecord[] {
    const staleSql = `FROM tunekit_trials WHERE study_id = ? AND state = 'running' AND heartbeat_at < ?`;
    // Most calls find nothing: look without the write lock first.
    if (!this.rows.sql(`SELECT 1 ${staleSql} LIMIT 1`).get(studyId, Date.now() - graceMs))
      return this.rows.requireStudy(studyId, []);
    return this.rows.write(() => {
      const now = Date.now();
      const stale = (
        this.rows.sql(`SELECT ${TRIAL} ${staleSql} ORDER BY number`).all(studyId, now - graceMs) as TrialRow[]
      ).map(trialFromRow);
      return stale.map((trial) => {
        const failed = asFailed(trial, graceMs, now);
        const next = retry?.(failed) ?? null;
        let retriedBy: number | null = null;
        if (next) {
          retriedBy = this.rows.takeNumbers(studyId, 1);
          this.rows.insertWaiting(studyId, retriedBy, next, trial.number, now);
        }
        const row = this.rows
          .sql(
            `UPDATE tunekit_trials SET state = 'fail', fail_reason = ?, finished_at = ?, retried_by = ? WHERE id = ? RETURNING ${TRIAL}`,
          )
          .get(failed.failReason, now, retriedBy, trial.id);
        return trialFromRow(row as TrialRow);
      });
    });
  }
}

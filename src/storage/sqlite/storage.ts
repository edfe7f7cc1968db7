// SQLite storage (better-sqlite3): one file, many worker processes. WAL lets readers run beside the one
// writer; every write that reads first runs in an IMMEDIATE transaction, which takes the write lock up
// front, so two workers never both read "number 7 is next" or both claim the same waiting trial.
import { accessSync, constants as fsConstants } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { TunekitError } from '../../errors.js';
import type { Distribution, ParamValue } from '../../search-space/index.js';
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
} from '../../study/storage.js';
import { FIXED_PARAMS_ATTR, ONCE_KEY_PREFIX } from '../../study/types.js';
import type { Direction, JsonValue, StudyInfo, TrialRecord } from '../../study/types.js';
import {
  encodeIntermediate,
  encodeNumber,
  encodeValues,
  studyFromRow,
  summariesFromRows,
  trialFromRow,
} from '../sql/codec.js';
import type { StudyRow, SummaryRow, TrialRow } from '../sql/codec.js';
import { asFailed, retryLinks } from '../stale.js';
import { migrate } from './schema.js';

export interface SqliteStorageOptions {
  /** How long a write waits for another process's write lock before failing. Default 30 s. */
  busyTimeoutMs?: number;
  /** Open an existing database without migrating it (e.g. for a read-only dashboard). */
  readonly?: boolean;
}

const UNFINISHED = `state IN ('waiting', 'running')`;
type JsonColumn = 'params' | 'distributions' | 'user_attrs' | 'system_attrs';
// A trial row as the codec reads it: the table's columns plus the intermediate values gathered from their
// own table into one JSON object.
const TRIAL = `*, (SELECT json_group_object(step, json(value)) FROM tunekit_intermediate i WHERE i.trial_id = tunekit_trials.id) AS intermediate`;

/**
 * Runs `step`, again while SQLite answers "database is locked", until `timeoutMs` has passed. Switching a
 * new file to WAL needs an exclusive lock, and when two connections both hold a shared lock and want it,
 * SQLite returns SQLITE_BUSY at once instead of calling its busy handler (it would deadlock), so workers
 * opening a new database together would otherwise fail.
 */
export function whenUnlocked(timeoutMs: number, step: () => void): void {
  const deadline = Date.now() + timeoutMs;
  for (let waitMs = 1; ; waitMs = Math.min(waitMs * 2, 100)) {
    try {
      return step();
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() + waitMs > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, waitMs); // a constructor cannot await
    }
  }
}

export class SqliteStorage implements StudyStorage {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(path: string, options: SqliteStorageOptions = {}) {
    this.path = path;
    const busyTimeoutMs = options.busyTimeoutMs ?? 30_000;
    try {
      this.db = new Database(path, { readonly: options.readonly ?? false, timeout: busyTimeoutMs });
      if (!options.readonly)
        whenUnlocked(busyTimeoutMs, () => {
          this.db.pragma('journal_mode = WAL');
          // With WAL, NORMAL loses no committed data on a process crash; only a power loss may drop the last commits.
          this.db.pragma('synchronous = NORMAL');
        });
      this.db.pragma('foreign_keys = ON');
    } catch (error) {
      // Opened but not usable (a read-only or full file system): release the file, or it stays busy.
      (this as unknown as { db?: Database.Database }).db?.close();
      throw new TunekitError(
        'storage_unreachable',
        `cannot open SQLite database ${path}: ${(error as Error).message}${readOnlyHint(path)}`,
      );
    }
    if (!options.readonly) migrate(this.db, `SQLite database ${path}`);
  }

  async createStudy(name: string, directions: readonly Direction[]): Promise<StudyInfo> {
    try {
      const row = this.sql(
        `INSERT INTO tunekit_studies (name, directions, created_at) VALUES (?, ?, ?) RETURNING *`,
      ).get(name, JSON.stringify(directions), Date.now());
      return studyFromRow(row as StudyRow);
    } catch (error) {
      throw this.uniqueAsDuplicate(error, name);
    }
  }

  async getStudy(name: string): Promise<StudyInfo> {
    const row = this.sql(`SELECT * FROM tunekit_studies WHERE name = ?`).get(name);
    if (!row) throw new TunekitError('study_not_found', `no study named "${name}" in ${this.path}`);
    return studyFromRow(row as StudyRow);
  }

  async listStudies(): Promise<StudySummary[]> {
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
    return read.deferred();
  }

  async deleteStudy(studyId: number): Promise<void> {
    if (this.sql(`DELETE FROM tunekit_studies WHERE id = ?`).run(studyId).changes === 0)
      throw this.noStudy(studyId);
  }

  async renameStudy(studyId: number, newName: string): Promise<StudyInfo> {
    let row: unknown;
    try {
      row = this.sql(`UPDATE tunekit_studies SET name = ? WHERE id = ? RETURNING *`).get(newName, studyId);
    } catch (error) {
      throw this.uniqueAsDuplicate(error, newName);
    }
    if (!row) throw this.noStudy(studyId);
    return studyFromRow(row as StudyRow);
  }

  async setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    this.patchStudyAttr(studyId, 'user_attrs', key, value);
  }

  async setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    this.patchStudyAttr(studyId, 'system_attrs', key, value);
  }

  async enqueueTrials(
    studyId: number,
    trials: readonly NewWaitingTrial[],
    options: { onceKey?: string } = {},
  ): Promise<boolean> {
    return this.write(() => {
      if (options.onceKey !== undefined) {
        const attrs = this.studyAttrs(studyId, 'system_attrs');
        const key = ONCE_KEY_PREFIX + options.onceKey;
        if (key in attrs) return false;
        this.sql(`UPDATE tunekit_studies SET system_attrs = ? WHERE id = ?`).run(
          JSON.stringify({ ...attrs, [key]: true }),
          studyId,
        );
      }
      let number = this.takeNumbers(studyId, trials.length);
      const now = Date.now();
      for (const t of trials) {
        const systemAttrs = { ...t.systemAttrs, [FIXED_PARAMS_ATTR]: { ...t.fixedParams } };
        this.insertWaiting(studyId, number++, { ...t.userAttrs }, systemAttrs, now);
      }
      return true;
    });
  }

  async addTrials(studyId: number, trials: readonly TrialRecord[]): Promise<void> {
    this.write(() => {
      let number = this.takeNumbers(studyId, trials.length);
      const insert = this.sql(
        `INSERT INTO tunekit_trials (study_id, number, state, vals, params, distributions, user_attrs,
           system_attrs, fail_reason, worker, created_at, started_at, finished_at, heartbeat_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
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
          JSON.stringify(t.systemAttrs),
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
    });
  }

  async startTrial(studyId: number, worker: string, options: StartOptions = {}): Promise<TrialRecord | null> {
    return this.write(() => this.start(studyId, worker, options));
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
    const params = write.params ?? [];
    const patch: Partial<Record<JsonColumn, Record<string, JsonValue>>> = {};
    if (params.length > 0) {
      patch.params = Object.fromEntries(params.map((p) => [p.name, p.value]));
      patch.distributions = Object.fromEntries(
        params.map((p) => [p.name, p.distribution as unknown as JsonValue]),
      );
    }
    if (write.userAttrs && Object.keys(write.userAttrs).length > 0) patch.user_attrs = { ...write.userAttrs };
    // One transaction: the patch checks the trial is unfinished first, so either everything goes in or nothing.
    this.write(() => {
      this.patchTrial(trialId, patch);
      for (const [step, value] of Object.entries(write.intermediateValues ?? {}))
        this.insertIntermediate(trialId, step, encodeNumber(value));
    });
  }

  async setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void> {
    await this.writeTrial(trialId, { intermediateValues: { [step]: value } });
  }

  async setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    this.patchTrial(trialId, { user_attrs: { [key]: value } });
  }

  async setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    this.patchTrial(trialId, { system_attrs: { [key]: value } });
  }

  async heartbeat(trialId: number): Promise<void> {
    const changed = this.sql(`UPDATE tunekit_trials SET heartbeat_at = ? WHERE id = ? AND ${UNFINISHED}`).run(
      Date.now(),
      trialId,
    ).changes;
    if (changed === 0) throw this.whyNotWritable(trialId);
  }

  async finishTrial(trialId: number, result: TrialResult): Promise<TrialRecord> {
    return this.finish(trialId, result);
  }

  async finishAndStartTrial(
    trialId: number,
    result: TrialResult,
    studyId: number,
    worker: string,
    options: StartOptions = {},
  ): Promise<{ finished: TrialRecord; started: TrialRecord | null }> {
    return this.write(() => {
      const finished = this.finish(trialId, result);
      return { finished, started: this.start(studyId, worker, options) };
    });
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

  async failStaleTrials(studyId: number, graceMs: number, retry?: RetryPolicy): Promise<TrialRecord[]> {
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
        let systemAttrs = failed.systemAttrs;
        if (next) {
          const number = this.takeNumbers(studyId, 1);
          const { retryAttrs, failedAttr } = retryLinks(next, trial.number, number);
          this.insertWaiting(
            studyId,
            number,
            { ...next.userAttrs },
            { ...retryAttrs, [FIXED_PARAMS_ATTR]: { ...next.fixedParams } },
            now,
          );
          systemAttrs = { ...systemAttrs, ...failedAttr };
        }
        const row = this.sql(
          `UPDATE tunekit_trials SET state = 'fail', fail_reason = ?, finished_at = ?, system_attrs = ? WHERE id = ? RETURNING ${TRIAL}`,
        ).get(failed.failReason, now, JSON.stringify(systemAttrs), trial.id);
        return trialFromRow(row as TrialRow);
      });
    });
  }

  async getTrial(trialId: number): Promise<TrialRecord> {
    const row = this.sql(`SELECT ${TRIAL} FROM tunekit_trials WHERE id = ?`).get(trialId);
    if (!row) throw new TunekitError('trial_not_found', `no trial with id ${trialId} in ${this.path}`);
    return trialFromRow(row as TrialRow);
  }

  async getTrials(studyId: number, query: TrialQuery = {}): Promise<TrialRecord[]> {
    const { states, fromNumber = 0 } = query;
    if (states && states.length === 0) return this.requireStudy(studyId, []);
    const stateFilter = states ? `AND state IN (${states.map(() => '?').join(', ')})` : '';
    const rows = this.sql(
      `SELECT ${TRIAL} FROM tunekit_trials WHERE study_id = ? AND number >= ? ${stateFilter} ORDER BY number`,
    ).all(studyId, fromNumber, ...(states ?? [])) as TrialRow[];
    return rows.length > 0 ? rows.map(trialFromRow) : this.requireStudy(studyId, []);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
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
    userAttrs: object,
    systemAttrs: object,
    now: number,
  ): void {
    this.sql(
      `INSERT INTO tunekit_trials (study_id, number, state, user_attrs, system_attrs, created_at) VALUES (?, ?, 'waiting', ?, ?, ?)`,
    ).run(studyId, number, JSON.stringify(userAttrs), JSON.stringify(systemAttrs), now);
  }

  /** Merges `patch[column]` into each JSON column of a waiting or running trial, in one write; it counts as a heartbeat. */
  private patchTrial(trialId: number, patch: Partial<Record<JsonColumn, Record<string, JsonValue>>>): void {
    const columns = Object.keys(patch) as JsonColumn[];
    this.write(() => {
      const row = this.sql(`SELECT ${['state', ...columns].join(', ')} FROM tunekit_trials WHERE id = ?`).get(
        trialId,
      ) as Record<string, string> | undefined;
      if (!row || (row.state !== 'waiting' && row.state !== 'running')) throw this.whyNotWritable(trialId);
      const values = columns.map((c) => JSON.stringify({ ...JSON.parse(row[c]!), ...patch[c] }));
      const sets = [...columns.map((c) => `${c} = ?`), 'heartbeat_at = COALESCE(?, heartbeat_at)'].join(', ');
      const beat = row.state === 'running' ? Date.now() : null;
      this.sql(`UPDATE tunekit_trials SET ${sets} WHERE id = ?`).run(...values, beat, trialId);
    });
  }

  private studyAttrs(studyId: number, column: 'user_attrs' | 'system_attrs'): Record<string, JsonValue> {
    const row = this.sql(`SELECT ${column} AS attrs FROM tunekit_studies WHERE id = ?`).get(studyId) as
      { attrs: string } | undefined;
    if (!row) throw this.noStudy(studyId);
    return JSON.parse(row.attrs) as Record<string, JsonValue>;
  }

  private patchStudyAttr(
    studyId: number,
    column: 'user_attrs' | 'system_attrs',
    key: string,
    value: JsonValue,
  ): void {
    this.write(() => {
      const attrs = { ...this.studyAttrs(studyId, column), [key]: value };
      this.sql(`UPDATE tunekit_studies SET ${column} = ? WHERE id = ?`).run(JSON.stringify(attrs), studyId);
    });
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

// Disk-level failures (a full or read-only file system, I/O errors) can come from any statement that
// touches the file; every storage call turns them into a storage_error naming the file.
const DISK_FAILURE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|CORRUPT|NOTADB|PERM)/;
const CALLS = [
  'createStudy',
  'deleteStudy',
  'renameStudy',
  'setStudyUserAttr',
  'setStudySystemAttr',
  'enqueueTrials',
  'addTrials',
  'startTrial',
  'setTrialParam',
  'setTrialParams',
  'writeTrial',
  'setTrialIntermediateValue',
  'setTrialUserAttr',
  'setTrialSystemAttr',
  'heartbeat',
  'finishTrial',
  'finishAndStartTrial',
  'failStaleTrials',
  'getStudy',
  'listStudies',
  'getTrial',
  'getTrials',
] as const;
for (const name of CALLS) {
  const call = SqliteStorage.prototype[name] as (...args: unknown[]) => Promise<unknown>;
  Object.defineProperty(SqliteStorage.prototype, name, {
    async value(this: SqliteStorage, ...args: unknown[]) {
      try {
        return await call.apply(this, args);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code !== 'string' || !DISK_FAILURE.test(code)) throw error;
        throw new TunekitError(
          'storage_error',
          `SQLite database ${this.path}: ${(error as Error).message} (${code})${readOnlyHint(this.path)}`,
          { code },
        );
      }
    },
    writable: true,
    configurable: true,
  });
}

/** Why SQLite may fail on a file it can read: it writes the database, -wal and -shm next to it. */
function readOnlyHint(path: string): string {
  try {
    accessSync(dirname(path), fsConstants.W_OK);
    return '';
  } catch {
    return `; ${dirname(path)} is read-only, and SQLite needs to write the database and its -wal and -shm files there`;
  }
}

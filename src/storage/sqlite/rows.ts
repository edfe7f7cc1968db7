// The row-level statements SqliteStorage is built from: a prepared-statement cache, the IMMEDIATE
// transaction, numbering, inserting waiting trials and intermediate values, and the errors a refused write means.
import { TunekitError } from '../../errors.js';
import type { NewWaitingTrial } from '../../study/storage.js';
import type { JsonValue } from '../../study/types.js';
import { jsonText } from '../sql/codec.js';
import type { SqliteDatabase, SqliteStatement } from './driver.js';

export const UNFINISHED = `state IN ('waiting', 'running')`;
export type JsonColumn = 'params' | 'distributions' | 'user_attrs' | 'sampler_memo';
// A trial row as the codec reads it: the table's columns plus the intermediate values gathered from their
// own table into one JSON object.
export const TRIAL = `*, (SELECT json_group_object(step, json(value)) FROM tunekit_intermediate i WHERE i.trial_id = tunekit_trials.id) AS intermediate`;

export class SqliteRows {
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly path: string,
  ) {}

  /** Runs `fn` in an IMMEDIATE transaction: the write lock is taken before the first read. */
  write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  sql(text: string): SqliteStatement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  /** Reserves `count` consecutive trial numbers; call inside `write`. */
  takeNumbers(studyId: number, count: number): number {
    const row = this.sql(
      `UPDATE tunekit_studies SET next_number = next_number + ? WHERE id = ? RETURNING next_number - ? AS first`,
    ).get(count, studyId, count) as { first: number } | undefined;
    if (!row) throw this.noStudy(studyId);
    return row.first;
  }

  insertIntermediate(trialId: number, step: string, value: number | string): void {
    this.sql(`INSERT OR REPLACE INTO tunekit_intermediate (trial_id, step, value) VALUES (?, ?, ?)`).run(
      trialId,
      step,
      JSON.stringify(value),
    );
  }

  insertWaiting(
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
  patchTrial(trialId: number, patch: Partial<Record<JsonColumn, Record<string, JsonValue>>>): void {
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

  onceKeys(studyId: number): string[] {
    const row = this.sql(`SELECT once_keys FROM tunekit_studies WHERE id = ?`).get(studyId) as
      { once_keys: string } | undefined;
    if (!row) throw this.noStudy(studyId);
    return JSON.parse(row.once_keys) as string[];
  }

  /** Returns `value` if the study exists; throws `study_not_found` otherwise. */
  requireStudy<T>(studyId: number, value: T): T {
    if (!this.sql(`SELECT 1 FROM tunekit_studies WHERE id = ?`).get(studyId)) throw this.noStudy(studyId);
    return value;
  }

  whyNotWritable(trialId: number): TunekitError {
    const row = this.sql(`SELECT number, state FROM tunekit_trials WHERE id = ?`).get(trialId) as
      { number: number; state: string } | undefined;
    if (!row) return new TunekitError('trial_not_found', `no trial with id ${trialId} in ${this.path}`);
    return new TunekitError(
      'trial_finished',
      `trial ${row.number} is already ${row.state} and cannot be changed`,
    );
  }

  noStudy(studyId: number): TunekitError {
    return new TunekitError('study_not_found', `no study with id ${studyId} in ${this.path}`);
  }

  uniqueAsDuplicate(error: unknown, name: string): unknown {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
      return new TunekitError(
        'duplicate_study',
        `a study named "${name}" already exists in ${this.path}; load it or pick another name`,
      );
    return error;
  }
}

// Writing Optuna's rows inside a transaction: locking a study or trial the way Optuna's RDBStorage does,
// creating a trial numbered as Optuna numbers it, and setting attributes, params and values one row each.
import { TunekitError } from '../../errors.js';
import type { Distribution, ParamValue } from '../../search-space/index.js';
import type { JsonValue } from '../../study/types.js';
import { distributionToJson, paramToInternal, timeToOptuna, valueToStored } from './codec.js';
import type { Sql } from './sql.js';

/** Attribute values as JSON text, encoded before a transaction starts so a value JSON cannot hold writes nothing. */
export function attrText(value: JsonValue | undefined): string {
  try {
    const text = JSON.stringify(value ?? null);
    if (text === undefined) throw new Error(`${typeof value} has no JSON form`);
    return text;
  } catch (error) {
    throw new TunekitError('invalid_argument', `cannot store a value as JSON: ${(error as Error).message}`);
  }
}

export type Attrs = Readonly<Record<string, string>>;

/** Locks the study row until the commit (SQLite's IMMEDIATE transaction already holds the file). */
export async function lockStudy(tx: Sql, studyId: number): Promise<void> {
  const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const rows = await tx.all(`SELECT study_id FROM studies WHERE study_id = ?${lock}`, [studyId]);
  if (rows.length === 0)
    throw new TunekitError('study_not_found', `no study with id ${studyId} in ${tx.where}`);
}

/** Locks an unfinished trial row; `trial_not_found` or `trial_finished` otherwise. Returns its study and state. */
export async function lockUnfinished(tx: Sql, trialId: number): Promise<{ studyId: number; state: string }> {
  const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const [row] = await tx.all<{ study_id: number; number: number; state: string }>(
    `SELECT study_id, number, state FROM trials WHERE trial_id = ?${lock}`,
    [trialId],
  );
  if (!row) throw new TunekitError('trial_not_found', `no trial with id ${trialId} in ${tx.where}`);
  if (row.state !== 'RUNNING' && row.state !== 'WAITING')
    throw new TunekitError(
      'trial_finished',
      `trial ${row.number} is already ${row.state.toLowerCase()} and cannot be changed`,
    );
  return { studyId: Number(row.study_id), state: row.state };
}

export async function setAttrs(
  tx: Sql,
  owner: 'trial' | 'study',
  id: number,
  attrs: Attrs,
  system: boolean,
): Promise<void> {
  const table = `${owner}_${system ? 'system' : 'user'}_attributes`;
  for (const [key, text] of Object.entries(attrs))
    await tx.run(
      `INSERT INTO ${table} (${owner}_id, "key", value_json) VALUES (?, ?, ?)
       ON CONFLICT (${owner}_id, "key") DO UPDATE SET value_json = excluded.value_json`,
      [id, key, text],
    );
}

export interface ParamRow {
  readonly name: string;
  readonly distribution: Distribution;
  readonly value: ParamValue;
}

export async function setParams(tx: Sql, trialId: number, params: readonly ParamRow[]): Promise<void> {
  for (const p of params)
    await tx.run(
      `INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (?, ?, ?, ?)
       ON CONFLICT (trial_id, param_name) DO UPDATE SET param_value = excluded.param_value,
         distribution_json = excluded.distribution_json`,
      [trialId, p.name, paramToInternal(p.name, p.distribution, p.value), distributionToJson(p.distribution)],
    );
}

export async function setIntermediate(
  tx: Sql,
  trialId: number,
  values: Readonly<Record<number, number>>,
): Promise<void> {
  for (const [step, value] of Object.entries(values)) {
    if (!Number.isSafeInteger(Number(step)))
      throw new TunekitError(
        'invalid_argument',
        `intermediate value at step ${step}: Optuna's schema keeps integer steps only; report at whole steps`,
      );
    const [stored, type] = valueToStored(value);
    await tx.run(
      `INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type) VALUES (?, ?, ?, ?)
       ON CONFLICT (trial_id, step) DO UPDATE SET intermediate_value = excluded.intermediate_value,
         intermediate_value_type = excluded.intermediate_value_type`,
      [trialId, Number(step), stored, type],
    );
  }
}

export async function setValues(
  tx: Sql,
  trialId: number,
  values: readonly number[] | null | undefined,
): Promise<void> {
  for (const [objective, value] of (values ?? []).entries()) {
    // Optuna's trial values have no NaN type; a NaN is stored as a finite value with no number.
    const [stored, type] = valueToStored(value);
    await tx.run(
      `INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, ?, ?, ?)
       ON CONFLICT (trial_id, objective) DO UPDATE SET value = excluded.value, value_type = excluded.value_type`,
      [trialId, objective, stored, type === 'NAN' ? 'FINITE' : type],
    );
  }
}

export interface NewTrialRow {
  readonly state: string;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

/**
 * Creates a trial in a study the caller has locked, numbered as Optuna's RDBStorage numbers it: the count
 * of the study's trials with a smaller id, taken under the study lock, so numbers are dense and unique
 * whichever of Optuna or tunekit creates them.
 */
export async function insertTrial(
  tx: Sql,
  studyId: number,
  row: NewTrialRow,
): Promise<{ trialId: number; number: number }> {
  const [created] = await tx.all<{ trial_id: number }>(
    `INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) VALUES (NULL, ?, ?, ?, ?) RETURNING trial_id`,
    [studyId, row.state, timeToOptuna(row.startedAt), timeToOptuna(row.finishedAt)],
  );
  const trialId = Number(created!.trial_id);
  const [numbered] = await tx.all<{ number: number }>(
    `UPDATE trials SET number = (SELECT COUNT(*) FROM trials t WHERE t.study_id = ? AND t.trial_id < ?)
     WHERE trial_id = ? RETURNING number`,
    [studyId, trialId, trialId],
  );
  return { trialId, number: Number(numbered!.number) };
}

export async function countTrials(tx: Sql, studyId: number): Promise<number> {
  const [row] = await tx.all<{ n: number | string }>(`SELECT COUNT(*) AS n FROM trials WHERE study_id = ?`, [
    studyId,
  ]);
  return Number(row!.n);
}

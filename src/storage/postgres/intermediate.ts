// Intermediate values as rows of tunekit_intermediate (schema 5): a report inserts one row instead of
// rewriting every earlier value, and each statement that returns a trial gathers its rows per trial.
import { TunekitError } from '../../errors.js';
import type { TrialRecord } from '../../study/types.js';
import { encodeNumber, trialFromRow } from '../sql/codec.js';
import type { TrialRow } from '../sql/codec.js';

// A trial row's columns plus its intermediate values, for SELECT lists and RETURNING clauses on tunekit_trials:
// 16 bytes a value (the step as int8, the value as float8, as PostgreSQL sends them in binary). Bits rather
// than float8 text: the text keeps every digit only on PostgreSQL 12 and later with extra_float_digits above
// 0, a server setting; and the driver turns bytea into a Buffer without any parsing of ours.
export const TRIAL = `*, (SELECT string_agg(int8send(i.step) || float8send(i.value), ''::bytea ORDER BY i.step)
  FROM tunekit_intermediate i WHERE i.trial_id = tunekit_trials.id) AS intermediate`;

/**
 * Inserts `values` (a JSON object of step -> number, NaN and ±Infinity as strings, as `encodeSteps` makes it)
 * for each trial `trials` returns: a step written again replaces its value. The JSON text of a number goes
 * to float8 through PostgreSQL's correctly rounded parser, so every double arrives as it left.
 */
export const INSERT_STEPS = (trials: string, id: string, values: string): string => `
  INSERT INTO tunekit_intermediate (trial_id, step, value)
  SELECT ${id}, s.key::bigint, s.value::float8 FROM ${trials}, jsonb_each_text(${values}) AS s
  ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value`;

/** Steps and values as INSERT_STEPS reads them; `invalid_argument` for a step that is not a safe integer. */
export function encodeSteps(values: Readonly<Record<number, number>> = {}): Record<string, number | string> {
  const encoded: Record<string, number | string> = {};
  for (const [step, value] of Object.entries(values)) {
    // The step is a bigint column: the key has to read back as the same number.
    if (!Number.isSafeInteger(Number(step)) || String(Number(step)) !== step)
      throw new TunekitError(
        'invalid_argument',
        `intermediate value step must be an integer below 2^53, got ${step}`,
      );
    encoded[step] = encodeNumber(value);
  }
  return encoded;
}

/** A trial row read with TRIAL, as a record. */
export function trialFromPg(row: TrialRow): TrialRecord {
  const intermediateValues: Record<number, number> = {};
  const bytes = row.intermediate as Buffer | null;
  // hi * 2^32 + lo is exact for a safe integer, and the nearest double (as Number() of its digits) beyond.
  if (bytes)
    for (let at = 0; at < bytes.length; at += 16) {
      const step = bytes.readInt32BE(at) * 2 ** 32 + bytes.readUInt32BE(at + 4);
      intermediateValues[step] = bytes.readDoubleBE(at + 8);
    }
  return { ...trialFromRow({ ...row, intermediate: {} }), intermediateValues };
}

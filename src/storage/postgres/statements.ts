// The statements PostgresStorage runs that are more than a line: claim-or-create as chained CTEs, a finish
// with the next start in one statement, batch inserts from a JSON array, and the study list with its counts.
import type { NewWaitingTrial, TrialResult } from '../../study/storage.js';
import { encodeValues } from '../sql/codec.js';
import { INSERT_STEPS, TRIAL } from './intermediate.js';
import { NOW_MS } from './schema.js';

export const UNFINISHED = `state IN ('waiting', 'running')`;
export const NO_LIMIT = String(Number.MAX_SAFE_INTEGER);

// Claims the oldest waiting trial (SKIP LOCKED: racing workers each get a different one, nobody waits),
// or, if none waits, takes the next number (the study row's lock serialises only this) and inserts a trial.
// Parameters: study, worker, whether it may create, the trial limit.
const START_CTES = (study: string, worker: string, create: string, limit: string): string => `
  claimed AS (
    UPDATE tunekit_trials SET state = 'running', worker = ${worker}, started_at = ${NOW_MS}, heartbeat_at = ${NOW_MS}
    WHERE id = (SELECT id FROM tunekit_trials WHERE study_id = ${study} AND state = 'waiting'
                ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING ${TRIAL}
  ), numbered AS (
    UPDATE tunekit_studies SET next_number = next_number + 1
    WHERE id = ${study} AND ${create}::boolean AND next_number < ${limit}::bigint AND NOT EXISTS (SELECT 1 FROM claimed)
    RETURNING next_number - 1 AS number
  ), created AS (
    INSERT INTO tunekit_trials (study_id, number, state, worker, created_at, started_at, heartbeat_at)
    SELECT ${study}, number, 'running', ${worker}, ${NOW_MS}, ${NOW_MS}, ${NOW_MS} FROM numbered
    RETURNING ${TRIAL}
  )`;
export const START_TRIAL = `WITH ${START_CTES('$1', '$2', '$3', '$4')} SELECT * FROM claimed UNION ALL SELECT * FROM created`;

export const FINISH = `UPDATE tunekit_trials SET state = $2, vals = $3::jsonb, fail_reason = $4, finished_at = ${NOW_MS}
                WHERE id = $1 AND ${UNFINISHED} RETURNING ${TRIAL}`;
// The finish first (a trial row), then the start in the same study (a waiting trial's row, or the study
// row): the usual lock order. The start happens only if the finish did (otherwise there is no study id).
export const FINISH_AND_START = `
  WITH finished AS (${FINISH}), ${START_CTES('(SELECT study_id FROM finished)', '$5', '$6', '$7')}
  SELECT true AS was_finished, * FROM finished UNION ALL SELECT false, * FROM claimed UNION ALL SELECT false, * FROM created`;

// Reserves numbers for a batch ($2 trials) and inserts it from a JSON array, in one statement, with the
// intermediate values of each element (`intermediateValues`, as encodeSteps makes them; waiting trials have
// none). With a once-key ($3), the batch goes in only if the key is not yet among the study's once-keys.
export const ADD_BATCH = (columns: string, values: string): string => `
  WITH numbered AS (
    UPDATE tunekit_studies SET next_number = next_number + $2,
      once_keys = CASE WHEN $3::text IS NULL THEN once_keys ELSE once_keys || jsonb_build_array($3::text) END
    WHERE id = $1 AND ($3::text IS NULL OR NOT once_keys ? $3::text)
    RETURNING next_number - $2 AS first
  ), batch AS (
    SELECT n.first + e.ord - 1 AS number, e.t
    FROM numbered n, jsonb_array_elements($4::jsonb) WITH ORDINALITY AS e(t, ord)
  ), inserted AS (
    INSERT INTO tunekit_trials (study_id, number, ${columns})
    SELECT $1, e.number, ${values} FROM batch e
    RETURNING id, number
  ), reported AS (
    ${INSERT_STEPS('inserted JOIN batch e USING (number)', 'inserted.id', `e.t -> 'intermediateValues'`)}
  )
  SELECT (SELECT count(*) FROM numbered) AS done, (SELECT count(*) FROM inserted) AS added`;

/** A waiting trial's own fields, as its row holds them. */
export function waitingRow(t: NewWaitingTrial) {
  return {
    userAttrs: { ...t.userAttrs },
    fixedParams: { ...t.fixedParams },
    gridId: t.gridId ?? null,
    retryCount: t.retryCount ?? 0,
  };
}

export function finishValues(trialId: number, result: TrialResult): unknown[] {
  return [trialId, result.state, JSON.stringify(encodeValues(result.values)), result.failReason ?? null];
}

// The first value of trials that break no constraint (the best value is a feasible one).
const FIRST_VALUE = `CASE WHEN jsonb_typeof(vals -> 0) = 'number' AND NOT EXISTS (
    SELECT 1 FROM jsonb_array_elements_text(COALESCE(constraint_values, '[]')) c WHERE c::float8 > 0)
  THEN (vals ->> 0)::float8 END`;
export const LIST_STUDIES = `
  SELECT s.*, COALESCE((
    SELECT jsonb_agg(g) FROM (
      SELECT state, count(*) AS n, min(${FIRST_VALUE}) AS lo, max(${FIRST_VALUE}) AS hi,
             max(greatest(created_at, started_at, finished_at)) AS last
      FROM tunekit_trials t WHERE t.study_id = s.id GROUP BY state
    ) g), '[]') AS summary
  FROM tunekit_studies s ORDER BY s.id`;

// The PostgreSQL schema and its migrations. `migrations[v]` takes a database from version v to v + 1; a
// database whose version is newer than this code knows is refused, never altered.
import { TunekitError } from '../../errors.js';
import { stageFields, studyFields, trialFields } from '../sql/legacy-attrs.js';
import { schemaIsCurrent } from '../sql/schema-version.js';
import type { PgClient } from './driver.js';

export const SCHEMA_VERSION = 6;

/** Server time in milliseconds: every timestamp comes from one clock, whichever machine a worker runs on. */
export const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** A migration step: SQL, or a function for a step that has to look at each row. */
type Migration = string | ((client: PgClient) => Promise<void>);

export const migrations: readonly Migration[] = [
  // 0 -> 1: studies and trials. Tables are prefixed so a database shared with other tools (Optuna has a
  // `studies` table too) never collides.
  `CREATE TABLE tunekit_meta (key text PRIMARY KEY, value text NOT NULL);
   CREATE TABLE tunekit_studies (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     name text NOT NULL UNIQUE,
     directions jsonb NOT NULL,
     user_attrs jsonb NOT NULL DEFAULT '{}',
     system_attrs jsonb NOT NULL DEFAULT '{}',
     next_number bigint NOT NULL DEFAULT 0,
     created_at bigint NOT NULL
   );
   CREATE TABLE tunekit_trials (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     study_id bigint NOT NULL REFERENCES tunekit_studies (id) ON DELETE CASCADE,
     number bigint NOT NULL,
     state text NOT NULL CHECK (state IN ('waiting', 'running', 'complete', 'pruned', 'fail')),
     vals jsonb,
     params jsonb NOT NULL DEFAULT '{}',
     distributions jsonb NOT NULL DEFAULT '{}',
     intermediate jsonb NOT NULL DEFAULT '{}',
     user_attrs jsonb NOT NULL DEFAULT '{}',
     system_attrs jsonb NOT NULL DEFAULT '{}',
     fail_reason text,
     worker text,
     created_at bigint NOT NULL,
     started_at bigint,
     finished_at bigint,
     heartbeat_at bigint,
     UNIQUE (study_id, number)
   );
   CREATE INDEX tunekit_trials_by_state ON tunekit_trials (study_id, state, number);`,
  // 1 -> 2: the stale-trial scan reads only running trials, a handful however large the study.
  `CREATE INDEX tunekit_trials_running ON tunekit_trials (study_id, heartbeat_at) WHERE state = 'running';`,
  // 2 -> 3: what tunekit kept in the system_attrs bag gets a column each, and the bag goes. The bag is split
  // in JavaScript (sql/legacy-attrs.ts, shared with SQLite: any other key moves to the user attributes as
  // `system:<key>`), and the rows are updated in one statement per table. The config is text, so it reads
  // back as written whatever JSON it is.
  async (client) => {
    await client.query(`
      ALTER TABLE tunekit_studies ADD COLUMN stop_requests bigint NOT NULL DEFAULT 0,
        ADD COLUMN test_evaluations jsonb NOT NULL DEFAULT '[]', ADD COLUMN config text,
        ADD COLUMN notes jsonb NOT NULL DEFAULT '{}', ADD COLUMN once_keys jsonb NOT NULL DEFAULT '[]';
      ALTER TABLE tunekit_trials ADD COLUMN fixed_params jsonb, ADD COLUMN grid_id bigint,
        ADD COLUMN retried_from bigint, ADD COLUMN retried_by bigint,
        ADD COLUMN retry_count bigint NOT NULL DEFAULT 0, ADD COLUMN sampler_memo jsonb NOT NULL DEFAULT '{}';`);
    type Row = { id: string; system_attrs: Record<string, never>; user_attrs: Record<string, never> };
    const bags = async (table: string): Promise<Row[]> =>
      (
        await client.query<Row>(
          `SELECT id, system_attrs, user_attrs FROM ${table} WHERE system_attrs <> '{}'`,
        )
      ).rows;
    const studies = (await bags('tunekit_studies')).map((r) => ({
      id: r.id,
      ...studyFields(r.system_attrs, r.user_attrs),
    }));
    await client.query(
      `UPDATE tunekit_studies s SET stop_requests = r."stopRequests", test_evaluations = r."testEvaluations",
         config = r.config::text, notes = r.notes, once_keys = r."onceKeys", user_attrs = r."userAttrs"
       FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, "stopRequests" bigint, "testEvaluations" jsonb,
         config jsonb, notes jsonb, "onceKeys" jsonb, "userAttrs" jsonb)
       WHERE s.id = r.id`,
      [JSON.stringify(studies)],
    );
    const trials = (await bags('tunekit_trials')).map((r) => ({
      id: r.id,
      ...trialFields(r.system_attrs, r.user_attrs),
    }));
    await client.query(
      `UPDATE tunekit_trials t SET fixed_params = r."fixedParams", grid_id = r."gridId", retried_from = r."retriedFrom",
         retried_by = r."retriedBy", retry_count = r."retryCount", sampler_memo = r."samplerMemo", user_attrs = r."userAttrs"
       FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, "fixedParams" jsonb, "gridId" bigint, "retriedFrom" bigint,
         "retriedBy" bigint, "retryCount" bigint, "samplerMemo" jsonb, "userAttrs" jsonb)
       WHERE t.id = r.id`,
      [JSON.stringify(trials)],
    );
    await client.query(`ALTER TABLE tunekit_studies DROP COLUMN system_attrs;
      ALTER TABLE tunekit_trials DROP COLUMN system_attrs;`);
  },
  // 3 -> 4: a trial's constraint values (`trial.setConstraint`) get a column: a JSON array, null when the
  // objective set none. No earlier version stored constraints, so every existing row keeps null.
  `ALTER TABLE tunekit_trials ADD COLUMN constraint_values jsonb;`,
  // 4 -> 5: intermediate values get a row each (postgres/intermediate.ts). In the jsonb column every report
  // rewrote all earlier ones, so a trial's n reports cost O(n^2) (5,000 took 21 s). float8 holds NaN and
  // ±Infinity, kept as strings in the jsonb; a number's JSON text goes to float8 through the correctly
  // rounded parser, so every value is kept. A step no bigint holds as written (only an older tunekit that let
  // any integer through, or a direct storage call, could have stored one) is refused first, not altered.
  // The key includes the value: a trial's values are read from the index alone, which also keeps the
  // planner's estimate for a whole study below the cost at which PostgreSQL compiles a query with JIT. Until
  // autovacuum first analyzes the new table, the planner guesses 0.5% of it per trial, so the moved rows
  // are analyzed here (else the first minute of reads after the upgrade each spend ~0.2 s compiling).
  async (client) => {
    const { rows } = await client.query<{ name: string; number: string; key: string; value: string }>(
      `SELECT st.name, t.number, s.key, s.value::text
       FROM tunekit_trials t JOIN tunekit_studies st ON st.id = t.study_id, jsonb_each(t.intermediate) AS s
       WHERE CASE WHEN s.key ~ '^(0|-?[1-9][0-9]{0,18})$'
                  THEN s.key::numeric NOT BETWEEN -9223372036854775808 AND 9223372036854775807 ELSE true END
         OR NOT (jsonb_typeof(s.value) = 'number' OR s.value::text IN ('"NaN"', '"Infinity"', '"-Infinity"'))
       LIMIT 1`,
    );
    const bad = rows[0];
    if (bad)
      throw new TunekitError(
        'storage_error',
        `cannot move intermediate values into rows (schema 5): trial ${bad.number} of study "${bad.name}" holds ` +
          `step "${bad.key}" = ${bad.value}, which a bigint step and a float8 value cannot keep as written. ` +
          'The database was not changed; open it with the tunekit that wrote it.',
      );
    await client.query(`
      CREATE TABLE tunekit_intermediate (
        trial_id bigint NOT NULL REFERENCES tunekit_trials (id) ON DELETE CASCADE,
        step bigint NOT NULL,
        value double precision NOT NULL,
        PRIMARY KEY (trial_id, step) INCLUDE (value)
      );
      INSERT INTO tunekit_intermediate (trial_id, step, value)
        SELECT t.id, s.key::bigint, s.value::float8 FROM tunekit_trials t, jsonb_each_text(t.intermediate) AS s;
      ALTER TABLE tunekit_trials DROP COLUMN intermediate;
      ANALYZE tunekit_intermediate;`);
  },
  // 5 -> 6: a stage of a staged run gets a column for its link to the run's study (null for any other
  // study). Staged runs kept the link in user attributes: it moves from there into the column, and a parent's
  // copies of its stages' links go (sql/legacy-attrs.ts, shared with SQLite), in one statement, as 2 -> 3.
  // A reproducible study's mode gets a column too (`{ lag }`): no earlier version stored it, so every
  // existing study reads as not reproducible (null).
  async (client) => {
    await client.query(`ALTER TABLE tunekit_studies ADD COLUMN stage jsonb, ADD COLUMN reproducible jsonb;`);
    const { rows } = await client.query<{ id: string; user_attrs: Record<string, never> }>(
      `SELECT id, user_attrs FROM tunekit_studies
       WHERE jsonb_typeof(user_attrs -> 'stage') = 'object' OR jsonb_typeof(user_attrs -> 'staged') = 'object'`,
    );
    const studies = rows.map((r) => ({ id: r.id, ...stageFields(r.user_attrs) }));
    await client.query(
      `UPDATE tunekit_studies s SET stage = r.stage, user_attrs = r."userAttrs"
       FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, stage jsonb, "userAttrs" jsonb)
       WHERE s.id = r.id`,
      [JSON.stringify(studies)],
    );
  },
];

// Any constant works; it only has to be the same in every tunekit process.
const SCHEMA_LOCK = 0x74756e656b6974n.toString();

export async function schemaVersion(client: PgClient): Promise<number> {
  // A query on pg_tables, not to_regclass: the statement's fresh snapshot sees a table another worker just
  // created, where the cached catalog lookup of to_regclass may not.
  const { rows } = await client.query(
    `SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'tunekit_meta') AS present`,
  );
  if (!rows[0].present) return 0;
  const version = await client.query(`SELECT value FROM tunekit_meta WHERE key = 'schema_version'`);
  return version.rows.length > 0 ? Number(version.rows[0].value) : 0;
}

/** Brings the schema to `target` (the current version unless a test asks for an older one). */
export async function migrate(client: PgClient, where: string, target = SCHEMA_VERSION): Promise<void> {
  const check = (version: number): boolean => schemaIsCurrent(where, version, SCHEMA_VERSION, target);
  if (check(await schemaVersion(client))) return;
  // Workers starting together on an empty database: the advisory lock lets one create the schema while the
  // others wait, then find it done. DDL is transactional in PostgreSQL, so a failed migration leaves nothing.
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`);
    const version = await schemaVersion(client);
    if (!check(version)) {
      for (let v = version; v < target; v++) {
        const step = migrations[v]!;
        await (typeof step === 'string' ? client.query(step) : step(client));
      }
      await client.query(
        `INSERT INTO tunekit_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = $1`,
        [String(target)],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

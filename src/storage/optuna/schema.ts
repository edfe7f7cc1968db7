// Optuna's RDB schema as Optuna 3.0 and 3.1 write it (alembic revision v3.0.0.d), for SQLite and
// PostgreSQL: created the way Optuna creates it in an empty database, and checked before any other use, so
// a database of another Optuna version is refused, unchanged, instead of half understood.
import { TunekitError } from '../../errors.js';
import type { Sql } from './sql.js';

/** The alembic revision this storage reads and writes. */
export const OPTUNA_REVISION = 'v3.0.0.d';
/** What Optuna itself records in `version_info` beside the revision (3.1's values). */
const SCHEMA_VERSION = 12;
const LIBRARY_VERSION = '3.1.0';

const ENUMS: Record<string, readonly string[]> = {
  studydirection: ['NOT_SET', 'MINIMIZE', 'MAXIMIZE'],
  trialstate: ['RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING'],
  trialvaluetype: ['FINITE', 'INF_POS', 'INF_NEG'],
  trialintermediatevaluetype: ['FINITE', 'INF_POS', 'INF_NEG', 'NAN'],
};

/** The tables in creation order; `{id}`, `{time}`, `{float}` and `{enum:name:n}` differ by dialect. */
const TABLES = [
  `studies (study_id {id}, study_name VARCHAR(512) NOT NULL, PRIMARY KEY (study_id))`,
  `version_info (version_info_id INTEGER NOT NULL, schema_version INTEGER, library_version VARCHAR(256),
     PRIMARY KEY (version_info_id), CHECK (version_info_id=1))`,
  `study_directions (study_direction_id {id}, direction {enum:studydirection:8} NOT NULL, study_id INTEGER NOT NULL,
     objective INTEGER NOT NULL, PRIMARY KEY (study_direction_id), UNIQUE (study_id, objective),
     FOREIGN KEY(study_id) REFERENCES studies (study_id))`,
  `study_user_attributes (study_user_attribute_id {id}, study_id INTEGER, "key" VARCHAR(512), value_json TEXT,
     PRIMARY KEY (study_user_attribute_id), UNIQUE (study_id, "key"), FOREIGN KEY(study_id) REFERENCES studies (study_id))`,
  `study_system_attributes (study_system_attribute_id {id}, study_id INTEGER, "key" VARCHAR(512), value_json TEXT,
     PRIMARY KEY (study_system_attribute_id), UNIQUE (study_id, "key"), FOREIGN KEY(study_id) REFERENCES studies (study_id))`,
  `trials (trial_id {id}, number INTEGER, study_id INTEGER, state {enum:trialstate:8} NOT NULL, datetime_start {time},
     datetime_complete {time}, PRIMARY KEY (trial_id), FOREIGN KEY(study_id) REFERENCES studies (study_id))`,
  `trial_user_attributes (trial_user_attribute_id {id}, trial_id INTEGER, "key" VARCHAR(512), value_json TEXT,
     PRIMARY KEY (trial_user_attribute_id), UNIQUE (trial_id, "key"), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))`,
  `trial_system_attributes (trial_system_attribute_id {id}, trial_id INTEGER, "key" VARCHAR(512), value_json TEXT,
     PRIMARY KEY (trial_system_attribute_id), UNIQUE (trial_id, "key"), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))`,
  `trial_params (param_id {id}, trial_id INTEGER, param_name VARCHAR(512), param_value {float}, distribution_json TEXT,
     PRIMARY KEY (param_id), UNIQUE (trial_id, param_name), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))`,
  `trial_values (trial_value_id {id}, trial_id INTEGER NOT NULL, objective INTEGER NOT NULL, value {float},
     value_type {enum:trialvaluetype:7} NOT NULL, PRIMARY KEY (trial_value_id), UNIQUE (trial_id, objective),
     FOREIGN KEY(trial_id) REFERENCES trials (trial_id))`,
  `trial_intermediate_values (trial_intermediate_value_id {id}, trial_id INTEGER NOT NULL, step INTEGER NOT NULL,
     intermediate_value {float}, intermediate_value_type {enum:trialintermediatevaluetype:7} NOT NULL,
     PRIMARY KEY (trial_intermediate_value_id), UNIQUE (trial_id, step), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))`,
  `trial_heartbeats (trial_heartbeat_id {id}, trial_id INTEGER NOT NULL, heartbeat {time} NOT NULL,
     PRIMARY KEY (trial_heartbeat_id), UNIQUE (trial_id), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))`,
  `alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))`,
];

function ddl(dialect: Sql['dialect']): string[] {
  const pg = dialect === 'postgres';
  const enums = pg
    ? Object.entries(ENUMS).map(
        ([name, labels]) => `CREATE TYPE ${name} AS ENUM (${labels.map((l) => `'${l}'`).join(', ')})`,
      )
    : [];
  const tables = TABLES.map(
    (t) =>
      'CREATE TABLE ' +
      t
        .replace(/\{id\}/g, pg ? 'SERIAL NOT NULL' : 'INTEGER NOT NULL')
        .replace(/\{time\}/g, pg ? 'TIMESTAMP WITHOUT TIME ZONE' : 'DATETIME')
        .replace(/\{float\}/g, pg ? 'FLOAT(53)' : 'FLOAT')
        .replace(/\{enum:(\w+):(\d+)\}/g, (_, name: string, n: string) => (pg ? name : `VARCHAR(${n})`)),
  );
  return [...enums, ...tables, `CREATE UNIQUE INDEX ix_studies_study_name ON studies (study_name)`];
}

async function tableNames(sql: Sql): Promise<string[]> {
  const rows = await sql.all<{ name: string }>(
    sql.dialect === 'sqlite'
      ? `SELECT name FROM sqlite_master WHERE type = 'table'`
      : `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`,
  );
  return rows.map((r) => r.name);
}

/**
 * Creates Optuna's tables in a database that holds none, or checks the revision of one that does; throws
 * `storage_version` naming the revision found and the one supported. Safe when workers open a new
 * database together: the check and the creation run in one write transaction.
 */
export async function ensureOptunaSchema(sql: Sql, create: boolean): Promise<void> {
  // Most opens find the schema in place: check without taking the write lock first.
  if (await revisionIsCurrent(sql)) return;
  await sql.transaction(async (tx) => {
    // PostgreSQL has no lock on a table that does not exist yet; this one lasts until the commit.
    if (tx.dialect === 'postgres') await tx.all(`SELECT pg_advisory_xact_lock(7203019)`);
    if (await revisionIsCurrent(tx)) return;
    if (!create)
      throw new TunekitError(
        'storage_unreachable',
        `${sql.where} holds no Optuna study; nothing was created`,
      );
    for (const statement of ddl(tx.dialect)) await tx.run(statement);
    await tx.run(
      `INSERT INTO version_info (version_info_id, schema_version, library_version) VALUES (1, ?, ?)`,
      [SCHEMA_VERSION, LIBRARY_VERSION],
    );
    await tx.run(`INSERT INTO alembic_version (version_num) VALUES (?)`, [OPTUNA_REVISION]);
  });
}

/** True when the schema is the supported one, false when the database is empty; throws otherwise. */
async function revisionIsCurrent(sql: Sql): Promise<boolean> {
  const tables = await tableNames(sql);
  if (tables.includes('alembic_version')) {
    const rows = await sql.all<{ version_num: string }>(`SELECT version_num FROM alembic_version`);
    const found = rows.map((r) => r.version_num).join(', ') || '(none)';
    if (found === OPTUNA_REVISION) return true;
    throw new TunekitError(
      'storage_version',
      `${sql.where} has Optuna schema revision ${found}; tunekit's optuna+ storage supports revision ` +
        `${OPTUNA_REVISION} only (what Optuna 3.0 and 3.1 write, e.g. Debian's python3-optuna 3.1). ` +
        'Open it with a matching Optuna, or copy the study out with that Optuna. The database was not changed.',
      { found, supported: OPTUNA_REVISION },
    );
  }
  if (tables.some((t) => t.startsWith('tunekit_')))
    throw new TunekitError(
      'storage_version',
      `${sql.where} is a tunekit database, not an Optuna one; open it with a sqlite: or postgres:// URL, ` +
        `or move a study across with \`tunekit copy\``,
      { found: 'tunekit', supported: OPTUNA_REVISION },
    );
  if (tables.includes('studies') || tables.includes('trials'))
    throw new TunekitError(
      'storage_version',
      `${sql.where} has Optuna tables but no alembic_version table (written by Optuna before 1.0?); ` +
        `tunekit supports revision ${OPTUNA_REVISION} only. The database was not changed.`,
      { found: '(no alembic_version)', supported: OPTUNA_REVISION },
    );
  return false;
}

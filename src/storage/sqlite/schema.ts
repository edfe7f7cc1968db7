// The SQLite schema and its migrations. `migrations[v]` takes a database from version v to v + 1; a
// database whose version is newer than this code knows is refused, never altered.
import { TunekitError } from '../../errors.js';
import { stageFields, studyFields, trialFields } from '../sql/legacy-attrs.js';
import { schemaIsCurrent } from '../sql/schema-version.js';
import type { SqliteDatabase } from './driver.js';

export const SCHEMA_VERSION = 6;

export const migrations: ReadonlyArray<(db: SqliteDatabase) => void> = [
  // 0 -> 1: studies and trials. Tables are prefixed so a file shared with other tools (Optuna has a
  // `studies` table too) never collides.
  (db) =>
    db.exec(`
      CREATE TABLE tunekit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE tunekit_studies (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        directions TEXT NOT NULL,
        user_attrs TEXT NOT NULL DEFAULT '{}',
        system_attrs TEXT NOT NULL DEFAULT '{}',
        next_number INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE tunekit_trials (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        study_id INTEGER NOT NULL REFERENCES tunekit_studies (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('waiting', 'running', 'complete', 'pruned', 'fail')),
        vals TEXT,
        params TEXT NOT NULL DEFAULT '{}',
        distributions TEXT NOT NULL DEFAULT '{}',
        intermediate TEXT NOT NULL DEFAULT '{}',
        user_attrs TEXT NOT NULL DEFAULT '{}',
        system_attrs TEXT NOT NULL DEFAULT '{}',
        fail_reason TEXT,
        worker TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        heartbeat_at INTEGER,
        UNIQUE (study_id, number)
      );
      CREATE INDEX tunekit_trials_by_state ON tunekit_trials (study_id, state, number);
    `),
  // 1 -> 2: the stale-trial scan reads only running trials, a handful however large the study.
  (db) =>
    db.exec(
      `CREATE INDEX tunekit_trials_running ON tunekit_trials (study_id, heartbeat_at) WHERE state = 'running';`,
    ),
  // 2 -> 3: intermediate values get a row each. In a JSON column every report rewrote all earlier ones, so a
  // trial's n reports cost O(n^2) (20,000 metric lines took minutes). Values stay JSON text, so that
  // Infinity and NaN (stored as strings) round-trip as before; they are copied through JavaScript, whose
  // number printing is exact, rather than SQLite's.
  (db) => {
    db.exec(`
      CREATE TABLE tunekit_intermediate (
        trial_id INTEGER NOT NULL REFERENCES tunekit_trials (id) ON DELETE CASCADE,
        step TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (trial_id, step)
      ) WITHOUT ROWID;
    `);
    const insert = db.prepare(`INSERT INTO tunekit_intermediate (trial_id, step, value) VALUES (?, ?, ?)`);
    const rows = db
      .prepare(`SELECT id, intermediate FROM tunekit_trials WHERE intermediate != '{}'`)
      .all() as Array<{ id: number; intermediate: string }>;
    for (const row of rows)
      for (const [step, value] of Object.entries(JSON.parse(row.intermediate) as Record<string, unknown>))
        insert.run(row.id, step, JSON.stringify(value));
    db.exec(`ALTER TABLE tunekit_trials DROP COLUMN intermediate;`);
  },
  // 3 -> 4: what tunekit kept in the system_attrs bag gets a column each (sql/legacy-attrs.ts splits the bag,
  // moving any other key to the user attributes as `system:<key>`), and the bag goes. Through JavaScript,
  // like 2 -> 3, so that every number is copied exactly.
  (db) => {
    db.exec(`
      ALTER TABLE tunekit_studies ADD COLUMN stop_requests INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tunekit_studies ADD COLUMN test_evaluations TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE tunekit_studies ADD COLUMN config TEXT;
      ALTER TABLE tunekit_studies ADD COLUMN notes TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE tunekit_studies ADD COLUMN once_keys TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE tunekit_trials ADD COLUMN fixed_params TEXT;
      ALTER TABLE tunekit_trials ADD COLUMN grid_id INTEGER;
      ALTER TABLE tunekit_trials ADD COLUMN retried_from INTEGER;
      ALTER TABLE tunekit_trials ADD COLUMN retried_by INTEGER;
      ALTER TABLE tunekit_trials ADD COLUMN retry_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tunekit_trials ADD COLUMN sampler_memo TEXT NOT NULL DEFAULT '{}';
    `);
    type Row = { id: number; system_attrs: string; user_attrs: string };
    const json = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));
    const setStudy = db.prepare(
      `UPDATE tunekit_studies SET stop_requests = ?, test_evaluations = ?, config = ?, notes = ?, once_keys = ?,
         user_attrs = ? WHERE id = ?`,
    );
    for (const row of db
      .prepare(`SELECT id, system_attrs, user_attrs FROM tunekit_studies WHERE system_attrs != '{}'`)
      .all() as Row[]) {
      const f = studyFields(JSON.parse(row.system_attrs), JSON.parse(row.user_attrs));
      setStudy.run(
        f.stopRequests,
        json(f.testEvaluations),
        json(f.config),
        json(f.notes),
        json(f.onceKeys),
        json(f.userAttrs),
        row.id,
      );
    }
    const setTrial = db.prepare(
      `UPDATE tunekit_trials SET fixed_params = ?, grid_id = ?, retried_from = ?, retried_by = ?, retry_count = ?,
         sampler_memo = ?, user_attrs = ? WHERE id = ?`,
    );
    for (const row of db
      .prepare(`SELECT id, system_attrs, user_attrs FROM tunekit_trials WHERE system_attrs != '{}'`)
      .all() as Row[]) {
      const f = trialFields(JSON.parse(row.system_attrs), JSON.parse(row.user_attrs));
      setTrial.run(
        json(f.fixedParams),
        f.gridId,
        f.retriedFrom,
        f.retriedBy,
        f.retryCount,
        json(f.samplerMemo),
        json(f.userAttrs),
        row.id,
      );
    }
    db.exec(`
      ALTER TABLE tunekit_studies DROP COLUMN system_attrs;
      ALTER TABLE tunekit_trials DROP COLUMN system_attrs;
    `);
  },
  // 4 -> 5: a trial's constraint values (`trial.setConstraint`) get a column: a JSON array, null when the
  // objective set none. No earlier version stored constraints, so every existing row keeps null.
  (db) => db.exec(`ALTER TABLE tunekit_trials ADD COLUMN constraint_values TEXT;`),
  // 5 -> 6: a stage of a staged run gets a column for its link to the run's study (JSON, null for any other
  // study). Staged runs kept the link in user attributes: it moves from there into the column, and a parent's
  // copies of its stages' links go (sql/legacy-attrs.ts). Through JavaScript, like 3 -> 4.
  // A reproducible study's mode gets a column too (JSON `{ lag }`): no earlier version stored it, so every
  // existing study reads as not reproducible (null).
  (db) => {
    db.exec(`ALTER TABLE tunekit_studies ADD COLUMN stage TEXT;`);
    db.exec(`ALTER TABLE tunekit_studies ADD COLUMN reproducible TEXT;`);
    const set = db.prepare(`UPDATE tunekit_studies SET stage = ?, user_attrs = ? WHERE id = ?`);
    for (const row of db
      .prepare(
        `SELECT id, user_attrs FROM tunekit_studies
         WHERE json_type(user_attrs, '$.stage') = 'object' OR json_type(user_attrs, '$.staged') = 'object'`,
      )
      .all() as Array<{ id: number; user_attrs: string }>) {
      const f = stageFields(JSON.parse(row.user_attrs));
      set.run(f.stage === null ? null : JSON.stringify(f.stage), JSON.stringify(f.userAttrs), row.id);
    }
  },
];

export function schemaVersion(db: SqliteDatabase): number {
  const meta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tunekit_meta'`).get();
  if (!meta) return 0;
  const row = db.prepare(`SELECT value FROM tunekit_meta WHERE key = 'schema_version'`).get() as
    { value: string } | undefined;
  return row ? Number(row.value) : 0;
}

/** Brings the schema to `target` (the current version unless a test asks for an older one). */
export function migrate(db: SqliteDatabase, where: string, target = SCHEMA_VERSION): void {
  const check = (version: number): boolean => schemaIsCurrent(where, version, SCHEMA_VERSION, target);
  if (check(schemaVersion(db))) return;
  // Immediate: workers opening a new file together create the schema once, one after the other.
  db.transaction(() => {
    const version = schemaVersion(db);
    if (check(version)) return;
    for (let v = version; v < target; v++) migrations[v]!(db);
    db.prepare(`INSERT OR REPLACE INTO tunekit_meta (key, value) VALUES ('schema_version', ?)`).run(
      String(target),
    );
  }).immediate();
}

/** For a read-only open, which cannot migrate: `storage_version` unless the schema is the current one. */
export function requireCurrent(db: SqliteDatabase, where: string): void {
  const version = schemaVersion(db);
  if (schemaIsCurrent(where, version, SCHEMA_VERSION, SCHEMA_VERSION)) return;
  db.close();
  throw new TunekitError(
    'storage_version',
    `${where} has schema version ${version}, older than this tunekit's ${SCHEMA_VERSION}; open it once without readonly to migrate it`,
    { found: version, supported: SCHEMA_VERSION },
  );
}

// Opening PostgreSQL databases written by earlier tunekits (committed pg_dumps of schemas 2 to 5, each
// restored into a fresh database): migrated in place with every value kept.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaIsCurrent } from '../sql/schema-version.js';
import {
  checkMigratedLegacy,
  checkMigratedReports,
  checkMigratedSchema4,
  checkMigratedStages,
  FIXTURES,
} from '../testing/legacy.js';
import { openPostgresStorage } from './index.js';
import { migrate, schemaVersion, SCHEMA_VERSION } from './schema.js';
import { ADMIN_URL, createTestDatabase, serverReachable } from './testing/database.js';
import type { TestDatabase } from './testing/database.js';

/** Restores a committed plain-SQL dump with psql (a dump loads its rows with COPY ... FROM stdin). */
function restore(database: string, dump: string): void {
  const server = new URL(ADMIN_URL);
  execFileSync(
    'psql',
    [
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      server.hostname,
      '-p',
      server.port || '5432',
      '-U',
      decodeURIComponent(server.username || 'postgres'),
      '-d',
      database,
      '-f',
      join(FIXTURES, dump),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

describe('postgres: a schema-2 database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    const problem = await serverReachable();
    if (problem) throw new Error(problem);
    db = await createTestDatabase('tunekit_legacy_test');
    restore(db.name, 'postgres-schema-2.sql');
  });
  afterAll(async () => db?.drop());

  it('is migrated in place, keeping every value in the typed fields', async () => {
    const storage = await openPostgresStorage(db.url);
    await checkMigratedLegacy(storage, 'legacy.postgres.json');
    await storage.close();
    const again = await openPostgresStorage(db.url);
    expect((await again.getStudy('legacy')).stopRequests).toBe(3);
    await again.close();
    expect(SCHEMA_VERSION).toBe(6);
  });
});

describe('postgres: a schema-3 database (before trials had constraints)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    const problem = await serverReachable();
    if (problem) throw new Error(problem);
    db = await createTestDatabase('tunekit_schema3_test');
    restore(db.name, 'postgres-schema-3.sql');
  });
  afterAll(async () => db?.drop());

  it('is migrated in place, keeping every value and adding no constraints', async () => {
    const storage = await openPostgresStorage(db.url);
    await checkMigratedSchema4(storage, 'schema-4.postgres.json');
    await storage.close();
  });
});

describe('postgres: a schema-4 database (intermediate values in a jsonb column)', () => {
  let db: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    const problem = await serverReachable();
    if (problem) throw new Error(problem);
    db = await createTestDatabase('tunekit_schema4_test');
    restore(db.name, 'postgres-schema-4.sql');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });
  const count = async (sql: string): Promise<number> => Number((await client.query(sql)).rows[0].n);

  it('moves every value into rows, bit for bit, and drops the column', async () => {
    expect(await schemaVersion(client)).toBe(4);
    const storage = await openPostgresStorage(db.url);
    await checkMigratedReports(storage, 'postgres-schema-4.json');
    await storage.close();
    expect(await schemaVersion(client)).toBe(SCHEMA_VERSION);
    // 50 + 1,500 + 2 + 5 + 1 in the first study, 50 + 2 in its copy.
    expect(await count(`SELECT count(*) AS n FROM tunekit_intermediate`)).toBe(1610);
    const column = `SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'tunekit_trials' AND column_name = 'intermediate'`;
    expect(await count(column)).toBe(0);
    // A tunekit that reads up to schema 4 refuses the database from now on.
    expect(() => schemaIsCurrent('db', 5, 4, 4)).toThrow(
      expect.objectContaining({ code: 'storage_version' }),
    );
  });

  it('goes on as a study: claims, reports (a step written again is replaced) and finishes with its values', async () => {
    const storage = await openPostgresStorage(db.url);
    const study = await storage.getStudy('reports');
    const [running] = await storage.getTrials(study.id, { states: ['running'] });
    await storage.writeTrial(running!.id, { intermediateValues: { 1: -2, 8: Infinity } });
    const { finished, started } = await storage.finishTrial(
      running!.id,
      { state: 'complete', values: [0.5] },
      { worker: 'new-worker' },
    );
    expect(finished.intermediateValues).toEqual({ [-1]: -0.5, 0: 1, 1: -2, 2: NaN, 7: 5e-324, 8: Infinity });
    // The waiting trial, claimed, brings the value written to it while it waited.
    expect(started).toMatchObject({ number: 5, state: 'running', intermediateValues: { 3: Infinity } });
    expect(await count(`SELECT count(*) AS n FROM tunekit_intermediate`)).toBe(1611);
    // Deleting a study deletes its trials' rows.
    await storage.deleteStudy((await storage.getStudy('reports-copy')).id);
    expect(await count(`SELECT count(*) AS n FROM tunekit_intermediate`)).toBe(1559);
    await storage.close();
  });
});

describe('postgres: a schema-5 database (staged runs linked through user attributes)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    const problem = await serverReachable();
    if (problem) throw new Error(problem);
    db = await createTestDatabase('tunekit_schema5_test');
    restore(db.name, 'postgres-schema-5.sql');
  });
  afterAll(async () => db?.drop());

  it('is migrated in place: each stage link moves into its column, the parents keep no copies, no study is reproducible', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      expect(await schemaVersion(client)).toBe(5);
      const storage = await openPostgresStorage(db.url);
      await checkMigratedStages(storage, 'schema-5.postgres.json');
      await storage.close();
      expect(await schemaVersion(client)).toBe(6);
      const { rows } = await client.query(`SELECT name FROM tunekit_studies WHERE stage IS NOT NULL`);
      expect(rows).toHaveLength(6);
      // Only the two studies checkMigratedStages gave a mode after the migration hold one.
      const modes = await client.query(
        `SELECT name, reproducible FROM tunekit_studies WHERE reproducible IS NOT NULL ORDER BY id`,
      );
      expect(modes.rows).toEqual([
        { name: 'hand.stage-2', reproducible: { lag: 2 } },
        { name: 'after-6', reproducible: { lag: 1 } },
      ]);
    } finally {
      await client.end();
    }
  });
});

describe('postgres: a schema-4 database holding a step no bigint can keep', () => {
  it('is refused, unchanged', async () => {
    const db = await createTestDatabase('tunekit_schema4_bad');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await migrate(client, 'old', 4);
      await client.query(
        `INSERT INTO tunekit_studies (name, directions, next_number, created_at) VALUES ('old', '["minimize"]', 1, 5)`,
      );
      // An integer step beyond 2^63, as tunekit before 2^53-checked steps could write it.
      await client.query(
        `INSERT INTO tunekit_trials (study_id, number, state, intermediate, created_at)
         SELECT id, 0, 'running', '{"0": 0.5, "1e+21": 1}', 6 FROM tunekit_studies`,
      );
      const error = await openPostgresStorage(db.url).then(
        () => null,
        (e: { code?: string; message: string }) => e,
      );
      expect(error?.code).toBe('storage_error');
      expect(error?.message).toMatch(/trial 0 of study "old" holds step "1e\+21" = 1.*not changed/);
      expect(await schemaVersion(client)).toBe(4);
      const { rows } = await client.query(`SELECT intermediate FROM tunekit_trials`);
      expect(rows[0].intermediate).toEqual({ 0: 0.5, '1e+21': 1 });
    } finally {
      await client.end();
      await db.drop();
    }
  });
});

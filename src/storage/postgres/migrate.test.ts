// Opening a PostgreSQL database written by today's main before typed record fields (schema 2: the
// committed pg_dump, restored into a fresh database): migrated in place with every value kept.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMigratedLegacy, checkMigratedSchema4, FIXTURES } from '../testing/legacy.js';
import { openPostgresStorage } from './index.js';
import { SCHEMA_VERSION } from './schema.js';
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
    expect(SCHEMA_VERSION).toBe(5);
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

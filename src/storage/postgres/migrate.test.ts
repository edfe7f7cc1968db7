// Opening a PostgreSQL database written by today's main before typed record fields (schema 2: the
// committed pg_dump, restored into a fresh database): migrated in place with every value kept.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMigratedLegacy, FIXTURES } from '../testing/legacy.js';
import { openPostgresStorage } from './index.js';
import { SCHEMA_VERSION } from './schema.js';
import { ADMIN_URL, createTestDatabase, serverReachable } from './testing/database.js';
import type { TestDatabase } from './testing/database.js';

describe('postgres: a schema-2 database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    const problem = await serverReachable();
    if (problem) throw new Error(problem);
    db = await createTestDatabase('tunekit_legacy_test');
    // psql, not the driver: a plain-SQL dump loads its rows with COPY ... FROM stdin.
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
        db.name,
        '-f',
        join(FIXTURES, 'postgres-schema-2.sql'),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  });
  afterAll(async () => db?.drop());

  it('is migrated in place, keeping every value in the typed fields', async () => {
    const storage = await openPostgresStorage(db.url);
    await checkMigratedLegacy(storage, 'legacy.postgres.json');
    await storage.close();
    const again = await openPostgresStorage(db.url);
    expect((await again.getStudy('legacy')).stopRequests).toBe(3);
    await again.close();
    expect(SCHEMA_VERSION).toBe(4);
  });
});

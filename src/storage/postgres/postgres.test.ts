import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyStorage } from '../../study/storage.js';
import { storageContract } from '../storage.contract.js';
import { openPostgresStorage } from './index.js';
import { migrate, schemaVersion, SCHEMA_VERSION } from './schema.js';
import { createTestDatabase, serverReachable } from './testing/database.js';
import type { TestDatabase } from './testing/database.js';

const databases = new Map<StudyStorage, TestDatabase>();

storageContract('postgres', {
  open: async () => {
    const db = await createTestDatabase();
    const storage = await openPostgresStorage(db.url);
    databases.set(storage, db);
    return storage;
  },
  close: async (storage) => {
    await storage.close();
    await databases.get(storage)?.drop();
    databases.delete(storage);
  },
});

describe('postgres storage', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    const problem = await serverReachable();
    if (problem) throw new Error(problem);
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  const raw = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  it('creates the schema once when many workers open an empty database together', async () => {
    const storages = await Promise.all(
      Array.from({ length: 6 }, () => openPostgresStorage(db.url, { poolMax: 1 })),
    );
    await storages[0]!.createStudy('together', ['minimize']);
    for (const s of storages) expect((await s.getStudy('together')).name).toBe('together');
    await Promise.all(storages.map((s) => s.close()));
    expect(await raw((c) => schemaVersion(c))).toBe(SCHEMA_VERSION);
  });

  it('refuses a database written by a newer tunekit and leaves it unchanged', async () => {
    await raw((c) =>
      c.query(`UPDATE tunekit_meta SET value = $1 WHERE key = 'schema_version'`, [
        String(SCHEMA_VERSION + 1),
      ]),
    );
    const error = await openPostgresStorage(db.url).then(
      () => ({ code: 'opened' }),
      (e: { code?: string; message?: string }) => e,
    );
    expect(error.code).toBe('storage_version');
    expect((error as Error).message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(await raw((c) => schemaVersion(c))).toBe(SCHEMA_VERSION + 1);
    await raw((c) =>
      c.query(`UPDATE tunekit_meta SET value = $1 WHERE key = 'schema_version'`, [String(SCHEMA_VERSION)]),
    );
  });

  it('migrates a version-1 database in place, keeping its studies and trials', async () => {
    const old = await createTestDatabase();
    try {
      const client = new pg.Client({ connectionString: old.url });
      await client.connect();
      await migrate(client, 'old', 1);
      await client.query(
        `INSERT INTO tunekit_studies (name, directions, next_number, created_at) VALUES ('old', '["minimize"]', 1, 5)`,
      );
      await client.query(
        `INSERT INTO tunekit_trials (study_id, number, state, vals, created_at) SELECT id, 0, 'complete', '[0.5]', 6 FROM tunekit_studies`,
      );
      expect(await schemaVersion(client)).toBe(1);
      const storage = await openPostgresStorage(old.url);
      const study = await storage.getStudy('old');
      expect((await storage.getTrials(study.id)).map((t) => [t.number, t.values])).toEqual([[0, [0.5]]]);
      expect((await storage.startTrial(study.id, 'w'))!.number).toBe(1);
      await storage.close();
      expect(await schemaVersion(client)).toBe(SCHEMA_VERSION);
      expect((await client.query(`SELECT to_regclass('tunekit_trials_running') AS i`)).rows[0].i).toBe(
        'tunekit_trials_running',
      );
      await client.end();
    } finally {
      await old.drop();
    }
  });

  it('keeps its connections within pool_max however many calls run at once', async () => {
    const storage = await openPostgresStorage(`${db.url}?pool_max=2`);
    const study = await storage.createStudy('bounded', ['minimize']);
    const count = async (): Promise<number> =>
      raw(async (c) =>
        Number(
          (
            await c.query(
              `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
              [db.name],
            )
          ).rows[0].n,
        ),
      );
    const calls = Promise.all(Array.from({ length: 50 }, (_, i) => storage.startTrial(study.id, `w${i}`)));
    const during = await count();
    const trials = await calls;
    expect(new Set(trials.map((t) => t!.number)).size).toBe(50);
    expect(during).toBeLessThanOrEqual(2);
    expect(await count()).toBeLessThanOrEqual(2);
    await storage.close();
  });

  it('refuses strings PostgreSQL cannot hold (NUL, unpaired surrogates) with invalid_argument', async () => {
    const storage = await openPostgresStorage(db.url);
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'stored',
        (e: { code?: string }) => e.code,
      );
    expect(await code(storage.createStudy('a\u0000b', ['minimize']))).toBe('invalid_argument');
    const s = await storage.createStudy('strings', ['minimize']);
    const t = (await storage.startTrial(s.id, 'w'))!;
    expect(await code(storage.writeTrial(t.id, { userAttrs: { k: 'x\ud800y' } }))).toBe('invalid_argument');
    expect(await code(storage.writeTrial(t.id, { userAttrs: { k: 'a\u0000' } }))).toBe('invalid_argument');
    expect(await code(storage.writeTrial(t.id, { userAttrs: { k: '😀 ok' } }))).toBe('stored');
    await storage.close();
  });

  it('reports an unreachable server with the URL, password hidden', async () => {
    const error = await openPostgresStorage('postgres://someone:secret@127.0.0.1:1/nowhere').then(
      () => null,
      (e: { code?: string; message: string }) => e,
    );
    expect(error?.code).toBe('storage_unreachable');
    expect(error?.message).toContain('127.0.0.1:1/nowhere');
    expect(error?.message).not.toContain('secret');
  });
});

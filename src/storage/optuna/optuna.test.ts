import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { storageContract } from '../storage.contract.js';
import { createTestDatabase, serverReachable } from '../postgres/testing/database.js';
import type { TestDatabase } from '../postgres/testing/database.js';
import { SqliteStorage } from '../sqlite/index.js';
import { openOptunaStorage, OPTUNA_REVISION } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'tunekit-optuna-'));
let files = 0;
const freshPath = (): string => join(dir, `db${files++}.sqlite`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storageContract('optuna+sqlite', { open: () => openOptunaStorage(`optuna+sqlite:${freshPath()}`) });

const databases = new Map<object, TestDatabase>();
storageContract('optuna+postgres', {
  async open() {
    const unreachable = await serverReachable();
    if (unreachable) throw new Error(unreachable);
    const db = await createTestDatabase('tunekit_optuna');
    const storage = await openOptunaStorage(`optuna+${db.url}`);
    databases.set(storage, db);
    return storage;
  },
  async close(storage) {
    await storage.close();
    await databases.get(storage)?.drop();
  },
});

const errorOf = async (promise: Promise<unknown>): Promise<{ code?: string; message?: string }> =>
  promise.then(
    () => ({}),
    (error: { code?: string; message?: string }) => error,
  );

describe('optuna storage: the schema check', () => {
  it('refuses another Optuna schema revision, naming the found and the supported one, and changes nothing', async () => {
    const path = freshPath();
    await (await openOptunaStorage(`optuna+sqlite:${path}`)).close();
    const raw = new Database(path);
    raw.prepare(`UPDATE alembic_version SET version_num = 'v3.2.0.a'`).run();
    raw.close();
    const error = await errorOf(openOptunaStorage(`optuna+sqlite:${path}`));
    expect(error.code).toBe('storage_version');
    expect(error.message).toContain('v3.2.0.a');
    expect(error.message).toContain(OPTUNA_REVISION);
    const after = new Database(path);
    expect(after.prepare(`SELECT version_num FROM alembic_version`).all()).toEqual([
      { version_num: 'v3.2.0.a' },
    ]);
    after.close();
  });

  it('refuses a tunekit database, and creates nothing when asked only to read', async () => {
    const path = freshPath();
    await new SqliteStorage(path).close();
    const error = await errorOf(openOptunaStorage(`optuna+sqlite:${path}`));
    expect(error.code).toBe('storage_version');
    expect(error.message).toMatch(/tunekit database.*tunekit copy/);
    const missing = freshPath();
    expect((await errorOf(openOptunaStorage(`optuna+sqlite:${missing}`, { create: false }))).code).toBe(
      'storage_unreachable',
    );
  });

  it('creates the schema once when workers open a new database together', async () => {
    const path = freshPath();
    const storages = await Promise.all([1, 2, 3].map(() => openOptunaStorage(`optuna+sqlite:${path}`)));
    await Promise.all(storages.map((s) => s.close()));
    const raw = new Database(path);
    expect(raw.prepare(`SELECT * FROM version_info`).all()).toEqual([
      { version_info_id: 1, schema_version: 12, library_version: '3.1.0' },
    ]);
    raw.close();
  });
});

describe('optuna storage: SQLite journal mode', () => {
  it('gives a file it creates WAL, and leaves the journal mode of an existing file alone', async () => {
    const mode = (path: string): unknown => {
      const raw = new Database(path);
      try {
        return raw.pragma('journal_mode', { simple: true });
      } finally {
        raw.close();
      }
    };
    const made = freshPath();
    await (await openOptunaStorage(`optuna+sqlite:${made}`)).close();
    expect(mode(made)).toBe('wal');
    const existing = freshPath();
    const raw = new Database(existing);
    raw.exec('CREATE TABLE unrelated (x)');
    raw.close();
    await (await openOptunaStorage(`optuna+sqlite:${existing}`)).close();
    expect(mode(existing)).toBe('delete');
  });
});

describe('optuna storage: what its schema cannot hold', () => {
  it('refuses a fractional step, naming it, and writes nothing of that write', async () => {
    const storage = await openOptunaStorage(`optuna+sqlite:${freshPath()}`);
    const s = await storage.createStudy('steps', ['minimize']);
    const t = (await storage.startTrial(s.id, 'w'))!;
    const error = await errorOf(storage.writeTrial(t.id, { intermediateValues: { 1: 0.5, 1.5: 0.25 } }));
    expect(error).toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('step 1.5') });
    expect((await storage.getTrial(t.id)).intermediateValues).toEqual({});
    await storage.close();
  });
});

describe('optuna storage: URLs', () => {
  it('resolveStorage opens optuna+sqlite: and optuna+postgres:// URLs, and refuses other optuna+ forms', async () => {
    const { resolveStorage } = await import('../resolve.js');
    const { OptunaStorage } = await import('./index.js');
    const sqlite = await resolveStorage(`optuna+sqlite:${freshPath()}`);
    expect(sqlite).toBeInstanceOf(OptunaStorage);
    await sqlite.close();
    const db = await createTestDatabase('tunekit_optuna');
    try {
      for (const url of [`optuna+${db.url}`, `optuna+${db.url.replace(/^postgres:/, 'postgresql:')}`]) {
        const pg = await resolveStorage(url);
        expect(pg).toBeInstanceOf(OptunaStorage);
        await pg.close();
      }
    } finally {
      await db.drop();
    }
    expect((await errorOf(resolveStorage('optuna+mysql://x'))).code).toBe('invalid_argument');
  });
});

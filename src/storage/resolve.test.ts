import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryStorage } from './memory.js';
import { PostgresStorage } from './postgres/index.js';
import { createTestDatabase } from './postgres/testing/database.js';
import { resolveStorage, sqlitePath } from './resolve.js';
import { SqliteStorage } from './sqlite/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tunekit-resolve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveStorage', () => {
  it('reads sqlite paths in the usual spellings', () => {
    expect(sqlitePath('sqlite:./a.db')).toBe('./a.db');
    expect(sqlitePath('sqlite://./a.db')).toBe('./a.db');
    expect(sqlitePath('sqlite:///tmp/a.db')).toBe('/tmp/a.db');
    expect(sqlitePath('sqlite::memory:')).toBe(':memory:');
    expect(() => sqlitePath('sqlite:')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it('opens each back end from its URL', async () => {
    expect(await resolveStorage('memory:')).toBeInstanceOf(InMemoryStorage);
    const file = join(dir, 'x.db');
    const sqlite = await resolveStorage(`sqlite:${file}`);
    expect(sqlite).toBeInstanceOf(SqliteStorage);
    expect(existsSync(file)).toBe(true);
    await sqlite.close();
    const db = await createTestDatabase();
    try {
      for (const url of [db.url, db.url.replace(/^postgres:/, 'postgresql:')]) {
        const pg = await resolveStorage(url);
        expect(pg).toBeInstanceOf(PostgresStorage);
        await pg.createStudy(`s-${url.slice(0, 10)}`, ['minimize']);
        await pg.close();
      }
    } finally {
      await db.drop();
    }
    await expect(resolveStorage('mysql://x')).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('refuses a missing SQLite file with create: false and leaves none behind', async () => {
    const file = join(dir, 'typo.db');
    await expect(resolveStorage(`sqlite:${file}`, { create: false })).rejects.toMatchObject({
      code: 'storage_unreachable',
      message: expect.stringContaining(file),
    });
    expect(existsSync(file)).toBe(false);
    const made = await resolveStorage(`sqlite:${file}`);
    await made.close?.();
    const opened = await resolveStorage(`sqlite:${file}`, { create: false });
    expect(opened).toBeInstanceOf(SqliteStorage);
    await opened.close?.();
    expect(await resolveStorage('memory:', { create: false })).toBeInstanceOf(InMemoryStorage);
  });
});

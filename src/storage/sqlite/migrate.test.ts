// Opening SQLite files written by earlier tunekits (committed fixtures of schemas 3, 4 and 5): migrated in
// place to the current schema with every value kept.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkMigratedLegacy,
  checkMigratedSchema4,
  checkMigratedStages,
  FIXTURES,
} from '../testing/legacy.js';
import { schemaVersion, SCHEMA_VERSION } from './schema.js';
import { SqliteStorage } from './storage.js';

const dir = mkdtempSync(join(tmpdir(), 'tunekit-sqlite-legacy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite: a schema-3 database', () => {
  it('is migrated in place, keeping every value in the typed fields', async () => {
    const path = join(dir, 'legacy.db');
    copyFileSync(join(FIXTURES, 'schema-3.db'), path);
    const before = new Database(path, { readonly: true });
    expect(schemaVersion(before)).toBe(3);
    before.close();

    const storage = new SqliteStorage(path);
    await checkMigratedLegacy(storage, 'legacy.sqlite.json');
    await storage.close();

    const after = new Database(path, { readonly: true });
    expect(schemaVersion(after)).toBe(SCHEMA_VERSION);
    const columns = (table: string) =>
      (after.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map(
        (c) => c.name,
      );
    expect(columns('tunekit_trials')).not.toContain('system_attrs');
    expect(columns('tunekit_studies')).not.toContain('system_attrs');
    after.close();
    // Opening it again changes nothing.
    const again = new SqliteStorage(path);
    expect((await again.getStudy('legacy')).stopRequests).toBe(3);
    await again.close();
  });

  it('opened read-only (not migrated), is refused with storage_version naming what to do', async () => {
    const path = join(dir, 'readonly.db');
    copyFileSync(join(FIXTURES, 'schema-3.db'), path);
    let error: { code?: string; message?: string } = {};
    try {
      new SqliteStorage(path, { readonly: true });
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.code).toBe('storage_version');
    expect(error.message).toMatch(/schema version 3.*without readonly/);
    const untouched = new Database(path, { readonly: true });
    expect(schemaVersion(untouched)).toBe(3);
    untouched.close();
  });
});

describe('sqlite: a schema-4 database (before trials had constraints)', () => {
  it('is migrated in place, keeping every value and adding no constraints', async () => {
    const path = join(dir, 'schema-4.db');
    copyFileSync(join(FIXTURES, 'schema-4.db'), path);
    const before = new Database(path, { readonly: true });
    expect(schemaVersion(before)).toBe(4);
    before.close();
    const storage = new SqliteStorage(path);
    await checkMigratedSchema4(storage, 'schema-4.sqlite.json');
    await storage.close();
    const after = new Database(path, { readonly: true });
    expect(schemaVersion(after)).toBe(SCHEMA_VERSION);
    after.close();
  });
});

describe('sqlite: a schema-5 database (staged runs linked through user attributes)', () => {
  it('is migrated in place: each stage link moves into its column, the parents keep no copies, no study is reproducible', async () => {
    const path = join(dir, 'schema-5.db');
    copyFileSync(join(FIXTURES, 'schema-5.db'), path);
    const before = new Database(path, { readonly: true });
    expect(schemaVersion(before)).toBe(5);
    before.close();
    const storage = new SqliteStorage(path);
    await checkMigratedStages(storage, 'schema-5.sqlite.json');
    await storage.close();
    const after = new Database(path, { readonly: true });
    expect(schemaVersion(after)).toBe(6);
    const links = after.prepare(`SELECT name FROM tunekit_studies WHERE stage IS NOT NULL`).all();
    expect(links).toHaveLength(6);
    // Only the two studies checkMigratedStages gave a mode after the migration hold one.
    const modes = after.prepare(
      `SELECT name, reproducible FROM tunekit_studies WHERE reproducible IS NOT NULL ORDER BY id`,
    );
    expect(modes.all()).toEqual([
      { name: 'hand.stage-2', reproducible: '{"lag":2}' },
      { name: 'after-6', reproducible: '{"lag":1}' },
    ]);
    after.close();
  });
});

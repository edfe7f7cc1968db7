import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { storageContract } from '../storage.contract.js';
import { migrate, schemaVersion, SCHEMA_VERSION } from './schema.js';
import { whenUnlocked } from './open.js';
import { SqliteStorage } from './storage.js';

const dir = mkdtempSync(join(tmpdir(), 'tunekit-sqlite-'));
let files = 0;
const freshPath = (): string => join(dir, `db${files++}.sqlite`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storageContract('sqlite', { open: async () => new SqliteStorage(freshPath()) });

describe('sqlite storage', () => {
  it('keeps a study across processes: a second handle on the file sees every write', async () => {
    const path = freshPath();
    const a = new SqliteStorage(path);
    const s = await a.createStudy('shared', ['maximize']);
    const t = (await a.startTrial(s.id, 'w'))!;
    await a.writeTrial(t.id, { intermediateValues: { 1: Infinity } });
    await a.finishTrial(t.id, { state: 'complete', values: [2] });
    await a.close();
    const b = new SqliteStorage(path);
    expect((await b.getTrials((await b.getStudy('shared')).id))[0]).toMatchObject({
      state: 'complete',
      values: [2],
      intermediateValues: { 1: Infinity },
    });
    await b.close();
  });

  it('refuses a database written by a newer tunekit and leaves it unchanged', async () => {
    const path = freshPath();
    await new SqliteStorage(path).close();
    const raw = new Database(path);
    raw
      .prepare(`UPDATE tunekit_meta SET value = ? WHERE key = 'schema_version'`)
      .run(String(SCHEMA_VERSION + 1));
    raw.close();
    let error: { code?: string; message?: string } = {};
    try {
      new SqliteStorage(path);
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.code).toBe('storage_version');
    expect(error.message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    const after = new Database(path, { readonly: true });
    expect(schemaVersion(after)).toBe(SCHEMA_VERSION + 1);
    after.close();
  });

  it('migrates a version-1 database in place, keeping its studies and trials', async () => {
    const path = freshPath();
    const raw = new Database(path);
    migrate(raw, path, 1);
    raw
      .prepare(
        `INSERT INTO tunekit_studies (name, directions, next_number, created_at) VALUES ('old', '["minimize"]', 1, 5)`,
      )
      .run();
    raw
      .prepare(
        `INSERT INTO tunekit_trials (study_id, number, state, vals, created_at) VALUES (1, 0, 'complete', '[0.5]', 6)`,
      )
      .run();
    // Intermediate values lived in a JSON column up to version 2; they move to a table with every digit.
    const intermediate = JSON.stringify({ 0: 0.1 + 0.2, 1: 'Infinity', 2: 1e-300, 3: 'NaN' });
    raw.prepare(`UPDATE tunekit_trials SET intermediate = ? WHERE number = 0`).run(intermediate);
    expect(schemaVersion(raw)).toBe(1);
    raw.close();
    const storage = new SqliteStorage(path);
    const study = await storage.getStudy('old');
    expect((await storage.getTrials(study.id)).map((t) => [t.number, t.values])).toEqual([[0, [0.5]]]);
    expect((await storage.getTrials(study.id))[0]!.intermediateValues).toEqual({
      0: 0.1 + 0.2,
      1: Infinity,
      2: 1e-300,
      3: NaN,
    });
    expect((await storage.startTrial(study.id, 'w'))!.number).toBe(1);
    await storage.close();
    const check = new Database(path, { readonly: true });
    expect(schemaVersion(check)).toBe(SCHEMA_VERSION);
    expect(
      check.prepare(`SELECT name FROM sqlite_master WHERE name = 'tunekit_trials_running'`).get(),
    ).toBeTruthy();
    check.close();
  });

  it('shares a file with another tool without touching its tables', async () => {
    const path = freshPath();
    const raw = new Database(path);
    raw.exec(
      `CREATE TABLE studies (study_id INTEGER PRIMARY KEY, study_name TEXT); INSERT INTO studies VALUES (1, 'optuna');`,
    );
    raw.close();
    const storage = new SqliteStorage(path);
    await storage.createStudy('mine', ['minimize']);
    await storage.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare(`SELECT study_name FROM studies`).all()).toEqual([{ study_name: 'optuna' }]);
    check.close();
  });
});

describe('opening a new database beside other workers', () => {
  const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

  it('tries again while SQLite says the database is locked, and then goes on', () => {
    let calls = 0;
    whenUnlocked(1000, () => {
      if (++calls < 4) throw busy;
    });
    expect(calls).toBe(4);
  });

  it('passes any other error on at once, and a lock that outlasts the timeout', () => {
    let calls = 0;
    const readOnly = Object.assign(new Error('attempt to write a readonly database'), {
      code: 'SQLITE_READONLY',
    });
    expect(() =>
      whenUnlocked(1000, () => {
        calls++;
        throw readOnly;
      }),
    ).toThrow(readOnly);
    expect(calls).toBe(1);
    const started = Date.now();
    expect(() =>
      whenUnlocked(50, () => {
        throw busy;
      }),
    ).toThrow(busy);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

// A connection limit reached is a clear error, not a hang: workers of a role allowed 2 connections
// (CONNECTION LIMIT 2, so the shared server itself is never exhausted) get storage_unreachable naming the
// fix, from createStudy, from a running optimize, and from `tunekit worker`.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit-codes.js';
import { createStudy } from '../src/index.js';
import type { Study } from '../src/index.js';
import { ADMIN_URL, createTestDatabase, serverReachable } from '../src/storage/postgres/testing/database.js';
import type { TestDatabase } from '../src/storage/postgres/testing/database.js';

const ROOT = join(import.meta.dirname, '..');
const role = `tunekit_limited_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

async function asAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The error `promise` rejects with, and how long that took. */
async function failure(promise: Promise<unknown>): Promise<{ code?: string; message: string; ms: number }> {
  const t0 = performance.now();
  const error: { code?: string; message: string } = await promise.then(
    () => ({ message: 'resolved' }),
    (e: { code?: string; message: string }) => e,
  );
  return { code: error.code, message: error.message, ms: performance.now() - t0 };
}

/** The fix the message must name. */
const namesTheFix = (message: string): void => {
  expect(message).toContain(`too many connections for role "${role}"`);
  for (const hint of ['pool_max', 'idle_ms=0', 'PgBouncer', 'max_connections'])
    expect(message).toContain(hint);
};

describe('a connection limit reached', () => {
  let db: TestDatabase;
  let url: string;
  const held: pg.Client[] = [];
  const studies: Study[] = [];
  /** Takes `n` of the role's connections and keeps them until `release`. */
  const hold = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => {});
      await client.connect();
      held.push(client);
    }
  };
  const release = async (): Promise<void> => void (await Promise.all(held.splice(0).map((c) => c.end())));

  beforeAll(async () => {
    const problem = await serverReachable();
    if (problem) throw new Error(problem);
    db = await createTestDatabase('tunekit_limit');
    await asAdmin(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 2`);
    // The owner may create the schema in the database's public schema.
    await asAdmin(`ALTER DATABASE ${db.name} OWNER TO ${role}`);
    const as = new URL(db.url);
    as.username = role;
    as.password = '';
    url = as.toString();
  });
  afterAll(async () => {
    await release();
    await Promise.all(studies.map((s) => s.storage.close()));
    await db?.drop();
    await asAdmin(`DROP ROLE IF EXISTS ${role}`);
  });

  it('fails createStudy at once with storage_unreachable, naming the fix', async () => {
    const open = (worker: string) =>
      createStudy({
        storage: `${url}?pool_max=1`,
        studyName: 'limited',
        loadIfExists: true,
        quiet: true,
        worker,
      });
    // Two workers take the role's two connections and keep them (idle connections live 10 s).
    studies.push(await open('a'), await open('b'));
    const error = await failure(open('c'));
    expect(error.code).toBe('storage_unreachable');
    namesTheFix(error.message);
    expect(error.ms).toBeLessThan(5000);
    console.log(`connection limit: createStudy failed after ${Math.round(error.ms)} ms: ${error.message}`);
    await Promise.all(studies.splice(0).map((s) => s.storage.close()));
  });

  it('stops a running optimize with storage_unreachable when a call cannot connect', async () => {
    // idle_ms=0: the worker holds no connection between calls, so each call needs a new one.
    const study = await createStudy({ storage: `${url}?idle_ms=0`, studyName: 'running', quiet: true });
    studies.push(study);
    await study.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 2 });
    await hold(2);
    const error = await failure(study.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 2 }));
    await release();
    expect(error.code).toBe('storage_unreachable');
    namesTheFix(error.message);
    expect(error.ms).toBeLessThan(5000);
    console.log(`connection limit: a running optimize stopped after ${Math.round(error.ms)} ms`);
  });

  it('makes `tunekit worker` exit with the storage_unreachable code and the fix on stderr', async () => {
    await hold(2);
    const t0 = performance.now();
    const run = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'worker', '--storage', url, '--study', 'limited'],
        { cwd: ROOT, timeout: 60_000 },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
      ),
    );
    const ms = performance.now() - t0;
    await release();
    expect(run.code, run.stderr).toBe(EXIT.storageUnreachable);
    namesTheFix(run.stderr);
    console.log(
      `connection limit: tunekit worker exited ${run.code} after ${Math.round(ms)} ms (tsx start included): ${run.stderr}`,
    );
  });
});

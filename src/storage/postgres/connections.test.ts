// The connections of one storage on the real server: idle_ms=0 holds none between calls, a server that
// never answers and a pool whose connections all stay busy each fail within connect_timeout_ms, by name.
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStorage } from './index.js';
import { createTestDatabase, serverReachable } from './testing/database.js';
import type { TestDatabase } from './testing/database.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the error `promise` rejects with, and how long that took. */
async function failure(promise: Promise<unknown>): Promise<{ code?: string; message: string; ms: number }> {
  const t0 = performance.now();
  const error = await promise.then(
    () => ({ message: 'resolved' }),
    (e: { code?: string; message: string }) => e,
  );
  return { ...error, message: error.message, ms: performance.now() - t0 };
}

describe('PostgreSQL storage connections', () => {
  let db: TestDatabase;
  let admin: pg.Client;
  beforeAll(async () => {
    const problem = await serverReachable();
    if (problem) throw new Error(problem);
    db = await createTestDatabase('tunekit_conn');
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await db?.drop();
  });

  /** Connections to the test database, this test's own one left out. */
  const connections = async (): Promise<number> =>
    Number(
      (
        await admin.query(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [db.name],
        )
      ).rows[0].n,
    );

  /** Polls until `ok` holds or `ms` pass; returns the last count. */
  const settle = async (ok: (n: number) => boolean, ms = 3000): Promise<number> => {
    const until = Date.now() + ms;
    let n = await connections();
    while (!ok(n) && Date.now() < until) {
      await sleep(50);
      n = await connections();
    }
    return n;
  };

  it('with idle_ms=0 holds no connection between calls; by default keeps one', async () => {
    const idle = await openPostgresStorage(`${db.url}?idle_ms=0`);
    const study = await idle.createStudy('idle', ['minimize']);
    for (let i = 0; i < 3; i++) await idle.startTrial(study.id, 'w');
    expect(await settle((n) => n === 0)).toBe(0);
    expect(await idle.getTrials(study.id)).toHaveLength(3);
    expect(await settle((n) => n === 0)).toBe(0);
    await idle.close();

    const kept = await openPostgresStorage(db.url);
    await kept.getStudy('idle');
    await sleep(200);
    expect(await connections()).toBe(1);
    await kept.close();
    expect(await settle((n) => n === 0)).toBe(0);
  });

  it('gives up on a server that accepts and never answers after connect_timeout_ms, by name', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const error = await failure(
        openPostgresStorage(`postgres://nobody@127.0.0.1:${port}/none?connect_timeout_ms=300`),
      );
      expect(error.code).toBe('storage_unreachable');
      expect(error.message).toContain('no answer within connect_timeout_ms=300');
      expect(error.ms).toBeGreaterThanOrEqual(250);
      expect(error.ms).toBeLessThan(3000);
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('a call that finds every pooled connection busy waits connect_timeout_ms, then says what to raise', async () => {
    const storage = await openPostgresStorage(`${db.url}?pool_max=1&connect_timeout_ms=500`);
    const study = await storage.createStudy('busy', ['minimize']);
    // Another session holds the study row: the storage's only connection waits on it inside startTrial.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM tunekit_studies WHERE id = $1 FOR UPDATE', [study.id]);
    const started = storage.startTrial(study.id, 'w');
    await sleep(100);
    const error = await failure(storage.getStudy('busy'));
    await holder.query('COMMIT');
    await holder.end();
    expect(error.code).toBe('storage_unreachable');
    expect(error.message).toContain('came free within connect_timeout_ms=500');
    expect(error.message).toContain('pool_max (1 here)');
    expect(error.ms).toBeGreaterThanOrEqual(450);
    expect(error.ms).toBeLessThan(3000);
    // The call that held the connection goes on once the row is free.
    expect((await started)!.number).toBe(0);
    await storage.close();
  });
});

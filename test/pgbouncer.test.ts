// Hundreds of workers through PgBouncer in transaction mode: 160 workers (5 processes of 32, each worker its
// own storage and pool) create and run one study with prepared=false, and the server never sees more than
// PgBouncer's pool. And a misconfigured set-up fails by name: named statements, a startup parameter,
// PgBouncer's own queue timeout.
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStorage } from '../src/storage/postgres/index.js';
import { ADMIN_URL, createTestDatabase, serverReachable } from '../src/storage/postgres/testing/database.js';
import type { TestDatabase } from '../src/storage/postgres/testing/database.js';
import { pgbouncerMissing, startPgBouncer } from '../src/storage/postgres/testing/pgbouncer.js';
import type { PgBouncer } from '../src/storage/postgres/testing/pgbouncer.js';
import type { WorkerStats } from './fixtures/scale-worker.js';
import { sleep, startFixture } from './reliability/helpers.js';

const SCALE_WORKER = join(import.meta.dirname, 'fixtures', 'scale-worker.ts');
const POOL_SIZE = 10;
const PROCESSES = 5;
const WORKERS_PER_PROCESS = 32;
const TRIALS = 320;

const missing = pgbouncerMissing();
const title = `PgBouncer in transaction mode${missing ? ` (skipped: ${missing})` : ''}`;

describe.skipIf(missing !== null)(title, () => {
  let bouncer: PgBouncer;
  const databases: TestDatabase[] = [];
  beforeAll(async () => {
    const problem = await serverReachable();
    if (problem) throw new Error(problem);
    bouncer = await startPgBouncer({ poolSize: POOL_SIZE, queryWaitTimeoutS: 60 });
  });
  afterAll(async () => {
    await bouncer?.stop();
    await Promise.all(databases.map((db) => db.drop()));
  });
  const database = async (): Promise<TestDatabase> => {
    const db = await createTestDatabase('tunekit_pgb');
    databases.push(db);
    return db;
  };
  /** A client through PgBouncer that holds a server connection until it commits. */
  const holdServerConnection = async (url: string): Promise<pg.Client> => {
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT 1');
    return holder;
  };

  it(`${PROCESSES * WORKERS_PER_PROCESS} workers run one study over ${POOL_SIZE} server connections`, async () => {
    const db = await database();
    const url = `${bouncer.url(db.url)}?prepared=false&pool_max=2`;
    // The processes race to create the schema and the study: the schema's advisory lock works through
    // transaction pooling, being transaction-level.
    const procs = Array.from({ length: PROCESSES }, (_, i) =>
      startFixture(SCALE_WORKER, {
        storages: [url],
        study: 'crowd',
        workers: WORKERS_PER_PROCESS,
        prefix: `p${i}`,
        trialMs: 200,
        reports: 2,
        maxTrials: TRIALS,
        timeoutMs: 90_000,
        heartbeatIntervalMs: 1000,
        gracePeriodMs: 60_000,
        waitForGo: true,
      }),
    );
    try {
      const t0 = performance.now();
      await Promise.all(procs.map((p) => p.event('ready')));
      const readyMs = performance.now() - t0;
      // What the server sees for this database, sampled until the workers are done (at most 3 minutes).
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      admin.on('error', () => {});
      await admin.connect();
      let running = true;
      const seen: number[] = [];
      const sampling = (async () => {
        for (let i = 0; running && i < 3600; i++) {
          const { rows } = await admin.query(
            'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1',
            [db.name],
          );
          seen.push(Number(rows[0].n));
          await sleep(50);
        }
      })();
      procs.forEach((p) => p.child.stdin!.write('go\n'));
      const done = await Promise.all(procs.map((p) => p.event('done')));
      const runMs = performance.now() - t0 - readyMs;
      running = false;
      await sampling;
      await admin.end();
      const exits = await Promise.all(procs.map((p) => p.exit));
      expect(exits.map((e) => e.code)).toEqual(procs.map(() => 0));
      const stats = done.flatMap((d) => d.stats as WorkerStats[]);
      expect(stats).toHaveLength(PROCESSES * WORKERS_PER_PROCESS);
      expect(stats.filter((s) => s.error)).toEqual([]);

      const storage = await openPostgresStorage(db.url);
      const study = await storage.getStudy('crowd');
      const trials = await storage.getTrials(study.id);
      await storage.close();
      expect(trials.map((t) => t.number)).toEqual(Array.from({ length: TRIALS }, (_, i) => i));
      expect(trials.filter((t) => t.state !== 'complete')).toEqual([]);
      expect(stats.reduce((sum, s) => sum + s.trials, 0)).toBe(TRIALS);
      // PgBouncer opens at most default_pool_size; a backend that is closing may still show for a moment.
      expect(seen.length).toBeGreaterThan(5);
      expect(Math.max(...seen)).toBeLessThanOrEqual(POOL_SIZE + 2);
      console.log(
        `pgbouncer: ${stats.length} workers, ${TRIALS} trials; server connections for the database: ` +
          `max ${Math.max(...seen)}, mean ${(seen.reduce((a, b) => a + b, 0) / seen.length).toFixed(1)} ` +
          `in ${seen.length} samples; all open after ${(readyMs / 1000).toFixed(1)} s, run ${(runMs / 1000).toFixed(1)} s`,
      );
    } finally {
      procs.forEach((p) => p.child.kill('SIGKILL'));
    }
  }, 240_000);

  it('named statements fail by name, saying to add prepared=false', async () => {
    const db = await database();
    const storage = await openPostgresStorage(`${bouncer.url(db.url)}?pool_max=1`);
    try {
      const study = await storage.createStudy('named', ['minimize']);
      // Prepared on the pool's only server connection, which the holder then takes: the next start runs
      // on a new server connection that never saw the statement.
      await storage.startTrial(study.id, 'w');
      const holder = await holdServerConnection(bouncer.url(db.url));
      const error = await storage.startTrial(study.id, 'w').then(
        () => null,
        (e: { code?: string; message: string }) => e,
      );
      await holder.query('COMMIT');
      await holder.end();
      expect(error?.code).toBe('storage_error');
      expect(error?.message).toMatch(/prepared statement "tunekit_\w+" (does not exist|already exists)/);
      expect(error?.message).toContain('add prepared=false to the storage URL');
    } finally {
      await storage.close();
    }
  });

  it('a startup parameter PgBouncer refuses (options=) fails at once, saying where to set it instead', async () => {
    const db = await database();
    const error = await openPostgresStorage(
      `${bouncer.url(db.url)}?prepared=false&options=-c%20synchronous_commit%3Doff`,
    ).then(
      () => null,
      (e: { code?: string; message: string }) => e,
    );
    expect(error?.code).toBe('storage_unreachable');
    expect(error?.message).toContain('unsupported startup parameter: options');
    expect(error?.message).toContain('ALTER DATABASE');
  });

  it("PgBouncer's query_wait_timeout is storage_unreachable, naming default_pool_size", async () => {
    const tight = await startPgBouncer({ poolSize: 1, queryWaitTimeoutS: 1 });
    try {
      const db = await database();
      const storage = await openPostgresStorage(`${tight.url(db.url)}?prepared=false`);
      await storage.createStudy('tight', ['minimize']);
      const holder = await holdServerConnection(tight.url(db.url));
      const t0 = performance.now();
      const error = await storage.getStudy('tight').then(
        () => null,
        (e: { code?: string; message: string }) => e,
      );
      const ms = performance.now() - t0;
      await holder.query('COMMIT').catch(() => {});
      await holder.end().catch(() => {});
      await storage.close();
      expect(error?.code).toBe('storage_unreachable');
      expect(error?.message).toContain('query_wait_timeout');
      expect(error?.message).toContain('default_pool_size');
      expect(ms).toBeLessThan(10_000);
      console.log(`pgbouncer: query_wait_timeout = 1 s reached the caller after ${Math.round(ms)} ms`);
    } finally {
      await tight.stop();
    }
  });
});

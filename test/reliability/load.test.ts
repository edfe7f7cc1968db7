// Many worker processes on one study, with intermediate values and median pruning: 8 on SQLite and 16 on
// PostgreSQL for 2,000 trials each (`test:reliability:long`; fewer in CI). Every trial exactly once,
// numbers dense, the budget not overshot, no worker error, and PostgreSQL connections per worker bounded,
// counted on the server.
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrialRecord } from '../../src/index.js';
import { resolveStorage } from '../../src/storage/resolve.js';
import { ADMIN_URL, createTestDatabase } from '../../src/storage/postgres/testing/database.js';
import type { TestDatabase } from '../../src/storage/postgres/testing/database.js';
import type { ChaosArgs } from './fixtures/chaos-worker.js';
import { countBy, runSize, scratchDir, startFixture } from './helpers.js';

const WORKER = join(import.meta.dirname, 'fixtures', 'chaos-worker.ts');
const long = runSize() === 'long';
const TRIALS = long ? 2000 : 300;
const STEPS = 3;
// Heartbeats on, with a grace period no healthy worker should miss even on a loaded machine.
const FAILURE = { heartbeatIntervalMs: 1000, gracePeriodMs: 15_000, retries: 1 };
const POOL_MAX = 3; // the PostgreSQL storage's default per process

const dir = scratchDir('load');
const databases: TestDatabase[] = [];
afterAll(async () => {
  dir.remove();
  await Promise.all(databases.map((db) => db.drop()));
});

async function readTrials(url: string): Promise<TrialRecord[]> {
  const storage = await resolveStorage(url);
  try {
    return await storage.getTrials((await storage.getStudy('load')).id);
  } finally {
    await storage.close();
  }
}

/** Samples pg_stat_activity until stopped: the most connections seen per application_name, and in all. */
function watchConnections(database: string): {
  stop(): Promise<{ perWorker: Record<string, number>; total: number; samples: number }>;
} {
  const client = new pg.Client({ connectionString: ADMIN_URL, application_name: 'reliability-watch' });
  const perWorker: Record<string, number> = {};
  let total = 0;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ app: string; n: number }>(
        'SELECT application_name AS app, count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 GROUP BY 1',
        [database],
      );
      samples++;
      total = Math.max(
        total,
        rows.reduce((sum, r) => sum + r.n, 0),
      );
      for (const r of rows) perWorker[r.app] = Math.max(perWorker[r.app] ?? 0, r.n);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.end();
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { perWorker, total, samples };
    },
  };
}

async function runLoad(urls: string[], url: string): Promise<{ trials: TrialRecord[]; ms: number }> {
  const started = Date.now();
  const workers = urls.map((u, i) =>
    startFixture(WORKER, {
      storage: u,
      study: 'load',
      seed: i + 1,
      maxTrials: TRIALS,
      steps: STEPS,
      ...FAILURE,
    } satisfies ChaosArgs),
  );
  const ends = await Promise.all(workers.map((w) => w.exit));
  const ms = Date.now() - started;
  workers.forEach((w, i) => {
    expect(
      w.events.filter((e) => e.event === 'error'),
      w.stderr(),
    ).toEqual([]);
    expect(ends[i], w.stderr().slice(-1000)).toEqual({ code: 0, signal: null });
  });
  const trials = await readTrials(url);
  // Every trial exactly once: dense numbers, the budget exactly, each complete trial run by one worker.
  expect(trials.map((t) => t.number)).toEqual(Array.from({ length: TRIALS }, (_, i) => i));
  expect(new Set(trials.map((t) => t.id)).size).toBe(TRIALS);
  const ran = workers.flatMap((w) => w.events.find((e) => e.event === 'done')!.ran as number[]);
  expect(ran.sort((a, b) => a - b)).toEqual(
    trials.filter((t) => t.state === 'complete').map((t) => t.number),
  );
  for (const t of trials) {
    expect(['complete', 'pruned'], `trial ${t.number}: ${t.state} ${t.failReason ?? ''}`).toContain(t.state);
    const steps = Object.keys(t.intermediateValues).map(Number);
    if (t.state === 'complete') expect(steps).toEqual([0, 1, 2]);
    else expect(steps.length).toBeGreaterThanOrEqual(2); // pruned after the warm-up step
  }
  expect(countBy(trials, (t) => t.state).pruned).toBeGreaterThan(0);
  return { trials, ms };
}

describe('load', () => {
  const sqliteWorkers = long ? 8 : 4;
  it(`${sqliteWorkers} workers, ${TRIALS} trials on one SQLite study`, async () => {
    const url = `sqlite:${join(dir.path, 'load.db')}`;
    const { trials, ms } = await runLoad(Array(sqliteWorkers).fill(url), url);
    console.log(
      `load sqlite: ${sqliteWorkers} workers, ${trials.length} trials ${JSON.stringify(countBy(trials, (t) => t.state))} in ${(ms / 1000).toFixed(1)} s (${((trials.length / ms) * 1000).toFixed(0)} trials/s)`,
    );
  });

  const pgWorkers = long ? 16 : 6;
  it(`${pgWorkers} workers, ${TRIALS} trials on one PostgreSQL study; at most ${POOL_MAX} connections per worker on the server`, async () => {
    const db = await createTestDatabase('tunekit_rel');
    databases.push(db);
    const watch = watchConnections(db.name);
    const urls = Array.from({ length: pgWorkers }, (_, i) => `${db.url}?application_name=load-${i}`);
    let seen!: Awaited<ReturnType<ReturnType<typeof watchConnections>['stop']>>;
    const result = await runLoad(urls, db.url).finally(() => watch.stop().then((s) => void (seen = s)));
    const workerApps = Object.entries(seen.perWorker).filter(([app]) => app.startsWith('load-'));
    console.log(
      `load postgres: ${pgWorkers} workers, ${result.trials.length} trials ${JSON.stringify(countBy(result.trials, (t) => t.state))} in ${(result.ms / 1000).toFixed(1)} s (${((result.trials.length / result.ms) * 1000).toFixed(0)} trials/s); connections: max per worker ${Math.max(...workerApps.map(([, n]) => n))}, max in all ${seen.total}, ${seen.samples} samples`,
    );
    expect(workerApps.length).toBe(pgWorkers); // every worker was seen connected
    for (const [app, n] of workerApps) expect(n, app).toBeLessThanOrEqual(POOL_MAX);
    expect(seen.total).toBeLessThanOrEqual(pgWorkers * POOL_MAX + 1);
  });
});

// Many worker processes on one study, on SQLite and on PostgreSQL: trial numbers stay dense and unique,
// grid points run exactly once, and a worker killed with SIGKILL mid-trial is detected, failed and retried.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveStorage } from '../src/storage/resolve.js';
import { createTestDatabase } from '../src/storage/postgres/testing/database.js';
import type { TestDatabase } from '../src/storage/postgres/testing/database.js';
import type { TrialRecord } from '../src/study/types.js';
import type { WorkerArgs } from './fixtures/storage-worker.js';
import { sleep, startFixture } from './reliability/helpers.js';
import type { Proc } from './reliability/helpers.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'storage-worker.ts');
const dir = mkdtempSync(join(tmpdir(), 'tunekit-workers-'));
const databases: TestDatabase[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all(databases.map((db) => db.drop()));
});

/** A storage worker process (test/fixtures/storage-worker.ts) that prints one JSON event per line. */
const startWorker = (args: WorkerArgs): Proc => startFixture(FIXTURE, args);

async function runAll(workers: Proc[]): Promise<number[][]> {
  const done = await Promise.all(workers.map((w) => w.event('done')));
  expect((await Promise.all(workers.map((w) => w.exit))).map((e) => e.code)).toEqual(workers.map(() => 0));
  return done.map((d) => d.ran as number[]);
}

async function readTrials(url: string, study: string): Promise<TrialRecord[]> {
  const storage = await resolveStorage(url);
  try {
    return await storage.getTrials((await storage.getStudy(study)).id);
  } finally {
    await storage.close();
  }
}

const backends: Array<[string, () => Promise<string>]> = [
  ['sqlite', async () => `sqlite:${join(dir, `${Math.random().toString(36).slice(2)}.db`)}`],
  [
    'postgres',
    async () => {
      const db = await createTestDatabase();
      databases.push(db);
      return db.url;
    },
  ],
];

describe.each(backends)('worker processes on %s', (_label, freshUrl) => {
  it('8 workers x 100 trials: every trial recorded exactly once, numbered 0..799', async () => {
    const url = await freshUrl();
    const workers = Array.from({ length: 8 }, () =>
      startWorker({ storage: url, study: 'many', mode: 'random', nTrials: 100 }),
    );
    const ran = await runAll(workers);
    const trials = await readTrials(url, 'many');
    expect(trials.map((t) => t.number)).toEqual(Array.from({ length: 800 }, (_, i) => i));
    expect(ran.flat().sort((a, b) => a - b)).toEqual(trials.map((t) => t.number));
    expect(new Set(trials.map((t) => t.id)).size).toBe(800);
    for (const t of trials) {
      expect(t.state).toBe('complete');
      expect(Object.keys(t.params).sort()).toEqual(['x', 'y', 'z']);
      expect(Object.keys(t.intermediateValues)).toEqual(['0', '1']);
    }
    const perWorker = new Map<string, number>();
    for (const t of trials) perWorker.set(t.worker!, (perWorker.get(t.worker!) ?? 0) + 1);
    expect([...perWorker.values()]).toEqual(Array(8).fill(100));
  });

  it('4 workers run a grid of 60 points, each exactly once', async () => {
    const url = await freshUrl();
    const workers = Array.from({ length: 4 }, () =>
      startWorker({ storage: url, study: 'grid', mode: 'grid' }),
    );
    const ran = await runAll(workers);
    const trials = await readTrials(url, 'grid');
    expect(trials.map((t) => t.number)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(trials.every((t) => t.state === 'complete')).toBe(true);
    const points = trials.map((t) => `${t.params.a},${t.params.b}`);
    expect(new Set(points).size).toBe(60);
    expect(ran.flat()).toHaveLength(60);
  });

  it('a worker killed mid-trial: its trial fails after the grace period and is retried; the rest is intact', async () => {
    const url = await freshUrl();
    const failure = { heartbeatIntervalMs: 100, gracePeriodMs: 1500, retries: 1 };
    const victim = startWorker({ storage: url, study: 'kill', mode: 'hang', hangAt: 2, ...failure });
    const hanging = await victim.event('hanging');
    const peer = startWorker({
      storage: url,
      study: 'kill',
      mode: 'random',
      maxTrials: 20,
      sleepMs: 20,
      ...failure,
    });
    await sleep(300); // the victim sends a few heartbeats while it hangs
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect((await victim.exit).code).toBeNull();
    await runAll([peer]);
    // The study resumes: a fresh worker (after the grace period) fails the dead trial and runs its retry.
    await sleep(Math.max(0, killedAt + failure.gracePeriodMs + 200 - Date.now()));
    await runAll([startWorker({ storage: url, study: 'kill', mode: 'random', maxTrials: 20, ...failure })]);

    const trials = await readTrials(url, 'kill');
    const dead = trials.find((t) => t.number === hanging.number)!;
    expect(dead.state).toBe('fail');
    expect(dead.failReason).toContain('heartbeat');
    expect(dead.heartbeatAt! - dead.startedAt!).toBeGreaterThanOrEqual(200);
    const retry = trials.find((t) => t.number === dead.retriedBy)!;
    expect(retry).toMatchObject({ state: 'complete', retriedFrom: dead.number });
    expect(retry.params.x).toBe(dead.params.x);
    // The retry counts towards maxTrials if the peer enqueued it before reaching 20, and comes on top otherwise.
    const total = Math.max(20, retry.number + 1);
    expect(trials.map((t) => t.number)).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(trials.filter((t) => t.state !== 'complete')).toEqual([dead]);
    const victimTrials = trials.filter((t) => t.worker === dead.worker && t !== dead);
    expect(victimTrials).toHaveLength(2);
    for (const t of victimTrials) expect(Object.keys(t.intermediateValues)).toEqual(['0', '1']);
  });
});

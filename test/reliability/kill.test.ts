// kill -9 of workers at random moments (inside ask, the objective, tell, a heartbeat, an intermediate
// write, or at a random time from outside), round after round, on SQLite and PostgreSQL. Afterwards every
// trial is complete, pruned, failed with a reason or re-run under the retry policy; none stays running;
// every trial that was finished at any point is byte-for-byte what it was.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/index.js';
import type { TrialRecord } from '../../src/index.js';
import { resolveStorage } from '../../src/storage/resolve.js';
import { createTestDatabase } from '../../src/storage/postgres/testing/database.js';
import type { TestDatabase } from '../../src/storage/postgres/testing/database.js';
import type { ChaosArgs, KillPlan } from './fixtures/chaos-worker.js';
import { countBy, fingerprint, runSize, scratchDir, sleep, startFixture } from './helpers.js';
import type { Proc } from './helpers.js';

const WORKER = join(import.meta.dirname, 'fixtures', 'chaos-worker.ts');
const long = runSize() === 'long';
const ROUNDS = long ? 8 : 3;
const WORKERS_PER_ROUND = long ? 6 : 4;
const FAILURE = { heartbeatIntervalMs: 100, gracePeriodMs: 1500, retries: 2 };

const dir = scratchDir('kill');
const databases: TestDatabase[] = [];
afterAll(async () => {
  dir.remove();
  await Promise.all(databases.map((db) => db.drop()));
});

const PLANS: ReadonlyArray<Omit<KillPlan, 'nth'> | 'external'> = [
  { at: 'startTrial', when: 'during' },
  { at: 'startTrial', when: 'after' },
  { at: 'objective', when: 'during' },
  { at: 'report', when: 'during' },
  { at: 'heartbeat', when: 'during' },
  { at: 'finishTrial', when: 'before' },
  { at: 'finishTrial', when: 'during' },
  { at: 'finishTrial', when: 'after' },
  'external',
];

async function readTrials(url: string, study: string): Promise<TrialRecord[]> {
  const storage = await resolveStorage(url);
  try {
    return await storage.getTrials((await storage.getStudy(study)).id);
  } finally {
    await storage.close();
  }
}

/** How the process ended; `stuck` if the test had to kill it after `ms` (its planned kill never came). */
async function exited(
  proc: Proc,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stuck: boolean; ms: number }> {
  const started = Date.now();
  let stuck = false;
  const timer = setTimeout(() => {
    stuck = true;
    proc.child.kill('SIGKILL');
  }, ms);
  try {
    return { ...(await proc.exit), stuck, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

const backends: Array<[string, () => Promise<string>]> = [
  ['sqlite', async () => `sqlite:${join(dir.path, `kill-${Date.now()}.db`)}`],
  [
    'postgres',
    async () => {
      const db = await createTestDatabase('tunekit_rel');
      databases.push(db);
      return db.url;
    },
  ],
];

describe.each(backends)('kill -9 at random moments on %s', (backend, freshUrl) => {
  it(`${ROUNDS} rounds of ${WORKERS_PER_ROUND} workers, each killed: nothing lost, nothing left running, finished trials unchanged`, async () => {
    const url = await freshUrl();
    const rng = new Rng(backend === 'sqlite' ? 101 : 202);
    const finished = new Map<number, string>(); // trial number → its exact record when first seen finished
    const kills: string[] = [];
    let changed = 0;

    const compare = (trials: readonly TrialRecord[]) => {
      for (const t of trials) {
        if (t.state === 'running' || t.state === 'waiting') continue;
        const now = fingerprint([t]);
        const before = finished.get(t.number);
        if (before === undefined) finished.set(t.number, now);
        else if (before !== now) changed++;
        expect(now, `trial ${t.number} changed after it finished`).toBe(before ?? now);
      }
    };

    for (let round = 0; round < ROUNDS; round++) {
      const workers = Array.from({ length: WORKERS_PER_ROUND }, (_, i) => {
        const plan = PLANS[Math.floor(rng.next() * PLANS.length)]!;
        // Heartbeats go out only while a trial runs longer than the interval: those workers run slower trials.
        const heartbeatPlan = plan !== 'external' && plan.at === 'heartbeat';
        const nth = Math.floor(rng.next() * (heartbeatPlan ? 8 : 4));
        const args: ChaosArgs = {
          storage: url,
          study: 'chaos',
          seed: round * 100 + i,
          maxTrials: 100_000,
          sleepMs: heartbeatPlan ? 60 : 15,
          ...FAILURE,
          ...(plan === 'external' ? {} : { kill: { ...plan, nth } }),
        };
        const proc = startFixture(WORKER, args);
        const label = plan === 'external' ? 'external' : `${plan.at}:${plan.when}#${nth}`;
        if (plan === 'external') {
          const delay = 200 + Math.floor(rng.next() * 1500);
          void proc.event('ready').then(
            () => sleep(delay).then(() => proc.child.kill('SIGKILL')),
            () => undefined,
          );
        }
        return { proc, label };
      });
      const results = await Promise.all(workers.map((w) => exited(w.proc, 60_000)));
      results.forEach((r, i) => {
        // Every worker died by SIGKILL at its planned point: none finished its (unreachable) budget or failed.
        expect(
          { code: r.code, signal: r.signal, stuck: r.stuck },
          `${workers[i]!.label}: ${workers[i]!.proc.stderr().slice(-500)}`,
        ).toEqual({ code: null, signal: 'SIGKILL', stuck: false });
        kills.push(workers[i]!.label);
      });
      compare(await readTrials(url, 'chaos'));
    }

    // After the grace period, one clean worker fails what the dead left running and runs the retries.
    await sleep(FAILURE.gracePeriodMs + 300);
    const before = await readTrials(url, 'chaos');
    const sweeper = startFixture(WORKER, {
      storage: url,
      study: 'chaos',
      seed: 9999,
      maxTrials: before.length + 5,
      sleepMs: 1,
      ...FAILURE,
    } satisfies ChaosArgs);
    await sweeper.event('done');
    expect((await sweeper.exit).code).toBe(0);

    const trials = await readTrials(url, 'chaos');
    compare(trials);
    expect(changed).toBe(0);
    expect(trials.map((t) => t.number)).toEqual(trials.map((_, i) => i));
    expect(trials.filter((t) => t.state === 'running' || t.state === 'waiting')).toEqual([]);
    for (const t of trials) {
      if (t.state === 'fail') expect(t.failReason, `trial ${t.number}`).toBeTruthy();
      if (t.state === 'complete') expect(t.values).toHaveLength(1);
    }
    // Each trial failed as stale was re-run (linked both ways) until its retries were used up.
    const stale = trials.filter((t) => t.state === 'fail' && /heartbeat/.test(t.failReason ?? ''));
    for (const dead of stale) {
      if (dead.retryCount >= FAILURE.retries) {
        expect(dead.retriedBy).toBeNull();
        continue;
      }
      const retry = trials[dead.retriedBy!]!;
      expect(retry.retriedFrom).toBe(dead.number);
      // The retry runs the same configuration (a trial killed before its first suggestion had none, and so
      // has a retry that was itself killed before its first suggestion).
      if (dead.params.x !== undefined) expect(retry.fixedParams?.x).toBe(dead.params.x);
      if (dead.params.x !== undefined && retry.params.x === undefined)
        expect(retry.failReason).toMatch(/heartbeat/);
      else if (dead.params.x !== undefined) expect(retry.params.x).toBe(dead.params.x);
      expect(['complete', 'pruned', 'fail']).toContain(retry.state);
    }
    const summary = {
      backend,
      kills: kills.length,
      byPoint: countBy(kills, (k) => k.replace(/#\d+$/, '')),
      trials: trials.length,
      states: countBy(trials, (t) => t.state),
      staleFailed: stale.length,
      finishedChecked: finished.size,
    };
    console.log(`kill -9 summary: ${JSON.stringify(summary)}`);
    // The kills did hit running trials: some were failed as stale and retried.
    expect(stale.length).toBeGreaterThan(0);
  });
});

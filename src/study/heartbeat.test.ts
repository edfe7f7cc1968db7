import { describe, expect, it } from 'vitest';
import { createStudy, loadStudy } from '../create-study.js';
import { InMemoryStorage } from '../storage/memory.js';
import { retryPolicy } from './heartbeat.js';
import type { TrialRecord } from './types.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const fast = { heartbeatIntervalMs: 20, gracePeriodMs: 150 };

describe('heartbeats, stale trials and retries', () => {
  it("fails a dead worker's trial and retries its configuration, linked both ways", async () => {
    const storage = new InMemoryStorage();
    // The "dead" worker: it started a trial and will never beat or finish it.
    const dead = await createStudy({ studyName: 's', storage, heartbeatIntervalMs: 0, seed: 1 });
    const lost = await dead.ask();
    const lr = lost.suggestFloat('lr', 1e-4, 1, { log: true });
    await lost.setUserAttr('note', 'first try');
    await sleep(200);
    const alive = await loadStudy({ studyName: 's', storage, ...fast, retries: 1, seed: 2 });
    const seen: number[] = [];
    await alive.optimize((t) => (seen.push(t.suggestFloat('lr', 1e-4, 1, { log: true })), 1), { nTrials: 1 });
    const [failed, retry] = await alive.trials();
    expect(failed).toMatchObject({ state: 'fail', retriedBy: 1, retriedFrom: null, retryCount: 0 });
    expect(failed!.failReason).toContain('heartbeat');
    expect(retry).toMatchObject({ state: 'complete', params: { lr }, userAttrs: { note: 'first try' } });
    expect(retry).toMatchObject({ retriedFrom: 0, retriedBy: null, retryCount: 1, fixedParams: { lr } });
    expect(seen).toEqual([lr]);
  });

  it('keeps a slow trial alive while its process sends heartbeats', async () => {
    const storage = new InMemoryStorage();
    const slow = await createStudy({ studyName: 's', storage, ...fast });
    const other = await loadStudy({ studyName: 's', storage, ...fast, retries: 3 });
    const run = slow.optimize(async () => (await sleep(500), 1), { nTrials: 1 });
    await sleep(250);
    await other.optimize(() => 2, { nTrials: 3 });
    await run;
    expect((await slow.trials()).map((t) => t.state)).toEqual([
      'complete',
      'complete',
      'complete',
      'complete',
    ]);
  });

  it('retries at most `retries` times', async () => {
    const policy = retryPolicy(2);
    const failed = (count: number): TrialRecord =>
      ({
        params: { x: 1 },
        userAttrs: { u: 1 },
        fixedParams: { y: 2 },
        retryCount: count,
        samplerMemo: { tpe: 1 },
        gridId: 4,
      }) as unknown as TrialRecord;
    expect(policy(failed(0))).toEqual({
      fixedParams: { y: 2, x: 1 },
      userAttrs: { u: 1 },
      gridId: 4,
      retryCount: 1,
    });
    expect(policy(failed(1))!.retryCount).toBe(2);
    expect(policy(failed(2))).toBeNull();
  });

  it('lets a zombie finish without crashing: storage keeps the stale verdict', async () => {
    const storage = new InMemoryStorage();
    const zombie = await createStudy({ studyName: 's', storage, ...fast });
    const reaper = await loadStudy({ studyName: 's', storage, ...fast });
    // A synchronous objective blocks the event loop: no heartbeat goes out meanwhile.
    const run = zombie.optimize(
      async () => {
        const until = Date.now() + 300;
        while (Date.now() < until);
        await sleep(100);
        return 1;
      },
      { nTrials: 1 },
    );
    await sleep(20);
    await reaper.optimize(() => 2, { nTrials: 1 });
    await run;
    const [first, second] = await zombie.trials();
    expect(first).toMatchObject({ state: 'fail' });
    expect(second).toMatchObject({ state: 'complete', values: [2] });
  });

  it('stops at maxTrials across workers, and a restarted worker does not overshoot', async () => {
    const storage = new InMemoryStorage();
    const a = await createStudy({ studyName: 's', storage });
    const b = await loadStudy({ studyName: 's', storage });
    await Promise.all(
      [a, b].map((s) => s.optimize(async () => (await sleep(1), 0), { maxTrials: 25, concurrency: 3 })),
    );
    expect((await a.trials()).map((t) => t.number)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    const restarted = await loadStudy({ studyName: 's', storage });
    await restarted.optimize(() => 0, { maxTrials: 25 });
    expect(await restarted.trials()).toHaveLength(25);
    await expect(restarted.ask({ maxTrials: 25 })).rejects.toMatchObject({ code: 'max_trials_reached' });
  });

  it("waits out a trial that looks dead at the budget's end: fails it after the grace period and runs its retry", async () => {
    const storage = new InMemoryStorage();
    const dead = await createStudy({ studyName: 's', storage, heartbeatIntervalMs: 0, seed: 1 });
    const lost = await dead.ask();
    lost.suggestFloat('x', 0, 1);
    await lost.setUserAttr('note', 'lost'); // written: its last sign of life
    const last = await loadStudy({ studyName: 's', storage, ...fast, retries: 1, seed: 2 });
    // The budget of 4 is spent once this worker has started 3: the dead worker's trial is the fourth.
    await last.optimize((t) => t.suggestFloat('x', 0, 1), { maxTrials: 4 });
    const trials = await last.trials();
    expect(trials.map((t) => t.state)).toEqual(['fail', 'complete', 'complete', 'complete', 'complete']);
    expect(trials[4]).toMatchObject({ retriedFrom: 0, userAttrs: { note: 'lost' } });
  });

  it('ends without waiting for a live trial of another worker to finish', async () => {
    const storage = new InMemoryStorage();
    const slow = await createStudy({ studyName: 's', storage, ...fast });
    const other = await loadStudy({ studyName: 's', storage, ...fast });
    const run = slow.optimize(async () => (await sleep(1500), 1), { maxTrials: 1 });
    await sleep(50);
    await other.optimize(() => 2, { maxTrials: 1 });
    // Its heartbeats showed it alive: the other worker ended while it still ran.
    expect((await other.trials()).map((t) => t.state)).toEqual(['running']);
    await run;
    expect((await slow.trials()).map((t) => t.state)).toEqual(['complete']);
  });

  it('rejects settings that would fail live trials', async () => {
    await expect(createStudy({ heartbeatIntervalMs: 1000, gracePeriodMs: 500 })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(createStudy({ retries: -1 })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

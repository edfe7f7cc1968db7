// A worker far from its storage waits for no round trip per report or pruning decision: writes go out in
// the background and the pruner's history is read while the objective trains. Shown with a storage whose
// calls are held until the test lets them through, as a slow network would hold them.
import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { TunekitError } from '../errors.js';
import { PercentilePruner } from '../pruners/percentile.js';
import { RandomSampler } from '../samplers/random.js';
import { InMemoryStorage } from '../storage/memory.js';
import { intercept } from '../testing/intercept.js';
import type { StudyStorage } from './storage.js';

/** Holds every writeTrial and getTrials call (when `hold` is set) until `release`. */
function heldStorage(): { storage: StudyStorage; held: () => number; release(): void; hold: boolean } {
  const queue: Array<() => void> = [];
  const gate = { hold: false };
  const storage = intercept(new InMemoryStorage(), (name, _args, call) =>
    gate.hold && (name === 'writeTrial' || name === 'getTrials')
      ? new Promise((resolve) => queue.push(() => resolve(call())))
      : call(),
  );
  return Object.assign(gate, {
    storage,
    held: () => queue.length,
    release: () => queue.splice(0).forEach((go) => go()),
  });
}

describe('a trial far from its storage', () => {
  it('reports and asks the pruner without waiting for storage; its end waits for every write', async () => {
    const gate = heldStorage();
    const study = await createStudy({
      storage: gate.storage,
      sampler: new RandomSampler({ seed: 1 }),
      pruner: new PercentilePruner(50, { nStartupTrials: 1, nWarmupSteps: 0 }),
      heartbeatIntervalMs: 0,
      syncIntervalMs: 0, // each report is sent at once, each decision reads again
    });
    // A first trial so the pruner has history to judge against.
    await study.optimize(
      async (t) => {
        for (let s = 0; s < 5; s++) await t.report(s, s);
        return 1;
      },
      { nTrials: 1 },
    );

    const trial = await study.ask();
    const x = trial.suggestFloat('x', 0, 1);
    // The first decision reads the history once (nothing read ahead yet in this process's first pruned
    // trial); from then on each decision uses the read started by the one before.
    expect(await trial.shouldPrune()).toBe(false); // nothing reported yet: no read at all
    await trial.report(10, 0);
    expect(await trial.shouldPrune()).toBe(true); // 10 is worse than the first trial's 0 at step 0
    gate.hold = true;
    const decisions: boolean[] = [];
    for (let s = 1; s < 5; s++) {
      // Report and decide while this step's write and read are held by "the network": neither waits.
      await trial.report(x, s);
      decisions.push(await trial.shouldPrune());
      expect(gate.held()).toBeGreaterThan(0);
      // Training until the next report: meanwhile what was sent arrives.
      gate.release();
    }
    expect(decisions).toHaveLength(4);
    await trial.report(x, 5);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(gate.held()).toBe(1); // the last report's write, on its way
    // The end of the trial waits for the held writes, and stores every report.
    const told = study.tell(trial, x);
    let done = false;
    void told.then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    gate.hold = false;
    gate.release();
    const record = await told;
    expect(record.intermediateValues).toEqual({ 0: 10, 1: x, 2: x, 3: x, 4: x, 5: x });
  });

  it('a write that failed in the background is thrown by the next report', async () => {
    let fail = false;
    const storage = intercept(new InMemoryStorage(), (name, _args, call) =>
      name === 'writeTrial' && fail ? Promise.reject(new Error('disk full')) : call(),
    );
    const study = await createStudy({ storage, heartbeatIntervalMs: 0 });
    const trial = await study.ask();
    fail = true;
    await trial.report(1, 0); // queued; its write fails in the background
    await new Promise((resolve) => setTimeout(resolve, 0));
    await expect(trial.report(2, 1)).rejects.toThrow('disk full');
  });

  it('writes and reads at most once per sync interval, and decides as with fresh reads', async () => {
    const calls: string[] = [];
    const storage = intercept(new InMemoryStorage(), (name, _args, call) => {
      calls.push(name);
      return call();
    });
    const run = async (syncIntervalMs: number) => {
      const study = await createStudy({
        storage,
        sampler: new RandomSampler({ seed: 2 }),
        pruner: new PercentilePruner(50, { nStartupTrials: 2, nWarmupSteps: 5 }),
        heartbeatIntervalMs: 0,
        syncIntervalMs,
      });
      calls.length = 0;
      await study.optimize(
        async (t) => {
          const x = t.suggestFloat('x', 0, 1);
          for (let s = 0; s < 20; s++) {
            await t.report((x - 0.5) ** 2 + 1 / (s + 1), s); // steps of a few ms: far shorter than the interval
            if (await t.shouldPrune()) t.prune();
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
          return x;
        },
        { nTrials: 8 },
      );
      const trials = await study.trials();
      return {
        outcome: trials.map((t) => [t.state, Object.keys(t.intermediateValues).length]),
        writes: calls.filter((c) => c === 'writeTrial').length,
        reads: calls.filter((c) => c === 'getTrials').length,
      };
    };
    const fresh = await run(0);
    const synced = await run(60_000);
    // One process: the same decisions, the same values stored, whatever the interval.
    expect(synced.outcome).toEqual(fresh.outcome);
    // With the interval: a trial's first write (its params and first report) and its end's; one read.
    expect(fresh.writes).toBeGreaterThan(30);
    expect(synced.writes).toBeLessThanOrEqual(2 * 8);
    expect(synced.reads).toBeLessThanOrEqual(2 * 8);
    expect(fresh.outcome.filter(([state]) => state === 'pruned').length).toBeGreaterThan(0);
  });
});

describe('a trial whose last write lost its connection', () => {
  it('is given up at its end, and the budget still runs every trial it promised', async () => {
    let dropNextWrite = false;
    const storage = intercept(new InMemoryStorage(), (name, _args, call) => {
      if (name !== 'writeTrial' || !dropNextWrite) return call();
      dropNextWrite = false;
      return Promise.reject(new TunekitError('storage_disconnected', 'lost the connection'));
    });
    const study = await createStudy({ storage, heartbeatIntervalMs: 0, quiet: true });
    await study.optimize(
      async (t) => {
        const x = t.suggestFloat('x', 0, 1);
        await t.report(x, 0); // sent at once
        if (t.number === 2) dropNextWrite = true;
        await t.report(x, 1); // held by the sync interval until the trial's end, where it is lost
        return x;
      },
      { nTrials: 5 },
    );
    const trials = await study.trials();
    // Trial 2 is left to the stale-trial check (whether its write arrived is unknown); it counts as one of
    // the 5 started, and no start was lost with it.
    expect(trials.map((t) => t.state)).toEqual(['complete', 'complete', 'running', 'complete', 'complete']);
  });
});

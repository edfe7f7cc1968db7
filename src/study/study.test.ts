import { describe, expect, it } from 'vitest';
import { createStudy, loadStudy } from '../create-study.js';
import { TrialPruned, TunekitError } from '../errors.js';
import { RandomSampler } from '../samplers/random.js';
import { InMemoryStorage } from '../storage/memory.js';
import type { Pruner } from './pruner.js';

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> =>
  promise.then(
    () => undefined,
    (error: TunekitError) => error.code,
  );

describe('Study.optimize', () => {
  it('minimises a quadratic and reports the best trial', async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }) });
    await study.optimize((t) => (t.suggestFloat('x', -10, 10) - 2) ** 2, { nTrials: 200 });
    const best = await study.bestTrial();
    expect(best.state).toBe('complete');
    expect(Math.abs((best.params.x as number) - 2)).toBeLessThan(0.3);
    expect(await study.bestValue()).toBe(best.values![0]);
    expect(await study.bestParams()).toEqual(best.params);
    expect(await study.trials()).toHaveLength(200);
  });

  it('maximises when asked', async () => {
    const study = await createStudy({ direction: 'maximize', sampler: new RandomSampler({ seed: 2 }) });
    await study.optimize((t) => -((t.suggestFloat('x', -1, 1) - 0.5) ** 2), { nTrials: 100 });
    expect(Math.abs(((await study.bestParams()).x as number) - 0.5)).toBeLessThan(0.1);
  });

  it('runs async objectives concurrently, never more than asked', async () => {
    const study = await createStudy({ seed: 3 });
    let running = 0;
    let peak = 0;
    await study.optimize(
      async (t) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return t.suggestFloat('x', 0, 1);
      },
      { nTrials: 24, concurrency: 4 },
    );
    expect(peak).toBe(4);
    const trials = await study.trials();
    expect(trials.map((t) => t.number)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(trials.every((t) => t.state === 'complete')).toBe(true);
  });

  it('records failures with their reason and goes on', async () => {
    const study = await createStudy({ seed: 4 });
    const results: unknown[] = [
      () => 1,
      () => NaN,
      () => Infinity,
      () => [1, 2],
      () => 'x',
      () => {
        throw new RangeError('diverged');
      },
      async () => 2,
    ];
    let i = 0;
    await study.optimize(() => (results[i++] as () => number)(), {
      nTrials: results.length,
      catch: true,
    });
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual([
      'complete',
      'fail',
      'fail',
      'fail',
      'fail',
      'fail',
      'complete',
    ]);
    expect(trials[1]!.failReason).toMatch(/returned NaN; values must be finite/);
    expect(trials[2]!.failReason).toMatch(/returned Infinity/);
    expect(trials[3]!.failReason).toMatch(/returned 2 value\(s\) but the study has 1 objective/);
    expect(trials[4]!.failReason).toMatch(/returned "x"; return a number/);
    expect(trials[5]!.failReason).toBe('RangeError: diverged');
    expect(await study.bestValue()).toBe(1);
  });

  it('stops and rethrows when catch says so, after recording the failure', async () => {
    const study = await createStudy({ seed: 5 });
    const boom = new Error('boom');
    await expect(
      study.optimize(
        () => {
          throw boom;
        },
        { nTrials: 5, catch: false },
      ),
    ).rejects.toBe(boom);
    const trials = await study.trials();
    expect(trials).toHaveLength(1);
    expect(trials[0]).toMatchObject({ state: 'fail', failReason: 'Error: boom' });
    await study.optimize(
      () => {
        throw new TypeError('t');
      },
      { nTrials: 2, catch: (e) => e instanceof TypeError },
    );
    expect(await study.trials()).toHaveLength(3);
  });

  it('records pruned trials with their last intermediate value', async () => {
    const study = await createStudy({ seed: 6 });
    await study.optimize(
      async (t) => {
        await t.report(0.9, 0);
        await t.report(0.7, 1);
        await t.report(0.6, 1); // a step is reported once; this one is ignored
        throw new TrialPruned();
      },
      { nTrials: 1 },
    );
    const [t] = await study.trials();
    expect(t).toMatchObject({ state: 'pruned', values: [0.7], intermediateValues: { 0: 0.9, 1: 0.7 } });
    await expect(study.bestTrial()).rejects.toMatchObject({ code: 'no_completed_trials' });
  });

  it('asks the pruner with a fresh snapshot after each report', async () => {
    const seen: number[] = [];
    const pruner: Pruner = {
      prune: (ctx, trial) => {
        seen.push(ctx.trials.length);
        return Object.keys(trial.intermediateValues).length >= 3;
      },
    };
    const study = await createStudy({ seed: 7, pruner });
    await study.optimize(
      async (t) => {
        for (let step = 0; step < 10; step++) {
          await t.report(step, step);
          if (await t.shouldPrune()) t.prune();
        }
        return 0;
      },
      { nTrials: 2 },
    );
    const trials = await study.trials();
    expect(trials.map((t) => [t.state, t.values])).toEqual([
      ['pruned', [2]],
      ['pruned', [2]],
    ]);
    expect(seen).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it('stops at the timeout, on stop(), and calls callbacks with stored records', async () => {
    const study = await createStudy({ seed: 8 });
    const t0 = Date.now();
    await study.optimize(async () => new Promise<number>((r) => setTimeout(() => r(1), 10)), {
      timeoutMs: 60,
    });
    expect(Date.now() - t0).toBeLessThan(1000);
    const n = (await study.trials()).length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(10);
    const numbers: number[] = [];
    await study.optimize(() => 1, {
      callbacks: [
        (s, record) => {
          numbers.push(record.number);
          if (numbers.length === 3) s.stop();
        },
      ],
    });
    expect(numbers).toEqual([n, n + 1, n + 2]);
  });

  it('stops every worker of the study when any process requests it', async () => {
    const storage = new InMemoryStorage();
    const a = await createStudy({ studyName: 'shared', storage, seed: 1 });
    const b = await createStudy({ studyName: 'shared', storage, loadIfExists: true, seed: 2 });
    const slow = async (t: import('./trial.js').Trial) => {
      await new Promise((r) => setTimeout(r, 20));
      return t.suggestFloat('x', 0, 1);
    };
    const running = Promise.all([a.optimize(slow, { nTrials: 500 }), b.optimize(slow, { nTrials: 500 })]);
    await new Promise((r) => setTimeout(r, 300));
    await (await loadStudy({ studyName: 'shared', storage })).requestStop();
    await running;
    const n = (await a.trials()).length;
    // Loops look at most once a second: both stop within about 1.5 s of 20 ms trials.
    expect(n).toBeGreaterThan(10);
    expect(n).toBeLessThan(200);
    expect((await a.storage.getStudy('shared')).stopRequests).toBe(1);
    // A later optimize call is not stopped by the old request.
    await a.optimize(() => 1, { nTrials: 3 });
    expect((await a.trials()).length).toBe(n + 3);
  });

  it('rejects bad options with the field named', async () => {
    const study = await createStudy();
    await expect(study.optimize(() => 1, { nTrials: 0 })).rejects.toThrow(
      /nTrials must be a positive integer, got 0/,
    );
    await expect(study.optimize(() => 1, { concurrency: 1.5 })).rejects.toThrow(
      /concurrency must be a positive integer/,
    );
    await expect(study.optimize(() => 1, { timeoutMs: -1 })).rejects.toThrow(
      /timeoutMs must be a positive number/,
    );
  });
});

describe('ask and tell', () => {
  it('drive a study by hand, by trial or by number', async () => {
    const study = await createStudy({ seed: 11 });
    const a = await study.ask();
    const b = await study.ask();
    expect([a.number, b.number]).toEqual([0, 1]);
    await study.tell(b.number, 2);
    await study.tell(a, 'fail', { failReason: 'out of memory' });
    expect(await codeOf(study.tell(a, 1))).toBe('trial_finished');
    expect(await codeOf(study.tell(99, 1))).toBe('trial_not_found');
    const trials = await study.trials();
    expect(trials.map((t) => [t.state, t.failReason])).toEqual([
      ['fail', 'out of memory'],
      ['complete', null],
    ]);
    expect(Object.isFrozen(trials[0])).toBe(true);
  });

  it('runs enqueued configurations exactly, and fails one outside the range with the reason', async () => {
    const study = await createStudy({ seed: 12 });
    await study.enqueueTrial({ lr: 0.01, act: 'relu' });
    await study.enqueueTrial({ lr: 5 });
    await study.optimize(
      (t) =>
        t.suggestFloat('lr', 1e-4, 1, { log: true }) +
        (t.suggestCategorical('act', ['relu', 'tanh']) === 'relu' ? 0 : 1),
      { nTrials: 3, catch: true },
    );
    const [first, second, third] = await study.trials();
    expect(first!.params).toEqual({ lr: 0.01, act: 'relu' });
    expect(second!.state).toBe('fail');
    expect(second!.failReason).toMatch(
      /enqueued value 5 for parameter "lr" is not in float in \[0.0001, 1\] \(log\)/,
    );
    expect(third!.state).toBe('complete');
  });
});

describe('multi-objective studies', () => {
  it('return the Pareto front', async () => {
    const study = await createStudy({ directions: ['minimize', 'maximize'], seed: 13 });
    const points = [
      [1, 1],
      [2, 3],
      [0, 0],
      [2, 2],
      [3, 3],
    ];
    let i = 0;
    await study.optimize(() => points[i++]!, { nTrials: points.length });
    expect((await study.bestTrials()).map((t) => t.values)).toEqual([
      [1, 1],
      [2, 3],
      [0, 0],
    ]);
    expect(() => study.direction).toThrow(/has 2: use directions/);
    await expect(study.bestTrial()).rejects.toThrow(/has 2: use bestTrials\(\)/);
  });
});

describe('createStudy and loadStudy', () => {
  it('create, refuse duplicates, load if asked, and resume', async () => {
    const storage = new InMemoryStorage();
    const s1 = await createStudy({ studyName: 'resnet', storage, direction: 'maximize' });
    await s1.optimize(() => 0.5, { nTrials: 2 });
    expect(await codeOf(createStudy({ studyName: 'resnet', storage, direction: 'maximize' }))).toBe(
      'duplicate_study',
    );
    const s2 = await createStudy({ studyName: 'resnet', storage, direction: 'maximize', loadIfExists: true });
    await s2.optimize(() => 0.7, { nTrials: 1 });
    const s3 = await loadStudy({ studyName: 'resnet', storage });
    expect(s3.direction).toBe('maximize');
    expect((await s3.trials()).map((t) => t.number)).toEqual([0, 1, 2]);
    expect(await s3.bestValue()).toBe(0.7);
    await expect(createStudy({ studyName: 'resnet', storage, loadIfExists: true })).rejects.toThrow(
      /exists with directions \[maximize\]/,
    );
    expect(await codeOf(loadStudy({ studyName: 'nope', storage }))).toBe('study_not_found');
  });

  it('validate directions and names', async () => {
    await expect(createStudy({ direction: 'up' as never })).rejects.toThrow(
      'direction must be "minimize" or "maximize", got "up"',
    );
    await expect(createStudy({ directions: ['minimize', 'down' as never] })).rejects.toThrow(
      'directions[1] must be',
    );
    await expect(createStudy({ direction: 'minimize', directions: ['minimize'] })).rejects.toThrow(
      /either direction or directions/,
    );
    await expect(createStudy({ studyName: ' ' })).rejects.toThrow(/studyName must be a non-empty string/);
    await expect(createStudy({ storage: 'mysql://x' })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('keep study user attributes', async () => {
    const study = await createStudy({ studyName: 'attrs' });
    await study.setUserAttr('dataset', 'digits');
    expect(await study.userAttrs()).toEqual({ dataset: 'digits' });
  });
});

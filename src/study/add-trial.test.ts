// Warm start from known results: addTrial / addTrials (validated, all or none, read by samplers and the
// best queries), enqueueTrial with skipIfExists, and ask with fixed distributions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { TpeSampler } from '../samplers/tpe/sampler.js';
import { categoricalDistribution, floatDistribution, intDistribution } from '../search-space/index.js';
import { SqliteStorage } from '../storage/sqlite/index.js';

const x = floatDistribution('x', -5, 5);
const dir = mkdtempSync(join(tmpdir(), 'tunekit-add-trial-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('study.addTrial', () => {
  it('adds finished trials with params, values, reports, attributes and constraints, numbered in order', async () => {
    const storage = new SqliteStorage(join(dir, 'add.db'));
    const study = await createStudy({ storage, quiet: true });
    const k = categoricalDistribution('k', ['a', 'b']);
    const added = await study.addTrials([
      {
        params: { x: 1.5, k: 'b' },
        distributions: { x, k },
        value: 2.25,
        intermediateValues: { 0: 4, 1: 2.5 },
        userAttrs: { source: 'paper' },
        constraints: [-1],
        startedAt: 1_000,
        finishedAt: 2_000,
      },
      { state: 'pruned', params: { x: 3 }, distributions: { x }, intermediateValues: { 0: 9, 3: 7 } },
      { state: 'fail', params: {}, distributions: {}, failReason: 'diverged' },
      { params: { x: 0.5 }, distributions: { x }, value: 0.25, constraints: [1] },
    ]);
    expect(added.map((t) => [t.number, t.state, t.values])).toEqual([
      [0, 'complete', [2.25]],
      [1, 'pruned', [7]],
      [2, 'fail', null],
      [3, 'complete', [0.25]],
    ]);
    expect(added[0]).toMatchObject({
      params: { x: 1.5, k: 'b' },
      distributions: { x, k },
      intermediateValues: { 0: 4, 1: 2.5 },
      userAttrs: { source: 'paper' },
      constraints: [-1],
      startedAt: 1_000,
      finishedAt: 2_000,
    });
    expect(added[2]!.failReason).toBe('diverged');
    // Trial 3 is better but infeasible: the best queries skip it.
    expect((await study.bestTrial()).number).toBe(0);
    // The study goes on after them, and its sampler models them.
    const next = await study.ask();
    expect(next.number).toBe(4);
    await storage.close();
  });

  it('warm-starts a sampler: TPE proposes near the good trials it was given', async () => {
    const study = await createStudy({ sampler: new TpeSampler({ seed: 1, nStartupTrials: 5 }), quiet: true });
    await study.addTrials(
      Array.from({ length: 20 }, (_, i) => {
        const v = -5 + i * 0.5;
        return { params: { x: v }, distributions: { x }, value: (v - 3) ** 2 };
      }),
    );
    await study.optimize((t) => (t.suggestFloat('x', -5, 5) - 3) ** 2, { nTrials: 10, catch: false });
    const xs = (await study.trials({ fromNumber: 20 })).map((t) => t.params.x as number);
    expect(xs.filter((v) => Math.abs(v - 3) < 1).length).toBeGreaterThanOrEqual(6);
  });

  it('refuses invalid trials, naming the trial and the field, and adds none of the batch', async () => {
    const study = await createStudy({ quiet: true });
    const refused = async (trials: unknown[], message: RegExp, code = 'invalid_argument') => {
      await expect(study.addTrials(trials as never)).rejects.toMatchObject({
        code,
        message: expect.stringMatching(message),
      });
    };
    const ok = { params: { x: 1 }, distributions: { x }, value: 1 };
    await refused([ok, { params: { x: 1 }, value: 1 }], /trial 1: param\(s\) x need a distribution/);
    await refused([{ params: { x: 9 }, distributions: { x }, value: 1 }], /params.x = 9 is not in/);
    await refused([{ params: {}, distributions: {} }], /a complete trial needs value/);
    await refused([{ params: {}, distributions: {}, value: Number.NaN }], /values must be finite/);
    await refused([{ params: {}, distributions: {}, values: [1, 2] }], /values has 2 value\(s\)/);
    await refused(
      [{ state: 'running', params: {}, distributions: {} }],
      /state must be complete, pruned or fail/,
    );
    await refused([{ ...ok, constraints: [Infinity] }], /constraints must be finite numbers/);
    await refused([{ ...ok, intermediateValues: { '-1': 2 } }], /step "-1" must be a non-negative integer/);
    await refused([{ ...ok, vals: 1 }], /unknown field\(s\) vals/);
    await refused(
      [{ params: { x: 1 }, distributions: { x: { kind: 'float', low: 2, high: 1 } }, value: 1 }],
      /distributions.x/,
    );
    expect(await study.trials()).toEqual([]);
    await study.addTrial(ok);
    const asInt = { params: { x: 1 }, distributions: { x: intDistribution('x', 0, 3) }, value: 1 };
    await refused(
      [asInt],
      /parameter "x" is float .* it cannot be added as int/,
      'incompatible_distribution',
    );
  });
});

describe('study.enqueueTrial with skipIfExists', () => {
  it('skips params a trial already ran or waits with, and enqueues each new set once across workers', async () => {
    const storage = new SqliteStorage(join(dir, 'skip.db'));
    const study = await createStudy({ storage, studyName: 's', quiet: true });
    await study.addTrial({ params: { x: 1 }, distributions: { x }, value: 1 });
    expect(await study.enqueueTrial({ x: 1 }, { skipIfExists: true })).toBe(false);
    expect(await study.enqueueTrial({ x: 2 }, { skipIfExists: true })).toBe(true);
    expect(await study.enqueueTrial({ x: 2 }, { skipIfExists: true })).toBe(false);
    // Two processes' Study objects racing on the same params: one trial.
    const other = await createStudy({
      storage: new SqliteStorage(join(dir, 'skip.db')),
      studyName: 's',
      loadIfExists: true,
      quiet: true,
    });
    const raced = await Promise.all([
      study.enqueueTrial({ x: 3, y: 'a' }, { skipIfExists: true }),
      other.enqueueTrial({ y: 'a', x: 3 }, { skipIfExists: true }),
    ]);
    expect(raced.filter(Boolean)).toHaveLength(1);
    // Without the flag, duplicates are allowed, as before.
    expect(await study.enqueueTrial({ x: 1 })).toBe(true);
    expect((await study.trials()).map((t) => t.fixedParams)).toEqual([
      null,
      { x: 2 },
      { x: 3, y: 'a' },
      { x: 1 },
    ]);
    await other.storage.close();
    await storage.close();
  });
});

describe('study.ask with fixed distributions', () => {
  it('suggests them at once, so tell can follow without touching the trial', async () => {
    const study = await createStudy({ sampler: new TpeSampler({ seed: 2 }), quiet: true });
    const space = { x, n: intDistribution('n', 1, 4) };
    for (let i = 0; i < 12; i++) {
      const trial = await study.ask({ fixedDistributions: space });
      expect(Object.keys(trial.params).sort()).toEqual(['n', 'x']);
      await study.tell(trial, (trial.params.x as number) ** 2 + (trial.params.n as number));
    }
    const trials = await study.trials();
    expect(trials.every((t) => t.state === 'complete' && t.distributions.n!.kind === 'int')).toBe(true);
  });

  it('refuses a bad distribution before starting a trial, and fails the trial an enqueued value breaks', async () => {
    const study = await createStudy({ quiet: true });
    await expect(
      study.ask({ fixedDistributions: { x: { kind: 'float', low: 1, high: 0 } as never } }),
    ).rejects.toMatchObject({ code: 'invalid_distribution' });
    expect(await study.trials()).toEqual([]);
    await study.enqueueTrial({ x: 99 });
    await expect(study.ask({ fixedDistributions: { x } })).rejects.toMatchObject({
      code: 'fixed_param_out_of_range',
    });
    expect((await study.trials())[0]!.state).toBe('fail');
  });
});

// The sampler contract suite: every sampler runs it (random.test.ts, grid.test.ts, qmc/qmc.test.ts,
// and later TPE, GP, CMA-ES...). It checks what any sampler owes a study, not how well it optimises.
import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import type { Sampler } from '../study/sampler.js';
import type { Trial } from '../study/trial.js';
import type { TrialRecord } from '../study/types.js';

export interface SamplerContractOptions {
  /** A sampler seeded with `seed`. */
  make(seed: number): Sampler;
  /** Trials to run per study (default 30; samplers with costly models may ask for fewer). */
  trials?: number;
  /** Whether the sampler supports several objectives (default true). */
  multiObjective?: boolean;
  /** Whether the sampler needs every parameter discrete (brute force): the suite then steps them all. */
  discrete?: boolean;
}

/** A mixed space with every kind of distribution and a conditional branch. */
export function mixedObjective(trial: Trial): number {
  const x = trial.suggestFloat('x', -5, 5);
  const lr = trial.suggestFloat('lr', 1e-5, 1e-1, { log: true });
  const units = trial.suggestInt('units', 16, 256, { step: 16 });
  const layers = trial.suggestInt('layers', 1, 64, { log: true });
  const dropout = trial.suggestFloat('dropout', 0, 0.5, { step: 0.1 });
  const optimizer = trial.suggestCategorical('optimizer', ['sgd', 'adam', 'rmsprop']);
  let extra = 0;
  if (optimizer === 'sgd') extra = trial.suggestFloat('momentum', 0, 0.99);
  else if (optimizer === 'adam') extra = trial.suggestCategorical('amsgrad', [true, false]) ? 0.1 : 0;
  return x * x + Math.abs(Math.log10(lr) + 3) + units / 256 + Math.log2(layers) / 6 + dropout + extra;
}

/** mixedObjective with every range stepped (log floats become choices), for samplers that need that. */
export function discreteObjective(trial: Trial): number {
  const x = trial.suggestFloat('x', -5, 5, { step: 0.25 });
  const lr = trial.suggestCategorical('lr', [1e-4, 1e-3, 1e-2]);
  const units = trial.suggestInt('units', 16, 256, { step: 16 });
  const layers = trial.suggestInt('layers', 1, 64, { log: true });
  const dropout = trial.suggestFloat('dropout', 0, 0.5, { step: 0.1 });
  const optimizer = trial.suggestCategorical('optimizer', ['sgd', 'adam', 'rmsprop']);
  let extra = 0;
  if (optimizer === 'sgd') extra = trial.suggestFloat('momentum', 0, 0.99, { step: 0.09 });
  else if (optimizer === 'adam') extra = trial.suggestCategorical('amsgrad', [true, false]) ? 0.1 : 0;
  return x * x + Math.abs(Math.log10(lr) + 3) + units / 256 + Math.log2(layers) / 6 + dropout + extra;
}

async function runWith(
  sampler: Sampler,
  trials: number,
  concurrency = 1,
  objective = mixedObjective,
): Promise<TrialRecord[]> {
  const study = await createStudy({ sampler, quiet: true });
  await study.optimize(objective, { nTrials: trials, concurrency, catch: false });
  return study.trials();
}

export function samplerContract(label: string, options: SamplerContractOptions): void {
  const n = options.trials ?? 30;
  const objective = options.discrete ? discreteObjective : mixedObjective;
  const run = (sampler: Sampler, trials: number, concurrency = 1) =>
    runWith(sampler, trials, concurrency, objective);
  describe(`sampler contract: ${label}`, () => {
    it('suggests values inside every distribution, on log, int, stepped, categorical and conditional parameters', async () => {
      const trials = await run(options.make(1), n);
      expect(trials).toHaveLength(n);
      expect(trials.filter((t) => t.state !== 'complete').map((t) => t.failReason)).toEqual([]);
      for (const t of trials) {
        expect((t.params.units as number) % 16).toBe(0);
        expect(Number.isInteger(t.params.layers)).toBe(true);
        expect('momentum' in t.params).toBe(t.params.optimizer === 'sgd');
        expect('amsgrad' in t.params).toBe(t.params.optimizer === 'adam');
      }
      // Not degenerate: continuous parameters take many values, categorical ones more than one.
      expect(new Set(trials.map((t) => t.params.x)).size).toBeGreaterThan(n / 2);
      expect(new Set(trials.map((t) => t.params.optimizer)).size).toBeGreaterThan(1);
    });

    it('gives the same trials for the same seed and other trials for another seed', async () => {
      const a = await run(options.make(7), n);
      const b = await run(options.make(7), n);
      const c = await run(options.make(8), n);
      expect(b.map((t) => t.params)).toEqual(a.map((t) => t.params));
      expect(c.map((t) => t.params)).not.toEqual(a.map((t) => t.params));
    });

    it('runs enqueued configurations exactly as given, then resumes sampling', async () => {
      const study = await createStudy({ sampler: options.make(3) });
      const fixed = {
        x: 1.5,
        lr: 0.001,
        units: 32,
        layers: 4,
        dropout: 0.2,
        optimizer: 'sgd',
        momentum: 0.9,
      };
      await study.enqueueTrial(fixed);
      await study.optimize(objective, { nTrials: 3, catch: false });
      const trials = await study.trials();
      expect(trials[0]!.params).toEqual(fixed);
      expect(trials.every((t) => t.state === 'complete')).toBe(true);
    });

    it('serves concurrent trials in one process', async () => {
      const trials = await run(options.make(5), n, 4);
      expect(trials).toHaveLength(n);
      expect(trials.every((t) => t.state === 'complete')).toBe(true);
    });

    it('runs a constrained objective, whose best trials are all feasible', async () => {
      const study = await createStudy({ sampler: options.make(4), quiet: true });
      await study.optimize(
        async (t) => {
          const value = objective(t);
          await t.setConstraint([(t.params.x as number) - 1, (t.params.units as number) - 200]);
          return value;
        },
        { nTrials: n, catch: false },
      );
      const trials = await study.trials();
      expect(trials.every((t) => t.state === 'complete' && t.constraints?.length === 2)).toBe(true);
      const feasible = trials.filter((t) => t.constraints!.every((c) => c <= 0));
      if (feasible.length > 0) {
        const best = await study.bestTrial();
        expect(best.constraints!.every((c) => c <= 0)).toBe(true);
        expect(best.values![0]).toBe(Math.min(...feasible.map((t) => t.values![0]!)));
      } else await expect(study.bestTrial()).rejects.toMatchObject({ code: 'no_completed_trials' });
    });

    it('models trials added from known results (warm start)', async () => {
      const source = await runWith(options.make(9), 8, 1, objective);
      const study = await createStudy({ sampler: options.make(5), quiet: true });
      await study.addTrials(
        source.map((t) => ({ params: t.params, distributions: t.distributions, values: t.values! })),
      );
      await study.optimize(objective, { nTrials: Math.min(n, 12), catch: false });
      const trials = await study.trials();
      expect(trials).toHaveLength(8 + Math.min(n, 12));
      expect(trials.every((t) => t.state === 'complete')).toBe(true);
    });

    if (options.multiObjective ?? true)
      it('samples for a multi-objective study', async () => {
        const study = await createStudy({ sampler: options.make(2), directions: ['minimize', 'maximize'] });
        await study.optimize((t) => [objective(t), t.suggestFloat('y', 0, 1, { step: 0.125 })], {
          nTrials: Math.min(n, 20),
          catch: false,
        });
        const trials = await study.trials();
        expect(trials.every((t) => t.state === 'complete')).toBe(true);
        expect((await study.bestTrials()).length).toBeGreaterThan(0);
      });
  });
}

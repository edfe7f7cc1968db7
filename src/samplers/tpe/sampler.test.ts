import { describe, expect, it } from 'vitest';
import { createStudy } from '../../create-study.js';
import { TunekitError } from '../../errors.js';
import { trialRecord } from '../../testing/records.js';
import { rankTrials } from '../history.js';
import { samplerContract } from '../sampler.contract.js';
import { branin } from '../testing/functions.js';
import { TpeSampler, defaultGamma, defaultWeights } from './sampler.js';
import type { TpeSamplerOptions } from './sampler.js';

samplerContract('tpe', { make: (seed) => new TpeSampler({ seed }) });
samplerContract('tpe (multivariate, group, constant liar)', {
  make: (seed) => new TpeSampler({ seed, multivariate: true, group: true, constantLiar: true }),
});

async function braninRegret(options: TpeSamplerOptions, trials: number): Promise<number> {
  const study = await createStudy({ sampler: new TpeSampler(options) });
  await study.optimize((t) => branin.f([t.suggestFloat('x1', -5, 10), t.suggestFloat('x2', 0, 15)]), {
    nTrials: trials,
    catch: false,
  });
  return (await study.bestValue()) - branin.optimum;
}

describe('TpeSampler', () => {
  it("has Optuna's default gamma and weights", () => {
    expect([1, 10, 11, 100, 250, 1000].map(defaultGamma)).toEqual([1, 1, 2, 10, 25, 25]);
    expect([...defaultWeights(3)]).toEqual([1, 1, 1]);
    const w = defaultWeights(30);
    expect(w[0]).toBeCloseTo(1 / 30, 12);
    expect(w[4]).toBe(1);
    expect([...w.slice(0, 5)]).toEqual(
      [1 / 30, 1 / 30 + 29 / 30 / 4, 1 / 30 + 29 / 30 / 2, 1 / 30 + (3 * 29) / 120, 1].map((v) =>
        expect.closeTo(v, 12),
      ),
    );
  });

  it('rejects bad options with a code', () => {
    expect(() => new TpeSampler({ nStartupTrials: -1 })).toThrow(TunekitError);
    expect(() => new TpeSampler({ priorWeight: 0 })).toThrow(/priorWeight/);
    expect(() => new TpeSampler({ group: true })).toThrow(/multivariate/);
  });

  it('finds the Branin optimum to within 0.1 in 64 trials for most seeds (multivariate)', async () => {
    const regrets = [];
    for (let seed = 0; seed < 10; seed++) regrets.push(await braninRegret({ seed, multivariate: true }, 64));
    expect(regrets.filter((r) => r < 0.1).length).toBeGreaterThanOrEqual(6);
  });

  it('beats random search on Branin (median regret over seeds, univariate)', async () => {
    const tpe: number[] = [];
    const rnd: number[] = [];
    for (let seed = 0; seed < 8; seed++) {
      tpe.push(await braninRegret({ seed }, 64));
      rnd.push(await braninRegret({ seed, nStartupTrials: 64 }, 64));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    expect(median(tpe)).toBeLessThan(median(rnd) / 2);
  });

  it('models constraints: infeasible trials go to the bad group, so it searches the feasible region', async () => {
    // Minimise x² + y² subject to x >= 1: the constrained optimum is (1, 0), value 1.
    const run = async (constrained: boolean) => {
      const study = await createStudy({ sampler: new TpeSampler({ seed: 4 }), quiet: true });
      await study.optimize(
        async (t) => {
          const x = t.suggestFloat('x', -3, 3);
          const y = t.suggestFloat('y', -3, 3);
          if (constrained) await t.setConstraint(1 - x);
          return x * x + y * y;
        },
        { nTrials: 80, catch: false },
      );
      const late = (await study.trials()).slice(40);
      return { study, feasibleLate: late.filter((t) => (t.params.x as number) >= 1).length };
    };
    const constrained = await run(true);
    const plain = await run(false);
    expect(constrained.feasibleLate).toBeGreaterThanOrEqual(18);
    expect(plain.feasibleLate).toBeLessThan(10);
    const best = await constrained.study.bestTrial();
    expect(best.params.x as number).toBeGreaterThanOrEqual(1);
    expect(best.values![0]).toBeLessThan(1.3);
  });

  it('ranks infeasible trials behind feasible and pruned ones, by total violation', () => {
    const t = (number: number, value: number, constraints: number[] | null, state = 'complete') =>
      trialRecord({ number, state: state as 'complete', values: [value], constraints });
    const trials = [
      t(0, 0, [2, -1]),
      t(1, 5, null),
      t(2, 9, [-1, 0]),
      t(3, 1, [0.5, 0.25]),
      t(4, 3, null, 'pruned'),
    ];
    const ranked = rankTrials(trials, ['minimize'], { constantLiar: false, current: -1 });
    expect(ranked.map((r) => r.number)).toEqual([1, 2, 4, 3, 0]);
    const two = rankTrials(
      trials.slice(0, 4).map((r) => ({ ...r, values: [r.values![0]!, -r.values![0]!] })),
      ['minimize', 'minimize'],
      { constantLiar: false, current: -1 },
    );
    expect(two.map((r) => r.number)).toEqual([1, 2, 3, 0]);
  });

  it('ranks pruned trials by their last intermediate value, behind complete ones', async () => {
    const study = await createStudy({ sampler: new TpeSampler({ seed: 3, nStartupTrials: 5 }) });
    // Pruned trials near x = 9 reported low values; TPE should look there once it models them.
    await study.optimize(
      async (t) => {
        const x = t.suggestFloat('x', 0, 10);
        await t.report(Math.abs(x - 9), 1);
        if (t.number < 12 && x > 7) t.prune();
        return Math.abs(x - 9) + 1;
      },
      { nTrials: 40, catch: false },
    );
    const xs = (await study.trials()).slice(20).map((t) => t.params.x as number);
    expect(xs.filter((x) => Math.abs(x - 9) < 1.5).length).toBeGreaterThan(10);
  });
});

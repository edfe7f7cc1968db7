import { describe, expect, it } from 'vitest';
import { createStudy } from '../../create-study.js';
import { samplerContract } from '../sampler.contract.js';
import { rosenbrock } from '../testing/functions.js';
import { initialState, samplePoint, update } from './cma.js';
import { CmaEsSampler } from './sampler.js';
import type { Study } from '../../study/study.js';

samplerContract('cmaes', { make: (seed) => new CmaEsSampler({ seed }), multiObjective: false });
samplerContract('cmaes (separable)', {
  make: (seed) => new CmaEsSampler({ seed, separable: true }),
  multiObjective: false,
});

/** The best value of `nTrials` trials of a shifted 6-d sphere (optimum 0 at x_i = 0.6). */
async function sphere(sampler: CmaEsSampler, nTrials: number, constrained = false): Promise<Study> {
  const study = await createStudy({ sampler, quiet: true });
  await study.optimize(
    async (t) => {
      const xs = Array.from({ length: 6 }, (_, i) => t.suggestFloat(`x${i}`, -2, 2));
      if (constrained) await t.setConstraint(0.9 - xs[0]!); // x0 >= 0.9
      return xs.reduce((s, x) => s + (x - 0.6) ** 2, 0);
    },
    { nTrials, catch: false },
  );
  return study;
}

describe('CMA-ES', () => {
  it('moves its mean towards the better half and adapts the step size', () => {
    const s0 = initialState(new Float64Array([0.5, 0.5]), 0.2);
    const pts = [
      [0.6, 0.5],
      [0.7, 0.55],
      [0.3, 0.5],
      [0.4, 0.45],
      [0.65, 0.6],
      [0.35, 0.4],
    ].map((p) => Float64Array.from(p));
    const sorted = [pts[1]!, pts[4]!, pts[0]!, pts[3]!, pts[2]!, pts[5]!];
    const s1 = update(s0, sorted, 6);
    // μ = 3, weights ∝ ln(3.5) − ln(i): the mean is their weighted average of the best three.
    const raw = [1, 2, 3].map((i) => Math.log(3.5) - Math.log(i));
    const total = raw[0]! + raw[1]! + raw[2]!;
    expect(s1.mean[0]).toBeCloseTo((raw[0]! * 0.7 + raw[1]! * 0.65 + raw[2]! * 0.6) / total, 12);
    expect(s1.generation).toBe(1);
    expect(Number.isFinite(s1.sigma) && s1.sigma > 0).toBe(true);
    const x = samplePoint(s1, new Float64Array([0, 0]));
    expect([...x]).toEqual([...s1.mean]);
  });

  it('keeps a diagonal covariance when separable', () => {
    const s0 = initialState(new Float64Array([0.5, 0.5, 0.5]), 0.2);
    const pts = [
      [0.6, 0.6, 0.5],
      [0.55, 0.58, 0.4],
      [0.3, 0.5, 0.6],
      [0.4, 0.45, 0.55],
    ].map((p) => Float64Array.from(p));
    const full = update(s0, pts, 4);
    const sep = update(s0, pts, 4, { separable: true });
    expect(full.cov[1]).not.toBe(0);
    expect([sep.cov[1], sep.cov[2], sep.cov[5]]).toEqual([0, 0, 0]);
    expect([...sep.mean]).toEqual([...full.mean]);
    // Faster learning: the variance along the first axis moves further from 1.
    expect(Math.abs(sep.cov[0]! - 1)).toBeGreaterThan(Math.abs(full.cov[0]! - 1));
  });

  it('separable CMA-ES beats random search on a separable function', async () => {
    const sep = await (await sphere(new CmaEsSampler({ seed: 2, separable: true }), 150)).bestValue();
    const rnd = await (await sphere(new CmaEsSampler({ seed: 2, nStartupTrials: 150 }), 150)).bestValue();
    expect(sep).toBeLessThan(rnd / 10);
  });

  it('warm-started from a similar study, starts near its optimum', async () => {
    const source = await (await sphere(new CmaEsSampler({ seed: 3 }), 150)).trials();
    const warm = await sphere(new CmaEsSampler({ seed: 4, sourceTrials: source }), 20);
    const cold = await sphere(new CmaEsSampler({ seed: 4 }), 20);
    expect(await warm.bestValue()).toBeLessThan((await cold.bestValue()) / 5);
    expect(() => new CmaEsSampler({ sourceTrials: {} as never })).toThrow(/sourceTrials must be an array/);
  });

  it('ranks trials that break a constraint behind feasible ones', async () => {
    const study = await sphere(new CmaEsSampler({ seed: 6 }), 120, true);
    const late = (await study.trials()).slice(80);
    expect(late.filter((t) => (t.params.x0 as number) >= 0.9).length).toBeGreaterThanOrEqual(25);
    expect((await study.bestTrial()).params.x0 as number).toBeGreaterThanOrEqual(0.9);
  });

  it('restarts with a larger population when a run stalls', async () => {
    const study = await createStudy({ sampler: new CmaEsSampler({ seed: 5, populationSize: 4 }) });
    await study.optimize(
      (t) =>
        Math.round(t.suggestFloat('x', -1, 1) * 2) ** 2 + Math.round(t.suggestFloat('y', -1, 1) * 2) ** 2,
      { nTrials: 300, catch: false },
    );
    const restarts = new Set(
      (await study.trials()).map(
        (t) => (t.samplerMemo.cmaes as { restart?: number } | undefined)?.restart ?? -1,
      ),
    );
    expect(Math.max(...restarts)).toBeGreaterThanOrEqual(1);
  });

  it('beats random search on Rosenbrock-4 in 300 trials', async () => {
    const f = rosenbrock(4);
    const run = async (sampler: CmaEsSampler) => {
      const study = await createStudy({ sampler });
      await study.optimize((t) => f.f(f.bounds.map(([lo, hi], i) => t.suggestFloat(`x${i}`, lo, hi))), {
        nTrials: 300,
        catch: false,
      });
      return study.bestValue();
    };
    const cma = await run(new CmaEsSampler({ seed: 1 }));
    const rnd = await run(new CmaEsSampler({ seed: 1, nStartupTrials: 300 }));
    expect(cma).toBeLessThan(rnd / 10);
  });
});

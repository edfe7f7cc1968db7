import { describe, expect, it } from 'vitest';
import { createStudy } from '../../create-study.js';
import { samplerContract } from '../sampler.contract.js';
import { branin } from '../testing/functions.js';
import { logExpectedImprovement, logFeasibility, logH } from './acquisition.js';
import fixture from './fixtures/gp.json' with { type: 'json' };
import { GpPosterior, logPosterior } from './gp.js';
import type { GpData, KernelParams } from './gp.js';
import { cholesky, choleskyInverse, choleskySolve } from './linalg.js';
import { GpSampler } from './sampler.js';

samplerContract('gp', { make: (seed) => new GpSampler({ seed }), trials: 20, multiObjective: false });

const data: GpData = {
  x: Float64Array.from(fixture.x.flat()),
  y: Float64Array.from(fixture.y),
  n: fixture.y.length,
  d: 2,
  categorical: new Uint8Array(2),
};
const params: KernelParams = {
  inverseSquaredLengthscales: Float64Array.from(fixture.lengthscales, (l) => 1 / (l * l)),
  scale: fixture.scale,
  noise: fixture.noise,
};

describe('Gaussian process against scikit-learn (fixtures/make_gp.py)', () => {
  it('gives the posterior mean and variance of a tiny data set', () => {
    const gp = new GpPosterior(data, params);
    fixture.probe.forEach((p, i) => {
      const { mean, variance } = gp.predict(p);
      expect(mean).toBeCloseTo(fixture.mean[i]!, 10);
      expect(variance).toBeCloseTo(fixture.variance[i]!, 10);
    });
  });

  it('gives the log marginal likelihood (plus the documented log prior)', () => {
    const prior =
      [...params.inverseSquaredLengthscales].reduce((s, t) => s - 0.1 / t - 0.1 * t, 0) +
      (Math.log(params.scale) - params.scale) +
      (0.1 * Math.log(params.noise) - 30 * params.noise);
    expect(logPosterior(data, params, 1e-6)).toBeCloseTo(fixture.logMarginalLikelihood + prior, 10);
  });

  it('has the gradient of its finite differences (hyperparameters and inputs)', () => {
    const minNoise = 1e-6;
    const z = [...params.inverseSquaredLengthscales]
      .map(Math.log)
      .concat([Math.log(params.scale), Math.log(params.noise - minNoise)]);
    const at = (zz: number[], g?: Float64Array) =>
      logPosterior(
        data,
        {
          inverseSquaredLengthscales: Float64Array.from(zz.slice(0, 2), Math.exp),
          scale: Math.exp(zz[2]!),
          noise: minNoise + Math.exp(zz[3]!),
        },
        minNoise,
        g,
      );
    const grad = new Float64Array(4);
    at(z, grad);
    for (let i = 0; i < 4; i++) {
      const h = 1e-6;
      const up = [...z];
      const down = [...z];
      up[i]! += h;
      down[i]! -= h;
      expect(grad[i]).toBeCloseTo((at(up) - at(down)) / (2 * h), 5);
    }
    const gp = new GpPosterior(data, params);
    const gm = new Float64Array(2);
    const gv = new Float64Array(2);
    const x = [0.33, 0.61];
    gp.predict(x, gm, gv);
    for (let c = 0; c < 2; c++) {
      const h = 1e-6;
      const up = [...x];
      const down = [...x];
      up[c]! += h;
      down[c]! -= h;
      expect(gm[c]).toBeCloseTo((gp.predict(up).mean - gp.predict(down).mean) / (2 * h), 6);
      expect(gv[c]).toBeCloseTo((gp.predict(up).variance - gp.predict(down).variance) / (2 * h), 6);
    }
  });

  it('computes log EI stably far below the incumbent', () => {
    for (const [z, expected] of fixture.logH as Array<[number, number]>)
      expect(logH(z)).toBeCloseTo(expected, z < -20 ? 3 : z < -5 ? 4 : 6);
    const { value, dMean, dStd } = logExpectedImprovement(0.3, 0.2, -1);
    const h = 1e-6;
    // The tail functions are accurate to ~1e-7 relative, so derivatives agree to ~1e-5 relative.
    const fd = (f: (e: number) => number) => (f(h) - f(-h)) / (2 * h);
    expect(dMean / fd((e) => logExpectedImprovement(0.3 + e, 0.2, -1).value)).toBeCloseTo(1, 4);
    expect(dStd / fd((e) => logExpectedImprovement(0.3, 0.2 + e, -1).value)).toBeCloseTo(1, 4);
    expect(Number.isFinite(value)).toBe(true);
  });

  it('gives the log probability of feasibility and its derivatives (finite differences)', () => {
    const { value, dMean, dStd } = logFeasibility(0.3, 0.2, -0.1);
    expect(value).toBeCloseTo(Math.log(0.022750131948179195), 6); // Φ(-2)
    const h = 1e-6;
    const fd = (f: (e: number) => number) => (f(h) - f(-h)) / (2 * h);
    expect(dMean / fd((e) => logFeasibility(0.3 + e, 0.2, -0.1).value)).toBeCloseTo(1, 5);
    expect(dStd / fd((e) => logFeasibility(0.3, 0.2 + e, -0.1).value)).toBeCloseTo(1, 5);
    expect(Number.isFinite(logFeasibility(40, 1, 0).value)).toBe(true);
  });

  it('solves and inverts through the Cholesky factor', () => {
    const a = Float64Array.from([4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]);
    const l = cholesky(a, 3)!;
    const x = choleskySolve(l, 3, [1, 2, 3]);
    for (let i = 0; i < 3; i++)
      expect(a[i * 3]! * x[0]! + a[i * 3 + 1]! * x[1]! + a[i * 3 + 2]! * x[2]!).toBeCloseTo(i + 1, 12);
    const inv = choleskyInverse(l, 3);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += a[i * 3 + k]! * inv[k * 3 + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull();
  });
});

describe('GpSampler', () => {
  it('finds the Branin optimum to within 0.1 in 64 trials for most seeds', async () => {
    const regrets: number[] = [];
    for (let seed = 0; seed < 6; seed++) {
      const study = await createStudy({ sampler: new GpSampler({ seed }) });
      await study.optimize((t) => branin.f([t.suggestFloat('x1', -5, 10), t.suggestFloat('x2', 0, 15)]), {
        nTrials: 64,
        catch: false,
      });
      regrets.push((await study.bestValue()) - branin.optimum);
    }
    expect(regrets.filter((r) => r < 0.1).length).toBeGreaterThanOrEqual(5);
  });

  it('refuses several objectives with a code', async () => {
    const study = await createStudy({
      sampler: new GpSampler({ seed: 1 }),
      directions: ['minimize', 'minimize'],
    });
    await expect(
      study.optimize((t) => [t.suggestFloat('x', 0, 1), 1], { nTrials: 1, catch: false }),
    ).rejects.toMatchObject({ code: 'unsupported' });
  });

  it('spreads parallel suggestions over running trials (fantasies)', async () => {
    const study = await createStudy({ sampler: new GpSampler({ seed: 4, nStartupTrials: 5 }) });
    await study.optimize((t) => (t.suggestFloat('x', 0, 1) - 0.3) ** 2, { nTrials: 12, catch: false });
    const xs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const trial = await study.ask();
      xs.push(trial.suggestFloat('x', 0, 1));
      await trial.flush();
    }
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < i; j++) expect(Math.abs(xs[i]! - xs[j]!)).toBeGreaterThan(1e-3);
  });
});

describe('GpSampler under constraints', () => {
  it('proposes feasible points and finds the constrained optimum', async () => {
    // Minimise x² + y² subject to x >= 1 (written 1 - x <= 0): the optimum is (1, 0), value 1.
    const run = async (constrained: boolean) => {
      const study = await createStudy({ sampler: new GpSampler({ seed: 5, nCandidates: 256 }), quiet: true });
      await study.optimize(
        async (t) => {
          const x = t.suggestFloat('x', -3, 3);
          const y = t.suggestFloat('y', -3, 3);
          if (constrained) await t.setConstraint(1 - x);
          return x * x + y * y;
        },
        { nTrials: 30, catch: false },
      );
      const late = (await study.trials()).slice(15);
      // Within 0.01 of the feasible region: the suggestions hug its boundary, where the optimum is.
      return { study, feasibleLate: late.filter((t) => (t.params.x as number) >= 0.99).length };
    };
    const constrained = await run(true);
    const plain = await run(false);
    expect(constrained.feasibleLate).toBeGreaterThanOrEqual(11);
    expect(plain.feasibleLate).toBeLessThanOrEqual(3);
    expect((await constrained.study.bestValue()) - 1).toBeLessThan(0.05);
  });
});

describe('GpSampler and pruned trials', () => {
  it('moves away from a region whose trials keep being pruned', async () => {
    // The unpruned optimum extrapolates towards x = 1, but every trial above 0.7 is pruned at step 0.
    const study = await createStudy({
      sampler: new GpSampler({ seed: 3 }),
      pruner: { prune: (_ctx, t) => (t.params.x as number) > 0.7 },
    });
    await study.optimize(
      async (t) => {
        const x = t.suggestFloat('x', 0, 1);
        const y = t.suggestFloat('y', 0, 1);
        await t.report(5, 0);
        if (await t.shouldPrune()) t.prune();
        return (x - 1) ** 2 + (y - 0.5) ** 2;
      },
      { nTrials: 40 },
    );
    const trials = await study.trials();
    const pruned = trials.slice(10).filter((t) => t.state === 'pruned').length;
    expect(pruned).toBeLessThan(15);
    expect(new Set(trials.map((t) => `${t.params.x},${t.params.y}`)).size).toBe(40);
  });
});

import { describe, expect, it } from 'vitest';
import { createStudy } from '../../create-study.js';
import { samplerContract } from '../sampler.contract.js';
import { rosenbrock } from '../testing/functions.js';
import { initialState, samplePoint, update } from './cma.js';
import { CmaEsSampler } from './sampler.js';

samplerContract('cmaes', { make: (seed) => new CmaEsSampler({ seed }), multiObjective: false });

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

import { describe, expect, it } from 'vitest';
import { createStudy } from '../../create-study.js';
import { TunekitError } from '../../errors.js';
import { paretoFront } from '../../study/pareto.js';
import { crowdingDistances, nondominatedRanks } from '../pareto-rank.js';
import { samplerContract } from '../sampler.contract.js';
import { NsgaIISampler } from './sampler.js';
import type { NsgaIISamplerOptions } from './sampler.js';

samplerContract('nsga2', { make: (seed) => new NsgaIISampler({ seed, populationSize: 8 }) });

describe('non-dominated sorting', () => {
  it('ranks fronts and crowding by hand-computed values', () => {
    const losses = [
      [1, 5],
      [2, 3],
      [4, 1],
      [3, 4],
      [5, 5],
      [2, 3],
    ];
    expect([...nondominatedRanks(losses)]).toEqual([0, 0, 0, 1, 2, 0]);
    // Front 0 sorted by the first objective: (1,5) (2,3) (2,3) (4,1); ranges 3 and 4.
    const front = [losses[0]!, losses[1]!, losses[2]!, losses[5]!];
    const cd = crowdingDistances(front);
    expect(cd[0]).toBe(Infinity);
    expect(cd[2]).toBe(Infinity);
    // (2,3) at sorted position 1: (2-1)/3 + (5-3)/4 ... its neighbours depend on tie order; both inner points are finite.
    expect(Number.isFinite(cd[1]!) && Number.isFinite(cd[3]!)).toBe(true);
    expect(cd[1]! + cd[3]!).toBeCloseTo((2 - 1) / 3 + (4 - 2) / 3 + (5 - 3) / 4 + (3 - 1) / 4, 12);
  });

  it('puts feasible points ahead of infeasible ones, and less violation ahead of more', () => {
    const losses = [
      [0, 0],
      [1, 1],
      [2, 2],
    ];
    expect([...nondominatedRanks(losses, [3, 0, 1])]).toEqual([2, 0, 1]);
  });
});

describe('NsgaIISampler', () => {
  it('improves the Pareto front of a two-objective problem over its random first generation', async () => {
    const study = await createStudy({
      sampler: new NsgaIISampler({ seed: 1, populationSize: 20 }),
      directions: ['minimize', 'minimize'],
    });
    await study.optimize(
      (t) => {
        const x = t.suggestFloat('x', 0, 1);
        const y = t.suggestFloat('y', 0, 1);
        const g = 1 + 9 * y;
        return [x, g * (1 - Math.sqrt(x / g))]; // ZDT1 in two dimensions: the front has y = 0
      },
      { nTrials: 200, catch: false },
    );
    const trials = await study.trials();
    const meanY = (ts: typeof trials) => ts.reduce((s, t) => s + (t.params.y as number), 0) / ts.length;
    expect(meanY(trials.slice(180))).toBeLessThan(meanY(trials.slice(0, 20)) / 3);
    expect(paretoFront(trials, ['minimize', 'minimize']).length).toBeGreaterThan(5);
  });

  it('steers towards feasible trials', async () => {
    const study = await createStudy({
      sampler: new NsgaIISampler({ seed: 2, populationSize: 10 }),
      directions: ['minimize', 'minimize'],
      quiet: true,
    });
    await study.optimize(
      async (t) => {
        const x = t.suggestFloat('x', 0, 1);
        await t.setConstraint(0.5 - x);
        return [x, -t.suggestFloat('y', 0, 1)];
      },
      { nTrials: 80, catch: false },
    );
    const late = (await study.trials()).slice(60);
    expect(late.filter((t) => (t.params.x as number) >= 0.5).length).toBeGreaterThanOrEqual(15);
  });

  it('rejects bad options with a code', () => {
    expect(() => new NsgaIISampler({ populationSize: 1 })).toThrow(TunekitError);
    expect(() => new NsgaIISampler({ crossoverProb: 2 })).toThrow(/crossoverProb/);
    // The old sampler option names its replacement.
    const old = { constraints: () => [0] } as unknown as NsgaIISamplerOptions;
    expect(() => new NsgaIISampler(old)).toThrow(/constraints option was removed; call trial.setConstraint/);
  });
});

// "Best" queries: constraints a sampler was given keep infeasible trials out of them, and a query for one
// objective on a study with several names the query to use instead.
import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { NsgaIISampler } from '../samplers/nsga2/sampler.js';
import { RandomSampler } from '../samplers/random.js';
import type { TrialRecord } from './types.js';

// A trial is feasible when its user attribute `c` is <= 0.
const constraints = (t: TrialRecord): number[] => [t.userAttrs.c as number];

describe('best trials under constraints', () => {
  it('leaves infeasible trials off the Pareto front of a multi-objective study', async () => {
    const study = await createStudy({
      directions: ['minimize', 'minimize'],
      sampler: new NsgaIISampler({ seed: 1, constraints }),
      quiet: true,
    });
    // Trial 0 dominates every other but breaks its constraint; 1 and 2 are feasible and trade off.
    const rows = [
      { values: [0, 0], c: 1 },
      { values: [1, 3], c: 0 },
      { values: [3, 1], c: -2 },
      { values: [4, 4], c: 0 },
    ];
    for (const row of rows) {
      const trial = await study.ask();
      await trial.setUserAttr('c', row.c);
      await study.tell(trial, row.values);
    }
    expect((await study.bestTrials()).map((t) => t.number)).toEqual([1, 2]);
  });

  it('leaves them out of bestTrial of a single-objective study, and says so when none is feasible', async () => {
    const sampler = Object.assign(new RandomSampler({ seed: 2 }), { constraints });
    const study = await createStudy({ sampler, quiet: true });
    const tellWith = async (value: number, c: number) => {
      const trial = await study.ask();
      await trial.setUserAttr('c', c);
      await study.tell(trial, value);
    };
    await tellWith(5, 1);
    await expect(study.bestTrial()).rejects.toMatchObject({
      code: 'no_completed_trials',
      message: expect.stringMatching(/no complete trial that meets the constraints/),
    });
    await tellWith(7, 0);
    await tellWith(1, 0.5);
    expect((await study.bestTrial()).number).toBe(1);
    expect(await study.bestValue()).toBe(7);
  });
});

describe('single-objective queries on a multi-objective study', () => {
  it('name bestTrials() and directions instead of failing vaguely', async () => {
    const study = await createStudy({ directions: ['minimize', 'maximize'], quiet: true });
    await expect(study.bestTrial()).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(
        /bestTrial\(\) is for a study with one objective; .* has 2: use bestTrials\(\)/,
      ),
    });
    await expect(study.bestValue()).rejects.toMatchObject({
      message: expect.stringMatching(/use bestTrials\(\)/),
    });
    expect(() => study.direction).toThrow(/direction is for a study with one objective; .*: use directions/);
  });
});

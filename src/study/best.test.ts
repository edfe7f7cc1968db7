// "Best" queries: constraints the objective set (trial.setConstraint) keep infeasible trials out of them,
// whatever the sampler, and a query for one objective on a study with several names the query to use instead.
import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { NsgaIISampler } from '../samplers/nsga2/sampler.js';
import { RandomSampler } from '../samplers/random.js';
import type { Study } from './study.js';

/** Asks a trial, sets its constraint `c`, tells `values`. */
async function tellWith(study: Study, values: number | number[], c: number): Promise<void> {
  const trial = await study.ask();
  await trial.setConstraint(c);
  await study.tell(trial, values);
}

describe('best trials under constraints', () => {
  it('leaves infeasible trials off the Pareto front of a multi-objective study', async () => {
    const study = await createStudy({
      directions: ['minimize', 'minimize'],
      sampler: new NsgaIISampler({ seed: 1 }),
      quiet: true,
    });
    // Trial 0 dominates every other but breaks its constraint; 1 and 2 are feasible and trade off.
    await tellWith(study, [0, 0], 1);
    await tellWith(study, [1, 3], 0);
    await tellWith(study, [3, 1], -2);
    await tellWith(study, [4, 4], 0);
    expect((await study.bestTrials()).map((t) => t.number)).toEqual([1, 2]);
  });

  it('leaves them out of bestTrial, bestValue and bestParams, and says so when none is feasible', async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 2 }), quiet: true });
    await tellWith(study, 5, 1);
    await expect(study.bestTrial()).rejects.toMatchObject({
      code: 'no_completed_trials',
      message: expect.stringMatching(/no complete trial that meets its constraints/),
    });
    await tellWith(study, 7, 0);
    await tellWith(study, 1, 0.5);
    // A trial that set no constraint counts as feasible.
    const plain = await study.ask();
    await study.tell(plain, 9);
    expect((await study.bestTrial()).number).toBe(1);
    expect(await study.bestValue()).toBe(7);
    expect((await study.trials())[2]!.constraints).toEqual([0.5]);
    expect((await study.trials())[3]!.constraints).toBeNull();
  });

  it('refuses constraint values that are not finite numbers, naming the fix', async () => {
    const study = await createStudy({ quiet: true });
    const trial = await study.ask();
    expect(() => trial.setConstraint(Number.NaN)).toThrow(/must be finite numbers, got NaN/);
    expect(() => trial.setConstraint([])).toThrow(/non-empty array/);
    await trial.setConstraint([1, -2]);
    await trial.setConstraint([-1, -2]); // replaces, not appends
    expect(trial.constraints).toEqual([-1, -2]);
    expect((await study.tell(trial, 1)).constraints).toEqual([-1, -2]);
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

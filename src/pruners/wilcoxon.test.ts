import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { RandomSampler } from '../samplers/random.js';
import fixture from './fixtures/wilcoxon.json' with { type: 'json' };
import { prunerContract, record, studyInfo } from './pruner.contract.js';
import { WilcoxonPruner, wilcoxonGreater } from './wilcoxon.js';

prunerContract('wilcoxon', { make: () => new WilcoxonPruner({ pThreshold: 0.1 }) });

describe('the Wilcoxon signed-rank test', () => {
  it("matches scipy's p-values (fixtures/make_wilcoxon.py): exact when small, normal with ties and zeros", () => {
    for (const { diffs, p } of fixture.cases as Array<{ diffs: number[]; p: number }>)
      expect(wilcoxonGreater(diffs), JSON.stringify(diffs)).toBeCloseTo(p, 7);
  });
});

describe('WilcoxonPruner', () => {
  // Per-instance losses reported under the instance's id: the best trial, and one a bit worse everywhere.
  // Its value is the mean of its per-instance losses, 0.35.
  const best = {
    ...record(0, 'complete', { 3: 0.1, 7: 0.2, 1: 0.3, 9: 0.4, 4: 0.5, 6: 0.6 }),
    values: [0.35],
  };
  const decide = (pruner: WilcoxonPruner, reports: Record<number, number>, direction = 'minimize') => {
    const t = record(1, 'running', reports);
    return pruner.prune({ study: studyInfo(direction as 'minimize'), trials: [best, t] }, t);
  };

  it('pairs steps by id and prunes once the test is sure at p < pThreshold', () => {
    const p = new WilcoxonPruner({ pThreshold: 0.1 });
    // Worse on 3 shared instances: exact p = 1/8, not below 0.1; on 4: 1/16.
    expect(decide(p, { 3: 0.3, 7: 0.4, 1: 0.5 })).toBe(false);
    expect(decide(p, { 3: 0.3, 7: 0.4, 1: 0.5, 9: 0.6 })).toBe(true);
    // Instances the best trial never saw are ignored by the test.
    expect(decide(p, { 3: 0.3, 7: 0.4, 1: 0.5, 100: 9, 101: 9 })).toBe(false);
    // Better on every instance: never pruned.
    expect(decide(p, { 3: 0, 7: 0.1, 1: 0.2, 9: 0.3, 4: 0.4 })).toBe(false);
  });

  it("keeps Optuna's safety rule, startup steps, and never prunes non-finite values", () => {
    // Worse on the four shared instances, but its mean (with an easy extra instance) beats the best value.
    expect(decide(new WilcoxonPruner(), { 3: 0.3, 7: 0.4, 1: 0.5, 9: 0.6, 50: -5 })).toBe(false);
    expect(decide(new WilcoxonPruner({ nStartupSteps: 5 }), { 3: 0.3, 7: 0.4, 1: 0.5, 9: 0.6 })).toBe(false);
    expect(decide(new WilcoxonPruner(), { 3: 0.3, 7: 0.4, 1: 0.5, 9: NaN })).toBe(false);
    expect(() => new WilcoxonPruner({ pThreshold: 2 })).toThrow(/pThreshold must be in \[0, 1\]/);
  });

  it('in a study of per-fold scores, stops bad configurations early and keeps good ones', async () => {
    const folds = Array.from({ length: 20 }, (_, i) => (i * 7919) % 20); // a fixed shuffled order
    const study = await createStudy({
      sampler: new RandomSampler({ seed: 3 }),
      pruner: new WilcoxonPruner({ pThreshold: 0.1 }),
      quiet: true,
    });
    const used = new Map<number, number>();
    await study.optimize(
      async (trial) => {
        const x = trial.suggestFloat('x', -1, 1);
        let sum = 0;
        for (const [k, fold] of folds.entries()) {
          const loss = (x - fold / 20) ** 2 + 0.01 * ((fold * 13) % 7);
          sum += loss;
          await trial.report(loss, fold);
          used.set(trial.number, k + 1);
          if (await trial.shouldPrune()) trial.prune();
        }
        return sum / folds.length;
      },
      { nTrials: 30, catch: false },
    );
    const trials = await study.trials();
    const pruned = trials.filter((t) => t.state === 'pruned');
    expect(pruned.length).toBeGreaterThan(10);
    // Pruned trials stopped well before evaluating every fold.
    const mean = pruned.reduce((s, t) => s + used.get(t.number)!, 0) / pruned.length;
    expect(mean).toBeLessThan(10);
    expect((await study.bestTrial()).state).toBe('complete');
  });
});

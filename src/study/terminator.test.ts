import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { TpeSampler } from '../samplers/tpe/sampler.js';
import { trialRecord } from '../testing/records.js';
import { Terminator, terminatorCallback } from './terminator.js';

const trials = (values: number[]) =>
  values.map((v, number) => trialRecord({ number, values: [v], finishedAt: number }));

describe('Terminator', () => {
  it('stops once the last `patience` trials improve the best by no more than minImprovement', () => {
    const t = new Terminator({ patience: 3, minTrials: 5, minImprovement: 0.1 });
    expect(t.shouldTerminate(trials([5, 4, 3, 2.95, 3.5, 3]), 'minimize')).toBe(true);
    expect(t.shouldTerminate(trials([5, 4, 3, 2.95, 2.5, 3]), 'minimize')).toBe(false);
    expect(t.shouldTerminate(trials([5, 3, 3, 3, 3]), 'minimize')).toBe(true);
    expect(t.shouldTerminate(trials([5, 4, 3, 3]), 'minimize')).toBe(false); // fewer than minTrials
    // Maximising mirrors it; infeasible trials do not count as improvements.
    expect(t.shouldTerminate(trials([-5, -4, -3, -2.95, -3.5, -3]), 'maximize')).toBe(true);
    const infeasible = trials([5, 3, 3, 3, 3, 1]);
    infeasible[5] = { ...infeasible[5]!, constraints: [1] };
    expect(t.shouldTerminate(infeasible, 'minimize')).toBe(true);
    expect(() => new Terminator({ patience: 0 })).toThrow(/patience must be an integer >= 1/);
  });

  it('as a callback, ends a study that has converged well before its trial budget', async () => {
    const study = await createStudy({ sampler: new TpeSampler({ seed: 1 }), quiet: true });
    const terminator = new Terminator({ patience: 15, minImprovement: 1e-3 });
    await study.optimize((t) => Math.round(t.suggestFloat('x', -3, 3)) ** 2, {
      nTrials: 300,
      callbacks: [terminatorCallback(terminator)],
      catch: false,
    });
    const n = (await study.trials()).length;
    expect(n).toBeGreaterThanOrEqual(20);
    expect(n).toBeLessThan(100);
    expect(await study.bestValue()).toBe(0);
  });

  it('lets a study that keeps improving run on', async () => {
    const study = await createStudy({ quiet: true });
    let k = 0;
    await study.optimize(() => 1000 - k++, {
      nTrials: 60,
      callbacks: [terminatorCallback(new Terminator({ patience: 10 }))],
      catch: false,
    });
    expect(await study.trials()).toHaveLength(60);
  });
});

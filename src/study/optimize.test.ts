// What optimize sends to storage for each trial: writes batched, the next start folded into the finish.
import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { RandomSampler } from '../samplers/random.js';
import { InMemoryStorage } from '../storage/memory.js';
import { intercept } from '../testing/intercept.js';
import type { Sampler } from './sampler.js';
import type { StudyStorage } from './storage.js';
import type { Trial } from './trial.js';

describe('storage traffic of a trial', () => {
  /** A storage that records the name of every call; a finish that also starts the next trial is `finishTrial+start`. */
  function recording(): { storage: StudyStorage; calls: string[] } {
    const calls: string[] = [];
    const storage = intercept(new InMemoryStorage(), (name, args, call) => {
      calls.push(name === 'finishTrial' && args[2] !== undefined ? 'finishTrial+start' : name);
      return call();
    });
    return { storage, calls };
  }

  const objective = async (t: Trial): Promise<number> => {
    const x = t.suggestFloat('x', -1, 1);
    const k = t.suggestCategorical('k', ['a', 'b']);
    await t.report(x, 0);
    await t.report(x * 2, 1);
    return x + (k === 'a' ? 0 : 1);
  };

  it('sends the suggestions and the report right after them in one write, and reads no history for random search', async () => {
    const { storage, calls } = recording();
    const study = await createStudy({
      storage,
      sampler: new RandomSampler({ seed: 3 }),
      heartbeatIntervalMs: 0,
    });
    calls.length = 0;
    await study.optimize(objective, { nTrials: 1 });
    expect(calls).toEqual(['getStudy', 'startTrial', 'writeTrial', 'writeTrial', 'finishTrial']);
    const [t] = await study.trials();
    expect(Object.keys(t!.params)).toEqual(['x', 'k']);
    expect(t!.intermediateValues).toEqual({ 0: t!.params.x, 1: (t!.params.x as number) * 2 });
  });

  it('starts the next trial in the same write as the finish, unless callbacks or a stop come between', async () => {
    const { storage, calls } = recording();
    const study = await createStudy({
      storage,
      sampler: new RandomSampler({ seed: 4 }),
      heartbeatIntervalMs: 0,
    });
    calls.length = 0;
    await study.optimize(objective, { nTrials: 3 });
    const trial = ['writeTrial', 'writeTrial'];
    expect(calls).toEqual([
      'getStudy',
      'startTrial',
      ...trial,
      'finishTrial+start',
      ...trial,
      'finishTrial+start',
      ...trial,
      'finishTrial',
    ]);
    expect((await study.trials()).map((t) => [t.number, t.state])).toEqual([
      [0, 'complete'],
      [1, 'complete'],
      [2, 'complete'],
    ]);

    calls.length = 0;
    await study.optimize(objective, { nTrials: 2, callbacks: [() => {}] });
    expect(calls.filter((c) => c.endsWith('Trial'))).toEqual([
      'startTrial',
      ...trial,
      'finishTrial',
      'startTrial',
      ...trial,
      'finishTrial',
    ]);
    await study.optimize(
      async (t) => {
        study.stop();
        return objective(t);
      },
      { nTrials: 5 },
    );
    // maxTrials: the start that would go beyond it is refused in the same write, and the loop ends.
    await study.optimize(objective, { maxTrials: 9 });
    expect((await study.trials()).map((t) => t.state)).toEqual(Array(9).fill('complete'));
  });

  it('refuses a sampler that sets ignoresHistory and reads the history anyway', async () => {
    const sampler: Sampler = {
      ignoresHistory: true,
      sampleRelative: (ctx) => (ctx.trials.length > 0 ? null : null),
      sampleIndependent: () => 0,
    };
    const study = await createStudy({ sampler });
    await expect(study.ask()).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/ignoresHistory/),
    });
    expect((await study.trials())[0]).toMatchObject({
      state: 'fail',
      failReason: expect.stringMatching(/^sampler failed/),
    });
  });
});

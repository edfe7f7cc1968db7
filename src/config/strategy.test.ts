// Coarse-to-fine rounds on a cheap objective in memory: a run stopped in a round resumes there with the
// trials an unbroken run makes, a finished run reruns nothing, and a changed config is refused.
import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { TunekitError } from '../errors.js';
import { TpeSampler } from '../samplers/tpe/sampler.js';
import { InMemoryStorage } from '../storage/memory.js';
import type { TrialRecord } from '../study/types.js';
import { parseSpace, suggestSpace } from './space.js';
import { coarseToFine, runStepHere } from './strategy.js';
import type { CoarseToFineOptions, StrategyContext } from './strategy.js';

const SPACE = parseSpace({
  lr: { type: 'float', low: 1e-4, high: 1, log: true },
  units: { type: 'int', low: 4, high: 64 },
  act: { type: 'categorical', choices: ['relu', 'tanh', 'gelu'] },
});
const loss = (p: Record<string, unknown>): number =>
  (Math.log10(p.lr as number) + 2.5) ** 2 +
  ((p.units as number) - 40) ** 2 / 400 +
  (p.act === 'tanh' ? 0 : 0.1);
const OPTIONS: CoarseToFineOptions = { rounds: 3, trialsPerRound: 6, top: 3, margin: 0.1 };

function context(storage: InMemoryStorage, steps: string[] = []): StrategyContext {
  return {
    space: SPACE,
    direction: 'minimize',
    openStudy: () =>
      createStudy({
        storage,
        studyName: 'c2f',
        loadIfExists: true,
        quiet: true,
        sampler: new TpeSampler({ seed: 5, nStartupTrials: 3 }),
      }),
    objective: (space) => (trial) => loss(suggestSpace(trial, space)),
    onStep: (label, space) => steps.push(`${label} ${JSON.stringify(space.map((e) => e.distribution))}`),
  };
}

const essence = (t: TrialRecord) => [t.number, t.state, t.params, t.values, t.userAttrs.round];

async function trialsOf(storage: InMemoryStorage): Promise<TrialRecord[]> {
  return storage.getTrials((await storage.getStudy('c2f')).id);
}

describe('coarseToFine', () => {
  it('resumes a run stopped in round 2 at that round, with the trials and ranges of an unbroken run', async () => {
    const whole = new InMemoryStorage();
    const wholeSteps: string[] = [];
    await coarseToFine(OPTIONS).run(context(whole, wholeSteps));

    const broken = new InMemoryStorage();
    const stopped = context(broken);
    // Round 2 stops after two of its six trials, as a killed process would.
    const killed = coarseToFine(OPTIONS).run({
      ...stopped,
      runStep: async (step) => {
        if (step.label !== 'round 2') return runStepHere(stopped, step);
        await runStepHere(stopped, { ...step, maxTrials: step.maxTrials - 4 });
        throw new Error('killed');
      },
    });
    await expect(killed).rejects.toThrow('killed');
    expect(await trialsOf(broken)).toHaveLength(8);

    const resumedSteps: string[] = [];
    const result = await coarseToFine(OPTIONS).run(context(broken, resumedSteps));
    expect(resumedSteps).toEqual(wholeSteps);
    const trials = await trialsOf(broken);
    expect(trials.map(essence)).toEqual((await trialsOf(whole)).map(essence));
    expect(trials.map((t) => t.userAttrs.round)).toEqual([
      1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3,
    ]);
    expect(result.best?.number).toBe((await coarseToFine(OPTIONS).run(context(whole))).best?.number);
  });

  it('reruns nothing once every round is done', async () => {
    const storage = new InMemoryStorage();
    await coarseToFine(OPTIONS).run(context(storage));
    const before = await trialsOf(storage);
    await coarseToFine(OPTIONS).run(context(storage));
    expect(await trialsOf(storage)).toEqual(before);
  });

  it('goes on with more rounds when the config asks for more', async () => {
    const storage = new InMemoryStorage();
    await coarseToFine(OPTIONS).run(context(storage));
    await coarseToFine({ ...OPTIONS, rounds: 4 }).run(context(storage));
    expect((await trialsOf(storage)).map((t) => t.userAttrs.round)).toEqual([
      ...[1, 2, 3, 4].flatMap((r) => Array<number>(6).fill(r)),
    ]);
  });

  it('refuses to resume a run whose config changed, naming the study and the round', async () => {
    const storage = new InMemoryStorage();
    await coarseToFine(OPTIONS).run(context(storage));
    const error = await coarseToFine({ ...OPTIONS, top: 1 })
      .run(context(storage))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TunekitError);
    expect(error).toMatchObject({ code: 'config_invalid' });
    expect((error as Error).message).toMatch(/study c2f .* round 2 tuned another space/);
    expect(await trialsOf(storage)).toHaveLength(18);
  });
});

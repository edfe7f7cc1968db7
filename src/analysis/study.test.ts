import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { RandomSampler } from '../samplers/random.js';
import { studyAdvice, studyImportance, studyInteractions } from './study.js';
import type { Trial } from '../study/trial.js';

// f = 10·x1 + x2 - x1·x3 with an irrelevant categorical, maximised through a real Study.
function objective(trial: Trial): number {
  const x1 = trial.suggestFloat('x1', 0, 1);
  const x2 = trial.suggestFloat('x2', 0, 1);
  const x3 = trial.suggestFloat('x3', -1, 1);
  trial.suggestCategorical('kind', ['a', 'b']);
  return 10 * x1 + x2 + 4 * x1 * x3;
}

describe('studyImportance / studyInteractions / studyAdvice', () => {
  it('analyse the complete trials of a study', async () => {
    const study = await createStudy({ direction: 'maximize', sampler: new RandomSampler({ seed: 1 }) });
    await study.optimize(objective, { nTrials: 150 });
    await study.enqueueTrial({ x1: 0.5, x2: 0.5, x3: 0, kind: 'a' });
    await study.ask(); // left running: not analysed

    const importance = await studyImportance(study);
    expect(importance.nTrials).toBe(150);
    expect(importance.params[0]!.param).toBe('x1');
    expect(importance.params.at(-1)!.param).toBe('kind');

    const interactions = await studyInteractions(study, { top: 1 });
    expect(interactions.pairs[0]!.params).toEqual(['x1', 'x3']);

    const advice = await studyAdvice(study);
    const x1 = advice.params.find((p) => p.param === 'x1')!;
    // Maximising: the best trials have x1 near 1.
    expect(x1.kind === 'float' && x1.low).toBeGreaterThan(0.6);
    expect(advice.summary).toMatch(/^narrow x1 to .*; x2 and kind barely matter$/);
  });
});

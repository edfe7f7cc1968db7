import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { isTunekitError } from '../errors.js';
import { InMemoryStorage } from '../storage/memory.js';
import { loadStudy } from '../create-study.js';
import { evaluateOnTest, testEvaluations } from './test-set.js';

async function tunedStudy(storage = new InMemoryStorage()) {
  const study = await createStudy({ studyName: 'tuned', storage, direction: 'maximize', seed: 3 });
  await study.optimize((t) => -((t.suggestFloat('x', -1, 1) - 0.3) ** 2), { nTrials: 8 });
  return study;
}

describe('evaluateOnTest', () => {
  it('scores the best trial once and records when, which trial and the score', async () => {
    const study = await tunedStudy();
    const best = await study.bestTrial();
    const before = Date.now();
    const { score, trial, record } = await evaluateOnTest(
      study,
      (t) => 1 - Math.abs((t.params.x as number) - 0.3),
      { note: 'held-out 20%' },
    );
    expect(trial.number).toBe(best.number);
    expect(score).toBeCloseTo(1 - Math.abs((best.params.x as number) - 0.3), 12);
    expect(record).toMatchObject({
      trial: best.number,
      score,
      status: 'complete',
      forced: false,
      note: 'held-out 20%',
    });
    expect(record.at).toBeGreaterThanOrEqual(before);
    expect(await testEvaluations(study)).toEqual([record]);
  });

  it('refuses a second evaluation, also from another Study object on the same storage', async () => {
    const storage = new InMemoryStorage();
    const study = await tunedStudy(storage);
    await evaluateOnTest(study, () => 0.9);
    let calls = 0;
    const again = await loadStudy({ studyName: 'tuned', storage });
    const error = await evaluateOnTest(again, () => ++calls).catch((e: unknown) => e);
    expect(isTunekitError(error, 'test_set_already_used')).toBe(true);
    expect((error as Error).message).toMatch(
      /already evaluated on its test data at .* \(trial \d+, score 0\.9\).*force: true/,
    );
    expect(calls).toBe(0);
    expect(await testEvaluations(study)).toHaveLength(1);
  });

  it('a forced second evaluation runs, and the record shows it was forced', async () => {
    const study = await tunedStudy();
    await evaluateOnTest(study, () => ({ accuracy: 0.9, f1: 0.8 }));
    const second = await evaluateOnTest(study, () => ({ accuracy: 0.91, f1: 0.81 }), {
      force: true,
      trial: 0,
      note: 'after fixing a bug',
    });
    expect(second.record).toMatchObject({ trial: 0, forced: true, status: 'complete' });
    const records = await testEvaluations(study);
    expect(records.map((r) => [r.forced, r.score])).toEqual([
      [false, { accuracy: 0.9, f1: 0.8 }],
      [true, { accuracy: 0.91, f1: 0.81 }],
    ]);
  });

  it('an evaluation that throws still counts as a use of the test set', async () => {
    const study = await tunedStudy();
    await expect(
      evaluateOnTest(study, () => {
        throw new Error('shape mismatch');
      }),
    ).rejects.toThrow('shape mismatch');
    expect(await testEvaluations(study)).toMatchObject([
      { status: 'failed', score: null, error: 'shape mismatch' },
    ]);
    await expect(evaluateOnTest(study, () => 1)).rejects.toMatchObject({ code: 'test_set_already_used' });
    await expect(evaluateOnTest(study, () => NaN, { force: true })).rejects.toMatchObject({
      code: 'invalid_result',
    });
  });

  it('concurrent evaluations in one process: exactly one runs', async () => {
    const study = await tunedStudy();
    let runs = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => evaluateOnTest(study, async () => (runs++, 0.5))),
    );
    expect(runs).toBe(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await testEvaluations(study)).toHaveLength(1);
  });

  it('names a trial that cannot be evaluated', async () => {
    const study = await tunedStudy();
    await expect(evaluateOnTest(study, () => 1, { trial: 99 })).rejects.toMatchObject({
      code: 'trial_not_found',
    });
    const empty = await createStudy();
    await expect(evaluateOnTest(empty, () => 1)).rejects.toMatchObject({ code: 'no_completed_trials' });
    expect(await testEvaluations(study)).toEqual([]);
  });
});

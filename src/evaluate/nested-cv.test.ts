import { describe, expect, it } from 'vitest';
import { InMemoryStorage } from '../storage/memory.js';
import { meanStd } from './cv.js';
import { nestedCrossValidation } from './nested-cv.js';
import { loadDataset } from '../data/registry.js';
import { makeFolds } from './cv.js';
import { testEvaluations } from './test-set.js';
import { knnAccuracy } from './testing/knn.js';

const wine = loadDataset('wine');

describe('nestedCrossValidation', () => {
  it('never lets an outer test fold into its inner study (tracked by original row ids)', async () => {
    const outer = makeFolds(wine, { k: 3, seed: 11 });
    let current = -1;
    const innerRows = new Map<number, Set<number>>();
    const testCalls: Array<{ fold: number; train: number[]; test: number[] }> = [];
    const storage = new InMemoryStorage();
    const result = await nestedCrossValidation({
      data: wine,
      direction: 'maximize',
      outer,
      inner: { k: 3 },
      nTrials: 4,
      seed: 5,
      study: (fold) => ((current = fold), { storage }),
      score: (trial, { train, val }) => {
        const seen = innerRows.get(current) ?? new Set<number>();
        for (const r of [...train.rows!, ...val.rows!]) seen.add(r);
        innerRows.set(current, seen);
        return knnAccuracy(train, val, trial.suggestInt('k', 1, 25));
      },
      test: (params, { train, test, fold }) => {
        testCalls.push({ fold: fold.fold, train: [...train.rows!], test: [...test.rows!] });
        return knnAccuracy(train, test, params.k as number);
      },
    });

    outer.forEach((fold, i) => {
      const held = new Set(fold.holdout);
      const seen = innerRows.get(i)!;
      // The inner study saw exactly the outer training rows, and none of the held-out ones.
      expect([...seen].some((r) => held.has(r))).toBe(false);
      expect([...seen].sort((a, b) => a - b)).toEqual([...fold.train]);
      expect(testCalls[i]).toEqual({ fold: i, train: [...fold.train], test: [...fold.holdout] });
    });
    expect(result.folds).toHaveLength(3);
    expect(result.scores).toEqual(result.folds.map((f) => f.testScore));
    expect(result.mean).toBeCloseTo(meanStd(result.scores).mean, 12);
    expect(result.std).toBeCloseTo(meanStd(result.scores).std, 12);
    expect(result.mean).toBeGreaterThan(0.6);
    for (const [i, study] of result.studies.entries()) {
      expect(await study.trials()).toHaveLength(4);
      const evaluations = await testEvaluations(study);
      expect(evaluations).toHaveLength(1);
      expect(evaluations[0]).toMatchObject({
        forced: false,
        status: 'complete',
        score: result.folds[i]!.testScore,
      });
      expect(result.folds[i]!.bestParams).toEqual((await study.bestTrial()).params);
    }
  });

  it('is reproducible from its seed', async () => {
    const run = () =>
      nestedCrossValidation({
        data: wine,
        direction: 'maximize',
        outer: { k: 3 },
        nTrials: 3,
        seed: 2,
        score: (trial, { train, val }) => knnAccuracy(train, val, trial.suggestInt('k', 1, 25)),
        test: (params, { train, test }) => knnAccuracy(train, test, params.k as number),
      });
    const [a, b] = [await run(), await run()];
    expect(a.scores).toEqual(b.scores);
    expect(a.folds.map((f) => f.bestParams)).toEqual(b.folds.map((f) => f.bestParams));
  });
});

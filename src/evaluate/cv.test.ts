import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import type { Pruner } from '../study/pruner.js';
import { CV_ATTRS, crossValidatedObjective, makeFolds, meanStd } from './cv.js';
import { loadDataset } from '../data/registry.js';
import { kFold } from '../data/split.js';
import { knnAccuracy } from './testing/knn.js';

const iris = loadDataset('iris');

describe('crossValidatedObjective', () => {
  it("a trial's value is the mean of its fold scores, which are stored on the trial", async () => {
    const study = await createStudy({ direction: 'maximize', seed: 1 });
    const seen: Array<{ trial: number; fold: number; trainRows: number[]; valRows: number[] }> = [];
    const objective = crossValidatedObjective({
      data: iris,
      folds: { k: 5, seed: 2 },
      score: (trial, { train, val, fold }) => {
        seen.push({
          trial: trial.number,
          fold: fold.fold,
          trainRows: [...train.rows!],
          valRows: [...val.rows!],
        });
        return knnAccuracy(train, val, trial.suggestInt('k', 1, 15));
      },
    });
    await study.optimize(objective, { nTrials: 3 });
    for (const t of await study.trials()) {
      const scores = t.userAttrs[CV_ATTRS.scores] as number[];
      expect(scores).toHaveLength(5);
      expect(t.values![0]).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / 5, 12);
      expect(t.userAttrs[CV_ATTRS.std]).toBeCloseTo(meanStd(scores).std, 12);
    }
    // Every trial sees the same folds; in each, validation rows never reach training.
    const folds = makeFolds(iris, { k: 5, seed: 2 });
    for (const s of seen) {
      expect(s.valRows).toEqual([...folds[s.fold]!.holdout]);
      expect(s.trainRows.some((r) => s.valRows.includes(r))).toBe(false);
    }
    expect(seen).toHaveLength(15);
  });

  it('stratifies by default when the data has classes, and takes explicit folds', async () => {
    for (const f of makeFolds(iris, { k: 5 }))
      expect(Array.from(f.holdout).filter((i) => iris.y[i] === 2)).toHaveLength(10);
    expect(makeFolds(iris, { k: 3, repeats: 2 })).toHaveLength(6);
    const study = await createStudy({ direction: 'maximize' });
    const folds = kFold(iris.n, { k: 3, seed: 9 });
    const sizes: number[] = [];
    await study.optimize(
      crossValidatedObjective({ data: iris, folds, score: (_t, { val }) => (sizes.push(val.n), 1) }),
      { nTrials: 1 },
    );
    expect(sizes).toEqual(folds.map((f) => f.holdout.length));
  });

  it('with reportFolds, a pruner can stop a trial between folds; the scores so far stay stored', async () => {
    const afterTwo: Pruner = { prune: (_ctx, t) => Object.keys(t.intermediateValues).length >= 2 };
    const study = await createStudy({ direction: 'maximize', pruner: afterTwo });
    let folds = 0;
    await study.optimize(
      crossValidatedObjective({
        data: iris,
        folds: { k: 5 },
        reportFolds: true,
        score: () => (folds++, 0.5 + folds / 100),
      }),
      { nTrials: 1 },
    );
    const [trial] = await study.trials();
    expect(trial!.state).toBe('pruned');
    expect(folds).toBe(2);
    expect(trial!.userAttrs[CV_ATTRS.scores]).toEqual([0.51, 0.52]);
    expect(trial!.intermediateValues).toEqual({ 1: 0.51, 2: 0.515 });
  });

  it('fails a trial whose fold score is not a finite number', async () => {
    const study = await createStudy();
    await study.optimize(crossValidatedObjective({ data: iris, score: () => NaN }), { nTrials: 1 });
    const [trial] = await study.trials();
    expect(trial!.state).toBe('fail');
    expect(trial!.failReason).toMatch(/fold 0 \(repeat 0\) scored NaN/);
  });
});

import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { mlp } from '../nn/index.js';
import type { Pruner } from '../study/pruner.js';
import { CV_ATTRS } from './cv.js';
import { concatDatasets } from '../data/dataset.js';
import { loadDataset } from '../data/registry.js';
import { trainValTestSplit } from '../data/split.js';
import { evaluateOnTest, testEvaluations } from './test-set.js';
import {
  TRAINER_ATTRS,
  evaluateParams,
  fixedParams,
  trainerObjective,
  type TrainerSpace,
} from './trainer-objective.js';

const iris = loadDataset('iris');
const { train, val, test } = trainValTestSplit(iris, {
  valFraction: 0.2,
  testFraction: 0.2,
  stratify: true,
  seed: 1,
});

const space: TrainerSpace = (trial) => ({
  model: mlp({ inputs: 4, outputs: 3, hidden: [trial.suggestInt('units', 4, 16)] }),
  fit: {
    epochs: 12,
    batchSize: 'full',
    loss: 'softmax_cross_entropy',
    optimizer: { kind: 'adam', lr: trial.suggestFloat('lr', 1e-3, 0.1, { log: true }) },
  },
  preprocess: [{ kind: 'standardize' }],
});

describe('trainerObjective', () => {
  it('reports the monitored validation value every epoch and stores the final validation metrics', async () => {
    const study = await createStudy({ direction: 'maximize', seed: 4 });
    await study.optimize(trainerObjective({ space, data: { train, val }, monitor: 'val_accuracy' }), {
      nTrials: 3,
    });
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual(['complete', 'complete', 'complete']);
    for (const t of trials) {
      expect(Object.keys(t.intermediateValues).map(Number)).toEqual(
        Array.from({ length: 12 }, (_, i) => i + 1),
      );
      const metrics = t.userAttrs[TRAINER_ATTRS.metrics] as Record<string, number>;
      expect(Object.keys(metrics).sort()).toEqual(['accuracy', 'loss']);
      expect(t.values![0]).toBe(metrics.accuracy);
      expect(t.intermediateValues[12]).toBeCloseTo(metrics.accuracy!, 12);
      expect(t.userAttrs[TRAINER_ATTRS.epochs]).toBe(12);
    }
    expect(await study.bestValue()).toBeGreaterThan(0.8);
  });

  it('lets a pruner stop training between epochs', async () => {
    const atThree: Pruner = { prune: (_ctx, t) => Object.keys(t.intermediateValues).length >= 3 };
    const study = await createStudy({ direction: 'minimize', pruner: atThree });
    await study.optimize(trainerObjective({ space, data: { train, val } }), { nTrials: 1 });
    const [trial] = await study.trials();
    expect(trial!.state).toBe('pruned');
    expect(Object.keys(trial!.intermediateValues)).toEqual(['1', '2', '3']);
  });

  it('cross-validates: mean over folds, metrics per fold, a report after each fold', async () => {
    const study = await createStudy({ direction: 'maximize', seed: 2 });
    const trainVal = concatDatasets(train, val);
    await study.optimize(
      trainerObjective({ space, data: { cv: trainVal, folds: { k: 3 } }, monitor: 'val_accuracy' }),
      { nTrials: 2 },
    );
    for (const t of await study.trials()) {
      const perFold = t.userAttrs[TRAINER_ATTRS.foldMetrics] as Array<Record<string, number>>;
      const scores = t.userAttrs[CV_ATTRS.scores] as number[];
      expect(perFold).toHaveLength(3);
      expect(scores).toEqual(perFold.map((m) => m.accuracy));
      expect(t.values![0]).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / 3, 12);
      expect(Object.keys(t.intermediateValues)).toEqual(['1', '2', '3']);
      expect(t.userAttrs[TRAINER_ATTRS.foldEpochs]).toEqual([12, 12, 12]);
      expect(t.userAttrs[TRAINER_ATTRS.epochs]).toBe(12);
    }
  });

  it('tunes a regression model on Float32 targets (diabetes), early stopping counted in epochs_trained', async () => {
    const diabetes = loadDataset('diabetes');
    const parts = trainValTestSplit(diabetes, { valFraction: 0.25, testFraction: 0, seed: 3 });
    const regression: TrainerSpace = (trial) => ({
      preprocess: [{ kind: 'standardize' }],
      model: mlp({ inputs: 10, outputs: 1, hidden: [16] }),
      fit: {
        epochs: 200,
        batchSize: 32,
        loss: 'mse',
        optimizer: { kind: 'adam', lr: trial.suggestFloat('lr', 0.01, 0.05, { log: true }) },
        earlyStopping: { monitor: 'val_loss', patience: 5, restoreBestWeights: true },
      },
    });
    const study = await createStudy({ direction: 'maximize', seed: 1 });
    await study.optimize(
      trainerObjective({
        space: regression,
        data: { train: parts.train, val: parts.val },
        monitor: 'val_r2',
      }),
      {
        nTrials: 2,
      },
    );
    for (const t of await study.trials()) {
      expect(t.state).toBe('complete');
      const metrics = t.userAttrs[TRAINER_ATTRS.metrics] as Record<string, number>;
      expect(t.values![0]).toBe(metrics.r2);
      expect(metrics.r2).toBeGreaterThan(0.2);
      const epochs = t.userAttrs[TRAINER_ATTRS.epochs] as number;
      expect(epochs).toBeLessThan(Object.keys(t.intermediateValues).length);
    }
  });

  it('fits the preprocessing on training rows: PCA sets the input width', async () => {
    const pcaSpace: TrainerSpace = (trial) => ({
      ...space(trial),
      model: mlp({ inputs: 2, outputs: 3, hidden: [8] }),
      preprocess: [{ kind: 'standardize' }, { kind: 'pca', components: 2 }],
    });
    const study = await createStudy({ direction: 'minimize' });
    await study.optimize(trainerObjective({ space: pcaSpace, data: { train, val } }), { nTrials: 1 });
    expect((await study.trials())[0]!.state).toBe('complete');
  });

  it('refuses an unknown monitor, naming the field and the valid names', () => {
    expect(() => trainerObjective({ space, data: { train, val }, monitor: 'accuracy' as never })).toThrow(
      /^monitor: expected one of val_loss, val_accuracy, .*val_r2, got "accuracy"$/,
    );
  });
});

describe('evaluateParams and the whole protocol', () => {
  it('refitting with a trial’s params on the same rows reproduces its validation metrics', async () => {
    const study = await createStudy({ direction: 'minimize', seed: 8 });
    await study.optimize(trainerObjective({ space, data: { train, val }, monitor: 'val_loss' }), {
      nTrials: 1,
    });
    const best = await study.bestTrial();
    const again = await evaluateParams({ space, params: best.params, train, test: val });
    expect(again.metrics).toEqual(best.userAttrs[TRAINER_ATTRS.metrics]);
  });

  it('tune on train/val, then score the test rows once through evaluateOnTest', async () => {
    const study = await createStudy({ direction: 'maximize', seed: 6 });
    await study.optimize(trainerObjective({ space, data: { train, val }, monitor: 'val_accuracy' }), {
      nTrials: 3,
    });
    const final = (trial: { params: Record<string, unknown>; userAttrs: Record<string, unknown> }) =>
      evaluateParams({
        space,
        params: trial.params as never,
        train: concatDatasets(train, val),
        test,
        epochs: trial.userAttrs[TRAINER_ATTRS.epochs] as number,
        monitor: 'val_accuracy',
      }).then((r) => r.metrics);
    const { score } = await evaluateOnTest(study, final);
    expect(score.accuracy).toBeGreaterThan(0.8);
    await expect(evaluateOnTest(study, final)).rejects.toMatchObject({ code: 'test_set_already_used' });
    expect(await testEvaluations(study)).toHaveLength(1);
  });

  it('fixedParams answers from params and checks them against the space', () => {
    const source = fixedParams({ lr: 0.01, units: 8 });
    expect(space(source).fit.optimizer).toMatchObject({ lr: 0.01 });
    expect(() => space(fixedParams({ lr: 0.01 }))).toThrow(/asks for "units"/);
    expect(() => space(fixedParams({ lr: 5, units: 8 }))).toThrow(/"lr" = 5 is not in/);
  });
});

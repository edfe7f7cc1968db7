import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { loadDataset } from '../data/registry.js';
import { lastStep } from '../pruners/common.js';
import { pruningCallback } from '../pruners/report-epochs.js';
import type { Pruner } from '../study/pruner.js';
import { suggestTfjsKnobs, tfjsMlp, tfjsPruning } from './index.js';

const digits = loadDataset('digits');
const n = 600;
let x: tf.Tensor2D;
let y: tf.Tensor1D;

/** Prunes every trial once it has reported `steps` epochs. */
const after = (steps: number): Pruner => ({ prune: (_ctx, t) => (lastStep(t) ?? 0) >= steps });

const small = (units = 16) =>
  tfjsMlp(
    tf,
    { optimizer: 'adam', learningRate: 0.01, units: [units], dropout: 0, l2: 0, batchSize: 64 },
    { inputs: 64, classes: 10 },
  );

beforeAll(async () => {
  setWasmPaths(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url).pathname);
  await tf.setBackend('cpu');
  x = tf.tensor2d(
    digits.x.slice(0, n * 64).map((v) => v / 16),
    [n, 64],
  );
  y = tf.tensor1d(Array.from(digits.y.slice(0, n)), 'float32');
});
afterAll(() => {
  x.dispose();
  y.dispose();
});

describe("tunekit's pruningCallback as tfjs' onEpochEnd", () => {
  it('reads tfjs log names (val_loss, val_acc): trials complete or are pruned instead of failing', async () => {
    for (const monitor of ['val_loss', 'val_accuracy'] as const) {
      const study = await createStudy({ pruner: after(2), seed: 1 });
      await study.optimize(
        async (trial) => {
          const model = small();
          await model.fit(x, y, {
            epochs: 3,
            validationSplit: 0.25,
            verbose: 0,
            callbacks: { onEpochEnd: pruningCallback(trial, { monitor }) },
          });
          return 0;
        },
        { nTrials: 1 },
      );
      const [trial] = await study.trials();
      expect({ monitor, state: trial!.state, failReason: trial!.failReason }).toEqual({
        monitor,
        state: 'pruned',
        failReason: null,
      });
      expect(Object.keys(trial!.intermediateValues)).toEqual(['1', '2']);
    }
  });
});

describe('tfjsPruning', () => {
  for (const backend of ['cpu', 'wasm'] as const)
    it(`on the ${backend} back end: reports each epoch, sets stopTraining, and the trial ends pruned`, async () => {
      await tf.setBackend(backend);
      try {
        expect(tf.getBackend()).toBe(backend);
        const study = await createStudy({ direction: 'maximize', pruner: after(3), seed: 1 });
        const epochsRun: number[] = [];
        await study.optimize(
          async (trial) => {
            const model = small();
            const pruning = tfjsPruning(trial, model, { monitor: 'val_acc' });
            const history = await model.fit(x, y, {
              epochs: 10,
              validationSplit: 0.25,
              verbose: 0,
              callbacks: pruning,
            });
            epochsRun.push(history.epoch.length);
            pruning.throwIfPruned();
            return history.history.val_acc!.at(-1) as number;
          },
          { nTrials: 1, catch: false },
        );
        const [trial] = await study.trials();
        expect(epochsRun).toEqual([3]);
        expect(trial!.state).toBe('pruned');
        expect(Object.keys(trial!.intermediateValues).map(Number)).toEqual([1, 2, 3]);
        for (const v of Object.values(trial!.intermediateValues)) expect(v).toBeGreaterThan(0.1);
      } finally {
        await tf.setBackend('cpu');
      }
    });

  it('works with fitDataset, and lets a trial the pruner keeps run to the end', async () => {
    const study = await createStudy({ seed: 2 });
    await study.optimize(
      async (trial) => {
        const model = small(8);
        const pruning = tfjsPruning(trial, model, { monitor: 'loss' });
        const data = tf.data
          .zip({ xs: tf.data.array(x.unstack()), ys: tf.data.array(y.unstack()) })
          .batch(100);
        await model.fitDataset(data, { epochs: 4, verbose: 0, callbacks: pruning });
        pruning.throwIfPruned();
        return Object.values(trial.intermediateValues).at(-1) ?? 0;
      },
      { nTrials: 1, catch: false },
    );
    const [trial] = await study.trials();
    expect(trial!.state).toBe('complete');
    const losses = Object.values(trial!.intermediateValues);
    expect(losses).toHaveLength(4);
    expect(losses[3]!).toBeLessThan(losses[0]!);
  });

  it('names the missing log and the ones present', async () => {
    const study = await createStudy({ seed: 3 });
    const run = study.optimize(
      async (trial) => {
        const model = small(8);
        await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: tfjsPruning(trial, model) });
        return 0;
      },
      { nTrials: 1, catch: false },
    );
    await expect(run).rejects.toThrow(
      /monitor "val_loss" is not in the epoch logs \(they hold loss, acc\); give fit validationData or validationSplit/,
    );
  });
});

describe('suggestTfjsKnobs and tfjsMlp', () => {
  it('suggests every knob under its name, keeps fixed knobs out of the space, and builds that model', async () => {
    const study = await createStudy({ seed: 4 });
    const trial = await study.ask();
    const knobs = suggestTfjsKnobs(trial, { layers: 2, units: [8, 32], optimizers: ['sgd'], l2: 0 });
    expect(Object.keys(trial.params).sort()).toEqual([
      'batch_size',
      'dropout',
      'learning_rate',
      'units_0',
      'units_1',
    ]);
    expect(knobs).toMatchObject({
      optimizer: 'sgd',
      l2: 0,
      units: [trial.params.units_0, trial.params.units_1],
    });
    const model = tfjsMlp(tf, knobs, { inputs: 64, classes: 10 });
    const dense = model.layers.filter((l) => l.getClassName() === 'Dense').map((l) => l.getConfig().units);
    expect(dense).toEqual([...knobs.units, 10]);
    expect(model.optimizer.getClassName()).toBe('SGD');
  });

  it('refuses a bad knob, naming it', async () => {
    const trial = await (await createStudy({ seed: 5 })).ask();
    expect(() => suggestTfjsKnobs(trial, { learningRate: [0.1, 0.01] })).toThrow(
      /^learning_rate: expected a number >= 0 or a range/,
    );
    expect(() => suggestTfjsKnobs(trial, { optimizers: ['lbfgs' as never] })).toThrow(
      /^optimizers: expected names from sgd, /,
    );
    expect(() => suggestTfjsKnobs(trial, { dropout: 1 })).toThrow(/^dropout: must be below 1/);
  });
});

// The trainer problem of bench/samplers.ts: tune tunekit's own MLP (src/nn) on the digits data for a few
// epochs; the value is the validation error (its regret is measured from 0). It needs tunekit's trainer,
// so the Optuna side does not run it.
import { fitStandardize, transform } from '../src/data/preprocess.js';
import { loadDataset } from '../src/data/registry.js';
import { trainValTestSplit } from '../src/data/split.js';
import { buildModel, fit, mlp } from '../src/nn/index.js';
import type { Problem } from './sampler-problems.js';

const EPOCHS = 3;

export async function trainerProblem(): Promise<Problem | null> {
  try {
    const parts = trainValTestSplit(loadDataset('digits'), {
      valFraction: 0.25,
      testFraction: 0,
      stratify: true,
      seed: 0,
    });
    const scale = fitStandardize(parts.train);
    const train = transform(scale, parts.train);
    const val = transform(scale, parts.val);
    return {
      name: 'digits_mlp',
      dims: 5,
      objective: async (trial, seed) => {
        const lr = trial.suggestFloat('lr', 1e-4, 1, { log: true });
        const optimizer = trial.suggestCategorical('optimizer', ['sgd', 'adam']);
        const units = trial.suggestInt('units', 4, 128, { log: true });
        const layers = trial.suggestInt('layers', 1, 3);
        const batchSize = trial.suggestCategorical('batch_size', [16, 32, 64, 128]);
        const model = buildModel(
          mlp({ inputs: train.features, outputs: 10, hidden: new Array(layers).fill(units) }),
          { seed: seed * 10_000 + trial.number },
        );
        const history = await fit(model, train, {
          epochs: EPOCHS,
          loss: 'softmax_cross_entropy',
          optimizer: { kind: optimizer, lr },
          batchSize,
          seed: seed * 10_000 + trial.number,
          validation: val,
          metrics: ['accuracy'],
        });
        const accuracy = history.epochs[history.epochs.length - 1]!.val.accuracy ?? 0;
        return 1 - (Number.isFinite(accuracy) ? accuracy : 0);
      },
      // Training is the measurement: the stored value is the validation error itself.
      trueValue: () => NaN,
      optimum: 0,
    };
  } catch (error) {
    console.log(`trainer problem skipped: ${(error as Error).message}`);
    return null;
  }
}

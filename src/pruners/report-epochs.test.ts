import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { TrialPruned } from '../errors.js';
import { buildModel, fit, mlp } from '../nn/index.js';
import type { Dataset } from '../nn/index.js';
import { Rng } from '../random.js';
import type { Pruner } from '../study/pruner.js';
import { lastStep } from './common.js';
import { MedianPruner } from './percentile.js';
import { pruningCallback } from './report-epochs.js';

/** Two Gaussian blobs in 4 dimensions: easy enough that a few epochs separate good from bad settings. */
function blobs(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = rng.normal() + (y[i] ? 1.5 : -1.5);
  }
  return { x, y, n };
}

const train = blobs(200, 1);
const validation = blobs(100, 2);

describe('pruningCallback with the trainer', () => {
  it('stops training at the epoch the pruner says so; the trial is pruned with that epoch’s value', async () => {
    // Prunes once a trial has trained 3 epochs: the trainer must not run a fourth.
    const atThree: Pruner = { prune: (_ctx, t) => (lastStep(t) ?? 0) >= 3 };
    const study = await createStudy({ pruner: atThree, seed: 1 });
    let epochsRun = 0;
    await study.optimize(
      async (trial) => {
        const model = buildModel(mlp({ inputs: 4, outputs: 2, hidden: [8] }), { seed: 1 });
        const callback = pruningCallback(trial);
        await fit(model, train, {
          epochs: 20,
          loss: 'softmax_cross_entropy',
          optimizer: { kind: 'adam', lr: trial.suggestFloat('lr', 1e-3, 1e-2, { log: true }) },
          validation,
          onEpochEnd: async (epoch, logs) => {
            epochsRun++;
            await callback(epoch, logs);
          },
        });
        return 0;
      },
      { nTrials: 1, catch: false },
    );
    const [trial] = await study.trials();
    expect(epochsRun).toBe(3);
    expect(trial!.state).toBe('pruned');
    expect(Object.keys(trial!.intermediateValues).map(Number)).toEqual([1, 2, 3]);
    expect(trial!.values).toEqual([trial!.intermediateValues[3]]);
  });

  it('with a median pruner and val_accuracy, stops hopeless learning rates within two epochs', async () => {
    const study = await createStudy({
      direction: 'maximize',
      pruner: new MedianPruner({ nStartupTrials: 2, nWarmupSteps: 1 }),
      seed: 3,
    });
    const epochs: Record<number, number> = {};
    // Alternate a learning rate that learns with one that barely moves the weights.
    const lrs = [3e-2, 3e-2, 1e-6, 3e-2, 1e-6, 1e-6, 3e-2, 1e-6];
    await study.optimize(
      async (trial) => {
        const model = buildModel(mlp({ inputs: 4, outputs: 2, hidden: [8] }), { seed: trial.number });
        const callback = pruningCallback(trial, { monitor: 'val_accuracy' });
        const history = await fit(model, train, {
          epochs: 8,
          loss: 'softmax_cross_entropy',
          optimizer: { kind: 'sgd', lr: lrs[trial.number]! },
          validation,
          metrics: ['accuracy'],
          onEpochEnd: async (epoch, logs) => {
            epochs[trial.number] = epoch + 1;
            await callback(epoch, logs);
          },
        });
        return history.epochs.at(-1)!.val.accuracy!;
      },
      { nTrials: lrs.length, catch: false },
    );
    const trials = await study.trials();
    for (const t of trials) {
      // Hopeless trials stop within two of their eight epochs; none trains past the epoch it was pruned at.
      if (lrs[t.number] === 1e-6) expect(t.state === 'pruned' && epochs[t.number]! <= 2).toBe(true);
      if (t.state === 'pruned') expect(epochs[t.number]).toBe(lastStep(t));
    }
    expect(trials.slice(0, 2).map((t) => t.state)).toEqual(['complete', 'complete']);
  });

  it('names the missing monitor, and throws TrialPruned (what the study records as pruned)', async () => {
    const trial = { number: 0, report: async () => {}, shouldPrune: async () => true };
    await expect(
      pruningCallback(trial, { monitor: 'val_f1' })(0, { loss: 1, val: {} }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(pruningCallback(trial)(0, { loss: 1 })).rejects.toMatchObject({ code: 'invalid_argument' });
    // A name the trainer never logs is refused when the callback is made, with the valid names.
    expect(() => pruningCallback(trial, { monitor: 'val_acc' as never })).toThrow(
      /^monitor: expected one of loss, val_loss, val_accuracy, .*, got "val_acc"$/,
    );
    await expect(pruningCallback(trial, { monitor: 'loss' })(4, { loss: 1 })).rejects.toBeInstanceOf(
      TrialPruned,
    );
  });
});

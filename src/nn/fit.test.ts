import { describe, expect, it } from 'vitest';
import { fit, resolveBatchSize, type Dataset } from './fit.js';
import { wasmAvailable } from './kernels-wasm.js';
import { buildModel, cnn, mlp } from './model.js';
import type { OptimizerConfig } from './optimizers.js';
import { saveParams } from './params-io.js';
import { Rng } from '../random.js';
import { loadDigits, splitDigits } from './testing/digits.js';

const digits = splitDigits(loadDigits(), 0.25, 1);

/** y = 2·x0 − x1 + noise: a tiny regression set. */
function regression(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = rng.normal();
    x[2 * i + 1] = rng.normal();
    y[i] = 2 * x[2 * i] - x[2 * i + 1] + 0.01 * rng.normal();
  }
  return { x, y, n };
}

describe('fit on the bundled digits', () => {
  for (const kernels of wasmAvailable() ? (['wasm', 'ts'] as const) : (['ts'] as const))
    it(`reaches >= 0.97 test accuracy with a fixed seed (${kernels} kernels)`, async () => {
      const model = buildModel(mlp({ inputs: 64, hidden: [128, 64], outputs: 10 }), { seed: 1, kernels });
      const started = performance.now();
      const history = await fit(model, digits.train, {
        epochs: 30,
        batchSize: 32,
        loss: 'softmax_cross_entropy',
        optimizer: { kind: 'adam', lr: 1e-3 },
        validation: digits.test,
        metrics: ['accuracy', 'f1', 'log_loss'],
        seed: 1,
      });
      const last = history.epochs.at(-1)!;
      expect(last.val.accuracy).toBeGreaterThanOrEqual(0.97);
      expect(last.val.f1).toBeGreaterThan(0.96);
      expect(last.valLoss).toBeCloseTo(last.val.log_loss!, 4);
      expect(performance.now() - started).toBeLessThan(20_000);
    });

  it.runIf(wasmAvailable())('TS and WASM training agree within tolerance (not bit for bit)', async () => {
    const run = async (kernels: 'ts' | 'wasm', optimizer: OptimizerConfig) => {
      const model = buildModel(mlp({ inputs: 64, hidden: [32], outputs: 10 }), { seed: 4, kernels });
      const h = await fit(model, digits.train, {
        epochs: 2,
        loss: 'softmax_cross_entropy',
        optimizer,
        seed: 4,
      });
      const w = model.params()[0].param;
      return { loss: h.epochs.map((e) => e.loss), w: model.kernels.heap().slice(w.value, w.value + w.size) };
    };
    const diff = (a: Float32Array, b: Float32Array) => {
      let worst = 0;
      let mean = 0;
      for (let i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
        mean += Math.abs(a[i] - b[i]) / a.length;
      }
      return { worst, mean };
    };
    const sgd = { kind: 'sgd', lr: 0.05 } as const;
    const [s1, s2] = [await run('ts', sgd), await run('wasm', sgd)];
    expect(diff(s1.w, s2.w).worst).toBeLessThan(1e-6);
    s1.loss.forEach((l, i) => expect(Math.abs(l - s2.loss[i]) / l).toBeLessThan(1e-6));
    // Adam divides by √v, so a weight whose gradient is rounding noise steps ±lr either way: the typical
    // difference stays tiny, the worst is a few learning rates.
    const adam = { kind: 'adam', lr: 1e-3 } as const;
    const [a1, a2] = [await run('ts', adam), await run('wasm', adam)];
    const d = diff(a1.w, a2.w);
    expect(d.mean).toBeLessThan(1e-4);
    expect(d.worst).toBeLessThan(5e-3);
    a1.loss.forEach((l, i) => expect(Math.abs(l - a2.loss[i]) / l).toBeLessThan(1e-3));
  });

  it('a small CNN with batch norm learns the 8x8 images too', async () => {
    const config = cnn({
      inputShape: [8, 8, 1],
      outputs: 10,
      conv: [
        { filters: 8, kernelSize: 3, padding: 'same' },
        { filters: 16, kernelSize: 3, padding: 'same' },
      ],
      batchNorm: true,
      dense: [32],
    });
    const model = buildModel(config, { seed: 2 });
    const history = await fit(model, digits.train, {
      epochs: 16,
      batchSize: 32,
      loss: 'softmax_cross_entropy',
      optimizer: { kind: 'adamw', lr: 3e-3 },
      validation: digits.test,
      metrics: ['accuracy'],
      seed: 2,
    });
    expect(history.epochs.at(-1)!.val.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  for (const kernels of wasmAvailable() ? (['wasm', 'ts'] as const) : (['ts'] as const))
    it(`is bit-identical for the same seed (weights and metrics), and differs for another seed (${kernels})`, async () => {
      const run = async (seed: number) => {
        const model = buildModel(mlp({ inputs: 64, hidden: [32], outputs: 10, dropout: 0.2 }), {
          seed,
          kernels,
        });
        const h = await fit(model, digits.train, {
          epochs: 3,
          loss: 'softmax_cross_entropy',
          optimizer: { kind: 'adam', lr: 1e-3 },
          validation: digits.test,
          metrics: ['accuracy'],
          seed,
        });
        return {
          params: JSON.stringify(saveParams(model)),
          logs: h.epochs.map((e) => [e.loss, e.valLoss, e.val.accuracy]),
        };
      };
      const a = await run(5);
      const b = await run(5);
      expect(b.params).toBe(a.params);
      expect(b.logs).toEqual(a.logs);
      expect((await run(6)).params).not.toBe(a.params);
    });
});

describe('fit options', () => {
  it('fits a regression with MSE and reports R²', async () => {
    const train = regression(200, 1);
    const model = buildModel({ inputShape: [2], layers: [{ kind: 'dense', units: 1 }] }, { seed: 0 });
    const h = await fit(model, train, {
      epochs: 60,
      batchSize: 'auto',
      loss: 'mse',
      optimizer: { kind: 'sgd', lr: 0.1 },
      validation: regression(50, 2),
      metrics: ['mse', 'mae', 'r2'],
    });
    expect(h.epochs.at(-1)!.val.r2).toBeGreaterThan(0.99);
  });

  it('awaits the per-epoch callback and stops when it throws (pruning)', async () => {
    const model = buildModel(mlp({ inputs: 64, hidden: [16], outputs: 10 }), { seed: 0 });
    const seen: number[] = [];
    const pruned = Object.assign(new Error('pruned'), { code: 'trial_pruned' });
    await expect(
      fit(model, digits.train, {
        epochs: 10,
        loss: 'softmax_cross_entropy',
        optimizer: { kind: 'adam', lr: 1e-3 },
        validation: digits.test,
        metrics: ['accuracy'],
        onEpochEnd: async (epoch, logs) => {
          await new Promise((r) => setTimeout(r, 1));
          expect(logs.val.accuracy).toBeGreaterThan(0);
          seen.push(epoch);
          if (epoch === 2) throw pruned;
        },
      }),
    ).rejects.toBe(pruned);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('stops early on a plateau and restores the best weights', async () => {
    const model = buildModel(mlp({ inputs: 64, hidden: [32], outputs: 10 }), { seed: 0 });
    // A learning rate far too large makes validation loss blow up after the first epochs.
    const h = await fit(model, digits.train, {
      epochs: 50,
      loss: 'softmax_cross_entropy',
      optimizer: { kind: 'sgd', lr: 3 },
      validation: digits.test,
      earlyStopping: { monitor: 'val_loss', patience: 2, restoreBestWeights: true },
    });
    expect(h.stoppedEarly).toBe(true);
    expect(h.epochs.length).toBe(h.bestEpoch! + 3);
    const { evaluate } = await import('./fit.js');
    const again = evaluate(model, digits.test, 'softmax_cross_entropy', []);
    expect(again.valLoss).toBeCloseTo(h.epochs[h.bestEpoch!].valLoss!, 5);
  });

  it('stops when the training loss diverges', async () => {
    const model = buildModel({ inputShape: [2], layers: [{ kind: 'dense', units: 1 }] }, { seed: 0 });
    const h = await fit(model, regression(64, 1), {
      epochs: 50,
      loss: 'mse',
      optimizer: { kind: 'sgd', lr: 1e6 },
    });
    expect(h.diverged).toBe(true);
    expect(h.epochs.length).toBeLessThan(50);
    expect(Number.isFinite(h.epochs.at(-1)!.loss)).toBe(false);
  });

  it('monitors a maximised metric with min delta', async () => {
    const model = buildModel(mlp({ inputs: 64, hidden: [32], outputs: 10 }), { seed: 0 });
    const h = await fit(model, digits.train, {
      epochs: 40,
      loss: 'softmax_cross_entropy',
      optimizer: { kind: 'adam', lr: 1e-3 },
      validation: digits.test,
      metrics: ['accuracy'],
      earlyStopping: { monitor: 'val_accuracy', patience: 1, minDelta: 0.05 },
    });
    expect(h.stoppedEarly).toBe(true);
    expect(h.epochs.length).toBeLessThan(40);
  });

  it('applies penalties, clipping, schedules and every optimizer without diverging', async () => {
    const train = regression(64, 3);
    for (const optimizer of [
      { kind: 'momentum', lr: 0.05, biasCorrection: true },
      { kind: 'heavy_ball', lr: 0.02 },
      { kind: 'nesterov', lr: 0.02 },
      { kind: 'rmsprop', lr: 0.01, momentum: 0.5 },
      { kind: 'adamw', lr: 0.05 },
      { kind: 'adagrad', lr: 0.5 },
    ] as const) {
      const model = buildModel(
        {
          inputShape: [2],
          layers: [
            { kind: 'dense', units: 8, activation: 'tanh' },
            { kind: 'dense', units: 1 },
          ],
        },
        { seed: 1 },
      );
      const h = await fit(model, train, {
        epochs: 40,
        batchSize: 16,
        loss: 'huber',
        optimizer,
        schedule: { kind: 'cosine', tMax: 40 },
        penalty: { l1: 1e-4, l2: 1e-4 },
        clipNorm: 1,
        clipValue: 0.5,
      });
      expect(h.epochs.at(-1)!.loss, optimizer.kind).toBeLessThan(h.epochs[0].loss);
      expect(h.epochs.at(-1)!.lr).toBeCloseTo(0.5 * (1 + Math.cos((Math.PI * 39) / 40)) * optimizer.lr, 9);
    }
  });

  it('reduce-on-plateau watches the monitored value', async () => {
    const model = buildModel(mlp({ inputs: 64, hidden: [8], outputs: 10 }), { seed: 0 });
    const h = await fit(model, digits.train, {
      epochs: 6,
      loss: 'softmax_cross_entropy',
      optimizer: { kind: 'sgd', lr: 5 },
      validation: digits.test,
      schedule: { kind: 'reduce_on_plateau', patience: 0, factor: 0.5 },
    });
    expect(h.epochs.at(-1)!.lr).toBeLessThan(5);
  });

  it('resolves batch sizes', () => {
    expect(resolveBatchSize('full', 500)).toBe(500);
    expect(resolveBatchSize('auto', 1999)).toBe(1999);
    expect(resolveBatchSize('auto', 60000)).toBe(32);
    expect(resolveBatchSize(64, 10)).toBe(10);
    expect(resolveBatchSize(undefined, 100)).toBe(32);
    expect(() => resolveBatchSize(0, 10)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it('rejects mismatched data with a coded error naming the field', async () => {
    const model = buildModel(mlp({ inputs: 64, hidden: [4], outputs: 10 }), { seed: 0 });
    const bad = { x: new Float32Array(63), y: new Int32Array(1), n: 1 };
    await expect(
      fit(model, bad, { epochs: 1, loss: 'softmax_cross_entropy', optimizer: { kind: 'sgd', lr: 0.1 } }),
    ).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('data.x') });
    const badLabel = { x: new Float32Array(64), y: Int32Array.from([10]), n: 1 };
    await expect(
      fit(model, badLabel, { epochs: 1, loss: 'softmax_cross_entropy', optimizer: { kind: 'sgd', lr: 0.1 } }),
    ).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('data.y[0]') });
    await expect(
      fit(model, digits.train, {
        epochs: 1,
        loss: 'softmax_cross_entropy',
        optimizer: { kind: 'sgd', lr: 0.1 },
        earlyStopping: { monitor: 'val_loss' },
      }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('refuses an early-stopping monitor this run cannot produce before the first epoch', async () => {
    const model = buildModel(mlp({ inputs: 64, hidden: [4], outputs: 10 }), { seed: 0 });
    let epochs = 0;
    const run = (monitor: string) =>
      fit(model, digits.train, {
        epochs: 3,
        loss: 'softmax_cross_entropy',
        optimizer: { kind: 'sgd', lr: 0.1 },
        validation: digits.test,
        metrics: ['accuracy'],
        earlyStopping: { monitor: monitor as 'val_loss' },
        onEpochEnd: () => void epochs++,
      });
    await expect(run('val_f1')).rejects.toMatchObject({
      code: 'invalid_argument',
      message: 'earlyStopping.monitor: expected one of loss, val_loss, val_accuracy, got "val_f1"',
      details: { field: 'earlyStopping.monitor' },
    });
    await expect(run('val_acc')).rejects.toMatchObject({ details: { field: 'earlyStopping.monitor' } });
    expect(epochs).toBe(0);
    await expect(
      fit(model, digits.train, {
        epochs: 1,
        loss: 'softmax_cross_entropy',
        optimizer: { kind: 'sgd', lr: 0.1 },
        batchSize: 0,
      }),
    ).rejects.toMatchObject({ details: { field: 'batchSize' } });
  });
});

import { describe, expect, it } from 'vitest';
import { accuracy, computeMetrics, logLoss, macroPrf, mae, mse, r2 } from './metrics.js';

describe('metrics', () => {
  it('accuracy and macro precision/recall/F1 on a hand-worked example', () => {
    const pred = Int32Array.from([0, 0, 1, 2, 2, 2]);
    const y = [0, 1, 1, 2, 2, 0];
    expect(accuracy(pred, y)).toBeCloseTo(4 / 6);
    // class 0: tp1 fp1 fn1 -> p .5 r .5; class 1: tp1 fp0 fn1 -> p 1 r .5; class 2: tp2 fp1 fn0 -> p 2/3 r 1
    const m = macroPrf(pred, y, 3);
    expect(m.precision).toBeCloseTo((0.5 + 1 + 2 / 3) / 3);
    expect(m.recall).toBeCloseTo((0.5 + 0.5 + 1) / 3);
    expect(m.f1).toBeCloseTo((0.5 + 2 / 3 + 0.8) / 3);
  });

  it('log loss for multi-class and binary probabilities', () => {
    expect(logLoss(Float32Array.from([0.8, 0.2, 0.4, 0.6]), [0, 1], 2, 2)).toBeCloseTo(
      -(Math.log(0.8) + Math.log(0.6)) / 2,
      6,
    );
    expect(logLoss(Float32Array.from([0.9, 0.3]), [1, 0], 2, 1)).toBeCloseTo(
      -(Math.log(0.9) + Math.log(0.7)) / 2,
      6,
    );
  });

  it('regression metrics', () => {
    const p = [1, 2, 3];
    const y = [1, 3, 5];
    expect(mse(p, y)).toBeCloseTo(5 / 3);
    expect(mae(p, y)).toBeCloseTo(1);
    expect(r2(p, y)).toBeCloseTo(1 - 5 / 8);
    expect(r2([1, 1], [2, 2])).toBe(0);
  });

  it('computeMetrics picks classes by argmax, or 0.5 for one output', () => {
    expect(computeMetrics(['accuracy'], Float32Array.from([0.1, 0.9, 0.7, 0.3]), [1, 0], 2, 2).accuracy).toBe(
      1,
    );
    expect(computeMetrics(['accuracy', 'f1'], Float32Array.from([0.6, 0.4]), [1, 1], 2, 1)).toEqual({
      accuracy: 0.5,
      f1: expect.any(Number),
    });
    expect(() => computeMetrics(['auc' as never], new Float32Array(1), [0], 1, 1)).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});

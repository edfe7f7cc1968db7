import { describe, expect, it } from 'vitest';
import { ACTIVATION_IDS } from '../kernels.js';
import { TsKernels } from '../kernels-ts.js';
import { Rng } from '../../random.js';
import { gradCheck } from '../testing/gradcheck.js';
import { Activation, type ActivationName } from './activation.js';
import { BatchNorm } from './batchnorm.js';
import { Conv2D } from './conv2d.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import { Pool2D } from './pool.js';

const activations = [...Object.keys(ACTIVATION_IDS), 'softmax'] as ActivationName[];

function expectPass(r: { worst: number; where: string; checked: number }): void {
  expect(r.checked).toBeGreaterThan(0);
  expect(r.worst, r.where).toBeLessThanOrEqual(1);
}

describe('finite-difference gradients', () => {
  for (const act of activations)
    it(`dense with ${act}`, () =>
      expectPass(gradCheck((k, rng) => new Dense(k, [7], { units: 5, activation: act }, rng), [7], 3)));

  it('fails on a gradient 10% off, kinks or not (so a pass means something)', () => {
    const r = gradCheck(
      (k, rng) => {
        const layer = new Dense(k, [7], { units: 5, activation: 'relu' }, rng);
        const backward = layer.backward.bind(layer);
        layer.backward = (dy, batch, needDx) => {
          const dx = backward(dy, batch, needDx);
          const w = layer.params()[0]!;
          for (let i = 0; i < w.size; i++) k.heap()[w.grad + i] *= 1.1;
          return dx;
        };
        return layer;
      },
      [7],
      3,
    );
    expect(r.worst).toBeGreaterThan(1);
  });

  for (const act of activations)
    it(`activation layer ${act}`, () =>
      expectPass(
        gradCheck((k) => new Activation(k, [6], act, act === 'leaky_relu' ? 0.2 : undefined), [6], 4),
      ));

  it('dense without bias', () =>
    expectPass(gradCheck((k, rng) => new Dense(k, [4], { units: 3, bias: false }, rng), [4], 2)));

  const convCases = [
    {
      name: '3x3 same, relu',
      shape: [5, 5, 2],
      o: { filters: 3, kernelSize: 3, padding: 'same' as const, activation: 'relu' as const },
    },
    {
      name: '3x2 stride 2 pad 1, tanh',
      shape: [7, 6, 2],
      o: {
        filters: 4,
        kernelSize: [3, 2] as [number, number],
        stride: 2,
        padding: 1,
        activation: 'tanh' as const,
      },
    },
    { name: '1x1 pointwise', shape: [3, 3, 4], o: { filters: 2, kernelSize: 1 } },
    {
      name: '2x2 stride [1,2] valid, gelu',
      shape: [4, 5, 1],
      o: { filters: 3, kernelSize: 2, stride: [1, 2] as [number, number], activation: 'gelu' as const },
    },
  ];
  for (const c of convCases)
    it(`conv2d ${c.name}`, () =>
      expectPass(gradCheck((k, rng) => new Conv2D(k, c.shape, c.o, rng), c.shape, 2)));

  it('maxpool 2x2', () =>
    expectPass(gradCheck((k) => new Pool2D(k, [4, 6, 3], 'maxpool', { size: 2 }), [4, 6, 3], 2)));
  it('maxpool 3 stride 1 (overlapping)', () =>
    expectPass(gradCheck((k) => new Pool2D(k, [5, 5, 2], 'maxpool', { size: 3, stride: 1 }), [5, 5, 2], 2)));
  it('avgpool 2 stride 1', () =>
    expectPass(gradCheck((k) => new Pool2D(k, [4, 5, 2], 'avgpool', { size: 2, stride: 1 }), [4, 5, 2], 2)));
  it('batchnorm over features', () => expectPass(gradCheck((k) => new BatchNorm(k, [6]), [6], 5)));
  it('batchnorm over NHWC channels', () =>
    expectPass(gradCheck((k) => new BatchNorm(k, [3, 3, 2]), [3, 3, 2], 2)));
  it('flatten', () => expectPass(gradCheck(() => new Flatten([2, 3, 2]), [2, 3, 2], 2)));
});

describe('layer behaviour', () => {
  it('dropout keeps 1-rate of units, scales them, masks the gradient the same way and is the identity at inference', () => {
    const k = new TsKernels();
    const n = 4000;
    const layer = new Dropout(k, [n], 0.25, new Rng(3));
    const x = k.alloc(n);
    k.heap().fill(2, x, x + n);
    const y = layer.forward(x, 1, true);
    const out = k.heap().slice(y, y + n);
    const kept = out.filter((v) => v !== 0);
    expect(kept.length / n).toBeGreaterThan(0.72);
    expect(kept.length / n).toBeLessThan(0.78);
    expect(kept.every((v) => Math.abs(v - 2 / 0.75) < 1e-6)).toBe(true);
    const dy = k.alloc(n);
    k.heap().fill(1, dy, dy + n);
    const dx = layer.backward(dy, 1, true);
    const g = k.heap().slice(dx, dx + n);
    for (let i = 0; i < n; i++) expect(g[i]).toBeCloseTo(out[i] / 2, 6);
    expect(layer.forward(x, 1, false)).toBe(x);
  });

  it('batchnorm uses running statistics at inference, updated as PyTorch does (momentum 0.1, unbiased)', () => {
    const k = new TsKernels();
    const bn = new BatchNorm(k, [1]);
    const x = k.alloc(4);
    k.heap().set([1, 2, 3, 6], x);
    bn.forward(x, 4, true);
    const [, , mean, variance] = bn.params();
    expect(k.heap()[mean.value]).toBeCloseTo(0.1 * 3, 6);
    expect(k.heap()[variance.value]).toBeCloseTo(0.9 + 0.1 * (14 / 3), 5);
    const y = bn.forward(x, 4, false);
    expect(k.heap()[y]).toBeCloseTo((1 - 0.3) / Math.sqrt(0.9 + 1.4 / 3 + 1e-5), 5);
  });

  it('rejects impossible geometry with a coded error', () => {
    const k = new TsKernels();
    expect(() => new Conv2D(k, [2, 2, 1], { filters: 1, kernelSize: 3 }, new Rng(0))).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
    expect(() => new Pool2D(k, [6], 'maxpool', { size: 2 })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
    expect(() => new Dropout(k, [3], 1, new Rng(0))).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { TsKernels } from './kernels-ts.js';
import { wasmAvailable } from './kernels-wasm.js';
import { buildModel, cnn, mlp, Model, type ModelConfig } from './model.js';
import { loadParams, saveParams } from './params-io.js';
import { Rng } from '../random.js';
import { Activation } from './layers/activation.js';
import { Dense } from './layers/dense.js';

const cnnConfig: ModelConfig = {
  inputShape: [8, 8, 1],
  layers: [
    { kind: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
    { kind: 'batchnorm' },
    { kind: 'maxpool', size: 2 },
    { kind: 'conv2d', filters: 6, kernelSize: 3, stride: 2, padding: 1, activation: 'elu' },
    { kind: 'avgpool', size: 2 },
    { kind: 'flatten' },
    { kind: 'dropout', rate: 0.1 },
    { kind: 'dense', units: 10, activation: 'softmax' },
  ],
};

describe('buildModel', () => {
  it('infers shapes through every layer kind', () => {
    const m = buildModel(cnnConfig, { kernels: 'ts' });
    expect(m.layers.map((l) => l.outShape)).toEqual([
      [8, 8, 4],
      [8, 8, 4],
      [4, 4, 4],
      [2, 2, 6],
      [1, 1, 6],
      [6],
      [6],
      [10],
    ]);
    const out = m.predict(new Float32Array(3 * 64).fill(0.5));
    expect(out.length).toBe(30);
    for (let i = 0; i < 3; i++)
      expect(out.slice(i * 10, i * 10 + 10).reduce((a, b) => a + b)).toBeCloseTo(1, 5);
  });

  it('mlp() describes depth, width, activation, dropout and batch norm as plain data', () => {
    const c = mlp({
      inputs: 4,
      hidden: [16, 8],
      outputs: 3,
      activation: 'gelu',
      dropout: 0.3,
      batchNorm: true,
    });
    expect(c.layers.map((l) => l.kind)).toEqual([
      'dense',
      'batchnorm',
      'activation',
      'dropout',
      'dense',
      'batchnorm',
      'activation',
      'dropout',
      'dense',
    ]);
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
    expect(buildModel(c).outShape).toEqual([3]);
  });

  it('cnn() describes kernel sizes, strides, pooling and batch norm as plain data', () => {
    const c = cnn({
      inputShape: [8, 8, 1],
      outputs: 10,
      conv: [
        { filters: 4, kernelSize: 3, padding: 'same' },
        { filters: 8, kernelSize: 3, stride: 2, padding: 1 },
      ],
      pool: 'avg',
      dense: [16],
      batchNorm: true,
      dropout: 0.1,
    });
    expect(c.layers.map((l) => l.kind)).toEqual([
      'conv2d',
      'batchnorm',
      'activation',
      'avgpool',
      'conv2d',
      'batchnorm',
      'activation',
      'avgpool',
      'flatten',
      'dense',
      'batchnorm',
      'activation',
      'dropout',
      'dense',
    ]);
    const m = buildModel(c, { kernels: 'ts' });
    expect(m.layers.map((l) => l.outShape.join('x'))).toEqual([
      '8x8x4',
      '8x8x4',
      '8x8x4',
      '4x4x4',
      '2x2x8',
      '2x2x8',
      '2x2x8',
      '1x1x8',
      '8',
      '16',
      '16',
      '16',
      '16',
      '10',
    ]);
  });

  it('the same seed gives identical initial weights; the config is kept as given', () => {
    const a = buildModel(cnnConfig, { seed: 3, kernels: 'ts' });
    const b = buildModel(cnnConfig, { seed: 3, kernels: 'ts' });
    expect(saveParams(b)).toEqual(saveParams(a));
    expect(a.config).toEqual(cnnConfig);
    expect(saveParams(buildModel(cnnConfig, { seed: 4, kernels: 'ts' }))).not.toEqual(saveParams(a));
  });

  it.runIf(wasmAvailable())(
    'TS and WASM models start from the same weights and agree on outputs within tolerance',
    () => {
      const x = Float32Array.from({ length: 5 * 64 }, (_, i) => Math.sin(i));
      const a = buildModel(cnnConfig, { seed: 2, kernels: 'ts' }).predict(x);
      const b = buildModel(cnnConfig, { seed: 2, kernels: 'wasm' }).predict(x);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5);
    },
  );

  it('a model can be assembled from layer objects in code', () => {
    const k = new TsKernels();
    const rng = new Rng(1);
    const d1 = new Dense(k, [3], { units: 4, activation: 'tanh' }, rng);
    const act = new Activation(k, d1.outShape, 'softmax');
    const m = new Model(k, [3], [d1, act]);
    const out = m.predict(Float32Array.from([1, 2, 3, -1, 0, 1]));
    expect(out.length).toBe(8);
    expect(out.slice(0, 4).reduce((a, b) => a + b)).toBeCloseTo(1, 6);
    expect(m.params().map((p) => p.name)).toEqual(['0.dense.weight', '0.dense.bias']);
  });

  it('models can share one kernels instance', () => {
    const k = new TsKernels();
    const a = buildModel(mlp({ inputs: 3, hidden: [4], outputs: 2 }), { kernels: k });
    const b = buildModel(mlp({ inputs: 3, hidden: [4], outputs: 2 }), { kernels: k });
    expect(a.kernels).toBe(b.kernels);
  });

  it('rejects bad configs with coded errors', () => {
    expect(() => buildModel({ inputShape: [], layers: [] })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
    expect(() => buildModel({ inputShape: [3], layers: [{ kind: 'lstm' } as never] })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
    expect(() =>
      buildModel({ inputShape: [3], layers: [{ kind: 'dense', units: 2, activation: 'swish' as never }] }),
    ).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() =>
      buildModel({ inputShape: [3], layers: [{ kind: 'dense', units: 2, init: 'orthogonal' as never }] }),
    ).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('saveParams / loadParams', () => {
  it('round-trips bit for bit through JSON, including batch-norm running statistics', () => {
    const a = buildModel(cnnConfig, { seed: 1 });
    const h = a.kernels.heap();
    for (const { param } of a.params())
      for (let i = 0; i < param.size; i++) h[param.value + i] = new Rng(i).normal();
    const saved = JSON.parse(JSON.stringify(saveParams(a)));
    const b = buildModel(cnnConfig, { seed: 99 });
    loadParams(b, saved);
    expect(saveParams(b)).toEqual(saveParams(a));
    const x = Float32Array.from({ length: 64 }, (_, i) => i / 64);
    expect(b.predict(x)).toEqual(a.predict(x));
  });

  it('refuses params from another architecture without touching the model', () => {
    const a = buildModel(mlp({ inputs: 4, hidden: [8], outputs: 2 }));
    const b = buildModel(mlp({ inputs: 4, hidden: [9], outputs: 2 }));
    const before = saveParams(b);
    expect(() => loadParams(b, saveParams(a))).toThrow(expect.objectContaining({ code: 'invalid_params' }));
    expect(saveParams(b)).toEqual(before);
    expect(() => loadParams(b, { format: 'x' } as never)).toThrow(
      expect.objectContaining({ code: 'invalid_params' }),
    );
  });
});

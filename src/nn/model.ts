// A sequential model built from plain config (what a search space describes) or from code, over one
// kernels instance that owns every buffer the model uses.

import { TunekitError } from '../errors.js';
import type { Kernels } from './kernels.js';
import { createKernels, type KernelsChoice } from './backend.js';
import { Rng } from '../random.js';
import { Activation, type ActivationName } from './layers/activation.js';
import { BatchNorm, type BatchNormOptions } from './layers/batchnorm.js';
import { Conv2D, type Conv2DOptions } from './layers/conv2d.js';
import { Dense, type DenseOptions } from './layers/dense.js';
import { Dropout } from './layers/dropout.js';
import { Flatten } from './layers/flatten.js';
import { PerBatch, product, type Layer, type Param } from './layers/layer.js';
import { Pool2D, type PoolOptions } from './layers/pool.js';

export type LayerConfig =
  | ({ kind: 'dense' } & DenseOptions)
  | ({ kind: 'conv2d' } & Conv2DOptions)
  | ({ kind: 'maxpool' } & PoolOptions)
  | ({ kind: 'avgpool' } & PoolOptions)
  | { kind: 'flatten' }
  | { kind: 'dropout'; rate: number }
  | ({ kind: 'batchnorm' } & BatchNormOptions)
  | { kind: 'activation'; activation: ActivationName; alpha?: number };

export interface ModelConfig {
  /** Per-sample input shape: [features] or [height, width, channels] (NHWC). */
  inputShape: number[];
  layers: LayerConfig[];
}

export interface BuildOptions {
  /** Seeds initial weights and dropout masks. Default 0. */
  seed?: number;
  /** 'wasm' (default when WebAssembly SIMD loads), 'ts', or a kernels instance to share. */
  kernels?: KernelsChoice;
}

export interface NamedParam {
  /** `<layer index>.<layer kind>.<param>`, e.g. `0.dense.weight`. */
  readonly name: string;
  readonly param: Param;
}

export class Model {
  readonly outShape: readonly number[];
  private readonly inputs: PerBatch<number>;

  constructor(
    readonly kernels: Kernels,
    readonly inputShape: readonly number[],
    readonly layers: readonly Layer[],
    readonly config?: ModelConfig,
  ) {
    this.outShape = layers.length ? layers[layers.length - 1].outShape : inputShape;
    this.inputs = new PerBatch((b) => kernels.alloc(b * product(inputShape)));
  }

  /** A heap buffer for a batch of inputs, filled by the caller and passed to `forward`. */
  inputBuffer(batch: number): number {
    return this.inputs.get(batch);
  }

  forward(x: number, batch: number, training: boolean): number {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h, batch, training);
    return h;
  }

  /** Back-propagates dL/d(output) (overwritten) into every layer's parameter gradients. */
  backward(dy: number, batch: number): void {
    let g = dy;
    for (let i = this.layers.length - 1; i >= 0; i--) g = this.layers[i].backward(g, batch, i > 0);
  }

  params(): NamedParam[] {
    return this.layers.flatMap((l, i) =>
      l.params().map((param) => ({ name: `${i}.${l.kind}.${param.name}`, param })),
    );
  }

  /** Inference on `n` samples (n·inputSize floats); returns n·outputSize floats. */
  predict(x: Float32Array, n = x.length / product(this.inputShape), batchSize = 256): Float32Array {
    const inSize = product(this.inputShape);
    const outSize = product(this.outShape);
    if (x.length < n * inSize)
      throw new TunekitError(
        'invalid_argument',
        `predict: expected ${n}x${inSize} inputs, got ${x.length} values`,
      );
    const out = new Float32Array(n * outSize);
    for (let s = 0; s < n; s += batchSize) {
      const b = Math.min(batchSize, n - s);
      const xb = this.inputBuffer(b);
      this.kernels.heap().set(x.subarray(s * inSize, (s + b) * inSize), xb);
      const y = this.forward(xb, b, false);
      out.set(this.kernels.heap().subarray(y, y + b * outSize), s * outSize);
    }
    return out;
  }
}

function makeLayer(k: Kernels, shape: readonly number[], c: LayerConfig, rng: Rng): Layer {
  switch (c.kind) {
    case 'dense':
      return new Dense(k, shape, c, rng);
    case 'conv2d':
      return new Conv2D(k, shape, c, rng);
    case 'maxpool':
    case 'avgpool':
      return new Pool2D(k, shape, c.kind, c);
    case 'flatten':
      return new Flatten(shape);
    case 'dropout':
      return new Dropout(k, shape, c.rate, rng);
    case 'batchnorm':
      return new BatchNorm(k, shape, c);
    case 'activation':
      return new Activation(k, shape, c.activation, c.alpha);
    default:
      throw new TunekitError(
        'invalid_argument',
        `unknown layer kind ${JSON.stringify((c as { kind: unknown }).kind)}`,
      );
  }
}

/** Builds a model from plain config. Each layer draws from its own forked stream, so seeds are stable per layer. */
export function buildModel(config: ModelConfig, options: BuildOptions = {}): Model {
  if (
    !Array.isArray(config.inputShape) ||
    config.inputShape.length === 0 ||
    !config.inputShape.every((d) => Number.isInteger(d) && d > 0)
  )
    throw new TunekitError(
      'invalid_argument',
      `inputShape must be a non-empty list of positive integers, got ${JSON.stringify(config.inputShape)}`,
    );
  const k = createKernels(options.kernels);
  const rng = new Rng(options.seed ?? 0);
  const layers: Layer[] = [];
  let shape: readonly number[] = config.inputShape;
  for (const c of config.layers) {
    const layer = makeLayer(k, shape, c, rng.fork());
    layers.push(layer);
    shape = layer.outShape;
  }
  return new Model(k, config.inputShape, layers, structuredClone(config));
}

export interface MlpOptions {
  inputs: number;
  outputs: number;
  /** Units per hidden layer, e.g. [256, 128]. */
  hidden: number[];
  activation?: ActivationName;
  /** Dropout after each hidden layer; 0 for none. */
  dropout?: number;
  /** BatchNorm between each hidden layer's linear part and its activation. */
  batchNorm?: boolean;
  /** Output activation; 'linear' (logits) by default, which the softmax cross-entropy loss expects. */
  outputActivation?: ActivationName;
}

/** The MLP a search space usually describes (depth, width, activation, dropout, batch norm) as a ModelConfig. */
export function mlp(o: MlpOptions): ModelConfig {
  const act = o.activation ?? 'relu';
  const layers: LayerConfig[] = [];
  for (const units of o.hidden) {
    if (o.batchNorm)
      layers.push(
        { kind: 'dense', units, activation: 'linear', init: 'he_uniform' },
        { kind: 'batchnorm' },
        { kind: 'activation', activation: act },
      );
    else layers.push({ kind: 'dense', units, activation: act });
    if (o.dropout) layers.push({ kind: 'dropout', rate: o.dropout });
  }
  layers.push({ kind: 'dense', units: o.outputs, activation: o.outputActivation ?? 'linear' });
  return { inputShape: [o.inputs], layers };
}

export interface CnnOptions {
  /** [height, width, channels]. */
  inputShape: [number, number, number];
  outputs: number;
  /** One entry per convolution block. */
  conv: { filters: number; kernelSize: number; stride?: number; padding?: 'valid' | 'same' | number }[];
  /** Pooling after each block ('none' to rely on strides); default 'max' with size 2. */
  pool?: 'max' | 'avg' | 'none';
  poolSize?: number;
  /** Hidden dense layers after flattening. */
  dense?: number[];
  activation?: ActivationName;
  dropout?: number;
  batchNorm?: boolean;
}

/** A conv net as a ModelConfig: conv blocks (kernel sizes, strides, batch norm, pooling), then dense layers. */
export function cnn(o: CnnOptions): ModelConfig {
  const act = o.activation ?? 'relu';
  const layers: LayerConfig[] = [];
  for (const c of o.conv) {
    if (o.batchNorm)
      layers.push(
        { kind: 'conv2d', ...c, activation: 'linear', init: 'he_uniform' },
        { kind: 'batchnorm' },
        { kind: 'activation', activation: act },
      );
    else layers.push({ kind: 'conv2d', ...c, activation: act });
    const pool = o.pool ?? 'max';
    if (pool !== 'none') layers.push({ kind: pool === 'max' ? 'maxpool' : 'avgpool', size: o.poolSize ?? 2 });
  }
  layers.push({ kind: 'flatten' });
  const head = mlp({
    inputs: 1,
    hidden: o.dense ?? [],
    outputs: o.outputs,
    activation: act,
    dropout: o.dropout,
    batchNorm: o.batchNorm,
  });
  return { inputShape: [...o.inputShape], layers: [...layers, ...head.layers] };
}

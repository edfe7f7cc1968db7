// Fully connected layer y = f(x·W + b), W stored [in, out]. Linear and relu outputs come from one fused
// GEMM call (bias and relu in its epilogue); other activations take one extra elementwise pass.

import type { Kernels } from '../kernels.js';
import { defaultInit, initialize, type InitConfig } from '../init.js';
import type { Rng } from '../../random.js';
import {
  activationBackward,
  activationSpec,
  applyActivation,
  type ActivationName,
  type ActivationSpec,
} from './activation.js';
import { makeParam, PerBatch, product, type Layer, type Param } from './layer.js';

export interface DenseOptions {
  units: number;
  activation?: ActivationName;
  alpha?: number;
  init?: InitConfig;
  bias?: boolean;
}

export class Dense implements Layer {
  readonly kind = 'dense';
  readonly outShape: readonly number[];
  private readonly w: Param;
  private readonly b: Param | undefined;
  private readonly act: ActivationSpec;
  private readonly fused: boolean;
  private readonly nIn: number;
  private readonly nOut: number;
  private readonly bufs: PerBatch<{ z: number; y: number; dx: number }>;
  private x = 0;
  private cur = { z: 0, y: 0, dx: 0 };

  constructor(
    private readonly k: Kernels,
    inShape: readonly number[],
    o: DenseOptions,
    rng: Rng,
  ) {
    this.nIn = product(inShape);
    this.nOut = o.units;
    this.outShape = [o.units];
    this.act = activationSpec(o.activation, o.alpha);
    this.fused = this.act.name === 'linear' || this.act.name === 'relu';
    this.w = makeParam(k, 'weight', [this.nIn, this.nOut], true);
    this.b = o.bias === false ? undefined : makeParam(k, 'bias', [this.nOut], false);
    const init = o.init ?? defaultInit(this.act.name);
    initialize(k.heap().subarray(this.w.value, this.w.value + this.w.size), init, this.nIn, this.nOut, rng);
    this.bufs = new PerBatch((b) => {
      const y = k.alloc(b * this.nOut);
      return { y, z: this.fused ? y : k.alloc(b * this.nOut), dx: k.alloc(b * this.nIn) };
    });
  }

  params(): Param[] {
    return this.b ? [this.w, this.b] : [this.w];
  }

  forward(x: number, batch: number): number {
    const c = (this.cur = this.bufs.get(batch));
    this.x = x;
    const bias = this.b ? this.b.value : -1;
    this.k.gemm(
      false,
      false,
      batch,
      this.nOut,
      this.nIn,
      x,
      this.w.value,
      c.z,
      false,
      bias,
      this.act.name === 'relu',
    );
    if (!this.fused) applyActivation(this.k, this.act, c.z, c.y, batch, this.nOut);
    return c.y;
  }

  backward(dy: number, batch: number, needInputGrad: boolean): number {
    const { k, nIn, nOut, cur: c } = this;
    // relu's derivative reads y > 0, which equals z > 0, so the fused path needs no separate z.
    if (this.act.name !== 'linear') activationBackward(k, this.act, c.z, c.y, dy, dy, batch, nOut);
    k.gemm(true, false, nIn, nOut, batch, this.x, dy, this.w.grad, false, -1, false);
    if (this.b) k.colSum(dy, batch, nOut, this.b.grad, false);
    if (!needInputGrad) return -1;
    k.gemm(false, true, batch, nIn, nOut, dy, this.w.value, c.dx, false, -1, false);
    return c.dx;
  }
}

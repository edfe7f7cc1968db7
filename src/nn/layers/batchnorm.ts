// Batch normalisation over the last axis (features of a dense output, channels of an NHWC image).
// Training normalises with batch statistics and updates running ones as PyTorch does (momentum 0.1,
// unbiased variance in the running estimate); inference uses the running statistics.

import type { Kernels } from '../kernels.js';
import { makeParam, PerBatch, product, type Layer, type Param } from './layer.js';

export interface BatchNormOptions {
  momentum?: number;
  eps?: number;
}

export class BatchNorm implements Layer {
  readonly kind = 'batchnorm';
  readonly outShape: readonly number[];
  private readonly c: number;
  private readonly gamma: Param;
  private readonly beta: Param;
  private readonly runMean: Param;
  private readonly runVar: Param;
  private readonly momentum: number;
  private readonly eps: number;
  /** Per-channel scratch, reused every batch: mean, 1/std, and two sums. */
  private readonly mean: Float64Array;
  private readonly invStd: Float64Array;
  private readonly s1: Float64Array;
  private readonly s2: Float64Array;
  private readonly bufs: PerBatch<{ y: number; xhat: number }>;
  private cur = { y: 0, xhat: 0 };

  constructor(
    private readonly k: Kernels,
    inShape: readonly number[],
    o: BatchNormOptions = {},
  ) {
    this.outShape = inShape;
    this.c = inShape[inShape.length - 1];
    this.momentum = o.momentum ?? 0.1;
    this.eps = o.eps ?? 1e-5;
    this.gamma = makeParam(k, 'gamma', [this.c], false);
    this.beta = makeParam(k, 'beta', [this.c], false);
    this.runMean = makeParam(k, 'running_mean', [this.c], false, false);
    this.runVar = makeParam(k, 'running_var', [this.c], false, false);
    const h = k.heap();
    h.fill(1, this.gamma.value, this.gamma.value + this.c);
    h.fill(1, this.runVar.value, this.runVar.value + this.c);
    this.mean = new Float64Array(this.c);
    this.invStd = new Float64Array(this.c);
    this.s1 = new Float64Array(this.c);
    this.s2 = new Float64Array(this.c);
    const n = product(inShape);
    this.bufs = new PerBatch((b) => ({ y: k.alloc(b * n), xhat: k.alloc(b * n) }));
  }

  params(): Param[] {
    return [this.gamma, this.beta, this.runMean, this.runVar];
  }

  forward(x: number, batch: number, training: boolean): number {
    const cur = (this.cur = this.bufs.get(batch));
    const h = this.k.heap();
    const C = this.c;
    const rows = (batch * product(this.outShape)) / C;
    const { mean, invStd } = this;
    if (training) {
      mean.fill(0);
      const sq = this.s1.fill(0);
      for (let r = 0; r < rows; r++) for (let j = 0; j < C; j++) mean[j] += h[x + r * C + j];
      for (let j = 0; j < C; j++) mean[j] /= rows;
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < C; j++) {
          const d = h[x + r * C + j] - mean[j];
          sq[j] += d * d;
        }
      const m = this.momentum;
      for (let j = 0; j < C; j++) {
        const v = sq[j] / rows;
        invStd[j] = 1 / Math.sqrt(v + this.eps);
        h[this.runMean.value + j] = (1 - m) * h[this.runMean.value + j] + m * mean[j];
        h[this.runVar.value + j] =
          (1 - m) * h[this.runVar.value + j] + m * (rows > 1 ? sq[j] / (rows - 1) : v);
      }
    } else
      for (let j = 0; j < C; j++) {
        mean[j] = h[this.runMean.value + j];
        invStd[j] = 1 / Math.sqrt(h[this.runVar.value + j] + this.eps);
      }
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < C; j++) {
        const i = r * C + j;
        const xh = (h[cur.xhat + i] = (h[x + i] - mean[j]) * invStd[j]);
        h[cur.y + i] = h[this.gamma.value + j] * xh + h[this.beta.value + j];
      }
    return cur.y;
  }

  /** The standard batch-statistics gradient: dx = γ·invStd·(dy - mean(dy) - x̂·mean(dy·x̂)). */
  backward(dy: number, batch: number, needInputGrad: boolean): number {
    const h = this.k.heap();
    const C = this.c;
    const rows = (batch * product(this.outShape)) / C;
    const { xhat } = this.cur;
    const sdy = this.s1.fill(0);
    const sdyx = this.s2.fill(0);
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < C; j++) {
        const i = r * C + j;
        sdy[j] += h[dy + i];
        sdyx[j] += h[dy + i] * h[xhat + i];
      }
    for (let j = 0; j < C; j++) {
      h[this.gamma.grad + j] = sdyx[j];
      h[this.beta.grad + j] = sdy[j];
    }
    if (!needInputGrad) return -1;
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < C; j++) {
        const i = r * C + j;
        const g = h[this.gamma.value + j] * this.invStd[j];
        h[dy + i] = g * (h[dy + i] - sdy[j] / rows - (h[xhat + i] * sdyx[j]) / rows);
      }
    return dy;
  }
}

// 2-D convolution over NHWC images as im2col + one fused GEMM (bias and relu in its epilogue).
// W is stored [kh·kw·cin, cout] so the GEMM output is already the NHWC activation.

import { TunekitError } from '../../errors.js';
import { convOutSize, type ConvGeometry, type Kernels } from '../kernels.js';
import { defaultInit, initialize, type InitConfig } from '../init.js';
import type { Rng } from '../../random.js';
import {
  activationBackward,
  activationSpec,
  applyActivation,
  type ActivationName,
  type ActivationSpec,
} from './activation.js';
import { makeParam, PerBatch, type Layer, type Param } from './layer.js';

export interface Conv2DOptions {
  filters: number;
  kernelSize: number | [number, number];
  stride?: number | [number, number];
  /** 'valid' (none), 'same' (symmetric (k-1)/2, size-preserving for odd kernels at stride 1), or pixels. */
  padding?: 'valid' | 'same' | number;
  activation?: ActivationName;
  alpha?: number;
  init?: InitConfig;
  bias?: boolean;
}

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

export class Conv2D implements Layer {
  readonly kind = 'conv2d';
  readonly outShape: readonly number[];
  private readonly w: Param;
  private readonly b: Param | undefined;
  private readonly act: ActivationSpec;
  private readonly geo: Omit<ConvGeometry, 'batch'>;
  private readonly patch: number;
  /** A 1×1, stride-1, unpadded convolution is a plain GEMM over pixels: no im2col copy. */
  private readonly pointwise: boolean;
  private readonly bufs: PerBatch<{
    cols: number;
    z: number;
    y: number;
    dcols: number;
    dx: number;
    g: ConvGeometry;
  }>;
  private x = 0;
  private cur!: { cols: number; z: number; y: number; dcols: number; dx: number; g: ConvGeometry };

  constructor(
    private readonly k: Kernels,
    inShape: readonly number[],
    o: Conv2DOptions,
    rng: Rng,
  ) {
    if (inShape.length !== 3)
      throw new TunekitError(
        'invalid_argument',
        `conv2d needs an [height, width, channels] input, got [${inShape.join(', ')}]`,
      );
    const [h, w, c] = inShape;
    const [kh, kw] = pair(o.kernelSize);
    const [sh, sw] = pair(o.stride ?? 1);
    const pad = o.padding ?? 'valid';
    const [ph, pw] = pad === 'valid' ? [0, 0] : pad === 'same' ? [(kh - 1) >> 1, (kw - 1) >> 1] : [pad, pad];
    const outH = convOutSize(h, kh, sh, ph);
    const outW = convOutSize(w, kw, sw, pw);
    if (outH < 1 || outW < 1)
      throw new TunekitError(
        'invalid_argument',
        `conv2d kernel ${kh}x${kw} does not fit a ${h}x${w} input; lower kernelSize or add padding`,
      );
    this.geo = { h, w, c, kh, kw, strideH: sh, strideW: sw, padH: ph, padW: pw, outH, outW };
    this.patch = kh * kw * c;
    this.pointwise = kh === 1 && kw === 1 && sh === 1 && sw === 1 && ph === 0 && pw === 0;
    this.outShape = [outH, outW, o.filters];
    this.act = activationSpec(o.activation, o.alpha);
    this.w = makeParam(k, 'weight', [this.patch, o.filters], true);
    this.b = o.bias === false ? undefined : makeParam(k, 'bias', [o.filters], false);
    initialize(
      k.heap().subarray(this.w.value, this.w.value + this.w.size),
      o.init ?? defaultInit(this.act.name),
      this.patch,
      kh * kw * o.filters,
      rng,
    );
    const fused = this.act.name === 'linear' || this.act.name === 'relu';
    this.bufs = new PerBatch((batch) => {
      const rows = batch * outH * outW;
      const y = k.alloc(rows * o.filters);
      return {
        g: { ...this.geo, batch },
        cols: this.pointwise ? -1 : k.alloc(rows * this.patch),
        dcols: this.pointwise ? -1 : k.alloc(rows * this.patch),
        y,
        z: fused ? y : k.alloc(rows * o.filters),
        dx: k.alloc(batch * h * w * c),
      };
    });
  }

  params(): Param[] {
    return this.b ? [this.w, this.b] : [this.w];
  }

  forward(x: number, batch: number): number {
    const c = (this.cur = this.bufs.get(batch));
    this.x = x;
    const rows = batch * this.geo.outH * this.geo.outW;
    const cols = this.pointwise ? x : c.cols;
    if (!this.pointwise) this.k.im2col(x, c.g, cols);
    const f = this.outShape[2];
    this.k.gemm(
      false,
      false,
      rows,
      f,
      this.patch,
      cols,
      this.w.value,
      c.z,
      false,
      this.b ? this.b.value : -1,
      this.act.name === 'relu',
    );
    if (c.z !== c.y) applyActivation(this.k, this.act, c.z, c.y, rows, f);
    return c.y;
  }

  backward(dy: number, batch: number, needInputGrad: boolean): number {
    const { k, cur: c } = this;
    const rows = batch * this.geo.outH * this.geo.outW;
    const f = this.outShape[2];
    if (this.act.name !== 'linear') activationBackward(k, this.act, c.z, c.y, dy, dy, rows, f);
    const cols = this.pointwise ? this.x : c.cols;
    k.gemm(true, false, this.patch, f, rows, cols, dy, this.w.grad, false, -1, false);
    if (this.b) k.colSum(dy, rows, f, this.b.grad, false);
    if (!needInputGrad) return -1;
    if (this.pointwise) {
      k.gemm(false, true, rows, this.patch, f, dy, this.w.value, c.dx, false, -1, false);
      return c.dx;
    }
    k.gemm(false, true, rows, this.patch, f, dy, this.w.value, c.dcols, false, -1, false);
    k.col2im(c.dcols, c.g, c.dx);
    return c.dx;
  }
}

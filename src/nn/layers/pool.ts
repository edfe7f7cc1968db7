// Max and average pooling over NHWC images, without padding. Cheap next to the convolutions around
// them, so they loop over the heap view directly rather than through a kernel.

import { TunekitError } from '../../errors.js';
import { convOutSize, type Kernels } from '../kernels.js';
import { PerBatch, type Layer, type Param } from './layer.js';

export interface PoolOptions {
  size: number;
  /** Defaults to `size` (non-overlapping windows). */
  stride?: number;
}

export class Pool2D implements Layer {
  readonly outShape: readonly number[];
  private readonly size: number;
  private readonly stride: number;
  private readonly inShape: readonly number[];
  private readonly bufs: PerBatch<{ y: number; dx: number; arg: Int32Array }>;
  private cur!: { y: number; dx: number; arg: Int32Array };

  constructor(
    private readonly k: Kernels,
    inShape: readonly number[],
    readonly kind: 'maxpool' | 'avgpool',
    o: PoolOptions,
  ) {
    if (inShape.length !== 3) throw new TunekitError('invalid_argument', `${kind} needs an [height, width, channels] input, got [${inShape.join(', ')}]`);
    this.inShape = inShape;
    this.size = o.size;
    this.stride = o.stride ?? o.size;
    const oh = convOutSize(inShape[0], this.size, this.stride, 0);
    const ow = convOutSize(inShape[1], this.size, this.stride, 0);
    if (oh < 1 || ow < 1) throw new TunekitError('invalid_argument', `${kind} window ${o.size} is larger than the ${inShape[0]}x${inShape[1]} input`);
    this.outShape = [oh, ow, inShape[2]];
    const outLen = oh * ow * inShape[2];
    this.bufs = new PerBatch((b) => ({
      y: k.alloc(b * outLen),
      dx: k.alloc(b * inShape[0] * inShape[1] * inShape[2]),
      arg: new Int32Array(kind === 'maxpool' ? b * outLen : 0),
    }));
  }

  params(): Param[] {
    return [];
  }

  forward(x: number, batch: number): number {
    const c = (this.cur = this.bufs.get(batch));
    const h = this.k.heap();
    const [H, W, C] = this.inShape;
    const [oh, ow] = this.outShape;
    const { size, stride } = this;
    const max = this.kind === 'maxpool';
    const inv = 1 / (size * size);
    let o = 0;
    for (let b = 0; b < batch; b++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++)
          for (let ch = 0; ch < C; ch++, o++) {
            let best = -Infinity;
            let arg = 0;
            let sum = 0;
            for (let ky = 0; ky < size; ky++)
              for (let kx = 0; kx < size; kx++) {
                const i = x + ((b * H + oy * stride + ky) * W + ox * stride + kx) * C + ch;
                const v = h[i];
                sum += v;
                if (v > best) {
                  best = v;
                  arg = i - x;
                }
              }
            if (max) {
              h[c.y + o] = best;
              c.arg[o] = arg;
            } else h[c.y + o] = sum * inv;
          }
    return c.y;
  }

  backward(dy: number, batch: number, needInputGrad: boolean): number {
    if (!needInputGrad) return -1;
    const c = this.cur;
    const h = this.k.heap();
    const [H, W, C] = this.inShape;
    const [oh, ow] = this.outShape;
    const { size, stride } = this;
    h.fill(0, c.dx, c.dx + batch * H * W * C);
    const n = batch * oh * ow * C;
    if (this.kind === 'maxpool') {
      for (let o = 0; o < n; o++) h[c.dx + c.arg[o]] += h[dy + o];
      return c.dx;
    }
    const inv = 1 / (size * size);
    let o = 0;
    for (let b = 0; b < batch; b++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++)
          for (let ch = 0; ch < C; ch++, o++) {
            const g = h[dy + o] * inv;
            for (let ky = 0; ky < size; ky++)
              for (let kx = 0; kx < size; kx++) h[c.dx + ((b * H + oy * stride + ky) * W + ox * stride + kx) * C + ch] += g;
          }
    return c.dx;
  }
}

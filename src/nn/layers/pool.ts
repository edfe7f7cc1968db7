// Max and average pooling over NHWC images: square windows, no padding. The loops live in the kernels;
// max pooling keeps each maximum's input index (one int32 per output) for the backward pass.

import { TunekitError } from '../../errors.js';
import { convOutSize, type ConvGeometry, type Kernels } from '../kernels.js';
import { PerBatch, product, type Layer, type Param } from './layer.js';

export interface PoolOptions {
  size: number;
  /** Defaults to `size` (non-overlapping windows). */
  stride?: number;
}

export class Pool2D implements Layer {
  readonly outShape: readonly number[];
  private readonly inShape: readonly number[];
  private readonly bufs: PerBatch<{ y: number; dx: number; arg: number; g: ConvGeometry }>;
  private cur!: { y: number; dx: number; arg: number; g: ConvGeometry };

  constructor(
    private readonly k: Kernels,
    inShape: readonly number[],
    readonly kind: 'maxpool' | 'avgpool',
    o: PoolOptions,
  ) {
    if (inShape.length !== 3)
      throw new TunekitError(
        'invalid_argument',
        `${kind} needs an [height, width, channels] input, got [${inShape.join(', ')}]`,
      );
    this.inShape = inShape;
    const size = o.size;
    const stride = o.stride ?? o.size;
    const [h, w, c] = inShape;
    const outH = convOutSize(h, size, stride, 0);
    const outW = convOutSize(w, size, stride, 0);
    if (outH < 1 || outW < 1)
      throw new TunekitError('invalid_argument', `${kind} window ${size} is larger than the ${h}x${w} input`);
    this.outShape = [outH, outW, c];
    const outLen = outH * outW * c;
    this.bufs = new PerBatch((batch) => ({
      g: {
        batch,
        h,
        w,
        c,
        kh: size,
        kw: size,
        strideH: stride,
        strideW: stride,
        padH: 0,
        padW: 0,
        outH,
        outW,
      },
      y: k.alloc(batch * outLen),
      dx: k.alloc(batch * h * w * c),
      arg: kind === 'maxpool' ? k.alloc(batch * outLen) : -1,
    }));
  }

  params(): Param[] {
    return [];
  }

  forward(x: number, batch: number): number {
    const c = (this.cur = this.bufs.get(batch));
    if (this.kind === 'maxpool') this.k.maxPool(x, c.g, c.y, c.arg);
    else this.k.avgPool(x, c.g, c.y);
    return c.y;
  }

  backward(dy: number, batch: number, needInputGrad: boolean): number {
    if (!needInputGrad) return -1;
    const c = this.cur;
    if (this.kind === 'maxpool')
      this.k.maxPoolBackward(dy, batch * product(this.outShape), c.arg, c.dx, batch * product(this.inShape));
    else this.k.avgPoolBackward(dy, c.g, c.dx);
    return c.dx;
  }
}

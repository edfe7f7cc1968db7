// Inverted dropout: in training each unit is kept with probability 1-rate and scaled by 1/(1-rate),
// so inference is the identity. Masks come from the layer's own seeded stream.

import { TunekitError } from '../../errors.js';
import type { Kernels } from '../kernels.js';
import type { Rng } from '../../random.js';
import { PerBatch, product, type Layer, type Param } from './layer.js';

export class Dropout implements Layer {
  readonly kind = 'dropout';
  readonly outShape: readonly number[];
  private readonly bufs: PerBatch<{ y: number; mask: number }>;
  private cur = { y: 0, mask: 0 };
  private active = false;

  constructor(
    private readonly k: Kernels,
    inShape: readonly number[],
    private readonly rate: number,
    private readonly rng: Rng,
  ) {
    if (!(rate >= 0 && rate < 1))
      throw new TunekitError('invalid_argument', `dropout rate must be in [0, 1), got ${rate}`);
    this.outShape = inShape;
    const n = product(inShape);
    this.bufs = new PerBatch((b) => ({ y: k.alloc(b * n), mask: k.alloc(b * n) }));
  }

  params(): Param[] {
    return [];
  }

  forward(x: number, batch: number, training: boolean): number {
    this.active = training && this.rate > 0;
    if (!this.active) return x;
    const c = (this.cur = this.bufs.get(batch));
    const h = this.k.heap();
    const n = batch * product(this.outShape);
    const scale = 1 / (1 - this.rate);
    for (let i = 0; i < n; i++) {
      const m = this.rng.next() >= this.rate ? scale : 0;
      h[c.mask + i] = m;
      h[c.y + i] = h[x + i] * m;
    }
    return c.y;
  }

  backward(dy: number, batch: number, needInputGrad: boolean): number {
    if (!needInputGrad) return -1;
    if (!this.active) return dy;
    const h = this.k.heap();
    const n = batch * product(this.outShape);
    for (let i = 0; i < n; i++) h[dy + i] *= h[this.cur.mask + i];
    return dy;
  }
}

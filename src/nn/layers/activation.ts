// Activations: the elementwise ones run in the kernels; softmax is row-wise over the last axis.
// Used standalone (`{ kind: 'activation' }`) and fused into Dense and Conv2D.

import { TunekitError } from '../../errors.js';
import { ACTIVATION_IDS, type Kernels } from '../kernels.js';
import { PerBatch, product, type Layer, type Param } from './layer.js';

export type ActivationName = keyof typeof ACTIVATION_IDS | 'softmax';

export interface ActivationSpec {
  readonly name: ActivationName;
  /** Kernel id, or -1 for softmax. */
  readonly id: number;
  /** Leaky-relu slope (default 0.01) or elu scale (default 1). */
  readonly alpha: number;
}

export function activationSpec(name: ActivationName = 'linear', alpha?: number): ActivationSpec {
  if (name === 'softmax') return { name, id: -1, alpha: 0 };
  const id = (ACTIVATION_IDS as Record<string, number>)[name];
  if (id === undefined)
    throw new TunekitError(
      'invalid_argument',
      `unknown activation "${name}"; use one of ${[...Object.keys(ACTIVATION_IDS), 'softmax'].join(', ')}`,
    );
  return { name, id, alpha: alpha ?? (name === 'elu' ? 1 : 0.01) };
}

/** y = f(z) over rows × cols (cols matters only for softmax). */
export function applyActivation(
  k: Kernels,
  a: ActivationSpec,
  z: number,
  y: number,
  rows: number,
  cols: number,
): void {
  if (a.id >= 0) return k.activate(a.id, a.alpha, z, y, rows * cols);
  const h = k.heap();
  for (let r = 0; r < rows; r++) {
    const zo = z + r * cols;
    const yo = y + r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, h[zo + j]);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += h[yo + j] = Math.exp(h[zo + j] - max);
    for (let j = 0; j < cols; j++) h[yo + j] /= sum;
  }
}

/** dz = J_f(z)^T dy; dz may equal dy. */
export function activationBackward(
  k: Kernels,
  a: ActivationSpec,
  z: number,
  y: number,
  dy: number,
  dz: number,
  rows: number,
  cols: number,
): void {
  if (a.id >= 0) return k.activateBackward(a.id, a.alpha, z, y, dy, dz, rows * cols);
  const h = k.heap();
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += h[dy + o + j] * h[y + o + j];
    for (let j = 0; j < cols; j++) h[dz + o + j] = h[y + o + j] * (h[dy + o + j] - dot);
  }
}

export class Activation implements Layer {
  readonly kind = 'activation';
  readonly outShape: readonly number[];
  private readonly spec: ActivationSpec;
  private readonly buf: PerBatch<number>;
  private x = 0;
  private y = 0;

  constructor(
    private readonly k: Kernels,
    inShape: readonly number[],
    name: ActivationName,
    alpha?: number,
  ) {
    this.outShape = inShape;
    this.spec = activationSpec(name, alpha);
    this.buf = new PerBatch((b) => k.alloc(b * product(inShape)));
  }

  params(): Param[] {
    return [];
  }

  forward(x: number, batch: number): number {
    this.x = x;
    this.y = this.buf.get(batch);
    const cols = this.outShape[this.outShape.length - 1];
    applyActivation(this.k, this.spec, x, this.y, (batch * product(this.outShape)) / cols, cols);
    return this.y;
  }

  backward(dy: number, batch: number, needInputGrad: boolean): number {
    if (!needInputGrad) return -1;
    const cols = this.outShape[this.outShape.length - 1];
    activationBackward(
      this.k,
      this.spec,
      this.x,
      this.y,
      dy,
      dy,
      (batch * product(this.outShape)) / cols,
      cols,
    );
    return dy;
  }
}

// The layer contract: forward and backward side by side over buffers in the kernels' heap.
// A layer is built for one input shape; its activation buffers are allocated once per batch size.

import type { Kernels } from '../kernels.js';

/** A learned tensor (or a running statistic when it has no gradient) at a heap offset. */
export interface Param {
  readonly name: string;
  readonly shape: readonly number[];
  readonly size: number;
  readonly value: number;
  /** Heap offset of the gradient; -1 for state that is saved but not trained (running statistics). */
  readonly grad: number;
  /** Whether L1/L2 penalties and weight decay apply (weights yes; biases and norm scales no). */
  readonly decay: boolean;
}

export interface Layer {
  readonly kind: string;
  /** Per-sample output shape, e.g. [units] or [h, w, channels]. */
  readonly outShape: readonly number[];
  /** Learned parameters and saved state, in a stable order (the order save/load uses). */
  params(): Param[];
  /**
   * Called with x (batch × inShape at a heap offset) that stays untouched until `backward`;
   * returns the offset of the output, owned by the layer and valid until its next forward.
   */
  forward(x: number, batch: number, training: boolean): number;
  /**
   * Called after `forward` on the same batch with dL/dy (which the layer may overwrite); writes parameter
   * gradients (overwriting, not accumulating) and returns dL/dx, or -1 when `needInputGrad` is false.
   */
  backward(dy: number, batch: number, needInputGrad: boolean): number;
}

export function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Heap buffers allocated on first use for each batch size (a full batch, the last partial batch, ...). */
export class PerBatch<T> {
  private readonly cache = new Map<number, T>();
  constructor(private readonly make: (batch: number) => T) {}
  get(batch: number): T {
    let v = this.cache.get(batch);
    if (v === undefined) {
      v = this.make(batch);
      this.cache.set(batch, v);
    }
    return v;
  }
}

export function makeParam(
  k: Kernels,
  name: string,
  shape: number[],
  decay: boolean,
  trainable = true,
): Param {
  const size = product(shape);
  return { name, shape, size, value: k.alloc(size), grad: trainable ? k.alloc(size) : -1, decay };
}

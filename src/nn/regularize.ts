// Weight penalties and gradient clipping, applied between back-propagation and the optimizer step.

import type { Param } from './layers/layer.js';

type P = Pick<Param, 'value' | 'grad' | 'size' | 'decay'>;

/** Adds l1·sign(w) to weight gradients; returns the penalty's value. */
export function applyL1(h: Float32Array, params: readonly P[], l1: number): number {
  if (!l1) return 0;
  let s = 0;
  for (const p of params)
    if (p.decay)
      for (let i = 0; i < p.size; i++) {
        const w = h[p.value + i];
        s += Math.abs(w);
        h[p.grad + i] += l1 * Math.sign(w);
      }
  return l1 * s;
}

/** The L2 penalty's value; its gradient 2·l2·w is applied inside the optimizer's fused pass. */
export function penaltyL2(h: Float32Array, params: readonly P[], l2: number): number {
  if (!l2) return 0;
  let s = 0;
  for (const p of params) if (p.decay) for (let i = 0; i < p.size; i++) s += h[p.value + i] ** 2;
  return l2 * s;
}

export function clipGradients(
  h: Float32Array,
  params: readonly P[],
  value: number | undefined,
  norm: number | undefined,
): void {
  if (value !== undefined)
    for (const p of params)
      for (let i = 0; i < p.size; i++) h[p.grad + i] = Math.min(value, Math.max(-value, h[p.grad + i]));
  if (norm !== undefined) {
    let sq = 0;
    for (const p of params) for (let i = 0; i < p.size; i++) sq += h[p.grad + i] ** 2;
    const total = Math.sqrt(sq);
    // Same rule as torch.nn.utils.clip_grad_norm_.
    if (total > norm) {
      const f = norm / (total + 1e-6);
      for (const p of params) for (let i = 0; i < p.size; i++) h[p.grad + i] *= f;
    }
  }
}

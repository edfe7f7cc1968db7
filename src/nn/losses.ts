// Losses over a batch of model outputs in the heap: each returns the mean loss and, when asked, writes
// dL/d(output) for back-propagation. Classification losses take logits and integer labels (as floats).

import { checkKeys, checkKind, checkNumber, fieldError, type NumberRule } from './check.js';

export type LossConfig =
  | { kind: 'softmax_cross_entropy'; labelSmoothing?: number }
  | { kind: 'binary_cross_entropy' }
  | { kind: 'mse' }
  | { kind: 'mae' }
  | { kind: 'huber'; delta?: number }
  | { kind: 'hinge'; margin?: number };

export type LossName = LossConfig['kind'];

/**
 * h: the heap; out: offset of batch×dim outputs; y: targets (labels for softmax_cross_entropy and hinge,
 * else batch×dim values); grad: offset to write dL/d(out), or -1 to compute the loss only.
 */
export type LossFn = (
  h: Float32Array,
  out: number,
  y: Float32Array,
  batch: number,
  dim: number,
  grad: number,
) => number;

/** Whether targets are one class label per sample (rather than one value per output). */
export function takesLabels(loss: LossConfig): boolean {
  return loss.kind === 'softmax_cross_entropy' || loss.kind === 'hinge';
}

export function normalizeLoss(loss: LossConfig | LossName): LossConfig {
  return typeof loss === 'string' ? ({ kind: loss } as LossConfig) : loss;
}

/** Each kind's fields and how their values must look. */
const FIELDS: Record<LossName, Record<string, NumberRule>> = {
  softmax_cross_entropy: { labelSmoothing: 'fraction' },
  binary_cross_entropy: {},
  mse: {},
  mae: {},
  huber: { delta: 'positive' },
  hinge: { margin: 'positive' },
};
const LOSS_NAMES = Object.keys(FIELDS) as LossName[];

/** Refuses what lossFunction could not compute, naming the field (`loss.delta`); configs call it in their dry run. */
export function checkLoss(config: unknown, field = 'loss'): asserts config is LossConfig | LossName {
  if (typeof config === 'string') {
    if (!(LOSS_NAMES as string[]).includes(config))
      throw fieldError(field, `one of ${LOSS_NAMES.join(', ')}`, config);
    return;
  }
  const kind = checkKind(config, field, LOSS_NAMES);
  const c = checkKeys(config, field, Object.keys(FIELDS[kind]));
  for (const [key, rule] of Object.entries(FIELDS[kind])) checkNumber(c, key, field, rule);
}

export function lossFunction(config: LossConfig | LossName): LossFn {
  checkLoss(config);
  const c = normalizeLoss(config);
  switch (c.kind) {
    case 'softmax_cross_entropy':
      return softmaxCrossEntropy(c.labelSmoothing ?? 0);
    case 'binary_cross_entropy':
      return binaryCrossEntropy;
    case 'mse':
      return elementwise(
        (d) => d * d,
        (d) => 2 * d,
      );
    case 'mae':
      return elementwise(Math.abs, Math.sign);
    case 'huber': {
      const delta = c.delta ?? 1;
      return elementwise(
        (d) => (Math.abs(d) <= delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta)),
        (d) => (Math.abs(d) <= delta ? d : delta * Math.sign(d)),
      );
    }
    case 'hinge':
      return multiClassHinge(c.margin ?? 1);
  }
}

/** −Σ q·log softmax(z) with q = (1−ε)·onehot + ε/C (PyTorch's label_smoothing); gradient softmax − q. */
function softmaxCrossEntropy(eps: number): LossFn {
  return (h, out, y, batch, dim, grad) => {
    let total = 0;
    for (let r = 0; r < batch; r++) {
      const o = out + r * dim;
      const label = y[r];
      let max = -Infinity;
      for (let j = 0; j < dim; j++) max = Math.max(max, h[o + j]);
      let sum = 0;
      for (let j = 0; j < dim; j++) sum += Math.exp(h[o + j] - max);
      const logSum = Math.log(sum) + max;
      for (let j = 0; j < dim; j++) {
        const q = (j === label ? 1 - eps : 0) + eps / dim;
        const logp = h[o + j] - logSum;
        if (q > 0) total -= q * logp;
        if (grad >= 0) h[grad + r * dim + j] = (Math.exp(logp) - q) / batch;
      }
    }
    return total / batch;
  };
}

/** On logits, in the stable form max(x,0) − x·y + log(1 + e^−|x|). */
const binaryCrossEntropy: LossFn = (h, out, y, batch, dim, grad) => {
  const n = batch * dim;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = h[out + i];
    total += Math.max(x, 0) - x * y[i] + Math.log1p(Math.exp(-Math.abs(x)));
    if (grad >= 0) h[grad + i] = (1 / (1 + Math.exp(-x)) - y[i]) / n;
  }
  return total / n;
};

/** Mean over every output of f(out − y). */
function elementwise(f: (d: number) => number, df: (d: number) => number): LossFn {
  return (h, out, y, batch, dim, grad) => {
    const n = batch * dim;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = h[out + i] - y[i];
      total += f(d);
      if (grad >= 0) h[grad + i] = df(d) / n;
    }
    return total / n;
  };
}

/** PyTorch's MultiMarginLoss (p = 1): Σ_{j≠y} max(0, margin − z_y + z_j) / C, averaged over the batch. */
function multiClassHinge(margin: number): LossFn {
  return (h, out, y, batch, dim, grad) => {
    let total = 0;
    for (let r = 0; r < batch; r++) {
      const o = out + r * dim;
      const label = y[r];
      const zy = h[o + label];
      let gy = 0;
      for (let j = 0; j < dim; j++) {
        if (grad >= 0) h[grad + r * dim + j] = 0;
        if (j === label) continue;
        const m = margin - zy + h[o + j];
        if (m > 0) {
          total += m / dim;
          if (grad >= 0) h[grad + r * dim + j] = 1 / (dim * batch);
          gy -= 1 / (dim * batch);
        }
      }
      if (grad >= 0) h[grad + r * dim + label] = gy;
    }
    return total / batch;
  };
}

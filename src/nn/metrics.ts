// Evaluation metrics as pure functions of predictions and targets. Classification metrics take class
// probabilities (n×classes, or n×1 for binary); regression metrics take raw outputs.

import { TunekitError } from '../errors.js';

export const METRIC_NAMES = [
  'accuracy',
  'precision',
  'recall',
  'f1',
  'log_loss',
  'mse',
  'mae',
  'r2',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export const CLASSIFICATION_METRICS: readonly MetricName[] = [
  'accuracy',
  'precision',
  'recall',
  'f1',
  'log_loss',
];

/** Predicted class per sample: argmax, or probability ≥ 0.5 for a single output. */
export function predictedClasses(prob: Float32Array, n: number, dim: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (dim === 1) {
      out[i] = prob[i] >= 0.5 ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let j = 1; j < dim; j++) if (prob[i * dim + j] > prob[i * dim + best]) best = j;
    out[i] = best;
  }
  return out;
}

export function accuracy(pred: Int32Array, y: ArrayLike<number>): number {
  let hit = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === y[i]) hit++;
  return hit / pred.length;
}

/** Macro-averaged precision, recall and F1 over `classes` (a class never predicted has precision 0). */
export function macroPrf(
  pred: Int32Array,
  y: ArrayLike<number>,
  classes: number,
): { precision: number; recall: number; f1: number } {
  const tp = new Float64Array(classes);
  const fp = new Float64Array(classes);
  const fn = new Float64Array(classes);
  for (let i = 0; i < pred.length; i++) {
    if (pred[i] === y[i]) tp[pred[i]]++;
    else {
      fp[pred[i]]++;
      fn[y[i]]++;
    }
  }
  let p = 0;
  let r = 0;
  let f = 0;
  for (let c = 0; c < classes; c++) {
    const pc = tp[c] + fp[c] > 0 ? tp[c] / (tp[c] + fp[c]) : 0;
    const rc = tp[c] + fn[c] > 0 ? tp[c] / (tp[c] + fn[c]) : 0;
    p += pc;
    r += rc;
    f += pc + rc > 0 ? (2 * pc * rc) / (pc + rc) : 0;
  }
  return { precision: p / classes, recall: r / classes, f1: f / classes };
}

/** Mean negative log-likelihood of the true class, probabilities clipped to [1e-15, 1]. */
export function logLoss(prob: Float32Array, y: ArrayLike<number>, n: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const p = dim === 1 ? (y[i] === 1 ? prob[i] : 1 - prob[i]) : prob[i * dim + y[i]];
    s -= Math.log(Math.min(1, Math.max(1e-15, p)));
  }
  return s / n;
}

export function mse(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i] - y[i]) ** 2;
  return s / pred.length;
}

export function mae(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += Math.abs(pred[i] - y[i]);
  return s / pred.length;
}

/** Coefficient of determination over all outputs pooled; 0 when the targets are constant. */
export function r2(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i];
  mean /= y.length;
  let ssr = 0;
  let sst = 0;
  for (let i = 0; i < y.length; i++) {
    ssr += (pred[i] - y[i]) ** 2;
    sst += (y[i] - mean) ** 2;
  }
  return sst > 0 ? 1 - ssr / sst : 0;
}

/**
 * Computes the requested metrics. `out` is probabilities for classification metrics and raw outputs for
 * regression ones; `y` labels or values to match.
 */
export function computeMetrics(
  names: readonly MetricName[],
  out: Float32Array,
  y: ArrayLike<number>,
  n: number,
  dim: number,
): Partial<Record<MetricName, number>> {
  const res: Partial<Record<MetricName, number>> = {};
  let pred: Int32Array | undefined;
  let prf: ReturnType<typeof macroPrf> | undefined;
  for (const m of names) {
    switch (m) {
      case 'accuracy':
        res.accuracy = accuracy((pred ??= predictedClasses(out, n, dim)), y);
        break;
      case 'precision':
      case 'recall':
      case 'f1':
        prf ??= macroPrf((pred ??= predictedClasses(out, n, dim)), y, Math.max(2, dim));
        res[m] = prf[m];
        break;
      case 'log_loss':
        res.log_loss = logLoss(out, y, n, dim);
        break;
      case 'mse':
        res.mse = mse(out, y);
        break;
      case 'mae':
        res.mae = mae(out, y);
        break;
      case 'r2':
        res.r2 = r2(out, y);
        break;
      default:
        throw new TunekitError(
          'invalid_argument',
          `unknown metric "${m as string}"; use one of ${METRIC_NAMES.join(', ')}`,
        );
    }
  }
  return res;
}

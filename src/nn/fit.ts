// The training loop: mini-batches, schedule, penalties, clipping, validation, early stopping and a
// per-epoch callback through which a trial reports and may throw to prune. Knows nothing of studies.

import { TunekitError } from '../errors.js';
import { PerBatch, product } from './layers/layer.js';
import { applyL1, clipGradients, penaltyL2 } from './regularize.js';
import { checkBoolean, checkKeys, checkNumber, fieldError } from './check.js';
import {
  lossFunction,
  normalizeLoss,
  takesLabels,
  type LossConfig,
  type LossFn,
  type LossName,
} from './losses.js';
import { CLASSIFICATION_METRICS, METRIC_NAMES, computeMetrics, type MetricName } from './metrics.js';
import type { Model } from './model.js';
import {
  DEFAULT_MONITOR,
  MONITORS,
  checkMonitor,
  monitorDirection,
  monitorMetric,
  monitoredValue,
  type Monitor,
} from './monitors.js';
import { createOptimizer, type Optimizer, type OptimizerConfig } from './optimizers.js';
import { restore, snapshot } from './params-io.js';
import { Rng } from '../random.js';
import { createSchedule, type Schedule, type ScheduleConfig } from './schedules.js';

/**
 * Samples row by row: `x` holds n × product(model.inputShape) floats; `y` holds n class labels for
 * softmax_cross_entropy / hinge, otherwise n × outputs target values.
 */
export interface Dataset {
  x: Float32Array;
  y: Float32Array | Int32Array;
  n: number;
}

export type BatchSize = number | 'full' | 'auto';

export interface EarlyStopping {
  /** 'val_loss' (default), 'loss', or 'val_<metric>' for a metric in `metrics`. */
  monitor?: Monitor;
  /** Epochs without improvement before stopping (as in Keras; 0 stops at the first one). */
  patience?: number;
  minDelta?: number;
  /** Default: 'max' for accuracy, precision, recall, f1 and r2, else 'min'. */
  mode?: 'min' | 'max';
  restoreBestWeights?: boolean;
}

export interface EpochLogs {
  epoch: number;
  lr: number;
  /** Mean training loss over the epoch's batches (penalties included), in training mode. */
  loss: number;
  valLoss?: number;
  /** Validation metrics, when validation data and metrics are given. */
  val: Partial<Record<MetricName, number>>;
  seconds: number;
}

export interface FitOptions {
  epochs: number;
  loss: LossConfig | LossName;
  optimizer: OptimizerConfig;
  /** Default 32. 'full' is the whole training set; 'auto' is full below 2,000 samples, else 32. */
  batchSize?: BatchSize;
  schedule?: ScheduleConfig;
  shuffle?: boolean;
  /** Seeds shuffling (dropout masks come from the model's seed). Default 0. */
  seed?: number;
  validation?: Dataset;
  metrics?: MetricName[];
  earlyStopping?: EarlyStopping;
  /** Penalties on weights (not biases): l1·Σ|w| + l2·Σw², added to the loss. */
  penalty?: { l1?: number; l2?: number };
  /** Rescales all gradients together when their global L2 norm exceeds this. */
  clipNorm?: number;
  /** Clamps each gradient component to [−clipValue, clipValue]. */
  clipValue?: number;
  /** Awaited after each epoch; an exception stops training and propagates (how a trial is pruned). */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | Promise<void>;
}

export interface History {
  epochs: EpochLogs[];
  /** Epoch with the best monitored value when early stopping is on. */
  bestEpoch?: number;
  stoppedEarly: boolean;
  /** Training stopped because the epoch's training loss was NaN or infinite. */
  diverged?: boolean;
}

export function resolveBatchSize(b: BatchSize | undefined, n: number): number {
  if (b === undefined) return Math.min(32, n);
  if (b === 'full') return n;
  // Full batch is cheapest and most stable for small sets; above that the usual power of two.
  if (b === 'auto') return n < 2000 ? n : 32;
  if (!Number.isInteger(b) || b < 1) throw fieldError('batchSize', "a positive integer, 'full' or 'auto'", b);
  return Math.min(b, n);
}

/** What fit trains with, built from its options before any epoch runs. */
export interface Training {
  loss: LossConfig;
  lossFn: LossFn;
  optimizer: Optimizer;
  schedule: Schedule;
  /** The value early stopping and reduce-on-plateau watch: the early-stopping monitor, else val_loss or loss. */
  monitor: Monitor;
}

/**
 * Builds the loss, optimizer, schedule and monitor from fit's options, refusing any that could not run
 * (each error names its field, e.g. `optimizer.lr`). fit calls it first; a config's dry run calls it with
 * the model it built, so a bad config fails before a trial starts. `validation`: whether fit gets validation data.
 */
export function prepareTraining(model: Model, o: FitOptions, validation: boolean): Training {
  const top = o as unknown as Record<string, unknown>;
  checkNumber(top, 'epochs', '', 'nonNegativeInt', true);
  resolveBatchSize(o.batchSize, 1); // checks it; the row count only matters once data is given
  for (const [i, m] of (o.metrics ?? []).entries())
    if (!(METRIC_NAMES as readonly string[]).includes(m))
      throw fieldError(`metrics[${i}]`, `one of ${METRIC_NAMES.join(', ')}`, m);
  if (o.penalty !== undefined) {
    const p = checkKeys(o.penalty, 'penalty', ['l1', 'l2']);
    checkNumber(p, 'l1', 'penalty', 'nonNegative');
    checkNumber(p, 'l2', 'penalty', 'nonNegative');
  }
  checkNumber(top, 'clipNorm', '', 'positive');
  checkNumber(top, 'clipValue', '', 'positive');
  const loss = normalizeLoss(o.loss);
  const lossFn = lossFunction(o.loss);
  const params = model.params().map((p) => p.param);
  const optimizer = createOptimizer(model.kernels, params, o.optimizer);
  const monitor = checkStopping(o, validation);
  const schedule = createSchedule(o.optimizer.lr, o.schedule, { direction: monitorDirection(monitor) });
  return { loss, lossFn, optimizer, schedule, monitor };
}

/** The early-stopping options, and the monitor they watch, which this run must be able to produce. */
function checkStopping(o: FitOptions, validation: boolean): Monitor {
  const es = o.earlyStopping;
  if (es === undefined) return validation ? DEFAULT_MONITOR : 'loss';
  const e = checkKeys(es, 'earlyStopping', ['monitor', 'patience', 'minDelta', 'mode', 'restoreBestWeights']);
  checkNumber(e, 'patience', 'earlyStopping', 'nonNegativeInt');
  checkNumber(e, 'minDelta', 'earlyStopping', 'nonNegative');
  checkBoolean(e, 'restoreBestWeights', 'earlyStopping');
  if (e.mode !== undefined && e.mode !== 'min' && e.mode !== 'max')
    throw fieldError('earlyStopping.mode', 'min or max', e.mode);
  // What this run logs: the training loss always; validation values only with validation data.
  const metrics = o.metrics ?? [];
  const produced = validation
    ? MONITORS.filter((m) => {
        const metric = monitorMetric(m);
        return metric === null || metrics.includes(metric);
      })
    : (['loss'] as Monitor[]);
  return checkMonitor(es.monitor ?? DEFAULT_MONITOR, 'earlyStopping.monitor', produced);
}

export async function fit(model: Model, data: Dataset, o: FitOptions): Promise<History> {
  const k = model.kernels;
  const inSize = product(model.inputShape);
  const dim = product(model.outShape);
  const { loss, lossFn, optimizer, schedule, monitor } = prepareTraining(
    model,
    o,
    o.validation !== undefined,
  );
  const ySize = takesLabels(loss) ? 1 : dim;
  const classes = takesLabels(loss) ? dim : 0;
  checkData(data, inSize, ySize, classes, 'data');
  if (o.validation) checkData(o.validation, inSize, ySize, classes, 'validation');
  const batchSize = resolveBatchSize(o.batchSize, data.n);
  const params = model.params().map((p) => p.param);
  const trainable = params.filter((p) => p.grad >= 0);
  const rng = new Rng(o.seed ?? 0);
  const grads = new PerBatch((b) => k.alloc(b * dim));
  const yb = new Float32Array(batchSize * ySize);
  const order = new Int32Array(data.n).map((_, i) => i);
  const l1 = o.penalty?.l1 ?? 0;
  const l2 = o.penalty?.l2 ?? 0;

  const es = o.earlyStopping;
  const maximize = es?.mode ? es.mode === 'max' : monitorDirection(monitor) === 'maximize';
  let best = maximize ? -Infinity : Infinity;
  let bestSnap: Float32Array[] | undefined;
  let wait = 0;
  const history: History = { epochs: [], stoppedEarly: false };

  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const started = performance.now();
    const lr = schedule.lr(epoch);
    if (o.shuffle ?? true) rng.shuffle(order);
    let total = 0;
    for (let s = 0; s < data.n; s += batchSize) {
      const b = Math.min(batchSize, data.n - s);
      const xb = model.inputBuffer(b);
      let h = k.heap();
      for (let i = 0; i < b; i++) {
        const r = order[s + i];
        h.set(data.x.subarray(r * inSize, (r + 1) * inSize), xb + i * inSize);
        for (let j = 0; j < ySize; j++) yb[i * ySize + j] = data.y[r * ySize + j];
      }
      const out = model.forward(xb, b, true);
      const g = grads.get(b);
      h = k.heap();
      let batchLoss = lossFn(h, out, yb, b, dim, g);
      model.backward(g, b);
      if (l1 || l2) batchLoss += applyL1(h, trainable, l1) + penaltyL2(h, trainable, l2);
      if (o.clipValue !== undefined || o.clipNorm !== undefined)
        clipGradients(h, trainable, o.clipValue, o.clipNorm);
      optimizer.step(lr, 2 * l2);
      total += batchLoss * b;
    }
    const logs: EpochLogs = { epoch, lr, loss: total / data.n, val: {}, seconds: 0 };
    if (o.validation) Object.assign(logs, evaluate(model, o.validation, loss, o.metrics ?? []));
    logs.seconds = (performance.now() - started) / 1000;
    history.epochs.push(logs);
    // prepareTraining checked that this run logs the monitor, so it is a number here.
    const watched = monitoredValue(logs, monitor)!;
    schedule.observe?.(watched);
    await o.onEpochEnd?.(epoch, logs);
    if (es) {
      const delta = es.minDelta ?? 0;
      if (maximize ? watched > best + delta : watched < best - delta) {
        best = watched;
        history.bestEpoch = epoch;
        wait = 0;
        if (es.restoreBestWeights) bestSnap = snapshot(model);
      } else if (++wait >= (es.patience ?? 0)) {
        history.stoppedEarly = true;
        break;
      }
    }
    // A diverged run only wastes the trial's budget from here on.
    if (!Number.isFinite(logs.loss)) {
      history.diverged = true;
      break;
    }
  }
  if (bestSnap) restore(model, bestSnap);
  return history;
}

/** Loss (no penalties) and metrics in inference mode; classification metrics see probabilities. */
export function evaluate(
  model: Model,
  data: Dataset,
  lossConfig: LossConfig | LossName,
  metrics: readonly MetricName[],
): { valLoss: number; val: Partial<Record<MetricName, number>> } {
  const loss = normalizeLoss(lossConfig);
  const dim = product(model.outShape);
  const out = model.predict(data.x, data.n);
  const y = Float32Array.from(data.y);
  const h = new Float32Array(out.length);
  h.set(out);
  const valLoss = lossFunction(loss)(h, 0, y, data.n, dim, -1);
  const classification = metrics.some((m) => CLASSIFICATION_METRICS.includes(m));
  let probs = out;
  if (classification && loss.kind === 'softmax_cross_entropy') probs = softmaxRows(out, data.n, dim);
  else if (classification && loss.kind === 'binary_cross_entropy')
    probs = out.map((v) => 1 / (1 + Math.exp(-v)));
  const cls = computeMetrics(
    metrics.filter((m) => CLASSIFICATION_METRICS.includes(m)),
    probs,
    data.y,
    data.n,
    dim,
  );
  const reg = computeMetrics(
    metrics.filter((m) => !CLASSIFICATION_METRICS.includes(m)),
    out,
    data.y,
    data.n,
    dim,
  );
  return { valLoss, val: { ...cls, ...reg } };
}

function softmaxRows(z: Float32Array, n: number, dim: number): Float32Array {
  const p = new Float32Array(z.length);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < dim; j++) max = Math.max(max, z[i * dim + j]);
    let s = 0;
    for (let j = 0; j < dim; j++) s += p[i * dim + j] = Math.exp(z[i * dim + j] - max);
    for (let j = 0; j < dim; j++) p[i * dim + j] /= s;
  }
  return p;
}

/** `classes` > 0: y must hold integer labels in [0, classes). */
function checkData(d: Dataset, inSize: number, ySize: number, classes: number, what: string): void {
  if (!Number.isInteger(d.n) || d.n < 1)
    throw new TunekitError('invalid_argument', `${what}.n must be a positive integer, got ${d.n}`);
  if (d.x.length !== d.n * inSize)
    throw new TunekitError(
      'invalid_argument',
      `${what}.x has ${d.x.length} values; expected n × ${inSize} = ${d.n * inSize}`,
    );
  if (d.y.length !== d.n * ySize)
    throw new TunekitError(
      'invalid_argument',
      `${what}.y has ${d.y.length} values; expected ${ySize === 1 ? 'one label per sample' : `n × ${ySize}`} = ${d.n * ySize}`,
    );
  if (classes > 0)
    for (let i = 0; i < d.n; i++)
      if (!Number.isInteger(d.y[i]) || d.y[i] < 0 || d.y[i] >= classes)
        throw new TunekitError(
          'invalid_argument',
          `${what}.y[${i}] is ${d.y[i]}, not a class label in 0..${classes - 1} (the model has ${classes} outputs)`,
        );
}

// Preprocessing fitted on training rows only, then applied unchanged to validation and test rows: the
// fitted transform is plain data (means, scales, components), so it can be stored with a trial or a model.
import { TunekitError } from '../errors.js';
import { symmetricEigen } from '../linalg.js';
import { withFeatures, type Dataset } from './dataset.js';

/** What to fit, in order. A plain value, so a search space can choose it. */
export type PreprocessStep =
  | { kind: 'standardize' }
  | { kind: 'minmax'; range?: readonly [number, number] }
  /** components: a count, or a fraction in (0, 1) of the variance to keep. */
  | { kind: 'pca'; components: number; whiten?: boolean };

export type FittedTransform =
  | { kind: 'standardize'; mean: number[]; scale: number[] }
  | { kind: 'minmax'; min: number[]; scale: number[]; low: number }
  | {
      kind: 'pca';
      mean: number[];
      components: number[][];
      explainedVariance: number[];
      explainedVarianceRatio: number[];
      whiten: boolean;
    };

/** Per-feature mean and population standard deviation (a constant feature is only centred). */
export function fitStandardize(train: Dataset): FittedTransform {
  const mean = columnMeans(train);
  const scale = mean.map((m, j) => {
    let ss = 0;
    for (let i = 0; i < train.n; i++) ss += ((train.x[i * train.features + j] as number) - m) ** 2;
    const std = Math.sqrt(ss / train.n);
    return std > 0 ? std : 1;
  });
  return { kind: 'standardize', mean, scale };
}

/** Maps each feature's training range onto `range` (default [0, 1]); unseen values may fall outside. */
export function fitMinMax(train: Dataset, range: readonly [number, number] = [0, 1]): FittedTransform {
  const [low, high] = range;
  if (!(low < high))
    throw new TunekitError(
      'invalid_argument',
      `minmax range must be [low, high] with low < high, got [${range.join(', ')}]`,
    );
  const min: number[] = new Array(train.features).fill(Infinity);
  const max: number[] = new Array(train.features).fill(-Infinity);
  for (let i = 0; i < train.n; i++)
    for (let j = 0; j < train.features; j++) {
      const v = train.x[i * train.features + j] as number;
      if (v < min[j]!) min[j] = v;
      if (v > max[j]!) max[j] = v;
    }
  const scale = min.map((lo, j) => (max[j]! > lo ? (high - low) / (max[j]! - lo) : 1));
  return { kind: 'minmax', min, scale, low };
}

/**
 * Principal components of the centred training rows (eigenvectors of the covariance, by decreasing
 * variance), signed as scikit-learn signs them: each component's largest training score is positive.
 * With `whiten`, scores are divided by the component's standard deviation, so they have unit variance.
 */
export function fitPca(train: Dataset, options: { components: number; whiten?: boolean }): FittedTransform {
  const { n, features: d } = train;
  if (n < 2) throw new TunekitError('invalid_argument', 'PCA needs at least 2 training rows');
  const mean = columnMeans(train);
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = (train.x[i * d + j] as number) - mean[j]!;
    for (let a = 0; a < d; a++) {
      const ra = row[a]!;
      if (ra !== 0) for (let b = a; b < d; b++) cov[a * d + b] += ra * row[b]!;
    }
  }
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) cov[b * d + a] = cov[a * d + b] /= n - 1;
  const { values, vectors } = symmetricEigen(cov, d);
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const variance = order.map((i) => Math.max(values[i]!, 0));
  const total = variance.reduce((a, b) => a + b, 0);
  const k = componentCount(options.components, variance, total, Math.min(n, d));
  const components = order.slice(0, k).map((i) => Array.from({ length: d }, (_, r) => vectors[r * d + i]!));
  for (const c of components) {
    let best = 0;
    for (let s = 0; s < n; s++) {
      let score = 0;
      for (let j = 0; j < d; j++) score += ((train.x[s * d + j] as number) - mean[j]!) * c[j]!;
      if (Math.abs(score) > Math.abs(best)) best = score;
    }
    if (best < 0) for (let j = 0; j < d; j++) c[j] = -c[j]!;
  }
  return {
    kind: 'pca',
    mean,
    components,
    explainedVariance: variance.slice(0, k),
    explainedVarianceRatio: variance.slice(0, k).map((v) => (total > 0 ? v / total : 0)),
    whiten: options.whiten ?? false,
  };
}

export function fitStep(step: PreprocessStep, train: Dataset): FittedTransform {
  switch (step.kind) {
    case 'standardize':
      return fitStandardize(train);
    case 'minmax':
      return fitMinMax(train, step.range);
    case 'pca':
      return fitPca(train, step);
    default:
      throw new TunekitError(
        'invalid_argument',
        `unknown preprocessing step ${JSON.stringify((step as { kind: unknown }).kind)}; use standardize, minmax or pca`,
      );
  }
}

/** Fits the steps in order, each on the training rows as the previous steps left them. */
export function fitPreprocess(steps: readonly PreprocessStep[], train: Dataset): FittedTransform[] {
  const fitted: FittedTransform[] = [];
  let data = train;
  for (const step of steps) {
    const t = fitStep(step, data);
    fitted.push(t);
    data = transform(t, data);
  }
  return fitted;
}

/** Applies fitted transforms (one or a list) to any rows: training, validation or test. */
export function transform(fitted: FittedTransform | readonly FittedTransform[], data: Dataset): Dataset {
  if (Array.isArray(fitted))
    return (fitted as readonly FittedTransform[]).reduce((d, t) => transform(t, d), data);
  const t = fitted as FittedTransform;
  const d = data.features;
  const width = t.kind === 'pca' ? t.mean.length : t.kind === 'standardize' ? t.mean.length : t.min.length;
  if (width !== d)
    throw new TunekitError(
      'invalid_argument',
      `the ${t.kind} transform was fitted on ${width} features; this data has ${d}`,
    );
  if (t.kind === 'pca') {
    const k = t.components.length;
    const x = new Float32Array(data.n * k);
    const divide = t.explainedVariance.map((v) => (t.whiten && v > 0 ? Math.sqrt(v) : 1));
    for (let i = 0; i < data.n; i++)
      for (let c = 0; c < k; c++) {
        const comp = t.components[c]!;
        let s = 0;
        for (let j = 0; j < d; j++) s += ((data.x[i * d + j] as number) - t.mean[j]!) * comp[j]!;
        x[i * k + c] = s / divide[c]!;
      }
    return withFeatures(
      data,
      x,
      k,
      Array.from({ length: k }, (_, c) => `pc${c + 1}`),
    );
  }
  const x = new Float32Array(data.x.length);
  for (let i = 0; i < data.n; i++)
    for (let j = 0; j < d; j++) {
      const v = data.x[i * d + j] as number;
      x[i * d + j] =
        t.kind === 'standardize' ? (v - t.mean[j]!) / t.scale[j]! : (v - t.min[j]!) * t.scale[j]! + t.low;
    }
  return withFeatures(data, x, d);
}

/**
 * Fits `steps` on `parts.train` and applies them to every part: the protocol in one call, so validation
 * and test rows never influence a mean, a range or a component.
 */
export function preprocess<P extends { train: Dataset } & Record<string, Dataset>>(
  steps: readonly PreprocessStep[],
  parts: P,
): P & { fitted: FittedTransform[] } {
  const fitted = fitPreprocess(steps, parts.train);
  const out: Record<string, Dataset> = {};
  for (const [name, data] of Object.entries(parts)) out[name] = transform(fitted, data);
  return { ...(out as P), fitted };
}

function columnMeans(data: Dataset): number[] {
  if (data.n === 0) throw new TunekitError('invalid_argument', 'cannot fit a transform on 0 rows');
  const sum = new Float64Array(data.features);
  for (let i = 0; i < data.n; i++)
    for (let j = 0; j < data.features; j++) sum[j] += data.x[i * data.features + j] as number;
  return Array.from(sum, (s) => s / data.n);
}

function componentCount(spec: number, variance: readonly number[], total: number, max: number): number {
  if (Number.isInteger(spec) && spec >= 1 && spec <= max) return spec;
  if (spec > 0 && spec < 1) {
    // The fewest components whose variance reaches the fraction, as scikit-learn counts them.
    let sum = 0;
    for (let k = 0; k < max; k++) if ((sum += variance[k]!) / total >= spec) return k + 1;
    return max;
  }
  throw new TunekitError(
    'invalid_argument',
    `pca components must be an integer in 1..${max} or a variance fraction in (0, 1), got ${spec}`,
  );
}

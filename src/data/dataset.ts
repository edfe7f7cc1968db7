// The one shape every loader returns and every split, transform and trainer takes: plain typed arrays,
// row-major, structurally the `Dataset` that `tunekit/nn`'s `fit` reads, so no adapter is needed.
import { TunekitError } from '../errors.js';

export interface Dataset {
  /** n × features values, row-major. */
  readonly x: Float32Array;
  /** n labels (class index) for classification, n × targets values for regression. */
  readonly y: Float32Array | Int32Array;
  readonly n: number;
  /** Values per row of x (the product of `shape`). */
  readonly features: number;
  /** Per-sample shape when rows are images: [height, width, channels]. */
  readonly shape?: readonly number[];
  /** Number of classes; absent for regression. */
  readonly classes?: number;
  readonly featureNames?: readonly string[];
  readonly labelNames?: readonly string[];
  /**
   * Which row of the original data each row is. Every split and subset keeps it, so a test can prove that
   * no held-out row ever reached a training step.
   */
  readonly rows?: Int32Array;
}

/** Values per row of y: 1 for class labels, the number of targets for regression. */
export function targetSize(data: Dataset): number {
  return data.n === 0 ? 1 : data.y.length / data.n;
}

/** Original row ids of `data` (0..n-1 for data nobody has subset yet). */
export function rowIds(data: Dataset): Int32Array {
  return data.rows ?? Int32Array.from({ length: data.n }, (_, i) => i);
}

/** The rows of `data` at `indices`, in that order, copied; metadata and original row ids carried over. */
export function subset(data: Dataset, indices: ArrayLike<number>): Dataset {
  const f = data.features;
  const t = targetSize(data);
  const x = new Float32Array(indices.length * f);
  const y =
    data.y instanceof Int32Array ? new Int32Array(indices.length * t) : new Float32Array(indices.length * t);
  const rows = new Int32Array(indices.length);
  const ids = data.rows;
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i] as number;
    if (!Number.isInteger(r) || r < 0 || r >= data.n)
      throw new TunekitError(
        'invalid_argument',
        `subset: index ${r} at position ${i} is outside 0..${data.n - 1}`,
      );
    x.set(data.x.subarray(r * f, (r + 1) * f), i * f);
    for (let j = 0; j < t; j++) y[i * t + j] = data.y[r * t + j] as number;
    rows[i] = ids ? (ids[r] as number) : r;
  }
  return { ...data, x, y, n: indices.length, rows };
}

/** The same rows with new feature values (what a fitted transform returns). */
export function withFeatures(
  data: Dataset,
  x: Float32Array,
  features: number,
  featureNames?: readonly string[],
): Dataset {
  const { shape: _shape, featureNames: _names, ...rest } = data;
  // A transform that changes the width (PCA) drops the image shape and the old names.
  if (features === data.features) return { ...data, x };
  return { ...rest, x, features, ...(featureNames ? { featureNames } : {}) };
}

/** Checks the sizes agree; loaders and user-built data sets pass through here. */
export function checkDataset(data: Dataset, what = 'data'): Dataset {
  const fail = (message: string) => {
    throw new TunekitError('invalid_dataset', `${what}: ${message}`);
  };
  if (!(data.x instanceof Float32Array)) fail('x must be a Float32Array (n × features, row-major)');
  if (!(data.y instanceof Float32Array || data.y instanceof Int32Array))
    fail('y must be a Float32Array or an Int32Array');
  if (!Number.isInteger(data.n) || data.n < 0) fail(`n must be a non-negative integer, got ${data.n}`);
  if (!Number.isInteger(data.features) || data.features < 1)
    fail(`features must be a positive integer, got ${data.features}`);
  if (data.x.length !== data.n * data.features)
    fail(`x has ${data.x.length} values; expected n × features = ${data.n * data.features}`);
  if (data.n > 0 && data.y.length % data.n !== 0)
    fail(`y has ${data.y.length} values, not a multiple of n = ${data.n}`);
  if (data.shape && data.shape.reduce((a, b) => a * b, 1) !== data.features)
    fail(`shape [${data.shape.join(', ')}] does not multiply to features = ${data.features}`);
  if (data.rows && data.rows.length !== data.n) fail(`rows has ${data.rows.length} ids for ${data.n} rows`);
  if (data.classes !== undefined) {
    if (data.y.length !== data.n) fail('a classification data set has one label per row');
    for (let i = 0; i < data.n; i++) {
      const label = data.y[i] as number;
      if (!Number.isInteger(label) || label < 0 || label >= data.classes)
        fail(`y[${i}] = ${label} is not a class index in 0..${data.classes - 1}`);
    }
  }
  return data;
}

/** Class labels as integers, for stratification; throws for regression targets. */
export function classLabels(data: Dataset): Int32Array {
  if (data.classes === undefined && data.y instanceof Float32Array)
    throw new TunekitError(
      'invalid_argument',
      'stratification needs class labels; this data set has regression targets (no `classes`)',
    );
  return data.y instanceof Int32Array ? data.y : Int32Array.from(data.y);
}

/** Rows of `a` then rows of `b` (e.g. training rows and their augmented copies); metadata from `a`. */
export function concatDatasets(a: Dataset, b: Dataset): Dataset {
  if (a.features !== b.features || targetSize(a) !== targetSize(b) || a.y.constructor !== b.y.constructor)
    throw new TunekitError(
      'invalid_argument',
      `cannot concatenate ${a.features}-feature rows with ${b.features}-feature rows or different label types`,
    );
  const x = new Float32Array(a.x.length + b.x.length);
  x.set(a.x);
  x.set(b.x, a.x.length);
  const y =
    a.y instanceof Int32Array
      ? new Int32Array(a.y.length + b.y.length)
      : new Float32Array(a.y.length + b.y.length);
  y.set(a.y);
  y.set(b.y, a.y.length);
  const rows = new Int32Array(a.n + b.n);
  rows.set(rowIds(a));
  rows.set(rowIds(b), a.n);
  return { ...a, x, y, n: a.n + b.n, rows };
}

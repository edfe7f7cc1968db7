// Seeded splits: train/validation/test and k-fold, plain or stratified, once or repeated. Every split
// shares one apportionment, so part sizes are the nearest integers to what was asked and, stratified,
// each class's count in each part is within one sample of its share.
import { TunekitError } from '../errors.js';
import { Rng, deriveSeed } from '../random.js';
import { classLabels, subset, type Dataset } from './dataset.js';

/** One round of cross-validation: rows to fit on, rows to score on (indices into the data set). */
export interface Fold {
  readonly fold: number;
  readonly repeat: number;
  readonly train: Int32Array;
  readonly holdout: Int32Array;
}

export interface SplitOptions {
  /**
   * Seeds the shuffle. Default 0, not random: a split that changes between runs would let a rerun tune on
   * rows that were test rows before.
   */
  seed?: number;
}

export interface TrainValTestOptions extends SplitOptions {
  /** Default 0.2. */
  valFraction?: number;
  /** Default 0.2. 0 gives an empty test part (when the test set comes from elsewhere). */
  testFraction?: number;
  /** Keep class ratios in every part (needs class labels). Default false. */
  stratify?: boolean;
}

export interface KFoldOptions extends SplitOptions {
  /** Number of folds. Default 5. */
  k?: number;
  /** Default true; false keeps the rows in order (fold 0 is the first n/k rows of each class). */
  shuffle?: boolean;
}

export interface RepeatedKFoldOptions extends KFoldOptions {
  /** How many times k-fold runs, each with a fresh shuffle. Default 2. */
  repeats?: number;
}

export interface TrainValTestIndices {
  readonly train: Int32Array;
  readonly val: Int32Array;
  readonly test: Int32Array;
}

export function trainValTestSplit(
  data: Dataset,
  options: TrainValTestOptions = {},
): { train: Dataset; val: Dataset; test: Dataset } {
  const parts = trainValTestIndices(options.stratify ? classLabels(data) : data.n, options);
  return { train: subset(data, parts.train), val: subset(data, parts.val), test: subset(data, parts.test) };
}

/** The split as row indices: of `n` rows, or of rows with these class labels (stratified). */
export function trainValTestIndices(
  nOrLabels: number | ArrayLike<number>,
  options: TrainValTestOptions = {},
): TrainValTestIndices {
  const val = options.valFraction ?? 0.2;
  const test = options.testFraction ?? 0.2;
  for (const [name, f] of [
    ['valFraction', val],
    ['testFraction', test],
  ] as const)
    if (typeof f !== 'number' || !(f >= 0 && f < 1))
      throw new TunekitError('invalid_argument', `${name} must be in [0, 1), got ${String(f)}`);
  if (val + test >= 1)
    throw new TunekitError(
      'invalid_argument',
      `valFraction + testFraction must be below 1, got ${val + test}`,
    );
  const [train, v, t] = partition(
    groups(nOrLabels),
    [1 - val - test, val, test],
    new Rng(deriveSeed(options.seed ?? 0, 'train-val-test')),
  );
  return { train: train!, val: v!, test: t! };
}

export function kFold(nOrData: number | Dataset, options: KFoldOptions = {}): Fold[] {
  return folds(typeof nOrData === 'number' ? nOrData : nOrData.n, options, 0);
}

/** k-fold where each fold holds each class in proportion (within one sample). */
export function stratifiedKFold(
  labelsOrData: ArrayLike<number> | Dataset,
  options: KFoldOptions = {},
): Fold[] {
  return folds(labelsOf(labelsOrData), options, 0);
}

export function repeatedKFold(nOrData: number | Dataset, options: RepeatedKFoldOptions = {}): Fold[] {
  const n = typeof nOrData === 'number' ? nOrData : nOrData.n;
  return repeats(options).flatMap((r) => folds(n, options, r));
}

export function repeatedStratifiedKFold(
  labelsOrData: ArrayLike<number> | Dataset,
  options: RepeatedKFoldOptions = {},
): Fold[] {
  const labels = labelsOf(labelsOrData);
  return repeats(options).flatMap((r) => folds(labels, options, r));
}

function repeats(options: RepeatedKFoldOptions): number[] {
  const count = options.repeats ?? 2;
  if (!Number.isInteger(count) || count < 1)
    throw new TunekitError('invalid_argument', `repeats must be a positive integer, got ${String(count)}`);
  if (options.shuffle === false && count > 1)
    throw new TunekitError(
      'invalid_argument',
      'repeated k-fold without shuffling repeats the same folds; set shuffle: true',
    );
  return Array.from({ length: count }, (_, r) => r);
}

function labelsOf(labelsOrData: ArrayLike<number> | Dataset): ArrayLike<number> {
  return 'x' in labelsOrData && 'n' in labelsOrData
    ? classLabels(labelsOrData as Dataset)
    : (labelsOrData as ArrayLike<number>);
}

function folds(nOrLabels: number | ArrayLike<number>, options: KFoldOptions, repeat: number): Fold[] {
  const k = options.k ?? 5;
  const n = typeof nOrLabels === 'number' ? nOrLabels : nOrLabels.length;
  if (!Number.isInteger(k) || k < 2)
    throw new TunekitError('invalid_argument', `k must be an integer of at least 2, got ${String(k)}`);
  if (k > n)
    throw new TunekitError('invalid_argument', `k = ${k} folds need at least ${k} rows; there are ${n}`);
  const rng = options.shuffle === false ? null : new Rng(deriveSeed(options.seed ?? 0, 'k-fold', repeat));
  const parts = partition(groups(nOrLabels), new Array<number>(k).fill(1 / k), rng);
  return parts.map((holdout, fold) => {
    const train = new Int32Array(n - holdout.length);
    let at = 0;
    parts.forEach((part, j) => {
      if (j === fold) return;
      train.set(part, at);
      at += part.length;
    });
    return { fold, repeat, train: train.sort(), holdout };
  });
}

/** Row indices grouped by class (one group for plain splits), classes in ascending label order. */
function groups(nOrLabels: number | ArrayLike<number>): number[][] {
  if (typeof nOrLabels === 'number') {
    if (!Number.isInteger(nOrLabels) || nOrLabels < 0)
      throw new TunekitError(
        'invalid_argument',
        `n must be a non-negative integer, got ${String(nOrLabels)}`,
      );
    return [Array.from({ length: nOrLabels }, (_, i) => i)];
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < nOrLabels.length; i++) {
    const label = nOrLabels[i] as number;
    if (!Number.isInteger(label))
      throw new TunekitError(
        'invalid_argument',
        `stratification needs integer class labels; label ${i} is ${label}`,
      );
    const rows = byClass.get(label);
    if (rows) rows.push(i);
    else byClass.set(label, [i]);
  }
  return [...byClass.keys()].sort((a, b) => a - b).map((label) => byClass.get(label)!);
}

/** Deals each group's rows (shuffled unless rng is null) into parts sized by `apportion`; each part sorted. */
function partition(groupRows: number[][], fractions: readonly number[], rng: Rng | null): Int32Array[] {
  const counts = apportion(
    groupRows.map((g) => g.length),
    fractions,
  );
  const parts: number[][] = fractions.map(() => []);
  groupRows.forEach((rows, g) => {
    const order = rng ? rng.shuffle([...rows]) : rows;
    let at = 0;
    counts[g]!.forEach((count, j) => {
      parts[j]!.push(...order.slice(at, at + count));
      at += count;
    });
  });
  return parts.map((p) => Int32Array.from(p).sort());
}

/**
 * How many rows of each group go to each part. Every cell is the floor or the ceiling of its exact share
 * (group size × fraction), every group is dealt out completely, and part totals are the nearest integers
 * to n × fraction (largest remainders). Choosing which cells round up is a small bipartite matching:
 * groups offer their leftover rows, parts take as many as their totals allow.
 */
export function apportion(groupSizes: readonly number[], fractions: readonly number[]): number[][] {
  const n = groupSizes.reduce((a, b) => a + b, 0);
  const share = groupSizes.map((c) => fractions.map((f) => c * f));
  const cells = share.map((row) => row.map((s) => Math.floor(s + 1e-9)));
  const totals = largestRemainder(n, fractions);
  const colLeft = totals.map((t, j) => t - cells.reduce((sum, row) => sum + row[j]!, 0));
  const rowLeft = groupSizes.map((c, g) => c - cells[g]!.reduce((a, b) => a + b, 0));
  const up = cells.map((row) => row.map(() => false));
  const canRound = (g: number, j: number) => share[g]![j]! - cells[g]![j]! > 1e-9;

  // Augmenting path from group g: a part with room, or a part whose round-up another group can move elsewhere.
  const place = (g: number, seen: Set<number>): boolean => {
    const order = fractions
      .map((_, j) => j)
      .sort((a, b) => share[g]![b]! - cells[g]![b]! - (share[g]![a]! - cells[g]![a]!));
    for (const j of order) {
      if (!canRound(g, j) || up[g]![j] || seen.has(j)) continue;
      seen.add(j);
      if (colLeft[j]! > 0) return ((up[g]![j] = true), colLeft[j]!--, true);
      for (let h = 0; h < groupSizes.length; h++) {
        if (h === g || !up[h]![j]) continue;
        up[h]![j] = false;
        if (place(h, seen)) return ((up[g]![j] = true), true);
        up[h]![j] = true;
      }
    }
    return false;
  };
  groupSizes.forEach((_, g) => {
    for (let r = 0; r < rowLeft[g]!; r++)
      if (!place(g, new Set())) {
        // Not reached in any case we know of; if it were, groups stay exact and a total is off by one.
        const j = fractions.map((_, i) => i).find((i) => canRound(g, i) && !up[g]![i]);
        if (j !== undefined) up[g]![j] = true;
      }
  });
  return cells.map((row, g) => row.map((c, j) => c + (up[g]![j] ? 1 : 0)));
}

/** Integers summing to n, each the floor or ceiling of n × fraction; ties go to the earlier part. */
function largestRemainder(n: number, fractions: readonly number[]): number[] {
  const exact = fractions.map((f) => n * f);
  const out = exact.map((e) => Math.floor(e + 1e-9));
  const order = exact.map((e, j) => j).sort((a, b) => exact[b]! - out[b]! - (exact[a]! - out[a]!) || a - b);
  for (let left = n - out.reduce((a, b) => a + b, 0), i = 0; left > 0; left--, i++)
    out[order[i % order.length]!]!++;
  return out;
}

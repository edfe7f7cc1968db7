// Regression trees and a random forest over trial data, the model fANOVA decomposes. Numeric features are
// positions in [0, 1] (the search space's unit transform, so log ranges split in log space); categorical
// features split natively into two subsets of choices.
import { TunekitError } from '../errors.js';
import { Rng } from '../random.js';

export type Feature =
  | { readonly name: string; readonly kind: 'numeric' }
  | { readonly name: string; readonly kind: 'categorical'; readonly choices: number };

/** Rows of features (numeric: unit position; categorical: choice index) with one target each. */
export interface Dataset {
  readonly features: readonly Feature[];
  readonly x: readonly (readonly number[])[];
  readonly y: readonly number[];
}

/**
 * A node of a tree, stored flat. A leaf has `feature` -1. A numeric split sends x <= threshold left; a
 * categorical split sends the choices in `left` left.
 */
export interface TreeNode {
  readonly feature: number;
  readonly threshold: number;
  readonly left: readonly number[] | null;
  readonly leftChild: number;
  readonly rightChild: number;
  readonly value: number;
  readonly samples: number;
}

export interface Tree {
  readonly nodes: readonly TreeNode[];
}

export interface ForestOptions {
  /** Default 64, as Optuna's FanovaImportanceEvaluator. */
  nTrees?: number;
  /** Default 64. */
  maxDepth?: number;
  /** Default 1. */
  minSamplesLeaf?: number;
  /** Share of the features tried at each split, in (0, 1]. Default 1 (all, as scikit-learn's regressor). */
  maxFeatures?: number;
  /** Draw each tree's rows with replacement. Default true. */
  bootstrap?: boolean;
  seed?: number;
}

export interface Forest {
  readonly trees: readonly Tree[];
}

export function fitForest(data: Dataset, options: ForestOptions = {}): Forest {
  const {
    nTrees = 64,
    maxDepth = 64,
    minSamplesLeaf = 1,
    maxFeatures = 1,
    bootstrap = true,
    seed = 0,
  } = options;
  if (!Number.isInteger(nTrees) || nTrees < 1)
    throw new TunekitError('invalid_argument', `nTrees must be a positive integer, got ${nTrees}`);
  if (!(maxFeatures > 0 && maxFeatures <= 1))
    throw new TunekitError('invalid_argument', `maxFeatures must be in (0, 1], got ${maxFeatures}`);
  if (data.y.length === 0) throw new TunekitError('no_completed_trials', 'cannot fit a forest to no trials');
  const trees: Tree[] = [];
  for (let t = 0; t < nTrees; t++) {
    // One stream per tree, so a tree does not change when the forest grows.
    const rng = Rng.derive(seed, 'tree', t);
    const n = data.y.length;
    const rows = bootstrap
      ? Array.from({ length: n }, () => rng.int(0, n - 1))
      : Array.from({ length: n }, (_, i) => i);
    trees.push(fitTree(data, rows, { maxDepth, minSamplesLeaf, maxFeatures, rng }));
  }
  return { trees };
}

interface TreeSettings {
  maxDepth: number;
  minSamplesLeaf: number;
  maxFeatures: number;
  rng: Rng;
}

interface Split {
  feature: number;
  threshold: number;
  left: number[] | null;
  gain: number;
}

export function fitTree(data: Dataset, rows: readonly number[], settings: TreeSettings): Tree {
  const nodes: TreeNode[] = [];
  const grow = (rowsHere: readonly number[], depth: number): number => {
    const index = nodes.length;
    const value = mean(rowsHere.map((r) => data.y[r] as number));
    nodes.push({
      feature: -1,
      threshold: 0,
      left: null,
      leftChild: -1,
      rightChild: -1,
      value,
      samples: rowsHere.length,
    });
    if (depth >= settings.maxDepth || rowsHere.length < 2 * settings.minSamplesLeaf) return index;
    const split = bestSplit(data, rowsHere, settings);
    if (split === null) return index;
    const goesLeft = (r: number): boolean => {
      const v = (data.x[r] as readonly number[])[split.feature] as number;
      return split.left === null ? v <= split.threshold : split.left.includes(v);
    };
    const leftRows = rowsHere.filter(goesLeft);
    const rightRows = rowsHere.filter((r) => !goesLeft(r));
    const leftChild = grow(leftRows, depth + 1);
    const rightChild = grow(rightRows, depth + 1);
    nodes[index] = {
      feature: split.feature,
      threshold: split.threshold,
      left: split.left,
      leftChild,
      rightChild,
      value,
      samples: rowsHere.length,
    };
    return index;
  };
  grow(rows, 0);
  return { nodes };
}

function bestSplit(data: Dataset, rows: readonly number[], settings: TreeSettings): Split | null {
  const d = data.features.length;
  const candidates = settings.rng
    .shuffle(Array.from({ length: d }, (_, i) => i))
    .slice(0, Math.max(1, Math.round(settings.maxFeatures * d)));
  let best: Split | null = null;
  for (const f of candidates) {
    const feature = data.features[f] as Feature;
    const split =
      feature.kind === 'numeric'
        ? numericSplit(data, rows, f, settings.minSamplesLeaf)
        : categoricalSplit(data, rows, f, feature.choices, settings.minSamplesLeaf);
    // Ties go to the first candidate in the shuffled order, so no feature is favoured by its position.
    if (
      split !== null &&
      split.gain > 1e-12 * (1 + Math.abs(split.gain)) &&
      (best === null || split.gain > best.gain)
    )
      best = split;
  }
  return best;
}

// Gain is the drop in the sum of squared errors, computed from sums: n·mean² terms only.
function numericSplit(data: Dataset, rows: readonly number[], f: number, minLeaf: number): Split | null {
  const pairs = rows
    .map((r) => [(data.x[r] as readonly number[])[f] as number, data.y[r] as number] as const)
    .sort((a, b) => a[0] - b[0]);
  const n = pairs.length;
  let total = 0;
  for (const [, y] of pairs) total += y;
  const base = (total * total) / n;
  let leftSum = 0;
  let best: Split | null = null;
  for (let i = 0; i < n - 1; i++) {
    const [x, y] = pairs[i] as readonly [number, number];
    leftSum += y;
    const next = (pairs[i + 1] as readonly [number, number])[0];
    if (next <= x) continue;
    const nl = i + 1;
    const nr = n - nl;
    if (nl < minLeaf || nr < minLeaf) continue;
    const rightSum = total - leftSum;
    const gain = (leftSum * leftSum) / nl + (rightSum * rightSum) / nr - base;
    if (best === null || gain > best.gain) best = { feature: f, threshold: (x + next) / 2, left: null, gain };
  }
  return best;
}

// For squared error the best two-way partition of categories is a prefix of the categories ordered by their
// mean target (Breiman et al., 1984), so k choices need k - 1 candidate splits, not 2^(k-1).
function categoricalSplit(
  data: Dataset,
  rows: readonly number[],
  f: number,
  k: number,
  minLeaf: number,
): Split | null {
  const sums = new Array<number>(k).fill(0);
  const counts = new Array<number>(k).fill(0);
  for (const r of rows) {
    const c = (data.x[r] as readonly number[])[f] as number;
    sums[c] += data.y[r] as number;
    counts[c]++;
  }
  const present = Array.from({ length: k }, (_, c) => c).filter((c) => (counts[c] as number) > 0);
  if (present.length < 2) return null;
  present.sort(
    (a, b) => (sums[a] as number) / (counts[a] as number) - (sums[b] as number) / (counts[b] as number),
  );
  const n = rows.length;
  const total = sums.reduce((a, b) => a + b, 0);
  const base = (total * total) / n;
  let leftSum = 0;
  let nl = 0;
  let best: Split | null = null;
  for (let i = 0; i < present.length - 1; i++) {
    const c = present[i] as number;
    leftSum += sums[c] as number;
    nl += counts[c] as number;
    const nr = n - nl;
    if (nl < minLeaf || nr < minLeaf) continue;
    const rightSum = total - leftSum;
    const gain = (leftSum * leftSum) / nl + (rightSum * rightSum) / nr - base;
    if (best === null || gain > best.gain)
      best = { feature: f, threshold: 0, left: present.slice(0, i + 1).sort((a, b) => a - b), gain };
  }
  return best;
}

export function predictTree(tree: Tree, row: readonly number[]): number {
  let node = tree.nodes[0] as TreeNode;
  while (node.feature >= 0) {
    const v = row[node.feature] as number;
    const left = node.left === null ? v <= node.threshold : node.left.includes(v);
    node = tree.nodes[left ? node.leftChild : node.rightChild] as TreeNode;
  }
  return node.value;
}

export function predictForest(forest: Forest, row: readonly number[]): number {
  return mean(forest.trees.map((tree) => predictTree(tree, row)));
}

function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length === 0 ? 0 : s / values.length;
}

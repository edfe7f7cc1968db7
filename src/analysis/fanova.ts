// Functional ANOVA over a random forest (Hutter, Hoos and Leyton-Brown, ICML 2014): each tree is a piecewise
// constant function on boxes, so its marginals over one or two features are exact sums over leaves, and the
// variance of those marginals, as a share of the tree's variance, is a feature's (or pair's) importance.
import type { Dataset, Forest, Tree, TreeNode } from './forest.js';

/** A share of the prediction's variance, averaged over the trees with their spread. */
export interface VarianceShare {
  readonly mean: number;
  readonly std: number;
}

export interface FanovaResult {
  /** One per feature, in the dataset's order: the main effect's share of the variance. */
  readonly main: readonly VarianceShare[];
  /** The pure interaction's share (the pair's marginal variance minus both main effects). */
  readonly pairs: readonly { readonly features: readonly [number, number]; readonly share: VarianceShare }[];
}

/**
 * Decomposes the forest's variance. `pairs` says which interactions to compute (all by default); each pair
 * costs the product of the two features' cell counts per tree, so callers with many features pass a few.
 */
export function fanova(
  forest: Forest,
  data: Dataset,
  pairs?: readonly (readonly [number, number])[],
): FanovaResult {
  const d = data.features.length;
  const wanted = pairs ?? allPairs(d);
  const mainShares: number[][] = Array.from({ length: d }, () => []);
  const pairShares: number[][] = wanted.map(() => []);
  for (const tree of forest.trees) {
    const parts = decompose(tree, data, wanted);
    // A tree that is a single leaf explains nothing; Optuna and the original fANOVA skip such trees too.
    if (parts === null) continue;
    parts.main.forEach((v, i) => mainShares[i]!.push(v / parts.total));
    parts.pairs.forEach((v, p) => pairShares[p]!.push(v / parts.total));
  }
  return {
    main: mainShares.map(summarise),
    pairs: wanted.map((features, p) => ({ features, share: summarise(pairShares[p]!) })),
  };
}

function allPairs(d: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) out.push([i, j]);
  return out;
}

function summarise(values: readonly number[]): VarianceShare {
  if (values.length === 0) return { mean: 0, std: 0 };
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  const v = values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length;
  return { mean: m, std: Math.sqrt(v) };
}

/** A leaf's box, per feature: the cells it covers as [start, end) runs, and its width (share of the axis). */
interface Leaf {
  value: number;
  runs: [number, number][][];
  widths: number[];
}

/** The variance terms of one tree; null when the tree is constant. */
export function decompose(
  tree: Tree,
  data: Dataset,
  pairs: readonly (readonly [number, number])[],
): { total: number; main: number[]; pairs: number[] } | null {
  const d = data.features.length;
  // Cells of each axis: the pieces between this tree's split points (a categorical axis: its choices).
  const bounds: number[][] = data.features.map((f) => (f.kind === 'numeric' ? [0, 1] : []));
  for (const node of tree.nodes)
    if (node.feature >= 0 && node.left === null) bounds[node.feature]!.push(node.threshold);
  const cellWidths: number[][] = data.features.map((f, i) => {
    if (f.kind === 'categorical') return new Array<number>(f.choices).fill(1 / f.choices);
    const b = [...new Set(bounds[i])].sort((x, y) => x - y);
    bounds[i] = b;
    return b.slice(1).map((v, c) => v - (b[c] as number));
  });
  const leaves = collectLeaves(tree, data, bounds);

  let mean = 0;
  const volumes = leaves.map((leaf) => leaf.widths.reduce((a, b) => a * b, 1));
  leaves.forEach((leaf, l) => (mean += leaf.value * (volumes[l] as number)));
  let total = 0;
  leaves.forEach((leaf, l) => (total += (volumes[l] as number) * (leaf.value - mean) ** 2));
  if (!(total > 1e-300)) return null;

  const widthsExcept = (leaf: Leaf, skip: readonly number[]): number => {
    let w = 1;
    for (let k = 0; k < d; k++) if (!skip.includes(k)) w *= leaf.widths[k] as number;
    return w;
  };

  const marginals1 = cellWidths.map((widths, i) => {
    const diff = new Float64Array(widths.length + 1);
    for (const leaf of leaves) {
      const weight = leaf.value * widthsExcept(leaf, [i]);
      for (const [a, b] of leaf.runs[i]!) {
        diff[a]! += weight;
        diff[b]! -= weight;
      }
    }
    const out = new Float64Array(widths.length);
    let run = 0;
    for (let c = 0; c < widths.length; c++) out[c] = run += diff[c]!;
    return out;
  });
  const main = cellWidths.map((widths, i) => {
    let v = 0;
    widths.forEach((s, c) => (v += s * (marginals1[i]![c]! - mean) ** 2));
    return v;
  });

  const pairTerms = pairs.map(([i, j]) => {
    const wi = cellWidths[i]!;
    const wj = cellWidths[j]!;
    // An axis this tree never splits cannot interact with anything.
    if (wi.length === 1 || wj.length === 1) return 0;
    const cols = wj.length + 1;
    const diff = new Float64Array((wi.length + 1) * cols);
    for (const leaf of leaves) {
      const weight = leaf.value * widthsExcept(leaf, [i, j]);
      for (const [a, b] of leaf.runs[i]!)
        for (const [c, e] of leaf.runs[j]!) {
          diff[a * cols + c]! += weight;
          diff[a * cols + e]! -= weight;
          diff[b * cols + c]! -= weight;
          diff[b * cols + e]! += weight;
        }
    }
    // 2-D prefix sums turn the rectangle updates into the marginal on every cell.
    for (let a = 0; a <= wi.length; a++)
      for (let c = 0; c <= wj.length; c++) {
        let v = diff[a * cols + c]!;
        if (a > 0) v += diff[(a - 1) * cols + c]!;
        if (c > 0) v += diff[a * cols + c - 1]!;
        if (a > 0 && c > 0) v -= diff[(a - 1) * cols + c - 1]!;
        diff[a * cols + c] = v;
      }
    let v = 0;
    for (let a = 0; a < wi.length; a++)
      for (let c = 0; c < wj.length; c++) v += wi[a]! * wj[c]! * (diff[a * cols + c]! - mean) ** 2;
    // Rounding can leave a tiny negative where the pair is additive.
    return Math.max(0, v - main[i]! - main[j]!);
  });
  return { total, main, pairs: pairTerms };
}

function collectLeaves(tree: Tree, data: Dataset, bounds: readonly number[][]): Leaf[] {
  const leaves: Leaf[] = [];
  const features = data.features;
  type Box = { lo: number[]; hi: number[]; allowed: (boolean[] | null)[] };
  const root: Box = {
    lo: features.map(() => 0),
    hi: features.map(() => 1),
    allowed: features.map((f) =>
      f.kind === 'categorical' ? new Array<boolean>(f.choices).fill(true) : null,
    ),
  };
  const stack: [number, Box][] = [[0, root]];
  while (stack.length > 0) {
    const [index, box] = stack.pop()!;
    const node = tree.nodes[index] as TreeNode;
    if (node.feature < 0) {
      leaves.push(toLeaf(node.value, box, bounds, data));
      continue;
    }
    const f = node.feature;
    const left: Box = { lo: [...box.lo], hi: [...box.hi], allowed: [...box.allowed] };
    const right: Box = { lo: [...box.lo], hi: [...box.hi], allowed: [...box.allowed] };
    if (node.left === null) {
      left.hi[f] = Math.min(box.hi[f]!, node.threshold);
      right.lo[f] = Math.max(box.lo[f]!, node.threshold);
    } else {
      const inLeft = new Set(node.left);
      left.allowed[f] = box.allowed[f]!.map((ok, c) => ok && inLeft.has(c));
      right.allowed[f] = box.allowed[f]!.map((ok, c) => ok && !inLeft.has(c));
    }
    stack.push([node.leftChild, left], [node.rightChild, right]);
  }
  return leaves;
}

function toLeaf(
  value: number,
  box: { lo: number[]; hi: number[]; allowed: (boolean[] | null)[] },
  bounds: readonly number[][],
  data: Dataset,
): Leaf {
  const runs: [number, number][][] = [];
  const widths: number[] = [];
  data.features.forEach((f, i) => {
    const allowed = box.allowed[i];
    if (f.kind === 'categorical' && allowed) {
      const r: [number, number][] = [];
      let count = 0;
      allowed.forEach((ok, c) => {
        if (!ok) return;
        count++;
        const last = r[r.length - 1];
        if (last && last[1] === c) last[1] = c + 1;
        else r.push([c, c + 1]);
      });
      runs.push(r);
      widths.push(count / f.choices);
    } else {
      const b = bounds[i]!;
      runs.push([[b.indexOf(box.lo[i]!), b.indexOf(box.hi[i]!)]]);
      widths.push(box.hi[i]! - box.lo[i]!);
    }
  });
  return { value, runs, widths };
}

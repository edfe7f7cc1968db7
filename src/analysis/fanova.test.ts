import { describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { decompose, fanova } from './fanova.js';
import { fitForest, predictTree } from './forest.js';
import type { Dataset, Tree } from './forest.js';

const features = [
  { name: 'a', kind: 'numeric' },
  { name: 'b', kind: 'numeric' },
  { name: 'c', kind: 'categorical', choices: 3 },
] as const;

function data(n: number, seed: number, f: (x: number[]) => number): Dataset {
  const rng = new Rng(seed);
  const x = Array.from({ length: n }, () => [rng.next(), rng.next(), rng.int(0, 2)]);
  return { features, x, y: x.map(f) };
}

// The oracle: the tree evaluated on a fine grid, marginals and variances computed by brute force.
function bruteForce(tree: Tree, steps: number): { total: number; main: number[]; ab: number; ac: number } {
  const axis = Array.from({ length: steps }, (_, i) => (i + 0.5) / steps);
  const grid: number[][][] = axis.map((a) =>
    axis.map((b) => [0, 1, 2].map((c) => predictTree(tree, [a, b, c]))),
  );
  const all = grid.flat(2);
  const mean = all.reduce((s, v) => s + v, 0) / all.length;
  const variance = (values: number[]): number =>
    values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  const avg = (values: number[]): number => values.reduce((s, v) => s + v, 0) / values.length;
  const ma = grid.map((plane) => avg(plane.flat()));
  const mb = axis.map((_, j) => avg(grid.flatMap((plane) => plane[j]!)));
  const mc = [0, 1, 2].map((c) => avg(grid.flatMap((plane) => plane.map((row) => row[c]!))));
  const mab = grid.flatMap((plane) => plane.map((row) => avg(row)));
  const mac = grid.flatMap((plane) => [0, 1, 2].map((c) => avg(plane.map((row) => row[c]!))));
  const main = [variance(ma), variance(mb), variance(mc)];
  return {
    total: variance(all),
    main,
    ab: variance(mab) - main[0]! - main[1]!,
    ac: variance(mac) - main[0]! - main[2]!,
  };
}

describe('decompose', () => {
  it('matches a brute-force grid evaluation of the same tree (numeric and categorical axes)', () => {
    const d = data(120, 1, (x) => x[0]! * x[1]! * 4 + (x[2] === 1 ? 1 : 0) * x[0]! + x[1]!);
    const tree = fitForest(d, { nTrees: 1, maxDepth: 6, seed: 2 }).trees[0]!;
    const exact = decompose(tree, d, [
      [0, 1],
      [0, 2],
    ])!;
    const oracle = bruteForce(tree, 400);
    expect(exact.total).toBeCloseTo(oracle.total, 2);
    exact.main.forEach((v, i) => expect(v).toBeCloseTo(oracle.main[i]!, 2));
    expect(exact.pairs[0]).toBeCloseTo(oracle.ab, 2);
    expect(exact.pairs[1]).toBeCloseTo(oracle.ac, 2);
    expect(exact.pairs[0]).toBeGreaterThan(0.01);
  });

  it('returns null for a constant tree', () => {
    const d = data(20, 2, () => 3);
    expect(decompose(fitForest(d, { nTrees: 1 }).trees[0]!, d, [])).toBeNull();
  });
});

describe('fanova', () => {
  it('an additive function has main effects summing to 1 and no interaction', () => {
    const d = data(300, 3, (x) => 3 * x[0]! + x[1]!);
    const result = fanova(fitForest(d, { nTrees: 16, seed: 1 }), d);
    const mains = result.main.map((s) => s.mean);
    expect(mains[0]).toBeGreaterThan(0.8);
    expect(mains[0]! + mains[1]! + mains[2]!).toBeGreaterThan(0.9);
    const total = mains.reduce((a, b) => a + b, 0) + result.pairs.reduce((a, p) => a + p.share.mean, 0);
    expect(total).toBeLessThanOrEqual(1 + 1e-9);
    expect(total).toBeGreaterThan(0.97);
  });

  it('a product centred at zero is almost all interaction', () => {
    const d = data(400, 4, (x) => (x[0]! - 0.5) * (x[1]! - 0.5));
    const result = fanova(fitForest(d, { nTrees: 16, seed: 1 }), d);
    const ab = result.pairs.find((p) => p.features[0] === 0 && p.features[1] === 1)!.share.mean;
    expect(ab).toBeGreaterThan(0.6);
    expect(ab).toBeGreaterThan(5 * Math.max(...result.main.map((s) => s.mean)));
  });
});

import { describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { fitForest, predictForest, predictTree } from './forest.js';
import type { Dataset } from './forest.js';

function data(n: number, seed: number, f: (x: number[]) => number): Dataset {
  const rng = new Rng(seed);
  const x = Array.from({ length: n }, () => [rng.next(), rng.next(), rng.int(0, 3)]);
  return {
    features: [
      { name: 'a', kind: 'numeric' },
      { name: 'b', kind: 'numeric' },
      { name: 'c', kind: 'categorical', choices: 4 },
    ],
    x,
    y: x.map(f),
  };
}

describe('fitForest', () => {
  it('a fully grown tree on all rows reproduces distinct training points exactly', () => {
    const d = data(60, 1, (x) => x[0]! * 3 + (x[2] === 2 ? 5 : 0));
    const forest = fitForest(d, { nTrees: 1, bootstrap: false, seed: 3 });
    for (let i = 0; i < d.y.length; i++)
      expect(predictTree(forest.trees[0]!, d.x[i]!)).toBeCloseTo(d.y[i]!, 12);
  });

  it('splits categorical features natively: one split separates the choice that matters', () => {
    const d = data(80, 2, (x) => (x[2] === 1 || x[2] === 3 ? 1 : 0));
    const tree = fitForest(d, { nTrees: 1, bootstrap: false, maxDepth: 1 }).trees[0]!;
    const root = tree.nodes[0]!;
    expect(root.feature).toBe(2);
    const leftSet = new Set(root.left);
    expect(leftSet.has(1)).toBe(leftSet.has(3));
    expect(leftSet.has(0)).toBe(leftSet.has(2));
    expect(leftSet.has(0)).not.toBe(leftSet.has(1));
  });

  it('predicts held-out points of a smooth function well', () => {
    const f = (x: number[]): number => Math.sin(3 * x[0]!) + x[1]!;
    const train = data(400, 4, f);
    const test = data(200, 5, f);
    const forest = fitForest(train, { nTrees: 16, seed: 1 });
    const mse =
      test.x.reduce((s, row, i) => s + (predictForest(forest, row) - test.y[i]!) ** 2, 0) / test.y.length;
    const variance =
      test.y.reduce((s, y) => s + (y - test.y.reduce((a, b) => a + b, 0) / test.y.length) ** 2, 0) /
      test.y.length;
    expect(mse / variance).toBeLessThan(0.1);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const d = data(100, 6, (x) => x[0]! + x[1]!);
    const a = JSON.stringify(fitForest(d, { nTrees: 4, seed: 7 }));
    expect(JSON.stringify(fitForest(d, { nTrees: 4, seed: 7 }))).toBe(a);
    expect(JSON.stringify(fitForest(d, { nTrees: 4, seed: 8 }))).not.toBe(a);
  });

  it('respects maxDepth and minSamplesLeaf', () => {
    const d = data(200, 7, (x) => x[0]! + x[1]!);
    const tree = fitForest(d, { nTrees: 1, maxDepth: 3, minSamplesLeaf: 10, seed: 1 }).trees[0]!;
    const leaves = tree.nodes.filter((n) => n.feature < 0);
    expect(leaves.length).toBeLessThanOrEqual(8);
    for (const leaf of leaves) expect(leaf.samples).toBeGreaterThanOrEqual(10);
  });

  it('rejects bad options with a code', () => {
    const d = data(10, 8, (x) => x[0]!);
    expect(() => fitForest(d, { nTrees: 0 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => fitForest({ ...d, x: [], y: [] })).toThrow(
      expect.objectContaining({ code: 'no_completed_trials' }),
    );
  });
});

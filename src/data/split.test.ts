import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDataset } from './registry.js';
import {
  apportion,
  kFold,
  repeatedKFold,
  repeatedStratifiedKFold,
  stratifiedKFold,
  trainValTestIndices,
  trainValTestSplit,
  type Fold,
} from './split.js';

/** Labels for classes of the given sizes, interleaved so that row order says nothing about class. */
function labelsFor(sizes: number[]): Int32Array {
  const labels: number[] = [];
  sizes.forEach((size, c) => labels.push(...new Array(size).fill(c)));
  return Int32Array.from(labels.sort((a, b) => ((a * 7919) % 13) - ((b * 7919) % 13)));
}

function expectPartition(parts: ArrayLike<number>[], n: number): void {
  const seen = new Uint8Array(n);
  for (const part of parts) for (const i of Array.from(part)) seen[i]!++;
  expect([...seen].every((c) => c === 1)).toBe(true);
}

function expectFolds(folds: Fold[], n: number, k: number): void {
  expect(folds).toHaveLength(k);
  expectPartition(
    folds.map((f) => f.holdout),
    n,
  );
  for (const f of folds) {
    expectPartition([f.train, f.holdout], n);
    expect(Math.abs(f.holdout.length - n / k)).toBeLessThan(1);
  }
}

function classCount(labels: ArrayLike<number>, rows: ArrayLike<number>, c: number): number {
  return Array.from(rows).filter((i) => labels[i] === c).length;
}

const classSizes = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 });

describe('kFold', () => {
  it('holdouts are disjoint, cover the rows, and differ in size by at most one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 200 }),
        fc.integer({ min: 2, max: 12 }),
        fc.integer(),
        (n, k, seed) => {
          fc.pre(k <= n);
          expectFolds(kFold(n, { k, seed }), n, k);
        },
      ),
    );
  });

  it('is seeded: the same seed gives the same folds, another seed others', () => {
    expect(kFold(50, { seed: 3 })).toEqual(kFold(50, { seed: 3 }));
    expect(kFold(50, { seed: 3 })).not.toEqual(kFold(50, { seed: 4 }));
    expect([...kFold(10, { k: 5, shuffle: false })[1]!.holdout]).toEqual([2, 3]);
  });

  it('refuses impossible fold counts', () => {
    expect(() => kFold(3, { k: 4 })).toThrow(/at least 4 rows/);
    expect(() => kFold(10, { k: 1 })).toThrow(/at least 2/);
  });
});

describe('stratifiedKFold', () => {
  it('keeps every class within one sample of its share in every fold', () => {
    fc.assert(
      fc.property(classSizes, fc.integer({ min: 2, max: 10 }), fc.integer(), (sizes, k, seed) => {
        const labels = labelsFor(sizes);
        fc.pre(k <= labels.length);
        const folds = stratifiedKFold(labels, { k, seed });
        expectFolds(folds, labels.length, k);
        for (const f of folds)
          sizes.forEach((size, c) => {
            expect(Math.abs(classCount(labels, f.holdout, c) - size / k)).toBeLessThan(1);
          });
      }),
    );
  });

  it('takes a data set with class labels, and refuses regression targets', () => {
    const iris = loadDataset('iris');
    for (const f of stratifiedKFold(iris, { k: 5 }))
      for (let c = 0; c < 3; c++) expect(classCount(iris.y, f.holdout, c)).toBe(10);
    expect(() => stratifiedKFold(loadDataset('diabetes'))).toThrow(/regression targets/);
  });
});

describe('repeated k-fold', () => {
  it('runs k-fold `repeats` times with a different shuffle each time', () => {
    const folds = repeatedKFold(30, { k: 3, repeats: 4, seed: 1 });
    expect(folds.map((f) => `${f.repeat}/${f.fold}`)).toEqual([
      '0/0',
      '0/1',
      '0/2',
      '1/0',
      '1/1',
      '1/2',
      '2/0',
      '2/1',
      '2/2',
      '3/0',
      '3/1',
      '3/2',
    ]);
    for (let r = 0; r < 4; r++)
      expectFolds(
        folds.filter((f) => f.repeat === r),
        30,
        3,
      );
    expect(folds[0]!.holdout).not.toEqual(folds[3]!.holdout);
    const labels = labelsFor([12, 9]);
    for (const f of repeatedStratifiedKFold(labels, { k: 3, repeats: 2 }))
      expect(classCount(labels, f.holdout, 0)).toBe(4);
    expect(() => repeatedKFold(10, { shuffle: false })).toThrow(/same folds/);
  });
});

describe('trainValTestSplit', () => {
  it('parts are disjoint, cover the rows, and have the nearest sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.double({ min: 0, max: 0.45, noNaN: true }),
        fc.double({ min: 0, max: 0.45, noNaN: true }),
        fc.integer(),
        (n, valFraction, testFraction, seed) => {
          const parts = trainValTestIndices(n, { valFraction, testFraction, seed });
          expectPartition([parts.train, parts.val, parts.test], n);
          expect(Math.abs(parts.val.length - n * valFraction)).toBeLessThan(1);
          expect(Math.abs(parts.test.length - n * testFraction)).toBeLessThan(1);
        },
      ),
    );
  });

  it('stratified, keeps every class within one sample of its share in every part', () => {
    fc.assert(
      fc.property(
        classSizes,
        fc.double({ min: 0, max: 0.45, noNaN: true }),
        fc.double({ min: 0, max: 0.45, noNaN: true }),
        fc.integer(),
        (sizes, valFraction, testFraction, seed) => {
          const labels = labelsFor(sizes);
          const parts = trainValTestIndices(labels, { valFraction, testFraction, seed });
          expectPartition([parts.train, parts.val, parts.test], labels.length);
          const fractions = { train: 1 - valFraction - testFraction, val: valFraction, test: testFraction };
          for (const part of ['train', 'val', 'test'] as const) {
            expect(Math.abs(parts[part].length - labels.length * fractions[part])).toBeLessThan(1);
            sizes.forEach((size, c) =>
              expect(Math.abs(classCount(labels, parts[part], c) - size * fractions[part])).toBeLessThan(1),
            );
          }
        },
      ),
    );
  });

  it('splits a data set, keeping the original row ids', () => {
    const wine = loadDataset('wine');
    const { train, val, test } = trainValTestSplit(wine, {
      valFraction: 0.2,
      testFraction: 0.2,
      stratify: true,
      seed: 7,
    });
    expect([train.n, val.n, test.n]).toEqual([107, 36, 35]);
    expectPartition([train.rows!, val.rows!, test.rows!], wine.n);
    const r = test.rows![3]!;
    expect([...test.x.subarray(3 * 13, 4 * 13)]).toEqual([...wine.x.subarray(r * 13, (r + 1) * 13)]);
    expect(test.y[3]).toBe(wine.y[r]);
    expect(test.labelNames).toEqual(wine.labelNames);
    expect(() => trainValTestSplit(wine, { valFraction: 0.5, testFraction: 0.5 })).toThrow(/below 1/);
  });
});

describe('apportion', () => {
  it('rounds every cell to a neighbour of its share, keeps group sizes, and part totals to the nearest integer', () => {
    fc.assert(
      fc.property(
        classSizes,
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 2, maxLength: 6 }),
        (sizes, weights) => {
          const sum = weights.reduce((a, b) => a + b, 0);
          const fractions = weights.map((w) => w / sum);
          const cells = apportion(sizes, fractions);
          const n = sizes.reduce((a, b) => a + b, 0);
          cells.forEach((row, g) => {
            expect(row.reduce((a, b) => a + b, 0)).toBe(sizes[g]);
            row.forEach((c, j) => expect(Math.abs(c - sizes[g]! * fractions[j]!)).toBeLessThan(1));
          });
          fractions.forEach((f, j) =>
            expect(Math.abs(cells.reduce((a, row) => a + row[j]!, 0) - n * f)).toBeLessThan(1),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { checkDataset } from './dataset.js';
import { DATASET_NAMES, loadDataset } from './registry.js';

// Sizes and class counts as scikit-learn documents them for the same files.
const EXPECTED = {
  iris: { n: 150, features: 4, counts: [50, 50, 50] },
  wine: { n: 178, features: 13, counts: [59, 71, 48] },
  breast_cancer: { n: 569, features: 30, counts: [212, 357] },
  digits: { n: 1797, features: 64, counts: [178, 182, 177, 183, 181, 182, 181, 179, 174, 180] },
  diabetes: { n: 442, features: 10, counts: null },
} as const;

describe('loadDataset', () => {
  it.each(DATASET_NAMES)('%s has the published size, names and class balance', (name) => {
    const d = checkDataset(loadDataset(name), name);
    const expected = EXPECTED[name];
    expect(d.n).toBe(expected.n);
    expect(d.features).toBe(expected.features);
    if (expected.counts) {
      expect(d.classes).toBe(expected.counts.length);
      expect(d.labelNames).toHaveLength(expected.counts.length);
      const counts = new Array(d.classes).fill(0);
      for (const label of d.y) counts[label]++;
      expect(counts).toEqual(expected.counts);
    } else expect(d.classes).toBeUndefined();
  });

  it('keeps the published values: first rows and names', () => {
    const iris = loadDataset('iris');
    expect([...iris.x.subarray(0, 4)].map((v) => +v.toFixed(4))).toEqual([5.1, 3.5, 1.4, 0.2]);
    expect(iris.labelNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(iris.featureNames?.[0]).toBe('sepal length (cm)');
    expect(loadDataset('breast_cancer').featureNames?.[29]).toBe('worst fractal dimension');
    const diabetes = loadDataset('diabetes');
    expect([...diabetes.x.subarray(0, 3)].map((v) => +v.toFixed(4))).toEqual([59, 2, 32.1]);
    expect([...diabetes.y.subarray(0, 3)]).toEqual([151, 75, 141]);
    expect(loadDataset('digits').shape).toEqual([8, 8, 1]);
  });

  it('refuses an unknown name', () => {
    expect(() => loadDataset('mnist' as never)).toThrow(/unknown data set "mnist"/);
  });
});

import { describe, expect, it } from 'vitest';
import { subset, type Dataset } from './dataset.js';
import fixture from './fixtures/preprocess-fixture.json' with { type: 'json' };
import { fitMinMax, fitPca, fitPreprocess, fitStandardize, preprocess, transform } from './preprocess.js';
import { loadDataset } from './registry.js';

/** The fixture's protocol: fit on the even rows, transform the first five odd rows. */
function halves(data: Dataset): { train: Dataset; test: Dataset } {
  const even = Array.from({ length: Math.ceil(data.n / 2) }, (_, i) => 2 * i);
  return { train: subset(data, even), test: subset(data, [1, 3, 5, 7, 9]) };
}

function rowsOf(data: Dataset): number[][] {
  return Array.from({ length: data.n }, (_, i) =>
    Array.from(data.x.subarray(i * data.features, (i + 1) * data.features)),
  );
}

function expectClose(
  actual: number[][] | number[],
  expected: number[][] | number[],
  tolerance: number,
): void {
  const a = actual.flat();
  const e = expected.flat();
  expect(a).toHaveLength(e.length);
  const worst = Math.max(...a.map((v, i) => Math.abs(v - e[i]!) / Math.max(1, Math.abs(e[i]!))));
  expect(worst).toBeLessThan(tolerance);
}

describe('against scikit-learn (fixtures/make_preprocess_fixture.py)', () => {
  const wine = halves(loadDataset('wine'));

  it('standardize matches StandardScaler', () => {
    const t = fitStandardize(wine.train);
    if (t.kind !== 'standardize') throw new Error('expected standardize');
    expectClose(t.mean, fixture.standardize.mean_, 1e-6);
    expectClose(t.scale, fixture.standardize.scale_, 1e-6);
    expectClose(rowsOf(transform(t, wine.test)), fixture.standardize.transformed_test, 1e-5);
  });

  it('minmax matches MinMaxScaler with a custom range', () => {
    const t = fitMinMax(wine.train, [-1, 1]);
    expectClose(rowsOf(transform(t, wine.test)), fixture.minmax.transformed_test, 1e-5);
  });

  it('PCA matches components, variances, signs and scores (iris)', () => {
    const iris = halves(loadDataset('iris'));
    const t = fitPca(iris.train, { components: 2 });
    if (t.kind !== 'pca') throw new Error('expected pca');
    expectClose(t.components, fixture.pca_iris.components_, 1e-5);
    expectClose(t.explainedVariance, fixture.pca_iris.explained_variance_, 1e-5);
    expectClose(t.explainedVarianceRatio, fixture.pca_iris.explained_variance_ratio_, 1e-5);
    const out = transform(t, iris.test);
    expect(out.features).toBe(2);
    expect(out.featureNames).toEqual(['pc1', 'pc2']);
    expectClose(rowsOf(out), fixture.pca_iris.transformed_test, 1e-5);
  });

  it('whitened PCA matches on digits, and a variance fraction picks the same count', () => {
    const digits = halves(loadDataset('digits'));
    const t = fitPca(digits.train, { components: 5, whiten: true });
    if (t.kind !== 'pca') throw new Error('expected pca');
    expectClose(t.components, fixture.pca_digits_whiten.components_, 1e-4);
    expectClose(rowsOf(transform(t, digits.test)), fixture.pca_digits_whiten.transformed_test, 1e-4);
    const byFraction = fitPca(digits.train, { components: 0.9 });
    expect(byFraction.kind === 'pca' && byFraction.components.length).toBe(
      fixture.pca_digits_fraction.n_components_,
    );
    const whitened = transform(t, digits.train);
    for (let c = 0; c < 5; c++) {
      let ss = 0;
      for (let i = 0; i < whitened.n; i++) ss += whitened.x[i * 5 + c]! ** 2;
      expect(ss / (whitened.n - 1)).toBeCloseTo(1, 4);
    }
    expect(whitened.shape).toBeUndefined();
  });
});

describe('fitted on training rows only', () => {
  it('preprocess fits on train, applies the same numbers to the other parts', () => {
    const iris = loadDataset('iris');
    const parts = {
      train: subset(iris, [0, 1, 2, 50, 51, 100]),
      val: subset(iris, [3, 52]),
      test: subset(iris, [101]),
    };
    const out = preprocess([{ kind: 'standardize' }, { kind: 'minmax', range: [0, 1] }], parts);
    const fitted = fitPreprocess([{ kind: 'standardize' }, { kind: 'minmax' }], parts.train);
    expect(out.fitted).toEqual(fitted);
    // Fitted on train alone: train lands exactly in [0, 1]; test rows are transformed, never refitted.
    expect(Math.min(...out.train.x)).toBeCloseTo(0, 6);
    expect(Math.max(...out.train.x)).toBeCloseTo(1, 6);
    expect(out.test.x).toEqual(transform(fitted, parts.test).x);
    expect(out.val.rows).toEqual(parts.val.rows);
    expect(() => transform(fitted, loadDataset('wine'))).toThrow(/fitted on 4 features; this data has 13/);
  });

  it('leaves a constant feature centred instead of dividing by zero', () => {
    const data: Dataset = {
      x: Float32Array.from([1, 5, 1, 7, 1, 9]),
      y: new Int32Array(3),
      n: 3,
      features: 2,
    };
    expect([...transform(fitStandardize(data), data).x].slice(0, 2)).toEqual(
      [0, -Math.sqrt(1.5)].map((v) => Math.fround(v)),
    );
    expect([...transform(fitMinMax(data), data).x]).toEqual([0, 0, 0, 0.5, 0, 1]);
  });
});

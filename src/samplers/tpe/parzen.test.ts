import { describe, expect, it } from 'vitest';
import { Rng } from '../../random.js';
import { floatDistribution, intDistribution } from '../../search-space/index.js';
import { unitCell } from '../search-space.js';
import { logGaussMass } from '../special.js';
import fixtures from './fixtures/parzen.json' with { type: 'json' };
import { ParzenEstimator } from './parzen.js';
import { defaultWeights } from './sampler.js';

interface Fixture {
  name: string;
  observations: number[];
  probe: number[];
  priorWeight: number;
  multivariate: boolean;
  considerEndpoints: boolean;
  weights: number[];
  range?: [number, number];
  mus?: number[];
  sigmas?: number[];
  choices?: number;
  choiceProbs?: number[][];
  logPdf: number[];
}

const options = (f: Fixture) => ({
  priorWeight: f.priorWeight,
  considerMagicClip: true,
  considerEndpoints: f.considerEndpoints,
  multivariate: f.multivariate,
});

describe('ParzenEstimator against Optuna 3.1 (fixtures/make_parzen.py)', () => {
  for (const f of fixtures as Fixture[]) {
    it(`matches weights, bandwidths and log densities: ${f.name}`, () => {
      const weights = defaultWeights(f.observations.length);
      if (f.choices !== undefined) {
        const pe = new ParzenEstimator(
          [{ kind: 'categorical', choices: f.choices }],
          [Float64Array.from(f.observations)],
          weights,
          options(f),
        );
        expect([...pe.weights]).toEqual(f.weights.map((w) => expect.closeTo(w, 12)));
        expect([...(pe.choiceProbs[0] as Float64Array)]).toEqual(
          f.choiceProbs!.flat().map((p) => expect.closeTo(p, 12)),
        );
        const lo = Float64Array.from(f.probe);
        const got = pe.logPdf({ lo: [lo], hi: [lo] });
        expect([...got]).toEqual(f.logPdf.map((v) => expect.closeTo(v, 9)));
        return;
      }
      const log = f.name.includes('log');
      const [low, high] = f.range!;
      const t = (x: number) => (log ? Math.log(x) : x);
      const width = t(high) - t(low);
      const toU = (x: number) => (t(x) - t(low)) / width;
      const pe = new ParzenEstimator(
        [{ kind: 'numeric' }],
        [Float64Array.from(f.observations, toU)],
        weights,
        options(f),
      );
      expect([...pe.weights]).toEqual(f.weights.map((w) => expect.closeTo(w, 12)));
      expect([...(pe.mus[0] as Float64Array)]).toEqual(
        f.mus!.map((m) =>
          expect.closeTo((m - t(low)) / width, 12),
        ) /* Optuna's centres are in its (log) space */,
      );
      expect([...(pe.sigmas[0] as Float64Array)]).toEqual(
        f.sigmas!.map((s) => expect.closeTo(s / width, 12)),
      );
      if (f.name === 'int') {
        const d = intDistribution('x', 0, 4);
        const cells = f.probe.map((v) => unitCell(d, v));
        const got = pe.logPdf({
          lo: [Float64Array.from(cells, (c) => c[0])],
          hi: [Float64Array.from(cells, (c) => c[1])],
        });
        // Masses of grid cells do not depend on the scale.
        expect([...got]).toEqual(f.logPdf.map((v) => expect.closeTo(v, 6)));
      } else {
        const u = Float64Array.from(f.probe, toU);
        const got = pe.logPdf({ lo: [u], hi: [u] });
        // A density in the unit box is the density in Optuna's space times the width of that space.
        expect([...got]).toEqual(f.logPdf.map((v) => expect.closeTo(v + Math.log(width), 6)));
      }
    });
  }

  it('samples inside [0, 1] from its kernels, in proportion to their weights', () => {
    const pe = new ParzenEstimator(
      [{ kind: 'numeric' }],
      [Float64Array.from([0.1, 0.12, 0.9])],
      new Float64Array([1, 1, 1]),
      {
        priorWeight: 1,
        considerMagicClip: true,
        considerEndpoints: false,
        multivariate: false,
      },
    );
    const [xs] = pe.sample(new Rng(1), 20000) as [Float64Array];
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThanOrEqual(1);
    // Empirical mass of [0, 0.3] against the mixture's mass there (numerically integrated density).
    const share = xs.filter((x) => x <= 0.3).length / xs.length;
    const grid = Float64Array.from({ length: 3000 }, (_, i) => (i + 0.5) / 10000);
    const mass = [...pe.logPdf({ lo: [grid], hi: [grid] })].reduce((s, l) => s + Math.exp(l) / 10000, 0);
    expect(Math.abs(share - mass)).toBeLessThan(0.015);
  });

  it('gives a stepped cell the mass of the continuous density over it', () => {
    const d = floatDistribution('x', 0, 1, { step: 0.25 });
    const [a, b] = unitCell(d, 0.5);
    expect([a, b]).toEqual([0.4, 0.6].map((v) => expect.closeTo(v, 12)));
    const pe = new ParzenEstimator([{ kind: 'numeric' }], [Float64Array.from([0.5])], new Float64Array([1]), {
      priorWeight: 1,
      considerMagicClip: true,
      considerEndpoints: false,
      multivariate: false,
    });
    const mass = Math.exp(pe.logPdf({ lo: [Float64Array.of(a)], hi: [Float64Array.of(b)] })[0]!);
    const n = 2000;
    let integral = 0;
    for (let i = 0; i < n; i++) {
      const x = Float64Array.of(a + ((i + 0.5) * (b - a)) / n);
      integral += (Math.exp(pe.logPdf({ lo: [x], hi: [x] })[0]!) * (b - a)) / n;
    }
    expect(mass).toBeCloseTo(integral, 6);
  });

  it('sums only the kernels near each point, with the same result as summing all of them', () => {
    const rng = new Rng(7);
    const uniform = Float64Array.from({ length: 1000 }, () => rng.next());
    // A tight cluster with a few far outliers: wide bandwidths at the edges, narrow ones inside.
    const clustered = Float64Array.from({ length: 600 }, (_, i) =>
      i % 50 === 0 ? rng.next() : 0.3 + 0.01 * rng.next(),
    );
    for (const column of [uniform, clustered]) {
      const pe = new ParzenEstimator(
        [{ kind: 'numeric' }],
        [column],
        Float64Array.from(defaultWeights(column.length)),
        {
          priorWeight: 1,
          considerMagicClip: true,
          considerEndpoints: false,
          multivariate: false,
        },
      );
      const mus = pe.mus[0]!;
      const sigmas = pe.sigmas[0]!;
      const everyKernel = (a: number, b: number): number => {
        let sum = 0;
        for (let i = 0; i < pe.kernels; i++) {
          const [lo, hi] = [-mus[i]! / sigmas[i]!, (1 - mus[i]!) / sigmas[i]!];
          const z = Math.exp(logGaussMass(lo, hi));
          const part =
            a === b
              ? Math.exp(-0.5 * ((a - mus[i]!) / sigmas[i]!) ** 2) / (sigmas[i]! * Math.sqrt(2 * Math.PI))
              : Math.exp(logGaussMass((a - mus[i]!) / sigmas[i]!, (b - mus[i]!) / sigmas[i]!));
          sum += (pe.weights[i]! * part) / z;
        }
        return Math.log(sum);
      };
      const points = Float64Array.from({ length: 200 }, (_, j) =>
        j < 100 ? rng.next() : 0.3 + 0.012 * rng.next(),
      );
      const got = pe.logPdf({ lo: [points], hi: [points] });
      points.forEach((p, j) => expect(got[j]).toBeCloseTo(everyKernel(p, p), 10));
      const lo = points.map((p) => Math.max(0, p - 0.002));
      const hi = points.map((p) => Math.min(1, p + 0.002));
      const cells = pe.logPdf({ lo: [lo], hi: [hi] });
      points.forEach((_, j) => expect(cells[j]).toBeCloseTo(everyKernel(lo[j]!, hi[j]!), 9));
    }
  });

  it('builds the same estimator from a sorted order the caller gives as from sorting itself', () => {
    const rng = new Rng(3);
    const column = Float64Array.from({ length: 300 }, (_, i) =>
      i % 3 === 0 ? 0.5 : Math.round(rng.next() * 50) / 50,
    );
    const weights = Float64Array.from(defaultWeights(column.length));
    const opts = { priorWeight: 1, considerMagicClip: true, considerEndpoints: false, multivariate: false };
    const order = Uint32Array.from([...column.keys()].sort((i, j) => column[i]! - column[j]! || i - j));
    const sorted = new ParzenEstimator([{ kind: 'numeric' }], [column], weights, opts);
    const given = new ParzenEstimator([{ kind: 'numeric' }], [column], weights, opts, [order]);
    expect([...given.sigmas[0]!]).toEqual([...sorted.sigmas[0]!]);
    const points = Float64Array.from({ length: 50 }, () => rng.next());
    expect([...given.logPdf({ lo: [points], hi: [points] })]).toEqual([
      ...sorted.logPdf({ lo: [points], hi: [points] }),
    ]);
  });
});

// Log expected improvement and its maximisation: score many quasi-random points, then refine the best
// few (and the neighbourhood of the incumbent) by L-BFGS on the continuous dimensions, then settle the
// discrete ones by a short coordinate search over grid neighbours and categorical choices.
import { logNormCdf, logNormPdf, normCdf } from '../special.js';
import type { GpPosterior } from './gp.js';
import { minimize } from './lbfgs.js';

/** log h(z) with h(z) = φ(z) + zΦ(z) = E[max(0, z + N(0,1))], stable for very negative z. */
export function logH(z: number): number {
  if (z > -1) return Math.log(Math.exp(logNormPdf(z)) + z * normCdf(z));
  const t = -z;
  // h(z) = φ(z)·(1 − t·M(t)), M the Mills ratio; for large t the bracket is 1/t² − 3/t⁴ + 15/t⁶ − ...
  let bracket: number;
  if (t > 40) {
    const t2 = t * t;
    bracket = (1 - 3 / t2 + 15 / (t2 * t2)) / t2;
  } else {
    const mills = Math.exp(logNormCdf(-t) - logNormPdf(t));
    bracket = 1 - t * mills;
  }
  return logNormPdf(z) + Math.log(bracket);
}

/** log EI for minimisation below `best`, with d logEI / d mean and d logEI / d std. */
export function logExpectedImprovement(
  mean: number,
  std: number,
  best: number,
): { value: number; dMean: number; dStd: number } {
  const z = (best - mean) / std;
  const lh = logH(z);
  const ratio = Math.exp(logNormCdf(z) - lh); // h'(z)/h(z) = Φ(z)/h(z)
  return { value: Math.log(std) + lh, dMean: -ratio / std, dStd: 1 / std - (ratio * z) / std };
}

export interface AcquisitionSpace {
  readonly d: number;
  /** 0 for continuous, else the number of choices (categorical) or grid points (discrete numeric). */
  readonly categories: Int32Array;
  readonly gridPoints: Float64Array;
  /** Snaps a numeric dimension's unit position to its grid (identity when continuous). */
  readonly snap: (dim: number, u: number) => number;
}

export interface AcquisitionOptions {
  readonly starts: Float64Array[];
  /** Points to start local search from as well (the incumbent). */
  readonly seeds: Float64Array[];
  readonly localSearches: number;
}

export function optimizeLogEi(
  posterior: GpPosterior,
  best: number,
  space: AcquisitionSpace,
  options: AcquisitionOptions,
): Float64Array {
  const { d } = space;
  const value = (x: Float64Array) => {
    const { mean, variance } = posterior.predict(x);
    return logExpectedImprovement(mean, Math.sqrt(variance), best).value;
  };
  const scored = options.starts.map((x) => ({ x, v: value(x) }));
  scored.sort((a, b) => b.v - a.v);
  const starts = [...options.seeds, ...scored.slice(0, options.localSearches).map((s) => s.x)];
  const gMean = new Float64Array(d);
  const gVar = new Float64Array(d);
  const negative = (x: Float64Array, g: Float64Array) => {
    const { mean, variance } = posterior.predict(x, gMean, gVar);
    const std = Math.sqrt(variance);
    const ei = logExpectedImprovement(mean, std, best);
    for (let c = 0; c < d; c++) g[c] = -(ei.dMean * gMean[c]! + (ei.dStd * gVar[c]!) / (2 * std));
    return -ei.value;
  };
  let bestX = scored[0]!.x;
  let bestV = scored[0]!.v;
  for (const start of starts) {
    const lower = new Float64Array(d);
    const upper = new Float64Array(d).fill(1);
    for (let c = 0; c < d; c++) if (space.categories[c]! > 0) lower[c] = upper[c] = start[c]!;
    const { x } = minimize(negative, start, { maxIterations: 40, gradientTolerance: 1e-5, lower, upper });
    for (let c = 0; c < d; c++) if (!space.categories[c]) x[c] = space.snap(c, x[c]!);
    const refined = discreteSearch(x, value(x), value, space);
    if (refined.v > bestV) {
      bestV = refined.v;
      bestX = refined.x;
    }
  }
  return bestX;
}

/** Coordinate search over categorical choices and neighbouring grid points, while it improves. */
function discreteSearch(
  x0: Float64Array,
  v0: number,
  value: (x: Float64Array) => number,
  space: AcquisitionSpace,
): { x: Float64Array; v: number } {
  let x = x0;
  let v = v0;
  for (let pass = 0; pass < 3; pass++) {
    let improved = false;
    for (let c = 0; c < space.d; c++) {
      const options: number[] = [];
      if (space.categories[c]! > 0) for (let k = 0; k < space.categories[c]!; k++) options.push(k);
      else if (space.gridPoints[c]! > 0) {
        const cell = 1 / space.gridPoints[c]!;
        options.push(space.snap(c, x[c]! - cell), space.snap(c, x[c]! + cell));
      } else continue;
      for (const o of options) {
        if (o === x[c]) continue;
        const y = Float64Array.from(x);
        y[c] = o;
        const vy = value(y);
        if (vy > v + 1e-12) {
          x = y;
          v = vy;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return { x, v };
}

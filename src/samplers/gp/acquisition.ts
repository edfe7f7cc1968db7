// Log expected improvement (plus, under constraints, the log probability of feasibility) and its
// maximisation: score many quasi-random points, then refine the best few (and the neighbourhood of the
// incumbent) by L-BFGS on the continuous dimensions, then settle the discrete ones by a short coordinate
// search over grid neighbours and categorical choices.
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

/**
 * One term of the acquisition, all summed in log space: log EI of the objective's GP below `best`, or the
 * log probability that a constraint's GP lies at or below `threshold` (Optuna's constrained log EI:
 * log EI plus the log probability of feasibility, each constraint modelled by a GP of its own).
 */
export type AcquisitionTerm =
  | { readonly kind: 'logEi'; readonly posterior: GpPosterior; readonly best: number }
  | { readonly kind: 'feasible'; readonly posterior: GpPosterior; readonly threshold: number };

/** log P(N(mean, std²) <= threshold), with its derivatives in mean and std. */
export function logFeasibility(
  mean: number,
  std: number,
  threshold: number,
): { value: number; dMean: number; dStd: number } {
  const z = (threshold - mean) / std;
  const value = logNormCdf(z);
  const ratio = Math.exp(logNormPdf(z) - value); // φ(z)/Φ(z)
  return { value, dMean: -ratio / std, dStd: (-ratio * z) / std };
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

/** The point maximising log EI of `posterior` below `best`. */
export function optimizeLogEi(
  posterior: GpPosterior,
  best: number,
  space: AcquisitionSpace,
  options: AcquisitionOptions,
): Float64Array {
  return optimizeAcquisition([{ kind: 'logEi', posterior, best }], space, options);
}

/** The point maximising the sum of the terms. */
export function optimizeAcquisition(
  terms: readonly AcquisitionTerm[],
  space: AcquisitionSpace,
  options: AcquisitionOptions,
): Float64Array {
  const { d } = space;
  const termOf = (term: AcquisitionTerm, mean: number, std: number) =>
    term.kind === 'logEi'
      ? logExpectedImprovement(mean, std, term.best)
      : logFeasibility(mean, std, term.threshold);
  const value = (x: Float64Array) => {
    let total = 0;
    for (const term of terms) {
      const { mean, variance } = term.posterior.predict(x);
      total += termOf(term, mean, Math.sqrt(variance)).value;
    }
    return total;
  };
  const scored = options.starts.map((x) => ({ x, v: value(x) }));
  scored.sort((a, b) => b.v - a.v);
  const starts = [...options.seeds, ...scored.slice(0, options.localSearches).map((s) => s.x)];
  const gMean = new Float64Array(d);
  const gVar = new Float64Array(d);
  const negative = (x: Float64Array, g: Float64Array) => {
    g.fill(0);
    let total = 0;
    for (const term of terms) {
      const { mean, variance } = term.posterior.predict(x, gMean, gVar);
      const std = Math.sqrt(variance);
      const t = termOf(term, mean, std);
      for (let c = 0; c < d; c++) g[c]! -= t.dMean * gMean[c]! + (t.dStd * gVar[c]!) / (2 * std);
      total += t.value;
    }
    return -total;
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

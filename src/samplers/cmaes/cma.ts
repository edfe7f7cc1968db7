// The CMA-ES update (Hansen's tutorial, active parts left out): a Gaussian search distribution whose
// mean, step size and covariance follow the best points of each generation; separable CMA-ES (Ros & Hansen
// 2008) keeps the covariance diagonal and learns it faster. Pure functions over plain state, so a sampler
// can rebuild the state from stored trials.
import { symmetricEigen } from '../../linalg.js';

export interface CmaState {
  readonly d: number;
  readonly mean: Float64Array;
  readonly sigma: number;
  /** Covariance, row-major d×d. */
  readonly cov: Float64Array;
  readonly pathSigma: Float64Array;
  readonly pathC: Float64Array;
  readonly generation: number;
  /** Eigenvectors (columns of B, row-major) and square-rooted eigenvalues of cov. */
  readonly b: Float64Array;
  readonly sqrtEig: Float64Array;
}

/** The start: identity covariance unless `cov` (row-major d×d, positive definite) is given. */
export function initialState(mean: Float64Array, sigma: number, cov?: Float64Array): CmaState {
  const d = mean.length;
  const eye = new Float64Array(d * d);
  for (let i = 0; i < d; i++) eye[i * d + i] = 1;
  const { vectors, values } = cov
    ? symmetricEigen(cov, d)
    : { vectors: eye, values: new Float64Array(d).fill(1) };
  return {
    d,
    mean,
    sigma,
    cov: cov ? Float64Array.from(cov) : eye.slice(),
    pathSigma: new Float64Array(d),
    pathC: new Float64Array(d),
    generation: 0,
    b: vectors,
    sqrtEig: Float64Array.from(values, (v) => Math.sqrt(Math.max(v, 1e-20))),
  };
}

/**
 * Warm-starting CMA-ES (Nomura et al. 2021, as Optuna's `source_trials`): a start fitted to the best
 * fraction `gamma` of solutions of a similar task, in the unit box, best first. The mean is theirs; the
 * covariance their spread plus alpha² on the diagonal, scaled to determinant 1 with sigma taking the scale.
 */
export function warmStart(
  sortedSource: readonly Float64Array[],
  gamma = 0.1,
  alpha = 0.1,
): { mean: Float64Array; sigma: number; cov: Float64Array } {
  const d = sortedSource[0]!.length;
  const top = sortedSource.slice(0, Math.max(1, Math.floor(sortedSource.length * gamma)));
  const mean = new Float64Array(d);
  for (const x of top) for (let i = 0; i < d; i++) mean[i]! += x[i]! / top.length;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < d; i++) cov[i * d + i] = alpha * alpha;
  for (const x of top)
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) cov[i * d + j]! += ((x[i]! - mean[i]!) * (x[j]! - mean[j]!)) / top.length;
  const { values } = symmetricEigen(cov, d);
  const logDet = values.reduce((s, v) => s + Math.log(Math.max(v, 1e-300)), 0);
  const sigma = Math.exp(logDet / (2 * d));
  return { mean, sigma, cov: cov.map((v) => v / (sigma * sigma)) };
}

/** A point m + σ·B·D·z for a standard normal vector z. */
export function samplePoint(state: CmaState, z: Float64Array): Float64Array {
  const { d, b, sqrtEig } = state;
  const x = Float64Array.from(state.mean);
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += b[i * d + k]! * sqrtEig[k]! * z[k]!;
    x[i]! += state.sigma * s;
  }
  return x;
}

/** The next state from one generation's points, sorted best first (at least two). */
export function update(
  state: CmaState,
  sorted: readonly Float64Array[],
  populationSize: number,
  options: { separable?: boolean } = {},
): CmaState {
  const d = state.d;
  const mu = Math.max(1, Math.min(sorted.length, Math.floor(populationSize / 2)));
  const raw = Array.from({ length: mu }, (_, i) => Math.log(mu + 0.5) - Math.log(i + 1));
  const total = raw.reduce((s, w) => s + w, 0);
  const w = raw.map((v) => v / total);
  const muEff = 1 / w.reduce((s, v) => s + v * v, 0);
  const cSigma = (muEff + 2) / (d + muEff + 5);
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (d + 1)) - 1) + cSigma;
  const cc = (4 + muEff / d) / (d + 4 + (2 * muEff) / d);
  // Separable: d variances instead of d² entries, so they may be learnt (d + 2) / 3 times faster.
  const speed = options.separable ? (d + 2) / 3 : 1;
  const c1 = Math.min(0.5, (2 * speed) / ((d + 1.3) ** 2 + muEff));
  const cMu = Math.min(1 - c1, (2 * speed * (muEff - 2 + 1 / muEff)) / ((d + 2) ** 2 + muEff));
  const chiN = Math.sqrt(d) * (1 - 1 / (4 * d) + 1 / (21 * d * d));

  const ys = sorted.slice(0, mu).map((x) => x.map((v, i) => (v - state.mean[i]!) / state.sigma));
  const yw = new Float64Array(d);
  ys.forEach((y, k) => y.forEach((v, i) => (yw[i]! += w[k]! * v)));
  const mean = state.mean.map((m, i) => m + state.sigma * yw[i]!);

  // C^{-1/2} y_w = B D⁻¹ Bᵀ y_w
  const { b, sqrtEig } = state;
  const bty = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += b[i * d + k]! * yw[i]!;
    bty[k] = s / sqrtEig[k]!;
  }
  const pathSigma = new Float64Array(d);
  const ps = Math.sqrt(cSigma * (2 - cSigma) * muEff);
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += b[i * d + k]! * bty[k]!;
    pathSigma[i] = (1 - cSigma) * state.pathSigma[i]! + ps * s;
  }
  const normPs = Math.hypot(...pathSigma);
  const g = state.generation + 1;
  const hSigma = normPs / Math.sqrt(1 - (1 - cSigma) ** (2 * g)) < (1.4 + 2 / (d + 1)) * chiN ? 1 : 0;
  const pc = Math.sqrt(cc * (2 - cc) * muEff);
  const pathC = state.pathC.map((p, i) => (1 - cc) * p + hSigma * pc * yw[i]!);
  const cov = new Float64Array(d * d);
  const keep = 1 - c1 - cMu + (1 - hSigma) * c1 * cc * (2 - cc);
  for (let i = 0; i < d; i++)
    for (let j = options.separable ? i : 0; j <= i; j++) {
      let rankMu = 0;
      ys.forEach((y, k) => (rankMu += w[k]! * y[i]! * y[j]!));
      const v = keep * state.cov[i * d + j]! + c1 * pathC[i]! * pathC[j]! + cMu * rankMu;
      cov[i * d + j] = cov[j * d + i] = v;
    }
  const sigma = state.sigma * Math.exp(Math.min(1, (cSigma / dSigma) * (normPs / chiN - 1)));
  const { vectors, values } = options.separable ? diagonalEigen(cov, d) : symmetricEigen(cov, d);
  return {
    d,
    mean,
    sigma,
    cov,
    pathSigma,
    pathC,
    generation: g,
    b: vectors,
    sqrtEig: Float64Array.from(values, (v) => Math.sqrt(Math.max(v, 1e-20))),
  };
}

/** The eigen-decomposition of a diagonal matrix: the identity and the diagonal. */
function diagonalEigen(cov: Float64Array, d: number): { vectors: Float64Array; values: Float64Array } {
  const vectors = new Float64Array(d * d);
  for (let i = 0; i < d; i++) vectors[i * d + i] = 1;
  return { vectors, values: Float64Array.from({ length: d }, (_, i) => cov[i * d + i]!) };
}

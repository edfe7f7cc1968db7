// A Gaussian process with a Matérn-5/2 ARD kernel on the unit box (categorical dimensions compare by
// equality), kernel hyperparameters fitted by maximising the marginal likelihood plus log priors.
import { cholesky, choleskyInverse, solveLower, solveUpperT } from './linalg.js';
import { minimize } from './lbfgs.js';

const SQRT5 = Math.sqrt(5);

export interface KernelParams {
  /** 1 / lengthscale², one per dimension. */
  readonly inverseSquaredLengthscales: Float64Array;
  /** Signal variance. */
  readonly scale: number;
  /** Observation noise variance. */
  readonly noise: number;
}

export interface GpData {
  /** n×d inputs, row-major: unit positions, or choice indices on categorical dimensions. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
  readonly d: number;
  /** 1 where the dimension is categorical. */
  readonly categorical: Uint8Array;
}

/** Matérn 5/2 as a function of the scaled squared distance r². */
export function matern52(r2: number): number {
  const r = Math.sqrt(r2);
  return (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

/** d matern52 / d r², finite at r = 0. */
function matern52Slope(r2: number): number {
  const r = Math.sqrt(r2);
  return -(5 / 6) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
}

function sqDiff(data: GpData, i: number, a: ArrayLike<number>, aOffset: number, k: number): number {
  const diff = data.x[i * data.d + k]! - a[aOffset + k]!;
  return data.categorical[k] ? (diff === 0 ? 0 : 1) : diff * diff;
}

function scaledDistance(
  data: GpData,
  theta: Float64Array,
  i: number,
  a: ArrayLike<number>,
  aOffset: number,
): number {
  let r2 = 0;
  for (let k = 0; k < data.d; k++) r2 += theta[k]! * sqDiff(data, i, a, aOffset, k);
  return r2;
}

/**
 * Log prior of the hyperparameters (Optuna's choice): lengthscales kept away from both 0 and ∞, a
 * Gamma(2, 1) signal variance, a Gamma(1.1, 30) noise variance that prefers little noise.
 */
function logPrior(p: KernelParams): number {
  let s = 0;
  for (const t of p.inverseSquaredLengthscales) s -= 0.1 / t + 0.1 * t;
  return s + (Math.log(p.scale) - p.scale) + (0.1 * Math.log(p.noise) - 30 * p.noise);
}

/** Squared differences of every pair i > j, per dimension: [dim][pair], pairs in row order. */
export function pairwiseSquaredDiffs(data: GpData): Float64Array {
  const { n, d } = data;
  const pairs = (n * (n - 1)) / 2;
  const out = new Float64Array(d * pairs);
  for (let c = 0; c < d; c++) {
    let p = c * pairs;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < i; j++) {
        const diff = data.x[i * d + c]! - data.x[j * d + c]!;
        out[p++] = data.categorical[c] ? (diff === 0 ? 0 : 1) : diff * diff;
      }
  }
  return out;
}

/**
 * Log marginal likelihood plus log prior, and its gradient with respect to the log-parameters
 * [log θ_1..d, log scale, log(noise − minNoise)]. `diffs` (from pairwiseSquaredDiffs) saves recomputing
 * distances when called many times on the same data.
 */
export function logPosterior(
  data: GpData,
  p: KernelParams,
  minNoise: number,
  grad?: Float64Array,
  diffs = pairwiseSquaredDiffs(data),
): number {
  const { n, d } = data;
  const pairs = (n * (n - 1)) / 2;
  const theta = p.inverseSquaredLengthscales;
  const r2 = new Float64Array(pairs);
  for (let c = 0; c < d; c++) {
    const t = theta[c]!;
    const base = c * pairs;
    for (let q = 0; q < pairs; q++) r2[q]! += t * diffs[base + q]!;
  }
  const k = new Float64Array(n * n);
  const slope = new Float64Array(pairs);
  let q = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++, q++) {
      const r = Math.sqrt(r2[q]!);
      const e = p.scale * Math.exp(-SQRT5 * r);
      k[i * n + j] = k[j * n + i] = (1 + SQRT5 * r + (5 / 3) * r2[q]!) * e;
      slope[q] = -(5 / 6) * (1 + SQRT5 * r) * e;
    }
    k[i * n + i] = p.scale + p.noise;
  }
  const l = cholesky(k, n);
  if (l === null) return -Infinity;
  const alpha = solveUpperT(l, n, solveLower(l, n, data.y));
  let value = -0.5 * n * Math.log(2 * Math.PI);
  for (let i = 0; i < n; i++) value -= 0.5 * data.y[i]! * alpha[i]! + Math.log(l[i * n + i]!);
  value += logPrior(p);
  if (grad) {
    // d/dψ = ½ tr((ααᵀ − K⁻¹) dK/dψ), W = ααᵀ − K⁻¹ symmetric; off-diagonal pairs count twice.
    const inv = choleskyInverse(l, n);
    grad.fill(0);
    let gScale = 0;
    let gNoise = 0;
    const ws = new Float64Array(pairs);
    q = 0;
    for (let i = 0; i < n; i++) {
      const wii = alpha[i]! * alpha[i]! - inv[i * n + i]!;
      gNoise += 0.5 * wii;
      gScale += 0.5 * wii * p.scale;
      for (let j = 0; j < i; j++, q++) {
        const w = alpha[i]! * alpha[j]! - inv[i * n + j]!;
        gScale += w * k[i * n + j]!;
        ws[q] = w * slope[q]!;
      }
    }
    for (let c = 0; c < d; c++) {
      let s = 0;
      const base = c * pairs;
      for (let qq = 0; qq < pairs; qq++) s += ws[qq]! * diffs[base + qq]!;
      grad[c] = s * theta[c]! + 0.1 / theta[c]! - 0.1 * theta[c]!;
    }
    grad[d] = gScale + (1 - p.scale);
    grad[d + 1] = (gNoise + 0.1 / p.noise - 30) * (p.noise - minNoise);
  }
  return value;
}

function unpack(z: Float64Array, d: number, minNoise: number): KernelParams {
  return {
    inverseSquaredLengthscales: z.slice(0, d).map(Math.exp),
    scale: Math.exp(z[d]!),
    noise: minNoise + Math.exp(z[d + 1]!),
  };
}

export function defaultKernelParams(d: number): KernelParams {
  return { inverseSquaredLengthscales: new Float64Array(d).fill(1), scale: 1, noise: 1e-2 };
}

/** Maximum a posteriori hyperparameters, by L-BFGS from `init` (e.g. the previous trial's fit). */
export function fitKernelParams(
  data: GpData,
  init: KernelParams,
  options: { minNoise: number; maxIterations?: number },
): KernelParams {
  const { d } = data;
  const { minNoise } = options;
  const z0 = new Float64Array(d + 2);
  for (let c = 0; c < d; c++) z0[c] = Math.log(init.inverseSquaredLengthscales[c]!);
  z0[d] = Math.log(init.scale);
  z0[d + 1] = Math.log(Math.max(init.noise - minNoise, 1e-10));
  // Log-parameters stay in a box so that a flat likelihood cannot run them off to ±∞.
  const lower = new Float64Array(d + 2).fill(-12);
  const upper = new Float64Array(d + 2).fill(12);
  lower[d + 1] = -25;
  upper[d + 1] = 2;
  const diffs = pairwiseSquaredDiffs(data);
  const negative = (z: Float64Array, g: Float64Array) => {
    const v = logPosterior(data, unpack(z, d, minNoise), minNoise, g, diffs);
    for (let i = 0; i < g.length; i++) g[i] = -g[i]!;
    return Number.isFinite(v) ? -v : Infinity;
  };
  const { x } = minimize(negative, z0, {
    maxIterations: options.maxIterations ?? 60,
    gradientTolerance: 1e-4,
    lower,
    upper,
  });
  return unpack(x, d, minNoise);
}

/** The posterior given data and fixed hyperparameters. */
export class GpPosterior {
  readonly chol: Float64Array;
  readonly alpha: Float64Array;
  private readonly kx: Float64Array<ArrayBuffer>;
  private readonly v: Float64Array<ArrayBuffer>;

  constructor(
    readonly data: GpData,
    readonly params: KernelParams,
  ) {
    const { n, d } = data;
    const k = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++)
        k[i * n + j] = k[j * n + i] =
          params.scale * matern52(scaledDistance(data, params.inverseSquaredLengthscales, i, data.x, j * d));
      k[i * n + i] = params.scale + params.noise;
    }
    let l = cholesky(k, n);
    // Jitter only if rounding made K indefinite.
    for (let jitter = 1e-8; l === null && jitter < 1; jitter *= 10) {
      for (let i = 0; i < n; i++) k[i * n + i]! += jitter;
      l = cholesky(k, n);
    }
    if (l === null) throw new Error('GP kernel matrix is not positive definite');
    this.chol = l;
    this.alpha = solveUpperT(l, n, solveLower(l, n, data.y));
    this.kx = new Float64Array(n);
    this.v = new Float64Array(n);
  }

  /** Posterior mean and variance of the latent function at x (length d). */
  predict(
    x: ArrayLike<number>,
    gradMean?: Float64Array,
    gradVar?: Float64Array,
  ): { mean: number; variance: number } {
    const { n, d } = this.data;
    const theta = this.params.inverseSquaredLengthscales;
    const kx = this.kx;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      kx[i] = this.params.scale * matern52(scaledDistance(this.data, theta, i, x, 0));
      mean += kx[i]! * this.alpha[i]!;
    }
    const v = solveLower(this.chol, n, kx, this.v);
    let variance = this.params.scale;
    for (let i = 0; i < n; i++) variance -= v[i]! * v[i]!;
    variance = Math.max(variance, 1e-12);
    if (gradMean && gradVar) {
      const w = solveUpperT(this.chol, n, v); // K⁻¹ k(x)
      gradMean.fill(0);
      gradVar.fill(0);
      for (let i = 0; i < n; i++) {
        const s = this.params.scale * matern52Slope(scaledDistance(this.data, theta, i, x, 0));
        for (let c = 0; c < d; c++) {
          if (this.data.categorical[c]) continue;
          const dk = s * theta[c]! * 2 * (x[c]! - this.data.x[i * d + c]!);
          gradMean[c]! += dk * this.alpha[i]!;
          gradVar[c]! -= 2 * dk * w[i]!;
        }
      }
    }
    return { mean, variance };
  }

  /** Posterior means at the training inputs (cheap: y − noise·α). */
  trainingMeans(): Float64Array {
    return this.data.y.map((y, i) => y - this.params.noise * this.alpha[i]!);
  }
}

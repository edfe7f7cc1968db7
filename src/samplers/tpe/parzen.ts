// The Parzen estimator behind TPE: a weighted mixture with one kernel per observation plus a prior kernel,
// in the unit box. Numeric dimensions use truncated normals (bandwidths from neighbour gaps, or Scott's
// rule when several dimensions are modelled jointly); categorical ones a smoothed one-hot per observation.
import type { Rng } from '../../random.js';
import { logGaussMass, logSumExp, truncatedNormal } from '../special.js';

export type ParzenDim =
  { readonly kind: 'numeric' } | { readonly kind: 'categorical'; readonly choices: number };

export interface ParzenOptions {
  readonly priorWeight: number;
  /** Keep bandwidths >= range / min(100, kernels + 1), so a cluster of equal values does not collapse. */
  readonly considerMagicClip: boolean;
  /** Let the bounds 0 and 1 count as neighbours of the outermost observations. */
  readonly considerEndpoints: boolean;
  /** Model the dimensions jointly: one shared kernel index across dimensions, Scott's-rule bandwidths. */
  readonly multivariate: boolean;
}

/**
 * A point to evaluate: per numeric dimension the cell [lo, hi] it stands for (lo == hi for a continuous
 * value), per categorical dimension the choice index in `lo`.
 */
export interface ParzenPoints {
  readonly lo: readonly Float64Array[];
  readonly hi: readonly Float64Array[];
}

export class ParzenEstimator {
  /** Mixture weights, normalised; the last one is the prior's. */
  readonly weights: Float64Array;
  /** Per numeric dimension: kernel centres and bandwidths (prior last); null for categorical. */
  readonly mus: Array<Float64Array | null> = [];
  readonly sigmas: Array<Float64Array | null> = [];
  /** Per categorical dimension: each kernel's row of choice probabilities, row-major; null for numeric. */
  readonly choiceProbs: Array<Float64Array | null> = [];
  private readonly logZ: Array<Float64Array | null> = [];
  /** Per numeric dimension without shared bandwidths: the observation kernels' indices by centre. */
  private readonly byCentre: Array<Uint32Array | null> = [];
  private readonly logWeights: Float64Array;

  /**
   * @param columns one array per dimension of observed values: unit positions, or choice indices
   * @param rawWeights one non-negative weight per observation (before the prior is appended)
   * @param orders optional, per numeric dimension: the observations' indices sorted by value (ties by
   * index), when the caller knows them; the estimator sorts otherwise
   */
  constructor(
    readonly dims: readonly ParzenDim[],
    columns: readonly Float64Array[],
    rawWeights: Float64Array,
    readonly options: ParzenOptions,
    orders: ReadonlyArray<Uint32Array | null | undefined> = [],
  ) {
    const n = rawWeights.length;
    const k = n + 1;
    ({ weights: this.weights, logWeights: this.logWeights } = mixtureWeights(
      rawWeights,
      options.priorWeight,
    ));
    const sigma0 = 0.2 * Math.max(n, 1) ** (-1 / (dims.length + 4));
    dims.forEach((dim, d) => {
      const column = columns[d] as Float64Array;
      if (dim.kind === 'categorical') {
        this.mus.push(null);
        this.sigmas.push(null);
        this.logZ.push(null);
        this.byCentre.push(null);
        this.choiceProbs.push(categoricalRows(column, dim.choices, options.priorWeight));
        return;
      }
      const mus = new Float64Array(k);
      mus.set(column);
      mus[n] = 0.5;
      const known = orders[d];
      const order = options.multivariate ? null : known ? withPrior(known, mus) : argsortUnit(mus);
      const sigmas = order
        ? gapBandwidths(mus, order, options.considerEndpoints)
        : new Float64Array(k).fill(sigma0);
      const minSigma = options.considerMagicClip ? 1 / Math.min(100, 1 + k) : 1e-12;
      for (let i = 0; i < k; i++) sigmas[i] = Math.min(1, Math.max(minSigma, sigmas[i]!));
      sigmas[n] = 1;
      const logZ = new Float64Array(k);
      for (let i = 0; i < k; i++) {
        const a = -mus[i]! / sigmas[i]!;
        const b = (1 - mus[i]!) / sigmas[i]!;
        // A kernel more than 8.5 bandwidths inside both bounds loses < 1e-16 of its mass to truncation.
        logZ[i] = a < -8.5 && b > 8.5 ? 0 : logGaussMass(a, b);
      }
      this.mus.push(mus);
      this.sigmas.push(sigmas);
      this.logZ.push(logZ);
      this.byCentre.push(order && (known ?? withoutPrior(order, n)));
      this.choiceProbs.push(null);
    });
  }

  get kernels(): number {
    return this.weights.length;
  }

  /** `count` draws, one array per dimension (unit positions, or choice indices). */
  sample(rng: Rng, count: number): Float64Array[] {
    const k = this.kernels;
    const cumulative = new Float64Array(k);
    let acc = 0;
    for (let i = 0; i < k; i++) cumulative[i] = acc += this.weights[i]!;
    const active = new Int32Array(count);
    for (let j = 0; j < count; j++) {
      const u = rng.next() * acc;
      let lo = 0;
      let hi = k - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      active[j] = lo;
    }
    return this.dims.map((dim, d) => {
      const out = new Float64Array(count);
      for (let j = 0; j < count; j++) {
        const i = active[j]!;
        if (dim.kind === 'categorical') {
          const row = this.choiceProbs[d] as Float64Array;
          let u = rng.next();
          let c = 0;
          while (c < dim.choices - 1 && (u -= row[i * dim.choices + c]!) > 0) c++;
          out[j] = c;
        } else {
          const mu = (this.mus[d] as Float64Array)[i]!;
          const sigma = (this.sigmas[d] as Float64Array)[i]!;
          out[j] = mu + sigma * truncatedNormal(-mu / sigma, (1 - mu) / sigma, rng.next());
        }
      }
      return out;
    });
  }

  /** log density (log mass for cells) of each point under the mixture. */
  logPdf(points: ParzenPoints): Float64Array {
    if (this.dims.length === 1 && this.dims[0]!.kind === 'numeric')
      return this.logPdfNumeric(points.lo[0]!, points.hi[0]!);
    const m = (points.lo[0] as Float64Array).length;
    const k = this.kernels;
    const acc = new Float64Array(m * k);
    for (let j = 0; j < m; j++) acc.set(this.logWeights, j * k);
    this.dims.forEach((dim, d) => {
      const lo = points.lo[d] as Float64Array;
      const hi = points.hi[d] as Float64Array;
      if (dim.kind === 'categorical') {
        const row = this.choiceProbs[d] as Float64Array;
        const c = dim.choices;
        const logRow = new Float64Array(row.length);
        for (let r = 0; r < row.length; r++) logRow[r] = Math.log(row[r]!);
        for (let j = 0; j < m; j++) for (let i = 0; i < k; i++) acc[j * k + i]! += logRow[i * c + lo[j]!]!;
        return;
      }
      const mus = this.mus[d] as Float64Array;
      const sigmas = this.sigmas[d] as Float64Array;
      const logZ = this.logZ[d] as Float64Array;
      // Per kernel once, not per point: the inverse bandwidth and the log density's constant part.
      const inverse = new Float64Array(k);
      const shift = new Float64Array(k);
      for (let i = 0; i < k; i++) {
        inverse[i] = 1 / sigmas[i]!;
        shift[i] = -Math.log(sigmas[i]!) - logZ[i]! - LOG_SQRT_2PI;
      }
      for (let j = 0; j < m; j++) {
        const a = lo[j]!;
        const b = hi[j]!;
        const base = j * k;
        if (a === b) {
          for (let i = 0; i < k; i++) {
            const z = (a - mus[i]!) * inverse[i]!;
            acc[base + i]! += shift[i]! - 0.5 * z * z;
          }
        } else {
          for (let i = 0; i < k; i++)
            acc[base + i]! +=
              logGaussMass((a - mus[i]!) * inverse[i]!, (b - mus[i]!) * inverse[i]!) - logZ[i]!;
        }
      }
    });
    const out = new Float64Array(m);
    for (let j = 0; j < m; j++) out[j] = logSumExp(acc.subarray(j * k, (j + 1) * k));
    return out;
  }

  /**
   * The common case (one numeric dimension), and most of TPE's time. A point far from a kernel's centre gets
   * nothing from it, so each point walks outwards from its place among the sorted centres and stops once no
   * further kernel can reach within e^-40 of the largest term so far (logSumExp drops those anyway); the
   * prior kernel, which is wide, is always counted. With 1,000 uniformly spread trials this visits about a sixth
   * of the kernels.
   */
  private logPdfNumeric(lo: Float64Array, hi: Float64Array): Float64Array {
    const k = this.kernels;
    const prior = k - 1;
    const mus = this.mus[0] as Float64Array;
    const sigmas = this.sigmas[0] as Float64Array;
    const logZ = this.logZ[0] as Float64Array;
    const byCentre = this.byCentre[0] ?? identityOrder(prior, mus);
    const constant = new Float64Array(k);
    const density = new Float64Array(k);
    // Bounds over the observation kernels: the largest log mass of a cell, the largest log density.
    let topMass = -Infinity;
    let topDensity = -Infinity;
    let widest = 0;
    let sigma = NaN;
    let logSigma = NaN;
    for (let i = 0; i < k; i++) {
      constant[i] = this.logWeights[i]! - logZ[i]!;
      // Clipped bandwidths repeat: most kernels share the smallest one.
      if (sigmas[i] !== sigma) logSigma = Math.log((sigma = sigmas[i]!));
      density[i] = constant[i]! - logSigma - LOG_SQRT_2PI;
      if (i === prior) continue;
      if (constant[i]! > topMass) topMass = constant[i]!;
      if (density[i]! > topDensity) topDensity = density[i]!;
      if (sigmas[i]! > widest) widest = sigmas[i]!;
    }
    // A kernel whose centre is d away from the point (or cell) contributes at most top - d^2 / (2 widest^2).
    const fall = 0.5 / (widest * widest);
    const centres = new Float64Array(byCentre.length);
    for (let r = 0; r < byCentre.length; r++) centres[r] = mus[byCentre[r]!]!;
    const terms = new Float64Array(k);
    const out = new Float64Array(lo.length);
    for (let j = 0; j < lo.length; j++) {
      const a = lo[j]!;
      const b = hi[j]!;
      const top = a === b ? topDensity : topMass;
      let max = (terms[0] = kernelTerm(prior, a, b, mus, sigmas, density, constant));
      let count = 1;
      const start = lowerBound(centres, a);
      for (let r = start; r < centres.length; r++) {
        const d = Math.max(0, centres[r]! - b);
        if (top - d * d * fall <= max - 40) break;
        const t = (terms[count++] = kernelTerm(byCentre[r]!, a, b, mus, sigmas, density, constant));
        if (t > max) max = t;
      }
      for (let r = start - 1; r >= 0; r--) {
        const d = a - centres[r]!;
        if (top - d * d * fall <= max - 40) break;
        const t = (terms[count++] = kernelTerm(byCentre[r]!, a, b, mus, sigmas, density, constant));
        if (t > max) max = t;
      }
      out[j] = logSumExp(terms.subarray(0, count));
    }
    return out;
  }
}

/** Kernel i's log density at a point (a == b), or its log mass over the cell [a, b], weight included. */
function kernelTerm(
  i: number,
  a: number,
  b: number,
  mus: Float64Array,
  sigmas: Float64Array,
  density: Float64Array,
  constant: Float64Array,
): number {
  if (a === b) {
    const z = (a - mus[i]!) / sigmas[i]!;
    return density[i]! - 0.5 * z * z;
  }
  return constant[i]! + logGaussMass((a - mus[i]!) / sigmas[i]!, (b - mus[i]!) / sigmas[i]!);
}

// TPE builds one estimator per parameter from the same weights: they share one normalisation.
const normalised = new WeakMap<
  Float64Array,
  Map<number, { weights: Float64Array; logWeights: Float64Array }>
>();

/** The observations' weights with the prior's appended, normalised, and their logs. */
function mixtureWeights(
  raw: Float64Array,
  priorWeight: number,
): { weights: Float64Array; logWeights: Float64Array } {
  let byPrior = normalised.get(raw);
  const known = byPrior?.get(priorWeight);
  if (known) return known;
  const n = raw.length;
  const weights = new Float64Array(n + 1);
  weights.set(raw);
  weights[n] = n === 0 ? 1 : priorWeight;
  let total = 0;
  for (let i = 0; i <= n; i++) total += weights[i]!;
  const logWeights = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) logWeights[i] = Math.log((weights[i]! /= total));
  const result = { weights, logWeights };
  if (!byPrior) normalised.set(raw, (byPrior = new Map()));
  byPrior.set(priorWeight, result);
  return result;
}

/** A sorted order of the observations (0..n-1) with the prior (index n, at 0.5) put in its place. */
function withPrior(order: Uint32Array, mus: Float64Array): Uint32Array {
  const n = order.length;
  const out = new Uint32Array(n + 1);
  let r = 0;
  while (r < n && mus[order[r]!]! <= 0.5) r++;
  out.set(order.subarray(0, r));
  out[r] = n;
  out.set(order.subarray(r), r + 1);
  return out;
}

/** The sorted kernel indices without the prior's (index n). */
function withoutPrior(order: Uint32Array, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let r = 0, o = 0; r < order.length; r++) if (order[r] !== n) out[o++] = order[r]!;
  return out;
}

/** Indices 0..n-1 sorted by centre, for estimators built without them (joint bandwidths). */
function identityOrder(n: number, mus: Float64Array): Uint32Array {
  return Uint32Array.from({ length: n }, (_, i) => i).sort((x, y) => mus[x]! - mus[y]! || x - y);
}

/** The first position in ascending `xs` whose value is >= x. */
function lowerBound(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Bandwidth of each kernel: the larger gap to its sorted neighbours (the prior at 0.5 included). */
function gapBandwidths(mus: Float64Array, order: Uint32Array, considerEndpoints: boolean): Float64Array {
  const k = mus.length;
  const withEnds = new Float64Array(k + 2);
  for (let r = 0; r < k; r++) withEnds[r + 1] = mus[order[r]!]!;
  withEnds[k + 1] = 1;
  const sigmas = new Float64Array(k);
  for (let r = 0; r < k; r++)
    sigmas[order[r]!] = Math.max(withEnds[r + 1]! - withEnds[r]!, withEnds[r + 2]! - withEnds[r + 1]!);
  if (!considerEndpoints && k + 2 >= 4) {
    sigmas[order[0]!] = withEnds[2]! - withEnds[1]!;
    sigmas[order[k - 1]!] = withEnds[k]! - withEnds[k - 1]!;
  }
  return sigmas;
}

/**
 * Indices of values in [0, 1] in ascending order, ties by index. Values and indices are packed into one
 * double (value to 2^-39, index in the low 13 bits) so a native numeric sort does the work: a comparator
 * sort of indices is several times slower, and this runs on every suggestion.
 */
function argsortUnit(values: Float64Array): Uint32Array {
  const k = values.length;
  const order = new Uint32Array(k);
  if (k > 8192) {
    const idx = Array.from({ length: k }, (_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
    order.set(idx);
    return order;
  }
  const keys = new Float64Array(k);
  for (let i = 0; i < k; i++) keys[i] = Math.floor(Math.min(1, Math.max(0, values[i]!)) * 2 ** 39) * 8192 + i;
  keys.sort();
  for (let r = 0; r < k; r++) order[r] = keys[r]! % 8192;
  return order;
}

/** Each observation's kernel: prior_weight spread over the choices plus 1 on its own; the prior is uniform. */
function categoricalRows(observed: Float64Array, choices: number, priorWeight: number): Float64Array {
  const n = observed.length;
  const k = n + 1;
  const rows = new Float64Array(k * choices);
  const spread = priorWeight / k;
  const norm = spread * choices + 1;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < choices; c++) rows[i * choices + c] = spread / norm;
    rows[i * choices + observed[i]!]! += 1 / norm;
  }
  for (let c = 0; c < choices; c++) rows[n * choices + c] = 1 / choices;
  return rows;
}

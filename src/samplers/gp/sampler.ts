// Gaussian-process Bayesian optimisation: fit a GP to the complete trials (in the unit box, log ranges
// in log space), then suggest the point maximising log expected improvement (under constraints, plus the
// log probability that every constraint's own GP is <= 0). Trials still running, and
// pruned ones, enter as pessimistic constant lies, so parallel workers get different points and a region
// that keeps being pruned is not proposed again.
import { TunekitError } from '../../errors.js';
import { deriveSeed, randomSeed } from '../../random.js';
import { cardinality, fromUnit, toUnit } from '../../search-space/index.js';
import type { Distribution, ParamValue } from '../../search-space/index.js';
import type { RelativeSample, Sampler, SamplerContext } from '../../study/sampler.js';
import { isFeasible } from '../../study/types.js';
import type { JsonValue, TrialRecord } from '../../study/types.js';
import { lossOf } from '../history.js';
import { QmcSampler } from '../qmc/qmc.js';
import { Sobol } from '../qmc/sobol.js';
import { sampleUniform } from '../random.js';
import { choiceIndex, hasSpace, intersectionSearchSpace } from '../search-space.js';
import type { SearchSpace } from '../search-space.js';
import { optimizeAcquisition } from './acquisition.js';
import type { AcquisitionSpace, AcquisitionTerm } from './acquisition.js';
import { GpPosterior, defaultKernelParams, fitKernelParams } from './gp.js';
import type { GpData, KernelParams } from './gp.js';

export interface GpSamplerOptions {
  seed?: number;
  /** Trials drawn from a scrambled Sobol sequence before the GP is used (default 10). */
  nStartupTrials?: number;
  /** Set when the objective has no noise: the fitted noise may then go down to 1e-10 (default false). */
  deterministicObjective?: boolean;
  /** Quasi-random points scored before local search (default 1024). */
  nCandidates?: number;
  /** Local searches from the best-scoring points (default 6). */
  nLocalSearches?: number;
  /** Log-warp the losses before modelling them (default true; see `warp`). */
  outputWarp?: boolean;
  /** Samples parameters outside the GP's space (conditional ones); default: uniform at random. */
  independent?: Sampler;
}

const MEMO_KEY = 'gp';

interface GpMemo {
  readonly names: string[];
  readonly theta: number[];
  readonly scale: number;
  readonly noise: number;
}

export class GpSampler implements Sampler {
  readonly seed: number;
  private readonly nStartupTrials: number;
  private readonly minNoise: number;
  private readonly nCandidates: number;
  private readonly nLocalSearches: number;
  private readonly startup: QmcSampler;
  private readonly independent: Sampler | null;
  private readonly outputWarp: boolean;

  constructor(options: GpSamplerOptions = {}) {
    this.seed = options.seed ?? randomSeed();
    this.nStartupTrials = checkCount('nStartupTrials', options.nStartupTrials ?? 10, 1);
    this.nCandidates = checkCount('nCandidates', options.nCandidates ?? 1024, 1);
    this.nLocalSearches = checkCount('nLocalSearches', options.nLocalSearches ?? 6, 0);
    this.minNoise = options.deterministicObjective ? 1e-10 : 1e-6;
    this.startup = new QmcSampler({ seed: this.seed });
    this.independent = options.independent ?? null;
    this.outputWarp = options.outputWarp ?? true;
  }

  async sampleRelative(ctx: SamplerContext): Promise<RelativeSample | null> {
    if (ctx.study.directions.length !== 1)
      throw new TunekitError(
        'unsupported',
        'GpSampler optimises one objective; use NsgaIISampler (or the default sampler) for several',
      );
    const space = intersectionSearchSpace(ctx.trials);
    const names = Object.keys(space);
    const complete = ctx.trials.filter((t) => t.state === 'complete' && t.values && hasSpace(t, space));
    if (names.length === 0 || complete.length < this.nStartupTrials) return this.startup.sampleRelative(ctx);
    const suggestion = this.suggest(ctx, space, complete);
    await ctx.setMemo(MEMO_KEY, suggestion.memo as unknown as JsonValue);
    return { space, params: suggestion.params };
  }

  sampleIndependent(ctx: SamplerContext, name: string, distribution: Distribution): ParamValue {
    if (this.independent) return this.independent.sampleIndependent(ctx, name, distribution);
    return sampleUniform(this.seed, ctx.trial.number, name, distribution);
  }

  private suggest(
    ctx: SamplerContext,
    space: SearchSpace,
    complete: TrialRecord[],
  ): { params: Record<string, ParamValue>; memo: GpMemo } {
    const names = Object.keys(space);
    const dists = names.map((n) => space[n] as Distribution);
    const d = names.length;
    const encode = (t: TrialRecord, out: Float64Array, offset: number) =>
      dists.forEach((dist, c) => {
        const v = t.params[names[c] as string] as ParamValue;
        out[offset + c] = dist.kind === 'categorical' ? choiceIndex(dist, v) : toUnit(dist, v);
      });
    const categorical = Uint8Array.from(dists, (dist) => (dist.kind === 'categorical' ? 1 : 0));

    // Standardised losses.
    const n = complete.length;
    const x = new Float64Array(n * d);
    complete.forEach((t, i) => encode(t, x, i * d));
    const raw = this.warp(
      complete.map((t) => lossOf(t.values as number[], ctx.study.directions)[0] as number),
    );
    const mean = raw.reduce((s, v) => s + v, 0) / n;
    const std = Math.sqrt(raw.reduce((s, v) => s + (v - mean) ** 2, 0) / n) || 1;
    const y = Float64Array.from(raw, (v) => (v - mean) / std);
    const data: GpData = { x, y, n, d, categorical };

    // From the previous trial's fit a few iterations suffice (one new point moves the optimum little).
    const warm = this.warmStart(ctx, names);
    const params = fitKernelParams(data, warm ?? defaultKernelParams(d), {
      minNoise: this.minNoise,
      maxIterations: warm ? 20 : 60,
    });
    let posterior = new GpPosterior(data, params);
    // Noise-aware incumbent: the best posterior mean at an observed, feasible point, not the luckiest
    // observation. With no feasible point yet, only the probability of feasibility is maximised (Optuna's rule).
    const means = posterior.trainingMeans();
    let bestIndex = -1;
    for (let i = 0; i < n; i++)
      if (isFeasible(complete[i]!) && (bestIndex < 0 || means[i]! < means[bestIndex]!)) bestIndex = i;
    const best = bestIndex < 0 ? Infinity : means[bestIndex]!;
    const incumbent = bestIndex < 0 ? null : x.slice(bestIndex * d, bestIndex * d + d);

    // Constant liar (the pessimistic one): running trials enter with the worst value seen, which pushes
    // the next suggestion away from points other workers are already evaluating. Pruned trials enter the
    // same way (they were stopped for doing worse than their peers): left out, the model would keep
    // proposing the region that gets pruned, over and over.
    const running = ctx.trials.filter(
      (t) =>
        ((t.state === 'running' && t.number !== ctx.trial.number) || t.state === 'pruned') &&
        hasSpace(t, space),
    );
    if (running.length > 0) {
      const m = n + running.length;
      const xa = new Float64Array(m * d);
      xa.set(x);
      const ya = new Float64Array(m);
      ya.set(y);
      running.forEach((t, i) => {
        encode(t, xa, (n + i) * d);
        ya[n + i] = Math.max(...y);
      });
      posterior = new GpPosterior({ x: xa, y: ya, n: m, d, categorical }, params);
    }

    const acquisitionSpace: AcquisitionSpace = {
      d,
      categories: Int32Array.from(dists, (dist) => (dist.kind === 'categorical' ? dist.choices.length : 0)),
      gridPoints: Float64Array.from(dists, (dist) =>
        dist.kind === 'categorical' || !Number.isFinite(cardinality(dist)) ? 0 : cardinality(dist),
      ),
      snap: (c, u) => {
        const dist = dists[c] as Distribution;
        if (dist.kind === 'categorical' || !Number.isFinite(cardinality(dist)))
          return Math.min(1, Math.max(0, u));
        return toUnit(dist, fromUnit(dist, u));
      },
    };
    const sobol = new Sobol(d, { scramble: true, seed: deriveSeed(this.seed, 'gp', ctx.trial.number) });
    const starts: Float64Array[] = [];
    for (let i = 0; i < this.nCandidates; i++) {
      const p = Float64Array.from(sobol.point(i));
      for (let c = 0; c < d; c++) {
        const k = acquisitionSpace.categories[c]!;
        p[c] = k > 0 ? Math.min(k - 1, Math.floor(p[c]! * k)) : acquisitionSpace.snap(c, p[c]!);
      }
      starts.push(p);
    }
    const terms: AcquisitionTerm[] = [
      ...(incumbent ? [{ kind: 'logEi', posterior, best } as const] : []),
      ...this.feasibilityTerms(complete, encode, d, categorical),
    ];
    const chosen = optimizeAcquisition(terms, acquisitionSpace, {
      starts,
      seeds: incumbent ? [incumbent] : [],
      localSearches: this.nLocalSearches,
    });
    const out: Record<string, ParamValue> = {};
    dists.forEach((dist, c) => {
      out[names[c] as string] =
        dist.kind === 'categorical' ? (dist.choices[chosen[c]!] as ParamValue) : fromUnit(dist, chosen[c]!);
    });
    const memo: GpMemo = {
      names,
      theta: [...params.inverseSquaredLengthscales],
      scale: params.scale,
      noise: params.noise,
    };
    return { params: out, memo };
  }

  /**
   * One term per constraint the complete trials set (none when no trial set any): a GP fitted to that
   * constraint's standardised values over the trials that set it, and the threshold 0 in its units.
   */
  private feasibilityTerms(
    complete: readonly TrialRecord[],
    encode: (t: TrialRecord, out: Float64Array, offset: number) => void,
    d: number,
    categorical: Uint8Array,
  ): AcquisitionTerm[] {
    const count = Math.max(0, ...complete.map((t) => t.constraints?.length ?? 0));
    const terms: AcquisitionTerm[] = [];
    for (let k = 0; k < count; k++) {
      const set = complete.filter((t) => (t.constraints?.length ?? 0) > k);
      const values = set.map((t) => t.constraints![k]!);
      const mean = values.reduce((a, v) => a + v, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length) || 1;
      const x = new Float64Array(set.length * d);
      set.forEach((t, i) => encode(t, x, i * d));
      const data: GpData = {
        x,
        y: Float64Array.from(values, (v) => (v - mean) / std),
        n: set.length,
        d,
        categorical,
      };
      const params = fitKernelParams(data, defaultKernelParams(d), {
        minNoise: this.minNoise,
        maxIterations: 60,
      });
      terms.push({ kind: 'feasible', posterior: new GpPosterior(data, params), threshold: -mean / std });
    }
    return terms;
  }

  /**
   * Compresses heavy upper tails before standardising: log(y − min + s), s the median's distance from the
   * minimum. Losses spanning orders of magnitude (Rosenbrock, divergent training runs) otherwise leave
   * the good region flat next to a few huge values; near the minimum the map is close to linear.
   */
  private warp(raw: number[]): number[] {
    if (!this.outputWarp) return raw;
    const sorted = [...raw].sort((a, b) => a - b);
    const min = sorted[0]!;
    let s = sorted[sorted.length >> 1]! - min;
    if (!(s > 0)) s = sorted[sorted.length - 1]! - min || 1;
    return raw.map((v) => Math.log(v - min + s));
  }

  /** The latest fit stored by an earlier trial over the same parameters, to start the next fit from. */
  private warmStart(ctx: SamplerContext, names: string[]): KernelParams | null {
    for (let i = ctx.trials.length - 1; i >= 0; i--) {
      const t = ctx.trials[i] as TrialRecord;
      if (t.number >= ctx.trial.number) continue;
      const memo = t.samplerMemo[MEMO_KEY] as unknown as GpMemo | undefined;
      if (!memo || memo.names.join('\u0000') !== names.join('\u0000')) continue;
      return {
        inverseSquaredLengthscales: Float64Array.from(memo.theta),
        scale: memo.scale,
        noise: Math.max(memo.noise, this.minNoise * 2),
      };
    }
    return null;
  }
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new TunekitError(
      'invalid_argument',
      `GpSampler: ${name} must be an integer >= ${min}, got ${String(value)}`,
    );
  return value;
}

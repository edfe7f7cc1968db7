// Tree-structured Parzen estimator: split the trials into the best fraction ("below") and the rest, fit a
// Parzen estimator to each, and propose the candidate, drawn from the good one, that maximises l(x)/g(x).
// Univariate by default (one estimator per parameter); `multivariate` models parameters jointly.
import { TunekitError } from '../../errors.js';
import { Rng, randomSeed } from '../../random.js';
import { fromUnit } from '../../search-space/index.js';
import type { Distribution, ParamValue } from '../../search-space/index.js';
import type { RelativeSample, Sampler, SamplerContext } from '../../study/sampler.js';
import type { TrialRecord } from '../../study/types.js';
import { countObserved, rankTrials } from '../history.js';
import { sampleUniform } from '../random.js';
import { groupDecomposedSearchSpace, intersectionSearchSpace, unitCell } from '../search-space.js';
import type { SearchSpace } from '../search-space.js';
import { EncodedColumn } from './encoded-column.js';
import { ParzenEstimator } from './parzen.js';
import type { ParzenDim, ParzenOptions } from './parzen.js';

export interface TpeSamplerOptions {
  seed?: number;
  /** Trials sampled at random before the model is used (default 10). */
  nStartupTrials?: number;
  /** Candidates drawn from l(x) per suggestion (default 24). */
  nEiCandidates?: number;
  /** How many of n ranked trials count as good (default min(ceil(0.1 n), 25)). */
  gamma?: (n: number) => number;
  /** Kernel weights for n observations in trial order (default: flat for the last 25, a ramp before). */
  weights?: (n: number) => ArrayLike<number>;
  /** Weight of the prior kernel (default 1). */
  priorWeight?: number;
  considerMagicClip?: boolean;
  considerEndpoints?: boolean;
  /** Model the parameters jointly (default false, as in Optuna). */
  multivariate?: boolean;
  /** With `multivariate`: model each group of parameters that occur together separately (conditional spaces). */
  group?: boolean;
  /** Count trials still running as bad ones, so parallel workers spread out (default false). */
  constantLiar?: boolean;
}

export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

export function defaultWeights(n: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  const ramp = n - 25;
  if (ramp > 0)
    for (let i = 0; i < ramp; i++) w[i] = ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1);
  return w;
}

interface History {
  /** Best first. */
  readonly ranked: readonly TrialRecord[];
  /** The same trials in trial order (kernel weights favour recent trials). */
  readonly chronological: readonly TrialRecord[];
  /** Rank (0 = best) of each chronological trial. */
  readonly rankOf: Int32Array;
  readonly observed: number;
  /** The snapshot's trial 0, which identifies the study the snapshot came from. */
  readonly first: TrialRecord;
}

export class TpeSampler implements Sampler {
  readonly seed: number;
  private readonly nStartupTrials: number;
  private readonly nEiCandidates: number;
  private readonly gamma: (n: number) => number;
  private readonly weights: (n: number) => ArrayLike<number>;
  private readonly parzen: ParzenOptions;
  private readonly multivariate: boolean;
  private readonly group: boolean;
  private readonly constantLiar: boolean;
  // One ranking per snapshot: every parameter of a trial reuses it.
  private readonly histories = new WeakMap<readonly TrialRecord[], History>();
  private readonly columns = new Map<string, EncodedColumn>();
  private readonly weightsByCount = new Map<number, Float64Array>();

  constructor(options: TpeSamplerOptions = {}) {
    this.seed = options.seed ?? randomSeed();
    this.nStartupTrials = checkCount('nStartupTrials', options.nStartupTrials ?? 10, 0);
    this.nEiCandidates = checkCount('nEiCandidates', options.nEiCandidates ?? 24, 1);
    this.gamma = options.gamma ?? defaultGamma;
    this.weights = options.weights ?? defaultWeights;
    const priorWeight = options.priorWeight ?? 1;
    if (!(priorWeight > 0) || !Number.isFinite(priorWeight))
      throw new TunekitError(
        'invalid_argument',
        `TpeSampler: priorWeight must be a positive number, got ${String(priorWeight)}`,
      );
    this.multivariate = options.multivariate ?? false;
    this.group = options.group ?? false;
    if (this.group && !this.multivariate)
      throw new TunekitError('invalid_argument', 'TpeSampler: group needs multivariate: true');
    this.constantLiar = options.constantLiar ?? false;
    this.parzen = {
      priorWeight,
      considerMagicClip: options.considerMagicClip ?? true,
      considerEndpoints: options.considerEndpoints ?? false,
      multivariate: this.multivariate,
    };
  }

  sampleRelative(ctx: SamplerContext): RelativeSample | null {
    if (!this.multivariate) return null;
    const history = this.history(ctx);
    if (history.observed < this.nStartupTrials) return null;
    const spaces = this.group
      ? groupDecomposedSearchSpace(ctx.trials)
      : [intersectionSearchSpace(ctx.trials)];
    const space: Record<string, Distribution> = {};
    const params: Record<string, ParamValue> = {};
    for (const sub of spaces) {
      const names = Object.keys(sub);
      if (names.length === 0) continue;
      const rng = Rng.derive(this.seed, 'tpe-joint', ctx.trial.number, names.join('\u0000'));
      Object.assign(params, this.suggest(history, sub, rng));
      Object.assign(space, sub);
    }
    return Object.keys(space).length === 0 ? null : { space, params };
  }

  sampleIndependent(ctx: SamplerContext, name: string, distribution: Distribution): ParamValue {
    const history = this.history(ctx);
    if (history.observed < this.nStartupTrials)
      return sampleUniform(this.seed, ctx.trial.number, name, distribution);
    const rng = Rng.derive(this.seed, 'tpe', ctx.trial.number, name);
    return this.suggest(history, { [name]: distribution }, rng)[name] as ParamValue;
  }

  private history(ctx: SamplerContext): History {
    let history = this.histories.get(ctx.trials);
    if (!history) {
      const ranked = rankTrials(ctx.trials, ctx.study.directions, {
        constantLiar: this.constantLiar,
        current: ctx.trial.number,
      });
      // A study's snapshot is in trial order already (sorted here only if a caller passes another order).
      const rankOfTrial = new Map(ranked.map((t, r) => [t, r]));
      const chronological = ctx.trials.filter((t) => rankOfTrial.has(t));
      if (chronological.some((t, c) => c > 0 && t.number < chronological[c - 1]!.number))
        chronological.sort((a, b) => a.number - b.number);
      history = {
        ranked,
        chronological,
        rankOf: Int32Array.from(chronological, (t) => rankOfTrial.get(t)!),
        observed: countObserved(ctx.trials),
        first: ctx.trials[0] as TrialRecord,
      };
      this.histories.set(ctx.trials, history);
    }
    return history;
  }

  /** One TPE step over `space`, using the ranked trials that hold all of its parameters. */
  private suggest(history: History, space: SearchSpace, rng: Rng): Record<string, ParamValue> {
    const names = Object.keys(space);
    const dists = names.map((n) => space[n] as Distribution);
    const encoded = names.map((n, k) => this.column(history, n, dists[k] as Distribution));
    const columns = encoded.map((column) => column.read(history.chronological));
    // Split the trials holding this space into the nBelow best and the rest, both in trial order, with
    // typed arrays over ranks: this runs once per parameter per trial.
    const { rankOf } = history;
    const n = rankOf.length;
    const usableRank = new Uint8Array(n);
    const usable = new Uint8Array(n);
    let count = 0;
    for (let c = 0; c < n; c++) {
      if (columns.every((column) => !Number.isNaN(column[c]))) {
        usable[c] = 1;
        usableRank[rankOf[c]!] = 1;
        count++;
      }
    }
    const nBelow = Math.max(0, Math.min(count, Math.floor(this.gamma(count))));
    let cutoff = 0;
    for (let seen = 0; cutoff < n && seen < nBelow; cutoff++) seen += usableRank[cutoff]!;
    const below = new Int32Array(nBelow);
    const above = new Int32Array(count - nBelow);
    for (let c = 0, b = 0, a = 0; c < n; c++) {
      if (!usable[c]) continue;
      if (rankOf[c]! < cutoff) below[b++] = c;
      else above[a++] = c;
    }
    const dims: ParzenDim[] = dists.map((d) =>
      d.kind === 'categorical' ? { kind: 'categorical', choices: d.choices.length } : { kind: 'numeric' },
    );
    // Univariate bandwidths need each estimator's values sorted: the columns keep finished trials sorted.
    const numbers = [trialNumbers(history, below), trialNumbers(history, above)];
    const belowOrders: Array<Uint32Array | undefined> = [];
    const aboveOrders: Array<Uint32Array | undefined> = [];
    for (let k = 0; k < names.length; k++) {
      const orders =
        dists[k]!.kind !== 'categorical' && !this.multivariate ? encoded[k]!.orderWithin(numbers) : null;
      belowOrders.push(orders?.[0]);
      aboveOrders.push(orders?.[1]);
    }
    const l = this.estimator(dims, columns, below, belowOrders);
    const g = this.estimator(dims, columns, above, aboveOrders);

    const drawn = l.sample(rng, this.nEiCandidates);
    const m = this.nEiCandidates;
    const values: ParamValue[][] = names.map(() => new Array<ParamValue>(m));
    const lo = dists.map(() => new Float64Array(m));
    const hi = dists.map(() => new Float64Array(m));
    dists.forEach((d, k) => {
      for (let j = 0; j < m; j++) {
        const raw = (drawn[k] as Float64Array)[j]!;
        if (d.kind === 'categorical') {
          values[k]![j] = d.choices[raw] as ParamValue;
          lo[k]![j] = hi[k]![j] = raw;
        } else {
          const v = fromUnit(d, raw) as number;
          values[k]![j] = v;
          [lo[k]![j], hi[k]![j]] = unitCell(d, v);
        }
      }
    });
    const score = l.logPdf({ lo, hi });
    const gScore = g.logPdf({ lo, hi });
    let best = 0;
    for (let j = 0; j < m; j++) if (score[j]! - gScore[j]! > score[best]! - gScore[best]!) best = j;
    return Object.fromEntries(names.map((n, k) => [n, values[k]![best] as ParamValue]));
  }

  private column(history: History, name: string, d: Distribution): EncodedColumn {
    const key = `${name}\u0000${JSON.stringify(d)}`;
    let column = this.columns.get(key);
    if (!column || column.owner !== history.first) {
      column = new EncodedColumn(history.first, name, d);
      this.columns.set(key, column);
    }
    return column;
  }

  /** A Parzen estimator over the trials at chronological positions `at` (in trial order). */
  private estimator(
    dims: ParzenDim[],
    columns: Float64Array[],
    at: Int32Array,
    orders: Array<Uint32Array | undefined>,
  ): ParzenEstimator {
    const picked = columns.map((column) => {
      const out = new Float64Array(at.length);
      for (let i = 0; i < at.length; i++) out[i] = column[at[i]!]!;
      return out;
    });
    return new ParzenEstimator(dims, picked, this.kernelWeights(at.length), this.parzen, orders);
  }

  /** The weights for n observations; one array per n, so estimators share its normalisation. */
  private kernelWeights(n: number): Float64Array {
    let weights = this.weightsByCount.get(n);
    if (!weights) {
      const raw = this.weights(n);
      weights = new Float64Array(n);
      for (let i = 0; i < n; i++) weights[i] = Math.max(0, Number(raw[i] ?? 0));
      if (this.weightsByCount.size > 64) this.weightsByCount.clear();
      this.weightsByCount.set(n, weights);
    }
    return weights;
  }
}

function trialNumbers(history: History, at: Int32Array): Int32Array {
  const numbers = new Int32Array(at.length);
  for (let i = 0; i < at.length; i++) numbers[i] = history.chronological[at[i]!]!.number;
  return numbers;
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new TunekitError(
      'invalid_argument',
      `TpeSampler: ${name} must be an integer >= ${min}, got ${String(value)}`,
    );
  return value;
}

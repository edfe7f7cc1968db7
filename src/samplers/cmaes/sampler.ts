// CMA-ES over the numeric parameters (in the unit box, log ranges in log space), with IPOP restarts: when
// a run stalls, start again from a random mean with twice the population. Each trial stores its
// (restart, generation) as a memo; the state is rebuilt by replaying complete generations, so any
// process can continue the search. Categorical parameters are drawn at random. Trials that break a
// constraint rank behind feasible ones, by total violation. Options: separable (diagonal) CMA-ES, and a
// warm start from a similar study's trials.
import { TunekitError } from '../../errors.js';
import { Rng, randomSeed } from '../../random.js';
import { fromUnit, toUnit } from '../../search-space/index.js';
import type { Distribution, ParamValue } from '../../search-space/index.js';
import type { RelativeSample, Sampler, SamplerContext } from '../../study/sampler.js';
import { isFeasible, violation } from '../../study/types.js';
import type { JsonValue, TrialRecord } from '../../study/types.js';
import { lossOf } from '../history.js';
import { sampleUniform } from '../random.js';
import { hasSpace, intersectionSearchSpace } from '../search-space.js';
import type { SearchSpace } from '../search-space.js';
import { initialState, samplePoint, update, warmStart } from './cma.js';
import type { CmaState } from './cma.js';

export interface CmaEsSamplerOptions {
  seed?: number;
  /** Random trials before CMA-ES starts (default 1). */
  nStartupTrials?: number;
  /** Initial step size in the unit box (default 1/6). */
  sigma0?: number;
  /** Population of the first run (default 4 + ⌊3 ln d⌋). */
  populationSize?: number;
  /** Restart with a doubled population when a run stalls (default true). */
  restart?: boolean;
  /**
   * Separable CMA-ES: a diagonal covariance, learnt faster; for many parameters that act independently
   * (default false).
   */
  separable?: boolean;
  /**
   * Warm start from a similar, finished study (Optuna's `source_trials`): the first run starts from the
   * best tenth of these complete trials' parameters instead of the middle of the box.
   */
  sourceTrials?: readonly TrialRecord[];
}

const MEMO_KEY = 'cmaes';

interface CmaMemo {
  readonly space: string;
  readonly restart: number;
  readonly generation: number;
}

interface Position {
  readonly restart: number;
  readonly state: CmaState;
  readonly lambda: number;
}

export class CmaEsSampler implements Sampler {
  readonly seed: number;
  private readonly nStartupTrials: number;
  private readonly sigma0: number;
  private readonly populationSize: number | null;
  private readonly restart: boolean;
  private readonly separable: boolean;
  private readonly sourceTrials: readonly TrialRecord[];
  // States after each complete generation, keyed by the trials that made it (finished trials never change).
  private readonly replayed = new Map<string, { state: CmaState; stalled: boolean; bests: number[] }>();

  constructor(options: CmaEsSamplerOptions = {}) {
    this.seed = options.seed ?? randomSeed();
    this.nStartupTrials = options.nStartupTrials ?? 1;
    if (!Number.isInteger(this.nStartupTrials) || this.nStartupTrials < 0)
      throw new TunekitError(
        'invalid_argument',
        `CmaEsSampler: nStartupTrials must be an integer >= 0, got ${String(options.nStartupTrials)}`,
      );
    this.sigma0 = options.sigma0 ?? 1 / 6;
    if (!(this.sigma0 > 0))
      throw new TunekitError(
        'invalid_argument',
        `CmaEsSampler: sigma0 must be positive, got ${String(options.sigma0)}`,
      );
    this.populationSize = options.populationSize ?? null;
    if (this.populationSize !== null && (!Number.isInteger(this.populationSize) || this.populationSize < 2))
      throw new TunekitError(
        'invalid_argument',
        `CmaEsSampler: populationSize must be an integer >= 2, got ${String(options.populationSize)}`,
      );
    this.restart = options.restart ?? true;
    this.separable = options.separable ?? false;
    this.sourceTrials = options.sourceTrials ?? [];
    if (!Array.isArray(this.sourceTrials))
      throw new TunekitError(
        'invalid_argument',
        'CmaEsSampler: sourceTrials must be an array of trial records',
      );
  }

  async sampleRelative(ctx: SamplerContext): Promise<RelativeSample | null> {
    if (ctx.study.directions.length !== 1)
      throw new TunekitError(
        'unsupported',
        'CmaEsSampler optimises one objective; use NsgaIISampler (or the default sampler) for several',
      );
    const full = intersectionSearchSpace(ctx.trials);
    const space: SearchSpace = {};
    for (const [name, d] of Object.entries(full)) if (d.kind !== 'categorical') space[name] = d;
    const names = Object.keys(space);
    const complete = ctx.trials.filter((t) => t.state === 'complete' && t.values);
    if (names.length === 0 || complete.length < this.nStartupTrials) return null;
    const key = names.join('\u0000');
    const position = this.position(ctx, space, key);
    const rng = Rng.derive(this.seed, 'cmaes', position.restart, position.state.generation, ctx.trial.number);
    const d = names.length;
    let x = samplePoint(position.state, normals(rng, d));
    for (let tries = 0; tries < 100 && x.some((v) => v < 0 || v > 1); tries++)
      x = samplePoint(position.state, normals(rng, d));
    const params: Record<string, ParamValue> = {};
    names.forEach(
      (name, i) => (params[name] = fromUnit(space[name] as Distribution, Math.min(1, Math.max(0, x[i]!)))),
    );
    const memo: CmaMemo = { space: key, restart: position.restart, generation: position.state.generation };
    await ctx.setMemo(MEMO_KEY, memo as unknown as JsonValue);
    return { space, params };
  }

  sampleIndependent(ctx: SamplerContext, name: string, distribution: Distribution): ParamValue {
    return sampleUniform(this.seed, ctx.trial.number, name, distribution);
  }

  /** Replays the stored generations to find the current run, generation and state. */
  private position(ctx: SamplerContext, space: SearchSpace, key: string): Position {
    const names = Object.keys(space);
    const d = names.length;
    const lambda0 = this.populationSize ?? 4 + Math.floor(3 * Math.log(d));
    const members = new Map<
      string,
      Array<{ x: Float64Array; loss: number; violation: number; number: number }>
    >();
    for (const t of ctx.trials) {
      const memo = t.samplerMemo[MEMO_KEY] as unknown as CmaMemo | undefined;
      if (!memo || memo.space !== key || t.state !== 'complete' || !t.values || !hasSpace(t, space)) continue;
      const id = `${memo.restart}:${memo.generation}`;
      const list = members.get(id) ?? [];
      list.push({
        x: encode(t, names, space),
        loss: lossOf(t.values, ctx.study.directions)[0] as number,
        violation: violation(t),
        number: t.number,
      });
      members.set(id, list);
    }
    for (let restart = 0; ; restart++) {
      const lambda = lambda0 * 2 ** restart;
      let state = this.initialState(restart, space, ctx);
      let bests: number[] = [];
      for (;;) {
        const generation = (members.get(`${restart}:${state.generation}`) ?? [])
          .sort((a, b) => a.number - b.number)
          .slice(0, lambda);
        if (generation.length < lambda) return { restart, state, lambda };
        const cacheKey = `${key}|${restart}|${generation.map((m) => m.number).join(',')}`;
        let next = this.replayed.get(cacheKey);
        if (!next) {
          // Feasible first, by loss; then those breaking a constraint, by total violation.
          const sorted = [...generation].sort((a, b) => a.violation - b.violation || a.loss - b.loss);
          const updated = update(
            state,
            sorted.map((m) => m.x),
            lambda,
            { separable: this.separable },
          );
          const gBests = [...bests, sorted[0]!.loss];
          next = { state: updated, stalled: this.stalled(updated, gBests, sorted, d, lambda), bests: gBests };
          this.replayed.set(cacheKey, next);
        }
        state = next.state;
        bests = next.bests;
        if (next.stalled && this.restart) break;
      }
    }
  }

  /** IPOP's stopping rules: a tiny step, an ill-conditioned covariance, or no progress for a while. */
  private stalled(
    state: CmaState,
    bests: number[],
    sorted: Array<{ loss: number }>,
    d: number,
    lambda: number,
  ): boolean {
    const maxEig = Math.max(...state.sqrtEig);
    const minEig = Math.min(...state.sqrtEig);
    if (state.sigma * maxEig < 1e-6 || maxEig / minEig > 1e7) return true;
    const window = 10 + Math.ceil((30 * d) / lambda);
    if (bests.length < window) return false;
    const recent = bests.slice(-window).concat(sorted.map((s) => s.loss));
    return Math.max(...recent) - Math.min(...recent) < 1e-12;
  }

  /** A run's start: the box's middle (or, warm-started, the source trials' best), a random mean on a restart. */
  private initialState(restart: number, space: SearchSpace, ctx: SamplerContext): CmaState {
    const names = Object.keys(space);
    const d = names.length;
    if (restart > 0) {
      const rng = Rng.derive(this.seed, 'cmaes-restart', restart);
      return initialState(
        Float64Array.from({ length: d }, () => 0.2 + 0.6 * rng.next()),
        this.sigma0,
      );
    }
    const source = this.sourceTrials
      .filter((t) => t.state === 'complete' && t.values && isFeasible(t) && hasSpace(t, space))
      .map((t) => ({ x: encode(t, names, space), loss: lossOf(t.values!, ctx.study.directions)[0]! }))
      .sort((a, b) => a.loss - b.loss);
    if (source.length === 0) return initialState(new Float64Array(d).fill(0.5), this.sigma0);
    const start = warmStart(source.map((s) => s.x));
    return initialState(start.mean, start.sigma, start.cov);
  }
}

function encode(t: TrialRecord, names: string[], space: SearchSpace): Float64Array {
  return Float64Array.from(names, (n) => toUnit(space[n] as Distribution, t.params[n] as ParamValue));
}

function normals(rng: Rng, d: number): Float64Array {
  return Float64Array.from({ length: d }, () => rng.normal());
}

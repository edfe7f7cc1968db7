// NSGA-II for several objectives (it also runs on one): generation g is trials [g·P, (g+1)·P); its
// parents are the best P complete trials of earlier generations by non-dominated front and crowding
// distance; children come from binary tournaments, crossover (simulated binary on numeric parameters in
// the unit box, uniform on categorical ones) and per-parameter polynomial mutation.
import { TunekitError } from '../../errors.js';
import { Rng, randomSeed } from '../../random.js';
import { fromUnit, toUnit } from '../../search-space/index.js';
import type { Distribution, ParamValue } from '../../search-space/index.js';
import type { RelativeSample, Sampler, SamplerContext } from '../../study/sampler.js';
import { violation } from '../../study/types.js';
import type { TrialRecord } from '../../study/types.js';
import { lossOf } from '../history.js';
import { crowdingDistances, nondominatedRanks } from '../pareto-rank.js';
import { sampleUniform } from '../random.js';
import { hasSpace, intersectionSearchSpace } from '../search-space.js';

export interface NsgaIISamplerOptions {
  seed?: number;
  /** Trials per generation (default 50). */
  populationSize?: number;
  /** Probability that a child mixes two parents rather than copying one (default 0.9). */
  crossoverProb?: number;
  /** In a crossover, probability that a categorical parameter comes from the second parent (default 0.5). */
  swappingProb?: number;
  /** Spread of simulated binary crossover: larger keeps children nearer their parents (default 15). */
  sbxEta?: number;
  /**
   * Probability that a parameter mutates (default 1 / number of parameters): a polynomial perturbation of
   * a numeric one, a fresh draw of a categorical one.
   */
  mutationProb?: number;
  /**
   * Removed: constraints are set by the objective with `trial.setConstraint(values)` and stored on the
   * trial, where every sampler and the "best" queries read them. Passing this option throws, saying so.
   */
  constraints?: never;
}

interface Ranked {
  readonly trial: TrialRecord;
  readonly front: number;
  readonly crowding: number;
}

export class NsgaIISampler implements Sampler {
  readonly seed: number;
  private readonly populationSize: number;
  private readonly crossoverProb: number;
  private readonly swappingProb: number;
  private readonly sbxEta: number;
  private readonly mutationProb: number | null;
  private readonly populations = new Map<string, Ranked[]>();

  constructor(options: NsgaIISamplerOptions = {}) {
    this.seed = options.seed ?? randomSeed();
    this.populationSize = options.populationSize ?? 50;
    if (!Number.isInteger(this.populationSize) || this.populationSize < 2)
      throw new TunekitError(
        'invalid_argument',
        `NsgaIISampler: populationSize must be an integer >= 2, got ${String(options.populationSize)}`,
      );
    this.crossoverProb = checkProb('crossoverProb', options.crossoverProb ?? 0.9);
    this.swappingProb = checkProb('swappingProb', options.swappingProb ?? 0.5);
    this.sbxEta = options.sbxEta ?? 15;
    if (!(this.sbxEta >= 0))
      throw new TunekitError(
        'invalid_argument',
        `NsgaIISampler: sbxEta must be >= 0, got ${String(options.sbxEta)}`,
      );
    this.mutationProb =
      options.mutationProb === undefined ? null : checkProb('mutationProb', options.mutationProb);
    if ((options as { constraints?: unknown }).constraints !== undefined)
      throw new TunekitError(
        'invalid_argument',
        'NsgaIISampler: the constraints option was removed; call trial.setConstraint(values) in the objective ' +
          '(each value <= 0 when met) and every sampler and bestTrials() honour them',
      );
  }

  sampleRelative(ctx: SamplerContext): RelativeSample | null {
    const generation = Math.floor(ctx.trial.number / this.populationSize);
    if (generation === 0) return null;
    const before = generation * this.populationSize;
    const earlier = ctx.trials.filter((t) => t.number < before);
    const space = intersectionSearchSpace(earlier);
    const names = Object.keys(space);
    if (names.length === 0) return null;
    const parents = this.population(ctx, earlier, space, before);
    if (parents.length < 2) return null;
    const rng = Rng.derive(this.seed, 'nsga2', ctx.trial.number);
    const tournament = (): TrialRecord => {
      const a = parents[Math.floor(rng.next() * parents.length)] as Ranked;
      const b = parents[Math.floor(rng.next() * parents.length)] as Ranked;
      return (a.front < b.front || (a.front === b.front && a.crowding >= b.crowding) ? a : b).trial;
    };
    const first = tournament();
    const second = tournament();
    const cross = rng.next() < this.crossoverProb;
    const mutation = this.mutationProb ?? 1 / names.length;
    const params: Record<string, ParamValue> = {};
    for (const name of names) {
      const d = space[name] as Distribution;
      const mutate = rng.next() < mutation;
      if (mutate && d.kind === 'categorical')
        params[name] = sampleUniform(this.seed, ctx.trial.number, `mutate:${name}`, d);
      else if (!cross && !mutate) params[name] = first.params[name] as ParamValue;
      else if (d.kind === 'categorical')
        params[name] = (rng.next() < this.swappingProb ? second : first).params[name] as ParamValue;
      else {
        const a = toUnit(d, first.params[name] as number);
        let child = cross ? sbx(a, toUnit(d, second.params[name] as number), this.sbxEta, rng) : a;
        if (mutate) child = polynomialMutation(child, 20, rng);
        params[name] = fromUnit(d, child);
      }
    }
    return { space, params };
  }

  sampleIndependent(ctx: SamplerContext, name: string, distribution: Distribution): ParamValue {
    return sampleUniform(this.seed, ctx.trial.number, name, distribution);
  }

  /** The elite of the earlier generations (cached: finished trials never change). */
  private population(
    ctx: SamplerContext,
    earlier: TrialRecord[],
    space: Record<string, Distribution>,
    before: number,
  ): Ranked[] {
    const pool = earlier.filter((t) => t.state === 'complete' && t.values && hasSpace(t, space));
    const key = `${before}:${pool.map((t) => t.number).join(',')}`;
    const cached = this.populations.get(key);
    if (cached) return cached;
    const losses = pool.map((t) => lossOf(t.values as number[], ctx.study.directions));
    // Constrained domination (Deb): feasible beats infeasible, the less violating of two infeasible wins.
    const violations = pool.some((t) => t.constraints !== null)
      ? Float64Array.from(pool, violation)
      : undefined;
    const fronts = nondominatedRanks(losses, violations);
    const elite: Ranked[] = [];
    for (let front = 0; elite.length < this.populationSize; front++) {
      const members = pool.map((_, i) => i).filter((i) => fronts[i] === front);
      if (members.length === 0) break;
      const crowding = crowdingDistances(members.map((i) => losses[i]!));
      const ranked = members.map((i, k) => ({ trial: pool[i]!, front, crowding: crowding[k]! }));
      ranked.sort((a, b) => b.crowding - a.crowding || a.trial.number - b.trial.number);
      elite.push(...ranked.slice(0, this.populationSize - elite.length));
    }
    this.populations.clear();
    this.populations.set(key, elite);
    return elite;
  }
}

/** One child of simulated binary crossover between positions a and b in [0, 1]. */
function sbx(a: number, b: number, eta: number, rng: Rng): number {
  const u = rng.next();
  const beta = u <= 0.5 ? (2 * u) ** (1 / (eta + 1)) : (1 / (2 * (1 - u))) ** (1 / (eta + 1));
  const sign = rng.next() < 0.5 ? 1 : -1;
  return Math.min(1, Math.max(0, 0.5 * (a + b) + sign * 0.5 * beta * (a - b)));
}

/** Deb's polynomial mutation of a position in [0, 1]: mostly small steps, bounded by the box. */
function polynomialMutation(x: number, eta: number, rng: Rng): number {
  const u = rng.next();
  const delta =
    u < 0.5
      ? (2 * u + (1 - 2 * u) * (1 - x) ** (eta + 1)) ** (1 / (eta + 1)) - 1
      : 1 - (2 * (1 - u) + 2 * (u - 0.5) * x ** (eta + 1)) ** (1 / (eta + 1));
  return Math.min(1, Math.max(0, x + delta));
}

function checkProb(name: string, p: number): number {
  if (!(p >= 0 && p <= 1))
    throw new TunekitError('invalid_argument', `NsgaIISampler: ${name} must be in [0, 1], got ${String(p)}`);
  return p;
}

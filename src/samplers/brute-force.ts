// Brute force (Optuna's BruteForceSampler): every combination of a discrete, define-by-run search space,
// conditional parameters included. Each suggestion takes a value no earlier trial tried on the same path,
// else one whose subtree is not yet exhausted; once every path has been run, the study stops.
import { TunekitError } from '../errors.js';
import { Rng, randomSeed } from '../random.js';
import { cardinality, fromUnit } from '../search-space/index.js';
import type { Distribution, ParamValue } from '../search-space/index.js';
import type { Sampler, SamplerContext } from '../study/sampler.js';
import type { StudyStorage } from '../study/storage.js';
import type { StudyInfo, TrialRecord } from '../study/types.js';

export interface BruteForceSamplerOptions {
  /** Which untried value comes first is drawn at random, seeded. */
  seed?: number;
}

type Path = Readonly<Record<string, ParamValue>>;
/** What exhaustion is judged from: a trial's params and their distributions. */
type Walked = Pick<TrialRecord, 'params' | 'distributions'>;

/** At most this many values per parameter: brute force over more is not a search anyone finishes. */
const MAX_VALUES = 100_000;

export class BruteForceSampler implements Sampler {
  readonly seed: number;
  /** What this process chose so far in each of its running trials (by number): the paths being walked. */
  private readonly walking = new Map<
    number,
    { params: Record<string, ParamValue>; distributions: Record<string, Distribution> }
  >();

  constructor(options: BruteForceSamplerOptions = {}) {
    this.seed = options.seed ?? randomSeed();
  }

  /**
   * Before a trial starts: stops the study (search_space_exhausted) once every path has been run, by a
   * finished trial or one this process is running (optimize starts the next trial while it finishes the
   * last, whose path is complete by then).
   */
  async prepare(study: StudyInfo, storage: StudyStorage): Promise<void> {
    const finished = await storage.getTrials(study.id, { states: ['complete', 'pruned', 'fail'] });
    const walked: Walked[] = [...finished, ...this.walking.values()];
    if (walked.length > 0 && exhausted({}, walked))
      throw new TunekitError(
        'search_space_exhausted',
        `study "${study.name}": the brute-force sampler has run every combination of the search space`,
      );
  }

  sampleIndependent(ctx: SamplerContext, name: string, distribution: Distribution): ParamValue {
    const values = gridOf(name, distribution);
    const own = this.walking.get(ctx.trial.number) ?? { params: {}, distributions: {} };
    this.walking.set(ctx.trial.number, own);
    const path = own.params;
    const others = ctx.trials.filter((t) => t.number !== ctx.trial.number && t.state !== 'waiting');
    const along = others.filter((t) => agrees(t, path));
    const finished = along.filter((t) => t.state !== 'running');
    // First a value no trial took on this path; then one whose subtree no trial, running or finished,
    // covers; then one no finished trial covers (another worker's running trial may still fail).
    const untried = values.filter((v) => !along.some((t) => Object.is(t.params[name], v)));
    const free = values.filter((v) => !exhausted({ ...path, [name]: v }, along));
    const open = values.filter((v) => !exhausted({ ...path, [name]: v }, finished));
    const pool = [untried, free, open, values].find((p) => p.length > 0)!;
    const rng = Rng.derive(this.seed, 'brute-force', ctx.trial.number, name);
    const value = pool[Math.floor(rng.next() * pool.length)] as ParamValue;
    path[name] = value;
    own.distributions[name] = distribution;
    return value;
  }

  afterTrial(ctx: SamplerContext): void {
    this.walking.delete(ctx.trial.number);
  }
}

/** Every value of a discrete distribution; `invalid_argument` for a continuous one. */
function gridOf(name: string, d: Distribution): ParamValue[] {
  if (d.kind === 'categorical') return [...d.choices];
  const n = cardinality(d);
  if (!Number.isFinite(n) || n > MAX_VALUES)
    throw new TunekitError(
      'invalid_argument',
      `BruteForceSampler: parameter "${name}" has ${Number.isFinite(n) ? n : 'infinitely many'} values; ` +
        'give a float a step, or narrow the range',
      { param: name },
    );
  if (d.kind === 'int' && d.log) return Array.from({ length: d.high - d.low + 1 }, (_, i) => d.low + i);
  return Array.from({ length: n }, (_, i) => fromUnit(d, n === 1 ? 0 : i / (n - 1)));
}

function agrees(trial: Walked, path: Path): boolean {
  for (const [name, value] of Object.entries(path))
    if (!Object.hasOwn(trial.params, name) || !Object.is(trial.params[name], value)) return false;
  return true;
}

/**
 * Whether every path through `path` has been run by a finished trial: one ended there, or, splitting on a
 * parameter every such trial has beyond `path`, each of its values is exhausted in turn.
 */
function exhausted(path: Path, finished: readonly Walked[]): boolean {
  const along = finished.filter((t) => agrees(t, path));
  if (along.length === 0) return false;
  const depth = Object.keys(path).length;
  if (along.some((t) => Object.keys(t.params).length === depth)) return true;
  const first = along[0]!;
  const next = Object.keys(first.params).find(
    (n) => !Object.hasOwn(path, n) && along.every((t) => Object.hasOwn(t.params, n)),
  );
  // Trials on this path asked different parameters next (a non-deterministic objective): not done.
  if (next === undefined) return false;
  const values = gridOf(next, first.distributions[next]!);
  return values.every((v) => exhausted({ ...path, [next]: v }, along));
}

// Grid search: every combination exactly once. The grid is enqueued as waiting trials in one atomic
// storage call (once per study, however many workers start together), and each waiting trial is claimed by
// exactly one worker; when none is left the study stops.
import { TunekitError } from '../errors.js';
import { Rng, deriveSeed, randomSeed } from '../random.js';
import { cardinality, snap } from '../search-space/index.js';
import type { Distribution, ParamValue } from '../search-space/index.js';
import type { Sampler, SamplerContext } from '../study/sampler.js';
import type { StudyStorage } from '../study/storage.js';
import type { StudyInfo } from '../study/types.js';

export type Grid = Record<string, readonly ParamValue[]>;

export interface GridSamplerOptions {
  /** The values to try for each parameter. */
  grid?: Grid;
  /** Or: a search space to derive the grid from. */
  space?: Record<string, Distribution>;
  /** Points per continuous (or too finely stepped) range when deriving from `space`. Default 5. */
  pointsPerRange?: number;
  /** Runs the points in a seeded random order (default), so a grid stopped early still spreads out. */
  shuffle?: boolean;
  seed?: number;
}

export class GridSampler implements Sampler {
  readonly onlyEnqueued = true;
  readonly grid: Grid;
  readonly points: ReadonlyArray<Record<string, ParamValue>>;
  private readonly onceKey: string;
  private readonly prepared = new Set<number>();

  constructor(options: GridSamplerOptions) {
    const grid =
      options.grid ?? (options.space ? gridFromSpace(options.space, options.pointsPerRange ?? 5) : undefined);
    if (!grid)
      throw new TunekitError(
        'invalid_argument',
        'GridSampler needs `grid` (name → values) or `space` (name → distribution)',
      );
    this.grid = validateGrid(grid);
    const points = cartesian(this.grid);
    if (options.shuffle ?? true) new Rng(options.seed ?? randomSeed()).shuffle(points);
    this.points = points;
    // Keyed by the grid's content (not its order), so workers with different seeds enqueue it only once.
    const canonical = JSON.stringify(
      Object.keys(this.grid)
        .sort()
        .map((k) => [k, this.grid[k]]),
    );
    this.onceKey = `grid:${deriveSeed(0, canonical).toString(16)}:${points.length}`;
  }

  async prepare(study: StudyInfo, storage: StudyStorage): Promise<void> {
    if (this.prepared.has(study.id)) return;
    const trials = this.points.map((fixedParams, gridId) => ({ fixedParams, gridId }));
    await storage.enqueueTrials(study.id, trials, { onceKey: this.onceKey });
    this.prepared.add(study.id);
  }

  sampleIndependent(_ctx: SamplerContext, name: string): ParamValue {
    throw new TunekitError(
      'not_in_grid',
      `parameter "${name}" is not in the grid (${Object.keys(this.grid).join(', ')}); add it to the grid`,
      { param: name },
    );
  }
}

function validateGrid(grid: Grid): Grid {
  if (grid === null || typeof grid !== 'object' || Object.keys(grid).length === 0)
    throw new TunekitError(
      'invalid_argument',
      'GridSampler: grid must map at least one parameter name to its values',
    );
  for (const [name, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0)
      throw new TunekitError(
        'invalid_argument',
        `GridSampler: grid.${name} must be a non-empty array of values`,
      );
    for (const v of values) {
      const ok =
        v === null ||
        ['string', 'boolean'].includes(typeof v) ||
        (typeof v === 'number' && Number.isFinite(v));
      if (!ok)
        throw new TunekitError(
          'invalid_argument',
          `GridSampler: grid.${name} holds ${String(v)}; use finite numbers, strings, booleans or null`,
        );
    }
  }
  return grid;
}

function cartesian(grid: Grid): Array<Record<string, ParamValue>> {
  let points: Array<Record<string, ParamValue>> = [{}];
  for (const [name, values] of Object.entries(grid))
    points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  return points;
}

/** Every point of a discrete distribution, or `n` evenly spaced points (log-aware) of a larger one. */
export function gridFromSpace(space: Record<string, Distribution>, n: number): Grid {
  if (!Number.isInteger(n) || n < 2)
    throw new TunekitError(
      'invalid_argument',
      `GridSampler: pointsPerRange must be an integer >= 2, got ${n}`,
    );
  const grid: Grid = {};
  for (const [name, d] of Object.entries(space)) {
    if (d.kind === 'categorical') grid[name] = [...d.choices];
    else if (cardinality(d) <= n)
      grid[name] = Array.from({ length: cardinality(d) }, (_, i) => snap(d, d.low + i * (d.step ?? 0)));
    else {
      const [lo, hi] = d.log ? [Math.log(d.low), Math.log(d.high)] : [d.low, d.high];
      const values = Array.from({ length: n }, (_, i) => {
        const x = lo + ((hi - lo) * i) / (n - 1);
        return snap(d, i === 0 ? d.low : i === n - 1 ? d.high : d.log ? Math.exp(x) : x);
      });
      grid[name] = [...new Set(values)];
    }
  }
  return grid;
}

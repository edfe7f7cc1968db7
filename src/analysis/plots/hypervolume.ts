// Hypervolume history of a multi-objective study: after each complete trial, the volume the Pareto front
// so far dominates up to a reference point. It only ever grows; a flat stretch means no progress.
import type { Direction, TrialRecord } from '../../index.js';
import { TunekitError } from '../../errors.js';
import { objectiveValue, sign } from './common.js';

export interface HypervolumePlot {
  readonly directions: readonly Direction[];
  /** The reference point, in the objectives' own units and directions. */
  readonly reference: number[];
  /** How the reference was chosen: given, or the worst value of each objective pushed out by a tenth of its range. */
  readonly referenceFrom: 'given' | 'worst';
  /** One point per complete trial: its number and the hypervolume after it. */
  readonly numbers: number[];
  readonly values: number[];
}

export function hypervolumePlot(
  trials: readonly TrialRecord[],
  directions: readonly Direction[],
  options: { reference?: readonly number[] } = {},
): HypervolumePlot {
  if (directions.length < 2)
    throw new TunekitError('invalid_argument', 'a hypervolume needs two or more objectives');
  const signs = directions.map(sign);
  const complete = trials
    .filter((t) => directions.every((_, i) => objectiveValue(t, i) !== null))
    .sort((a, b) => a.number - b.number);
  // Everything below is minimisation: maximised objectives are negated.
  const points = complete.map((t) => signs.map((s, i) => s * (t.values![i] as number)));
  let reference: number[];
  if (options.reference) {
    if (options.reference.length !== directions.length || !options.reference.every(Number.isFinite))
      throw new TunekitError(
        'invalid_argument',
        `reference must be ${directions.length} finite numbers, one per objective`,
      );
    reference = options.reference.map((r, i) => (signs[i] as number) * r);
  } else
    reference = signs.map((_, i) => {
      const column = points.map((p) => p[i] as number);
      const [lo, hi] = [Math.min(...column), Math.max(...column)];
      return hi + (hi > lo ? (hi - lo) / 10 : 1);
    });
  const values: number[] = [];
  let front: number[][] = [];
  let current = 0;
  for (const p of points) {
    const dominated = front.some((f) => f.every((v, i) => v <= (p[i] as number)));
    if (!dominated && p.every((v, i) => v < (reference[i] as number))) {
      front = [...front.filter((f) => !p.every((v, i) => v <= (f[i] as number))), p];
      current = hypervolume(front, reference);
    }
    values.push(current);
  }
  return {
    directions,
    reference: reference.map((r, i) => (signs[i] as number) * r),
    referenceFrom: options.reference ? 'given' : 'worst',
    numbers: complete.map((t) => t.number),
    values,
  };
}

/** Volume dominated by `points` (minimisation) up to `reference`: a sweep in 2-D, slices along the last axis beyond. */
export function hypervolume(points: readonly number[][], reference: readonly number[]): number {
  const inside = points.filter((p) => p.every((v, i) => v < (reference[i] as number)));
  if (inside.length === 0) return 0;
  const d = reference.length;
  if (d === 1) return (reference[0] as number) - Math.min(...inside.map((p) => p[0] as number));
  if (d === 2) {
    const sorted = [...inside].sort((a, b) => (a[0] as number) - (b[0] as number));
    let volume = 0;
    let ceiling = reference[1] as number;
    for (let k = 0; k < sorted.length; k++) {
      const [x, y] = sorted[k] as [number, number];
      if (y < ceiling) {
        volume += ((reference[0] as number) - x) * (ceiling - y);
        ceiling = y;
      }
    }
    return volume;
  }
  const sorted = [...inside].sort((a, b) => (a[d - 1] as number) - (b[d - 1] as number));
  let volume = 0;
  for (let k = 0; k < sorted.length; k++) {
    const top = k + 1 < sorted.length ? (sorted[k + 1]![d - 1] as number) : (reference[d - 1] as number);
    const depth = top - (sorted[k]![d - 1] as number);
    if (depth > 0)
      volume +=
        depth *
        hypervolume(
          sorted.slice(0, k + 1).map((p) => p.slice(0, d - 1)),
          reference.slice(0, d - 1),
        );
  }
  return volume;
}

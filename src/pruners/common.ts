// Small helpers the pruners share: reading a trial's reported steps, the study's direction, and checks
// on constructor options (errors as data, naming the option at fault).
import { TunekitError } from '../errors.js';
import type { PrunerContext } from '../study/pruner.js';
import type { Direction, TrialRecord } from '../study/types.js';

/** Reported steps in increasing order. */
export function reportedSteps(trial: TrialRecord): number[] {
  return Object.keys(trial.intermediateValues)
    .map(Number)
    .sort((a, b) => a - b);
}

export function lastStep(trial: TrialRecord): number | null {
  let last: number | null = null;
  for (const key of Object.keys(trial.intermediateValues))
    if (last === null || Number(key) > last) last = Number(key);
  return last;
}

export function valueAt(trial: TrialRecord, step: number): number | undefined {
  return trial.intermediateValues[step];
}

/** Pruning compares one value per trial, so it needs a single-objective study (as in Optuna). */
export function directionOf(ctx: PrunerContext, pruner: string): Direction {
  if (ctx.study.directions.length !== 1)
    throw new TunekitError(
      'invalid_argument',
      `${pruner} needs a single-objective study; study "${ctx.study.name}" has ${ctx.study.directions.length} objectives`,
    );
  return ctx.study.directions[0] as Direction;
}

/** Best of the values, ignoring NaN (NaN if all are). */
export function bestIgnoringNaN(values: readonly number[], direction: Direction): number {
  let best = NaN;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(best) || (direction === 'minimize' ? v < best : v > best)) best = v;
  }
  return best;
}

/**
 * Whether `step` is the first report at or after the latest pruning check point (warm-up, then every
 * `interval` steps). A check point with no report is judged at the next report, once.
 */
export function isFirstInIntervalStep(
  step: number,
  steps: readonly number[],
  warmup: number,
  interval: number,
): boolean {
  const checkPoint = Math.floor((step - warmup) / interval) * interval + warmup;
  let previous = -1;
  for (const s of steps) if (s !== step && s > previous) previous = s;
  return previous < checkPoint;
}

export function checkInt(owner: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw new TunekitError(
      'invalid_argument',
      `${owner}: ${name} must be an integer >= ${min}, got ${String(value)}`,
      { option: name },
    );
  return value;
}

export function checkOneOf<T extends string>(
  owner: string,
  name: string,
  value: T,
  allowed: readonly T[],
): T {
  if (allowed.includes(value)) return value;
  throw new TunekitError(
    'invalid_argument',
    `${owner}: ${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${String(value)}`,
    { option: name },
  );
}

export function checkNumber(
  owner: string,
  name: string,
  value: unknown,
  min = -Infinity,
  max = Infinity,
): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max)
    throw new TunekitError(
      'invalid_argument',
      `${owner}: ${name} must be a number in [${min}, ${max}], got ${String(value)}`,
      {
        option: name,
      },
    );
  return value;
}

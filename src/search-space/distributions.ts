// Distributions are plain data (a union tagged by `kind`), so they can be stored with a trial, sent over
// HTTP and compared. The constructors validate and name the parameter in every error.
import { TunekitError } from '../errors.js';

export type CategoricalChoice = string | number | boolean | null;
export type ParamValue = CategoricalChoice;

export interface FloatDistribution {
  readonly kind: 'float';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  /** Grid spacing from `low`; null for a continuous range. */
  readonly step: number | null;
}

export interface IntDistribution {
  readonly kind: 'int';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  readonly step: number;
}

export interface CategoricalDistribution {
  readonly kind: 'categorical';
  readonly choices: readonly CategoricalChoice[];
}

export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;

export interface RangeOptions {
  log?: boolean;
  step?: number;
}

// Relative tolerance when checking that a step divides the range, so that 0.1-steps over [0, 1] pass.
const STEP_TOLERANCE = 1e-8;

function fail(name: string, message: string): never {
  throw new TunekitError('invalid_distribution', `parameter "${name}": ${message}`, { param: name });
}

function checkRange(name: string, low: number, high: number, options: RangeOptions): void {
  if (typeof low !== 'number' || !Number.isFinite(low))
    fail(name, `low must be a finite number, got ${String(low)}`);
  if (typeof high !== 'number' || !Number.isFinite(high))
    fail(name, `high must be a finite number, got ${String(high)}`);
  if (low > high) fail(name, `low (${low}) is greater than high (${high}); swap them`);
  // Samplers compute low + u * (high - low): the width must be a finite double too.
  if (!Number.isFinite(high - low))
    fail(name, `the range [${low}, ${high}] is too wide (high - low overflows); narrow it`);
  const { log = false, step } = options;
  if (typeof log !== 'boolean')
    fail(name, `log must be true or false, got ${JSON.stringify(log) ?? String(log)}`);
  if (log && step !== undefined)
    fail(name, 'log and step cannot be used together; drop step or set log: false');
  if (log && low <= 0) fail(name, `log scale needs low > 0, got low = ${low}`);
  if (step !== undefined) {
    if (typeof step !== 'number' || !Number.isFinite(step) || step <= 0)
      fail(name, `step must be a positive finite number, got ${String(step)}`);
    const count = (high - low) / step;
    if (!(count <= Number.MAX_SAFE_INTEGER))
      fail(name, `step ${step} is too small for the range [${low}, ${high}] (more than 2^53 points)`);
    if (Math.abs(count - Math.round(count)) > STEP_TOLERANCE * Math.max(1, count)) {
      const fitted = Number((low + Math.floor(count) * step).toPrecision(12));
      fail(
        name,
        `step ${step} does not fit the range [${low}, ${high}]; use high = ${fitted} or another step`,
      );
    }
  }
}

export function floatDistribution(
  name: string,
  low: number,
  high: number,
  options: RangeOptions = {},
): FloatDistribution {
  checkRange(name, low, high, options);
  return { kind: 'float', low, high, log: options.log ?? false, step: options.step ?? null };
}

export function intDistribution(
  name: string,
  low: number,
  high: number,
  options: RangeOptions = {},
): IntDistribution {
  if (!Number.isInteger(low)) fail(name, `low must be an integer, got ${String(low)}`);
  if (!Number.isInteger(high)) fail(name, `high must be an integer, got ${String(high)}`);
  const log = options.log ?? false;
  if (typeof log !== 'boolean')
    fail(name, `log must be true or false, got ${JSON.stringify(log) ?? String(log)}`);
  // An int range on a log scale has step 1 implicitly; only an explicit other step conflicts.
  const step = options.step ?? 1;
  if (log && options.step !== undefined && options.step !== 1)
    fail(name, 'log and step cannot be used together; drop step or set log: false');
  if (!Number.isInteger(step))
    fail(name, `step must be an integer for an int parameter, got ${String(step)}`);
  checkRange(name, low, high, log ? { log } : { step });
  return { kind: 'int', low, high, log, step };
}

export function categoricalDistribution(
  name: string,
  choices: readonly CategoricalChoice[],
): CategoricalDistribution {
  if (!Array.isArray(choices) || choices.length === 0) fail(name, 'choices must be a non-empty array');
  const seen = new Set<string>();
  for (const choice of choices) {
    const type = choice === null ? 'null' : typeof choice;
    if (!['string', 'number', 'boolean', 'null'].includes(type))
      fail(name, `choices may be strings, numbers, booleans or null; got ${type}`);
    if (typeof choice === 'number' && !Number.isFinite(choice)) fail(name, `choice ${choice} is not finite`);
    const key = `${type}:${String(choice)}`;
    if (seen.has(key)) fail(name, `duplicate choice ${JSON.stringify(choice)}; list each choice once`);
    seen.add(key);
  }
  // -0 and 0 are one choice (see the duplicate check); storage keeps JSON, which writes -0 as 0.
  return { kind: 'categorical', choices: choices.map((c) => (Object.is(c, -0) ? 0 : c)) };
}

/** Re-validates a distribution that arrived as data (a config file, a database row). */
export function validateDistribution(name: string, d: unknown): Distribution {
  const value = d as Partial<Distribution> | null;
  switch (value?.kind) {
    case 'float':
      return floatDistribution(name, value.low as number, value.high as number, {
        log: value.log ?? false,
        ...(value.step != null ? { step: value.step } : {}),
      });
    case 'int':
      return intDistribution(name, value.low as number, value.high as number, {
        log: value.log ?? false,
        ...(value.log ? {} : { step: value.step ?? 1 }),
      });
    case 'categorical':
      return categoricalDistribution(name, value.choices as CategoricalChoice[]);
    default:
      return fail(
        name,
        `unknown distribution kind ${JSON.stringify(value?.kind)}; expected float, int or categorical`,
      );
  }
}

export function distributionsEqual(a: Distribution, b: Distribution): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'categorical') {
    const bc = (b as CategoricalDistribution).choices;
    return a.choices.length === bc.length && a.choices.every((c, i) => Object.is(c, bc[i]));
  }
  const o = b as FloatDistribution | IntDistribution;
  return a.low === o.low && a.high === o.high && a.log === o.log && a.step === o.step;
}

/** Whether `value` is a point of the distribution (on the grid, for stepped ranges). */
export function contains(d: Distribution, value: unknown): boolean {
  if (d.kind === 'categorical') return d.choices.some((c) => Object.is(c, value) || c === value);
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (value < d.low || value > d.high) return false;
  if (d.kind === 'int' && !Number.isInteger(value)) return false;
  if (d.step === null || d.step === undefined) return true;
  const k = (value - d.low) / d.step;
  return Math.abs(k - Math.round(k)) <= STEP_TOLERANCE * Math.max(1, Math.abs(k));
}

/** A distribution with a single possible value; samplers need not model it. */
export function isSingle(d: Distribution): boolean {
  return d.kind === 'categorical' ? d.choices.length === 1 : d.low === d.high;
}

/** Human-readable form used in error messages and CLI tables. */
export function describeDistribution(d: Distribution): string {
  if (d.kind === 'categorical') return `one of ${JSON.stringify(d.choices)}`;
  const extras = [
    d.log ? 'log' : '',
    d.step !== null && !(d.kind === 'int' && d.step === 1) ? `step ${d.step}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${d.kind} in [${d.low}, ${d.high}]${extras ? ` (${extras})` : ''}`;
}

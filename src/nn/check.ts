// Checks for the trainer's plain-data options. Each error names the option's field (e.g. `optimizer.lr`),
// so a config can prefix its own path and report `objective.trainer.fit.optimizer.lr`.
import { TunekitError } from '../errors.js';

/** `optimizer` + `lr` → `optimizer.lr`; a top-level field has no prefix. */
export function at(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

export function fieldError(field: string, expected: string, got: unknown): TunekitError {
  const shown = JSON.stringify(got) ?? String(got);
  return new TunekitError('invalid_argument', `${field}: expected ${expected}, got ${shown}`, {
    field,
    expected,
  });
}

/** An object whose keys are all in `allowed` (the `kind` tag is always allowed). */
export function checkKeys(
  value: unknown,
  field: string,
  allowed: readonly string[],
): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw fieldError(field, 'an object', value);
  for (const key of Object.keys(value))
    if (key !== 'kind' && !allowed.includes(key))
      throw new TunekitError(
        'invalid_argument',
        `${at(field, key)}: unknown field; expected ${allowed.length ? `one of ${allowed.join(', ')}` : 'none'}`,
        { field: at(field, key), expected: allowed },
      );
  return value as Record<string, unknown>;
}

export type NumberRule = 'positive' | 'nonNegative' | 'fraction' | 'positiveInt' | 'nonNegativeInt';

const EXPECTED: Record<NumberRule, string> = {
  positive: 'a number > 0',
  nonNegative: 'a number >= 0',
  fraction: 'a number in [0, 1)',
  positiveInt: 'a positive integer',
  nonNegativeInt: 'an integer >= 0',
};

function holds(rule: NumberRule, x: number): boolean {
  switch (rule) {
    case 'positive':
      return x > 0;
    case 'nonNegative':
      return x >= 0;
    case 'fraction':
      return x >= 0 && x < 1;
    case 'positiveInt':
      return Number.isInteger(x) && x > 0;
    case 'nonNegativeInt':
      return Number.isInteger(x) && x >= 0;
  }
}

/** Checks `value[key]` when present (or always, when `required`). */
export function checkNumber(
  value: Record<string, unknown>,
  key: string,
  field: string,
  rule: NumberRule,
  required = false,
): void {
  const x = value[key];
  if (x === undefined && !required) return;
  if (typeof x !== 'number' || !Number.isFinite(x) || !holds(rule, x))
    throw fieldError(at(field, key), EXPECTED[rule], x);
}

export function checkBoolean(value: Record<string, unknown>, key: string, field: string): void {
  const x = value[key];
  if (x !== undefined && typeof x !== 'boolean') throw fieldError(at(field, key), 'true or false', x);
}

/** The `kind` of a tagged config, or an error listing the known kinds. */
export function checkKind<K extends string>(value: unknown, field: string, kinds: readonly K[]): K {
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (typeof kind === 'string' && (kinds as readonly string[]).includes(kind)) return kind as K;
  throw fieldError(at(field, 'kind'), `one of ${kinds.join(', ')}`, kind);
}

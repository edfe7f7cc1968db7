// Small validators for configs read from YAML or JSON. Each error names the path of the field, what was
// expected and what was found, e.g. `space.lr.low: expected a finite number, got "abc"`.
import { TunekitError, isTunekitError } from '../errors.js';
import { checkSeed } from '../random.js';

export type Path = string;

export function configError(path: Path, expected: string, got: unknown): TunekitError {
  return new TunekitError('config_invalid', `${path}: expected ${expected}, got ${show(got)}`, {
    path,
    expected,
  });
}

export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function join(path: Path, key: string | number): Path {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === ''
    ? key
    : /^[A-Za-z_][\w-]*$/.test(key)
      ? `${path}.${key}`
      : `${path}[${JSON.stringify(key)}]`;
}

export function object(value: unknown, path: Path, allowed?: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw configError(path || 'config', 'an object', value);
  if (allowed) {
    const extra = Object.keys(value).find((k) => !allowed.includes(k));
    if (extra !== undefined)
      throw new TunekitError(
        'config_invalid',
        `${join(path, extra)}: unknown field; expected one of ${allowed.join(', ')}`,
        {
          path: join(path, extra),
        },
      );
  }
  return value as Record<string, unknown>;
}

export function string(value: unknown, path: Path): string {
  if (typeof value !== 'string' || value === '') throw configError(path, 'a non-empty string', value);
  return value;
}

export function number(value: unknown, path: Path): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw configError(path, 'a finite number', value);
  return value;
}

export function positiveInt(value: unknown, path: Path): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw configError(path, 'a positive integer', value);
  return value;
}

export function positive(value: unknown, path: Path): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw configError(path, 'a positive number', value);
  return value;
}

export function nonNegative(value: unknown, path: Path): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw configError(path, 'a number >= 0', value);
  return value;
}

export function boolean(value: unknown, path: Path): boolean {
  if (typeof value !== 'boolean') throw configError(path, 'true or false', value);
  return value;
}

export function oneOf<T extends string>(value: unknown, path: Path, choices: readonly T[]): T {
  if (typeof value !== 'string' || !choices.includes(value as T))
    throw configError(path, `one of ${choices.join(', ')}`, value);
  return value as T;
}

export function array(value: unknown, path: Path): unknown[] {
  if (!Array.isArray(value)) throw configError(path, 'an array', value);
  return value;
}

export function optional<T>(value: unknown, check: (v: unknown) => T): T | undefined {
  return value === undefined || value === null ? undefined : check(value);
}

/** A seed by the one rule of `checkSeed`, reported as a config error naming the field. */
export function seed(value: unknown, path: Path): number {
  try {
    return checkSeed(value, path);
  } catch (error) {
    if (isTunekitError(error)) throw new TunekitError('config_invalid', error.message, { path });
    throw error;
  }
}

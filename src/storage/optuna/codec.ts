// How tunekit's records map onto Optuna's rows: distributions in Optuna's JSON form, params in Optuna's
// internal representation (a categorical's index), states and directions as its enum labels, infinite and
// NaN values as its value types, times as its naive local datetimes, and the namespaced system attributes
// that carry what only tunekit keeps (Optuna ignores keys it does not know).
import { TunekitError } from '../../errors.js';
import type { Distribution, ParamValue } from '../../search-space/index.js';
import type { Direction, JsonValue, TrialState } from '../../study/types.js';

/** Every system attribute tunekit writes starts so; `fixed_params` is Optuna's own key, shared on purpose. */
export const NS = 'tunekit:';
export const FIXED_PARAMS = 'fixed_params';
/** Optuna's own key for a trial's constraint values (`constraints_func`, ≤ 0 feasible), so both sides read them. */
export const CONSTRAINTS = 'constraints';

export const STATE_TO_OPTUNA: Record<TrialState, string> = {
  waiting: 'WAITING',
  running: 'RUNNING',
  complete: 'COMPLETE',
  pruned: 'PRUNED',
  fail: 'FAIL',
};
const STATE_FROM_OPTUNA = Object.fromEntries(
  Object.entries(STATE_TO_OPTUNA).map(([k, v]) => [v, k]),
) as Record<string, TrialState>;

export function stateFromOptuna(label: string): TrialState {
  const state = STATE_FROM_OPTUNA[label];
  if (!state) throw new TunekitError('storage_error', `unknown Optuna trial state ${JSON.stringify(label)}`);
  return state;
}

export const directionToOptuna = (d: Direction): string => (d === 'maximize' ? 'MAXIMIZE' : 'MINIMIZE');
// NOT_SET is what Optuna writes before a direction is chosen; it minimizes then.
export const directionFromOptuna = (label: string): Direction =>
  label === 'MAXIMIZE' ? 'maximize' : 'minimize';

/** Optuna's `distribution_to_json`: the class name and its attributes. */
export function distributionToJson(d: Distribution): string {
  if (d.kind === 'categorical')
    return JSON.stringify({ name: 'CategoricalDistribution', attributes: { choices: d.choices } });
  const name = d.kind === 'float' ? 'FloatDistribution' : 'IntDistribution';
  return JSON.stringify({ name, attributes: { log: d.log, step: d.step, low: d.low, high: d.high } });
}

/** Optuna's `json_to_distribution`, including the classes Optuna 2 wrote (Uniform, LogUniform, ...). */
export function distributionFromJson(text: string, param: string): Distribution {
  const { name, attributes: a } = JSON.parse(text) as { name: string; attributes: Record<string, never> };
  const float = (log: boolean, step: number | null): Distribution => ({
    kind: 'float',
    low: a.low,
    high: a.high,
    log,
    step,
  });
  const int = (log: boolean): Distribution => ({
    kind: 'int',
    low: a.low,
    high: a.high,
    log,
    step: a.step ?? 1,
  });
  switch (name) {
    case 'FloatDistribution':
      return float(a.log ?? false, a.step ?? null);
    case 'UniformDistribution':
      return float(false, null);
    case 'LogUniformDistribution':
      return float(true, null);
    case 'DiscreteUniformDistribution':
      return float(false, a.q);
    case 'IntDistribution':
      return int(a.log ?? false);
    case 'IntUniformDistribution':
      return int(false);
    case 'IntLogUniformDistribution':
      return int(true);
    case 'CategoricalDistribution':
      return { kind: 'categorical', choices: a.choices };
    default:
      throw new TunekitError(
        'storage_error',
        `parameter "${param}": unknown Optuna distribution ${JSON.stringify(name)}`,
      );
  }
}

/** Optuna stores a param as a float: the value itself, or a categorical's index among its choices. */
export function paramToInternal(name: string, d: Distribution, value: ParamValue): number {
  if (d.kind !== 'categorical') return value as number;
  const index = d.choices.findIndex((c) => c === value);
  if (index < 0)
    throw new TunekitError(
      'invalid_argument',
      `parameter "${name}": ${JSON.stringify(value)} is not one of its choices ${JSON.stringify(d.choices)}`,
    );
  return index;
}

export function paramFromInternal(d: Distribution, stored: number): ParamValue {
  if (d.kind === 'categorical') return d.choices[Math.round(stored)] ?? null;
  return d.kind === 'int' ? Math.round(stored) : stored;
}

/** A value and its Optuna value type: infinities (and, for intermediate values, NaN) are a type and no number. */
export function valueToStored(value: number): [number | null, string] {
  if (value === Infinity) return [null, 'INF_POS'];
  if (value === -Infinity) return [null, 'INF_NEG'];
  if (Number.isNaN(value)) return [null, 'NAN'];
  return [value, 'FINITE'];
}

export function valueFromStored(value: unknown, type: string): number {
  if (type === 'INF_POS') return Infinity;
  if (type === 'INF_NEG') return -Infinity;
  return value === null ? NaN : Number(value);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Optuna writes `datetime.now()`: local time, no zone, microseconds. */
export function timeToOptuna(ms: number | null): string | null {
  if (ms === null) return null;
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}000`
  );
}

/** SQLite returns the text Optuna wrote; node-postgres a Date already read as local time. */
export function timeFromOptuna(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?/.exec(String(value));
  if (!m) throw new TunekitError('storage_error', `cannot read Optuna datetime ${JSON.stringify(value)}`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  // Microseconds to whole milliseconds: what tunekit wrote (ms * 1000) reads back exactly.
  const ms = Number((m[7] ?? '').padEnd(6, '0').slice(0, 3));
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
}

/**
 * Attribute values are JSON text. Python's json.dumps writes NaN and Infinity bare, which JSON.parse
 * refuses: those (outside strings) are read as the strings "NaN", "Infinity", "-Infinity".
 */
export function parseAttr(text: unknown): JsonValue {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(String(text)) as JsonValue;
  } catch {
    const quoted = String(text).replace(
      /("(?:[^"\\]|\\.)*")|(-?Infinity|NaN)/g,
      (all, str: string | undefined) => str ?? `"${all}"`,
    );
    return JSON.parse(quoted) as JsonValue;
  }
}

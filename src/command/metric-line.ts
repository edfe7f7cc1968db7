// The grammar of the lines a command trial prints to report to tunekit (everything else on stdout is
// ignored):
//
//   tunekit: {"step": <non-negative integer>, "value": <number>}   an intermediate value
//   tunekit: {"value": <number>}                                   the final value
//   tunekit: {"values": [<number>, ...]}                            final values (several objectives)
//
// The prefix starts the line; JSON follows on the same line. Numbers must be finite except for
// intermediate values, which may be NaN or ±Infinity written as the strings "NaN", "Infinity", "-Infinity"
// (a diverging run; a threshold pruner stops it).
import { TunekitError } from '../errors.js';

export type MetricLine =
  { kind: 'intermediate'; step: number; value: number } | { kind: 'final'; values: number[] };

export const METRIC_PREFIX = 'tunekit:';

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Parses one stdout line: null if it is not a tunekit line, a MetricLine, or a `metric_line_invalid` error. */
export function parseMetricLine(line: string): MetricLine | null {
  const trimmed = line.replace(/\r$/, '');
  if (!trimmed.startsWith(METRIC_PREFIX)) return null;
  const body = trimmed.slice(METRIC_PREFIX.length).trim();
  const bad = (why: string) =>
    new TunekitError(
      'metric_line_invalid',
      `malformed metric line ${JSON.stringify(truncate(trimmed))}: ${why}; expected tunekit: {"step": 3, "value": 0.91} or tunekit: {"value": 0.93}`,
    );
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw bad('not JSON');
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw bad('not a JSON object');
  const o = data as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if (keys === 'step,value') {
    if (typeof o.step !== 'number' || !Number.isSafeInteger(o.step) || o.step < 0)
      throw bad('step must be a non-negative integer below 2^53');
    const value = typeof o.value === 'string' && o.value in SPECIAL ? SPECIAL[o.value]! : o.value;
    if (typeof value !== 'number') throw bad('value must be a number');
    return { kind: 'intermediate', step: o.step, value };
  }
  if (keys === 'value') {
    // JSON.parse reads 1e400 as Infinity: a final value must still be finite.
    if (typeof o.value !== 'number' || !Number.isFinite(o.value)) throw bad('value must be a finite number');
    return { kind: 'final', values: [o.value] };
  }
  if (keys === 'values') {
    if (
      !Array.isArray(o.values) ||
      o.values.length === 0 ||
      !o.values.every((v) => typeof v === 'number' && Number.isFinite(v))
    )
      throw bad('values must be a non-empty array of finite numbers');
    return { kind: 'final', values: o.values as number[] };
  }
  throw bad(`unexpected fields ${keys || '(none)'}`);
}

function truncate(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

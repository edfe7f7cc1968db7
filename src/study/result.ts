// What `tell` stores for an objective's result: validated values, or a failure that says what was wrong.
import type { TellResult } from './optimize.js';
import type { TrialResult } from './storage.js';

/**
 * The stored result for `result` in a study with `objectives` objectives. A pruned trial keeps its last
 * intermediate value (`reported`, by step), so it can still be ranked (single objective).
 */
export function trialResult(
  result: TellResult,
  objectives: number,
  reported: Readonly<Record<number, number>>,
  failReason?: string,
): TrialResult {
  if (result === 'fail') return { state: 'fail', failReason: failReason ?? 'failed by tell' };
  if (result === 'pruned') {
    const steps = Object.keys(reported).map(Number);
    const last = steps.length > 0 ? reported[Math.max(...steps)] : undefined;
    const keep = objectives === 1 && last !== undefined && Number.isFinite(last);
    return { state: 'pruned', values: keep ? [last] : null };
  }
  const values = typeof result === 'number' ? [result] : result;
  const problem = invalidValues(values, objectives);
  // -0 is stored as 0 (JSON has no -0): the same value on every storage.
  return problem
    ? { state: 'fail', failReason: problem }
    : { state: 'complete', values: values.map((v) => (Object.is(v, -0) ? 0 : v)) };
}

function invalidValues(values: readonly number[], expected: number): string | null {
  if (values.length !== expected)
    return `the objective returned ${values.length} value(s) but the study has ${expected} objective(s)`;
  const bad = values.find((v) => typeof v !== 'number' || !Number.isFinite(v));
  return bad === undefined ? null : `the objective returned ${String(bad)}; values must be finite numbers`;
}

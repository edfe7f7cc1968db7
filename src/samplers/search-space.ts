// Search spaces that model-based samplers infer from the trials so far: the intersection (parameters
// every complete trial has) and its group decomposition (parameters that always occur together), plus
// the unit-box cells of discrete values.
import { distributionsEqual, isSingle, toUnit } from '../search-space/index.js';
import type { Distribution, ParamValue } from '../search-space/index.js';
import type { TrialRecord } from '../study/types.js';

export type SearchSpace = Record<string, Distribution>;

function modelled(trial: TrialRecord, includePruned: boolean): boolean {
  return trial.state === 'complete' || (includePruned && trial.state === 'pruned');
}

/**
 * Parameters present, with the same distribution, in every complete trial (and pruned ones when asked);
 * names sorted so the order does not depend on the objective's. Single-valued parameters are left out.
 */
export function intersectionSearchSpace(trials: readonly TrialRecord[], includePruned = false): SearchSpace {
  let space: SearchSpace | null = null;
  for (const t of trials) {
    if (!modelled(t, includePruned)) continue;
    if (space === null) {
      space = { ...t.distributions };
      continue;
    }
    for (const name of Object.keys(space)) {
      const d = t.distributions[name];
      if (!d || !distributionsEqual(d, space[name] as Distribution)) delete space[name];
    }
  }
  return sortedSpace(space ?? {});
}

/**
 * Splits the parameters of all modelled trials into groups that always occur together (Optuna's group
 * decomposition), so a conditional space is modelled one branch at a time. A parameter whose distribution
 * changed between trials is dropped.
 */
export function groupDecomposedSearchSpace(
  trials: readonly TrialRecord[],
  includePruned = false,
): SearchSpace[] {
  let groups: Array<Set<string>> = [];
  const dists: SearchSpace = {};
  const changed = new Set<string>();
  for (const t of trials) {
    if (!modelled(t, includePruned)) continue;
    const names = new Set(Object.keys(t.distributions));
    for (const name of names) {
      const d = t.distributions[name] as Distribution;
      const seen = dists[name];
      if (seen === undefined) dists[name] = d;
      else if (!distributionsEqual(seen, d)) changed.add(name);
    }
    const next: Array<Set<string>> = [];
    const covered = new Set<string>();
    for (const g of groups) {
      const inside = new Set([...g].filter((n) => names.has(n)));
      const outside = new Set([...g].filter((n) => !names.has(n)));
      if (inside.size > 0) next.push(inside);
      if (outside.size > 0) next.push(outside);
      for (const n of g) covered.add(n);
    }
    const fresh = new Set([...names].filter((n) => !covered.has(n)));
    if (fresh.size > 0) next.push(fresh);
    groups = next;
  }
  return groups
    .map((g) =>
      sortedSpace(
        Object.fromEntries([...g].filter((n) => !changed.has(n)).map((n) => [n, dists[n] as Distribution])),
      ),
    )
    .filter((s) => Object.keys(s).length > 0)
    .sort((a, b) => (Object.keys(a)[0] as string).localeCompare(Object.keys(b)[0] as string));
}

function sortedSpace(space: SearchSpace): SearchSpace {
  const out: SearchSpace = {};
  for (const name of Object.keys(space).sort())
    if (!isSingle(space[name] as Distribution)) out[name] = space[name] as Distribution;
  return out;
}

/** Whether a trial holds every parameter of `space`, each from the same distribution. */
export function hasSpace(trial: TrialRecord, space: SearchSpace): boolean {
  for (const name in space) {
    const d = trial.distributions[name];
    const e = space[name] as Distribution;
    if (!d) return false;
    // Numeric ranges inline (the common case, run for every trial on every suggestion).
    if (d.kind !== 'categorical' && e.kind === d.kind) {
      if (d.low !== e.low || d.high !== e.high || d.log !== e.log || d.step !== e.step) return false;
    } else if (!distributionsEqual(d, e)) return false;
  }
  return true;
}

/** Whether values of a numeric distribution are a grid (ints, stepped floats) rather than a continuum. */
export function isDiscrete(d: Distribution): boolean {
  return d.kind === 'int' || (d.kind === 'float' && d.step !== null);
}

/**
 * The part of [0, 1] that `value` owns under `toUnit`/`fromUnit` (for numeric distributions): a point for
 * continuous ranges, the grid cell for ints and steps.
 */
export function unitCell(d: Exclude<Distribution, { kind: 'categorical' }>, value: number): [number, number] {
  if (!isDiscrete(d)) {
    const u = toUnit(d, value);
    return [u, u];
  }
  const half = d.log ? 0.5 : (d.step as number) / 2;
  const low = d.log ? Math.log(d.low - half) : d.low - half;
  const high = d.log ? Math.log(d.high + half) : d.high + half;
  const at = (x: number) => ((d.log ? Math.log(x) : x) - low) / (high - low);
  return [Math.max(0, at(value - half)), Math.min(1, at(value + half))];
}

/** Index of a categorical value among the choices (-1 if absent). */
export function choiceIndex(d: Extract<Distribution, { kind: 'categorical' }>, value: ParamValue): number {
  return d.choices.findIndex((c) => Object.is(c, value) || c === value);
}

/**
 * A fast `toUnit` for one numeric distribution (same formula, bounds computed once), for samplers that
 * encode every trial on every suggestion.
 */
export function unitEncoder(d: Exclude<Distribution, { kind: 'categorical' }>): (value: number) => number {
  const half = d.step !== null && !d.log ? d.step / 2 : d.kind === 'int' ? 0.5 : 0;
  const low = d.log ? Math.log(d.low - half) : d.low - half;
  const high = d.log ? Math.log(d.high + half) : d.high + half;
  const width = high - low;
  if (width === 0) return () => 0.5;
  return d.log
    ? (v) => Math.min(1, Math.max(0, (Math.log(v) - low) / width))
    : (v) => Math.min(1, Math.max(0, (v - low) / width));
}

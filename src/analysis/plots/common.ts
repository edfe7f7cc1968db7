// Shared pieces of the plot-data functions: objective values, signs, parameter axes and the deterministic
// down-sampling that keeps a 10,000-trial study cheap to send and draw.
import type { Direction, Distribution, ParamValue, TrialRecord } from '../../index.js';

/** How a parameter is drawn on an axis, merged over every distribution it was sampled from. */
export interface ParamAxis {
  readonly name: string;
  readonly kind: 'float' | 'int' | 'categorical';
  readonly log: boolean;
  /** Numeric range covering the distributions and the values seen. */
  readonly low: number;
  readonly high: number;
  /** Categorical choices as labels, in first-seen order. */
  readonly choices: readonly string[];
}

export function sign(direction: Direction): number {
  return direction === 'maximize' ? -1 : 1;
}

/** The objective value of a finished trial worth plotting (complete, finite), or null. */
export function objectiveValue(trial: TrialRecord, objective: number): number | null {
  if (trial.state !== 'complete' || trial.values === null) return null;
  const value = trial.values[objective];
  return value !== undefined && Number.isFinite(value) ? value : null;
}

export function completeWithValue(trials: readonly TrialRecord[], objective: number): TrialRecord[] {
  return trials.filter((t) => objectiveValue(t, objective) !== null);
}

export function choiceLabel(value: ParamValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One axis per parameter name, in first-seen order; a parameter log in any trial is drawn log. */
export function paramAxes(trials: readonly TrialRecord[]): ParamAxis[] {
  const axes = new Map<
    string,
    { kind: ParamAxis['kind']; log: boolean; low: number; high: number; choices: string[] }
  >();
  for (const t of trials) {
    for (const [name, d] of Object.entries(t.distributions) as [string, Distribution][]) {
      let axis = axes.get(name);
      if (!axis)
        axes.set(name, (axis = { kind: d.kind, log: false, low: Infinity, high: -Infinity, choices: [] }));
      // A name sampled both as a number and as categories is drawn as categories.
      if (d.kind === 'categorical') {
        axis.kind = 'categorical';
        for (const c of d.choices)
          if (!axis.choices.includes(choiceLabel(c))) axis.choices.push(choiceLabel(c));
      } else {
        if (axis.kind === 'int' && d.kind === 'float') axis.kind = 'float';
        axis.log ||= d.log;
        axis.low = Math.min(axis.low, d.low);
        axis.high = Math.max(axis.high, d.high);
      }
      const value = t.params[name];
      if (axis.kind !== 'categorical' && typeof value === 'number') {
        axis.low = Math.min(axis.low, value);
        axis.high = Math.max(axis.high, value);
      }
    }
  }
  return [...axes].map(([name, a]) => ({
    name,
    kind: a.kind,
    log: a.kind !== 'categorical' && a.log && a.low > 0,
    low: a.kind === 'categorical' ? 0 : a.low,
    high: a.kind === 'categorical' ? Math.max(0, a.choices.length - 1) : a.high,
    choices: a.choices,
  }));
}

/** A parameter value as a number on its axis (the choice index for categories), or null if absent. */
export function axisValue(axis: ParamAxis, value: ParamValue | undefined): number | null {
  if (value === undefined) return null;
  if (axis.kind === 'categorical') {
    const index = axis.choices.indexOf(choiceLabel(value));
    return index < 0 ? null : index;
  }
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * Picks at most `max` items, deterministically: the `keepBest` with the lowest `score` first (the part a
 * user looks at), then evenly spaced over the rest so the overall shape survives. Keeps the input order.
 */
export function downsample<T>(
  items: readonly T[],
  max: number,
  score?: (item: T) => number,
  keepBest = Math.floor(max / 4),
): T[] {
  if (items.length <= max) return [...items];
  const chosen = new Set<number>();
  if (score && keepBest > 0) {
    // Scores computed once: a comparator calling `score` costs more than the sort itself on 10,000 items.
    const scores = Float64Array.from(items, score);
    const order = Uint32Array.from(items, (_, i) => i).sort(
      (a, b) => (scores[a] as number) - (scores[b] as number),
    );
    for (const i of order.subarray(0, keepBest)) chosen.add(i);
  }
  const rest = items.map((_, i) => i).filter((i) => !chosen.has(i));
  const wanted = max - chosen.size;
  for (let k = 0; k < wanted; k++) chosen.add(rest[Math.floor((k * rest.length) / wanted)] as number);
  return [...chosen].sort((a, b) => a - b).map((i) => items[i] as T);
}

/** Quantile of sorted numbers with linear interpolation (as numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

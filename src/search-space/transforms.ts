// Maps between a distribution and the unit interval, for samplers that work in a continuous box
// (QMC, GP, CMA-ES). Log ranges are uniform in log space; ints and steps round to the nearest point, with
// each point owning an equal share of [0, 1].
import type { Distribution, ParamValue } from './distributions.js';

function bounds(d: Exclude<Distribution, { kind: 'categorical' }>): [number, number] {
  // Widen stepped ranges by half a step so the end points get the same share as inner points.
  const half = d.step !== null && d.step !== undefined && !d.log ? d.step / 2 : d.kind === 'int' ? 0.5 : 0;
  const low = d.low - half;
  const high = d.high + half;
  return d.log ? [Math.log(low), Math.log(high)] : [low, high];
}

/** Position of `value` in [0, 1]. */
export function toUnit(d: Distribution, value: ParamValue): number {
  if (d.kind === 'categorical') {
    const index = d.choices.findIndex((c) => Object.is(c, value) || c === value);
    return (index + 0.5) / d.choices.length;
  }
  const [low, high] = bounds(d);
  if (high === low) return 0.5;
  const x = d.log ? Math.log(value as number) : (value as number);
  return Math.min(1, Math.max(0, (x - low) / (high - low)));
}

/** The distribution's point for a position `u` in [0, 1] (clamped). */
export function fromUnit(d: Distribution, u: number): ParamValue {
  const t = Math.min(1, Math.max(0, u));
  if (d.kind === 'categorical')
    return d.choices[Math.min(d.choices.length - 1, Math.floor(t * d.choices.length))] as ParamValue;
  const [low, high] = bounds(d);
  let x = low + t * (high - low);
  if (d.log) x = Math.exp(x);
  return snap(d, x);
}

/** Rounds a raw number to the nearest point of a numeric distribution, inside its bounds. */
export function snap(d: Exclude<Distribution, { kind: 'categorical' }>, x: number): number {
  let v = Math.min(d.high, Math.max(d.low, x));
  if (d.kind === 'int') {
    v = d.low + Math.round((v - d.low) / d.step) * d.step;
    return Math.min(d.high, Math.max(d.low, v));
  }
  if (d.step !== null) {
    const k = Math.round((v - d.low) / d.step);
    // Recompute from the grid index so values like 0.30000000000000004 come out as the grid's own point.
    v = Number((d.low + k * d.step).toPrecision(15));
    v = Math.min(d.high, Math.max(d.low, v));
  }
  return v;
}

/** Number of distinct points, or Infinity for a continuous range. */
export function cardinality(d: Distribution): number {
  if (d.kind === 'categorical') return d.choices.length;
  if (d.kind === 'int') return Math.floor((d.high - d.low) / d.step) + 1;
  return d.step === null ? (d.low === d.high ? 1 : Infinity) : Math.round((d.high - d.low) / d.step) + 1;
}

// Learning curves: the intermediate values every trial reported, with pruned trials marked, and a band of
// quantiles over all trials per step so a study with thousands of curves still reads at a glance.
import type { Direction, TrialRecord, TrialState } from '../../index.js';
import { downsample, quantile, sign } from './common.js';

export interface LearningCurve {
  readonly number: number;
  readonly state: TrialState;
  readonly steps: number[];
  readonly values: number[];
}

export interface QuantileBand {
  readonly steps: number[];
  readonly p10: number[];
  readonly median: number[];
  readonly p90: number[];
  /** Trials that reported at each step. */
  readonly counts: number[];
}

export interface IntermediatePlot {
  readonly direction: Direction;
  /** The curves to draw: all of them, or a sample when there are more than `maxCurves`. */
  readonly curves: LearningCurve[];
  /** Trials that reported at least one intermediate value. */
  readonly totalCurves: number;
  readonly band: QuantileBand | null;
}

export interface IntermediateOptions {
  /** Most curves to return; beyond it: every running trial, the best finished ones, then evenly spaced. */
  maxCurves?: number;
  /** Most points per curve (evenly spaced, always keeping the last). */
  maxPoints?: number;
  /** Most steps in the quantile band. */
  maxBandSteps?: number;
}

export function intermediatePlot(
  trials: readonly TrialRecord[],
  direction: Direction,
  options: IntermediateOptions = {},
): IntermediatePlot {
  const { maxCurves = 200, maxPoints = 500, maxBandSteps = 200 } = options;
  const s = sign(direction);
  const all: LearningCurve[] = [];
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    const steps = Object.keys(t.intermediateValues)
      .map(Number)
      .filter((step) => Number.isFinite(t.intermediateValues[step]))
      .sort((a, b) => a - b);
    if (steps.length === 0) continue;
    all.push({
      number: t.number,
      state: t.state,
      steps,
      values: steps.map((step) => t.intermediateValues[step] as number),
    });
  }
  // Running trials are what a user watching a live study wants to see, so they never drop out of a sample.
  const running = all.filter((c) => c.state === 'running');
  const finished = all.filter((c) => c.state !== 'running');
  const last = (c: LearningCurve) => s * (c.values[c.values.length - 1] as number);
  const picked = downsample(finished, Math.max(0, maxCurves - running.length), last);
  const curves = [...picked, ...running.slice(-maxCurves)]
    .sort((a, b) => a.number - b.number)
    .map((c) => thin(c, maxPoints));
  return { direction, curves, totalCurves: all.length, band: band(all, maxBandSteps) };
}

function thin(curve: LearningCurve, maxPoints: number): LearningCurve {
  if (curve.steps.length <= maxPoints) return curve;
  const keep = downsample(
    curve.steps.map((_, i) => i),
    maxPoints - 1,
  );
  if (keep[keep.length - 1] !== curve.steps.length - 1) keep.push(curve.steps.length - 1);
  return {
    ...curve,
    steps: keep.map((i) => curve.steps[i] as number),
    values: keep.map((i) => curve.values[i] as number),
  };
}

function band(curves: readonly LearningCurve[], maxSteps: number): QuantileBand | null {
  const byStep = new Map<number, number[]>();
  for (const c of curves)
    c.steps.forEach((step, i) => {
      const list = byStep.get(step);
      if (list) list.push(c.values[i] as number);
      else byStep.set(step, [c.values[i] as number]);
    });
  if (byStep.size === 0) return null;
  const steps = downsample(
    [...byStep.keys()].sort((a, b) => a - b),
    maxSteps,
  );
  const result: QuantileBand = { steps, p10: [], median: [], p90: [], counts: [] };
  for (const step of steps) {
    // A typed array sorts numerically without a comparator: several times faster over thousands of trials.
    const values = Float64Array.from(byStep.get(step) as number[]).sort() as unknown as number[];
    result.p10.push(quantile(values, 0.1));
    result.median.push(quantile(values, 0.5));
    result.p90.push(quantile(values, 0.9));
    result.counts.push(values.length);
  }
  return result;
}

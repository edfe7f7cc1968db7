import { describe, expect, it } from 'vitest';
import { intermediatePlot } from './intermediate.js';
import { syntheticTrials, trial } from './testing/records.js';

describe('intermediatePlot', () => {
  it('returns every curve in step order with its state, and a quantile band per step', () => {
    const trials = [
      trial(0, { intermediateValues: { 2: 3, 0: 1, 1: 2 } }),
      trial(1, { state: 'pruned', intermediateValues: { 0: 5, 1: 4 } }),
      trial(2, { state: 'fail' }),
    ];
    const plot = intermediatePlot(trials, 'minimize');
    expect(plot.totalCurves).toBe(2);
    expect(plot.curves).toEqual([
      { number: 0, state: 'complete', steps: [0, 1, 2], values: [1, 2, 3] },
      { number: 1, state: 'pruned', steps: [0, 1], values: [5, 4] },
    ]);
    expect(plot.band).toMatchObject({ steps: [0, 1, 2], median: [3, 3, 3], counts: [2, 2, 1] });
    expect(plot.band?.p10[0]).toBeCloseTo(1.4, 12);
  });

  it('samples beyond maxCurves: keeps running trials and the best finished curves', () => {
    const trials = syntheticTrials(300, { seed: 3 });
    const plot = intermediatePlot(trials, 'minimize', { maxCurves: 40 });
    expect(plot.curves).toHaveLength(40);
    expect(plot.totalCurves).toBeGreaterThan(250);
    const numbers = plot.curves.map((c) => c.number);
    for (const t of trials.filter((t) => t.state === 'running')) expect(numbers).toContain(t.number);
    const lastValue = (t: (typeof trials)[number]) => {
      const steps = Object.keys(t.intermediateValues).map(Number);
      return t.intermediateValues[Math.max(...steps)] as number;
    };
    const bestFinished = trials
      .filter((t) => t.state !== 'running' && t.state !== 'fail')
      .sort((a, b) => lastValue(a) - lastValue(b))[0]!;
    expect(numbers).toContain(bestFinished.number);
    // The band summarises every curve, not just the sample.
    expect(plot.band?.counts[0]).toBe(plot.totalCurves);
  });

  it('thins long curves but keeps their last point', () => {
    const values: Record<number, number> = {};
    for (let s = 0; s < 1000; s++) values[s] = s;
    const [curve] = intermediatePlot([trial(0, { intermediateValues: values })], 'minimize', {
      maxPoints: 100,
    }).curves;
    expect(curve!.steps.length).toBeLessThanOrEqual(101);
    expect(curve!.steps.at(-1)).toBe(999);
    expect(curve!.values.at(-1)).toBe(999);
  });
});

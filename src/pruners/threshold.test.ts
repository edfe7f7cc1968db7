import { describe, expect, it } from 'vitest';
import { prunerContract, record, studyInfo } from './pruner.contract.js';
import { ThresholdPruner } from './threshold.js';

prunerContract('threshold', { make: () => new ThresholdPruner({ upper: 2 }), directional: false });

const decide = (pruner: ThresholdPruner, reports: number[] | Record<number, number>) => {
  const t = record(0, 'running', reports);
  return pruner.prune({ study: studyInfo(), trials: [t] }, t);
};

describe('ThresholdPruner', () => {
  it('prunes a latest value outside [lower, upper] or NaN, from the first trial on', () => {
    const p = new ThresholdPruner({ lower: 0, upper: 1 });
    expect(decide(p, [0.5])).toBe(false);
    expect(decide(p, [0.5, 1])).toBe(false); // bounds are inside
    expect(decide(p, [0.5, 1.01])).toBe(true);
    expect(decide(p, [0.5, -0.01])).toBe(true);
    expect(decide(p, [0.5, NaN])).toBe(true);
    expect(decide(p, [2, 0.5])).toBe(false); // only the latest value counts
  });

  it('honours warm-up and interval', () => {
    const p = new ThresholdPruner({ upper: 1, nWarmupSteps: 2, intervalSteps: 2 });
    expect(decide(p, [5, 5])).toBe(false);
    expect(decide(p, [5, 5, 5])).toBe(true);
    expect(decide(p, [5, 5, 5, 5])).toBe(false);
  });

  it('rejects missing or crossed bounds', () => {
    expect(() => new ThresholdPruner({})).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => new ThresholdPruner({ lower: 2, upper: 1 })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});

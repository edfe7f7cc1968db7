import { describe, expect, it } from 'vitest';
import { downsample, paramAxes, quantile } from './common.js';
import { SPACE, trial } from './testing/records.js';

describe('downsample', () => {
  const items = Array.from({ length: 100 }, (_, i) => i);

  it('returns everything when under the cap', () => {
    expect(downsample(items.slice(0, 10), 20)).toEqual(items.slice(0, 10));
  });

  it('keeps the best, spreads the rest, keeps order and is deterministic', () => {
    const score = (i: number) => Math.abs(i - 70);
    const got = downsample(items, 20, score, 5);
    expect(got).toHaveLength(20);
    for (const best of [68, 69, 70, 71, 72]) expect(got).toContain(best);
    expect(got).toEqual([...got].sort((a, b) => a - b));
    expect(got[0]).toBe(0);
    expect(downsample(items, 20, score, 5)).toEqual(got);
  });
});

describe('paramAxes', () => {
  it('merges distributions: log, range, choices as labels', () => {
    const axes = paramAxes([
      trial(0, {
        params: { lr: 0.01, optimizer: 'adam' },
        distributions: { lr: SPACE.lr!, optimizer: SPACE.optimizer! },
      }),
      trial(1, {
        params: { flag: true },
        distributions: { flag: { kind: 'categorical', choices: [true, false] } },
      }),
    ]);
    expect(axes.map((a) => a.name)).toEqual(['lr', 'optimizer', 'flag']);
    expect(axes[0]).toMatchObject({ kind: 'float', log: true, low: 1e-5, high: 1 });
    expect(axes[1]).toMatchObject({
      kind: 'categorical',
      choices: ['sgd', 'momentum', 'adam'],
      low: 0,
      high: 2,
    });
    expect(axes[2]?.choices).toEqual(['true', 'false']);
  });
});

describe('quantile', () => {
  it('interpolates like numpy', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.1)).toBeCloseTo(1.4, 12);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

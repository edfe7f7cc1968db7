import { describe, expect, it } from 'vitest';
import { ewa } from './smoothing.js';

// Oracle: the bias-corrected average is the weighted mean with weights w^(t-k), written out directly.
function weightedMean(values: number[], w: number): number[] {
  return values.map((_, t) => {
    let num = 0;
    let den = 0;
    for (let k = 0; k <= t; k++) {
      num += w ** (t - k) * (values[k] as number);
      den += w ** (t - k);
    }
    return num / den;
  });
}

describe('ewa', () => {
  const values = [4, 2, 5, 1, 3, 8, 0.5];

  it('is the identity at weight 0', () => {
    expect(ewa(values, 0)).toEqual(values);
    expect(ewa(values, 0, false)).toEqual(values);
  });

  it('with bias correction equals the exponentially weighted mean of the values so far', () => {
    const got = ewa(values, 0.6);
    weightedMean(values, 0.6).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
    expect(ewa([7, 7, 7], 0.9)).toEqual([7, 7, 7].map(() => expect.closeTo(7, 12)));
  });

  it('without bias correction starts from 0 (the first point is (1 - w)·v)', () => {
    const got = ewa([10, 10], 0.9, false);
    expect(got[0]).toBeCloseTo(1, 12);
    expect(got[1]).toBeCloseTo(1.9, 12);
  });

  it('passes non-finite values through without letting them into the average', () => {
    expect(ewa([1, NaN, 1], 0.5)).toEqual([1, NaN, 1]);
  });

  it('rejects a weight outside [0, 1)', () => {
    expect(() => ewa(values, 1)).toThrow(RangeError);
    expect(() => ewa(values, -0.1)).toThrow(RangeError);
  });
});

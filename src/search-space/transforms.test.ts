import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { categoricalDistribution, contains, floatDistribution, intDistribution } from './distributions.js';
import type { Distribution } from './distributions.js';
import { cardinality, fromUnit, toUnit } from './transforms.js';

const distributionArb: fc.Arbitrary<Distribution> = fc.oneof(
  fc
    .tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }))
    .map(([low, width]) => floatDistribution('x', low, low + width)),
  fc
    .tuple(fc.double({ min: 1e-8, max: 1e3, noNaN: true }), fc.double({ min: 1, max: 1e6, noNaN: true }))
    .map(([low, ratio]) => floatDistribution('x', low, low * ratio, { log: true })),
  fc
    .tuple(
      fc.integer({ min: -100, max: 100 }),
      fc.integer({ min: 0, max: 50 }),
      fc.integer({ min: 1, max: 7 }),
    )
    .map(([low, k, step]) => intDistribution('n', low, low + k * step, { step })),
  fc
    .tuple(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 10000 }))
    .map(([low, width]) => intDistribution('n', low, low + width, { log: true })),
  fc
    .tuple(fc.integer({ min: -10, max: 10 }), fc.integer({ min: 0, max: 40 }))
    .map(([low, k]) => floatDistribution('s', low / 4, low / 4 + k * 0.25, { step: 0.25 })),
  fc
    .uniqueArray(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), {
      minLength: 1,
      maxLength: 8,
      selector: (v) => `${typeof v}:${String(v)}`,
    })
    .map((choices) => categoricalDistribution('c', choices)),
);

describe('unit transforms', () => {
  it('map every u in [0, 1] to a point the distribution contains (property)', () => {
    fc.assert(
      fc.property(distributionArb, fc.double({ min: 0, max: 1, noNaN: true }), (d, u) => {
        expect(contains(d, fromUnit(d, u))).toBe(true);
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('invert: fromUnit(toUnit(v)) returns v for points of the distribution (property)', () => {
    fc.assert(
      fc.property(distributionArb, fc.double({ min: 0, max: 1, noNaN: true }), (d, u) => {
        const v = fromUnit(d, u);
        const back = fromUnit(d, toUnit(d, v));
        if (typeof v === 'number' && d.kind === 'float' && d.step === null)
          expect(back as number).toBeCloseTo(v, 6);
        else expect(back).toEqual(v);
        const t = toUnit(d, v);
        expect(t).toBeGreaterThanOrEqual(0);
        expect(t).toBeLessThanOrEqual(1);
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('work in log space for log ranges', () => {
    const d = floatDistribution('lr', 1e-4, 1, { log: true });
    expect(fromUnit(d, 0.5)).toBeCloseTo(1e-2, 12);
    expect(toUnit(d, 1e-3)).toBeCloseTo(0.25, 12);
  });

  it('give each int and step point an equal share of the interval', () => {
    const d = intDistribution('k', 0, 3);
    expect([0.01, 0.26, 0.51, 0.76].map((u) => fromUnit(d, u))).toEqual([0, 1, 2, 3]);
    expect(toUnit(d, 0)).toBeCloseTo(0.125);
    const s = floatDistribution('d', 0, 0.5, { step: 0.1 });
    expect(fromUnit(s, 0.5)).toBe(0.3);
    expect(fromUnit(s, 1)).toBe(0.5);
    const c = categoricalDistribution('c', ['a', 'b', 'c']);
    expect([0, 0.34, 0.99, 1].map((u) => fromUnit(c, u))).toEqual(['a', 'b', 'c', 'c']);
  });

  it('count the points of discrete distributions', () => {
    expect(cardinality(intDistribution('u', 16, 512, { step: 16 }))).toBe(32);
    expect(cardinality(floatDistribution('d', 0, 1, { step: 0.1 }))).toBe(11);
    expect(cardinality(floatDistribution('x', 0, 1))).toBe(Infinity);
    expect(cardinality(categoricalDistribution('c', [1, 2]))).toBe(2);
  });
});

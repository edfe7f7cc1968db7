import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TunekitError } from '../errors.js';
import { caught } from '../testing/errors.js';
import {
  categoricalDistribution,
  contains,
  describeDistribution,
  distributionsEqual,
  floatDistribution,
  intDistribution,
  validateDistribution,
} from './distributions.js';

describe('distribution validation', () => {
  it.each([
    ['low > high', () => floatDistribution('lr', 1, 0), /low \(1\) is greater than high \(0\)/],
    ['log with low <= 0', () => floatDistribution('lr', 0, 1, { log: true }), /log scale needs low > 0/],
    [
      'log and step',
      () => floatDistribution('lr', 0.1, 1, { log: true, step: 0.1 }),
      /log and step cannot be used together/,
    ],
    ['int log and step', () => intDistribution('units', 1, 64, { log: true, step: 2 }), /log and step/],
    [
      'step that does not fit',
      () => floatDistribution('dropout', 0, 1, { step: 0.3 }),
      /does not fit.*high = 0.9/,
    ],
    ['int step that does not fit', () => intDistribution('units', 16, 100, { step: 16 }), /use high = 96/],
    ['negative step', () => floatDistribution('x', 0, 1, { step: -0.1 }), /step must be a positive/],
    ['NaN bound', () => floatDistribution('x', NaN, 1), /low must be a finite number/],
    ['infinite bound', () => floatDistribution('x', 0, Infinity), /high must be a finite number/],
    ['non-integer int bound', () => intDistribution('k', 0.5, 3), /low must be an integer/],
    ['empty choices', () => categoricalDistribution('act', []), /non-empty array/],
    [
      'duplicate choices',
      () => categoricalDistribution('act', ['relu', 'tanh', 'relu']),
      /duplicate choice "relu"/,
    ],
    ['object choice', () => categoricalDistribution('act', [{}] as never), /got object/],
    [
      'unknown kind',
      () => validateDistribution('p', { kind: 'gaussian' }),
      /unknown distribution kind "gaussian"/,
    ],
  ])('rejects %s with a message naming the parameter', (_label, make, message) => {
    const error = caught(make);
    expect(error.code).toBe('invalid_distribution');
    expect(error.message).toMatch(/^parameter "\w+": /);
    expect(error.message).toMatch(message);
  });

  it('accepts the usual forms and keeps them as plain data', () => {
    expect(floatDistribution('lr', 1e-5, 1e-1, { log: true })).toEqual({
      kind: 'float',
      low: 1e-5,
      high: 1e-1,
      log: true,
      step: null,
    });
    expect(floatDistribution('d', 0, 1, { step: 0.1 })).toEqual({
      kind: 'float',
      low: 0,
      high: 1,
      log: false,
      step: 0.1,
    });
    expect(intDistribution('u', 16, 512, { step: 16 })).toEqual({
      kind: 'int',
      low: 16,
      high: 512,
      log: false,
      step: 16,
    });
    expect(intDistribution('l', 1, 64, { log: true })).toEqual({
      kind: 'int',
      low: 1,
      high: 64,
      log: true,
      step: 1,
    });
    expect(categoricalDistribution('c', ['a', 1, true, null])).toEqual({
      kind: 'categorical',
      choices: ['a', 1, true, null],
    });
    expect(JSON.parse(JSON.stringify(floatDistribution('x', 0, 1)))).toEqual(floatDistribution('x', 0, 1));
    // 1 and "1" and true are different choices
    expect(categoricalDistribution('c', [1, '1', true]).choices).toHaveLength(3);
  });

  it('round-trips through validateDistribution and compares by value', () => {
    const ds = [
      floatDistribution('a', -1, 1),
      floatDistribution('b', 1e-3, 1, { log: true }),
      intDistribution('c', 0, 10, { step: 2 }),
      intDistribution('d', 1, 100, { log: true }),
      categoricalDistribution('e', ['x', null]),
    ];
    for (const d of ds) {
      const again = validateDistribution('p', JSON.parse(JSON.stringify(d)));
      expect(distributionsEqual(again, d)).toBe(true);
    }
    expect(distributionsEqual(ds[0]!, ds[1]!)).toBe(false);
    expect(
      distributionsEqual(
        categoricalDistribution('e', ['x', null]),
        categoricalDistribution('e', [null, 'x']),
      ),
    ).toBe(false);
  });

  it('knows which values a distribution contains', () => {
    expect(contains(floatDistribution('d', 0, 1, { step: 0.1 }), 0.30000000000000004)).toBe(true);
    expect(contains(floatDistribution('d', 0, 1, { step: 0.1 }), 0.35)).toBe(false);
    expect(contains(intDistribution('u', 16, 64, { step: 16 }), 48)).toBe(true);
    expect(contains(intDistribution('u', 16, 64, { step: 16 }), 40)).toBe(false);
    expect(contains(intDistribution('u', 1, 3), 2.5)).toBe(false);
    expect(contains(floatDistribution('x', 0, 1), NaN)).toBe(false);
    expect(contains(categoricalDistribution('c', [null, 'a']), null)).toBe(true);
    expect(contains(categoricalDistribution('c', [1]), '1')).toBe(false);
  });

  it('describes distributions for people', () => {
    expect(describeDistribution(floatDistribution('lr', 1e-5, 0.1, { log: true }))).toBe(
      'float in [0.00001, 0.1] (log)',
    );
    expect(describeDistribution(intDistribution('u', 16, 64, { step: 16 }))).toBe(
      'int in [16, 64] (step 16)',
    );
  });

  it('either accepts a random range or rejects it with a code (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: false }),
        fc.double({ noNaN: false }),
        fc.boolean(),
        fc.option(fc.double(), { nil: undefined }),
        (low, high, log, step) => {
          let d;
          try {
            d = floatDistribution('p', low, high, step === undefined ? { log } : { log, step });
          } catch (error) {
            expect(error).toBeInstanceOf(TunekitError);
            expect((error as TunekitError).code).toBe('invalid_distribution');
            return;
          }
          expect(d.low).toBeLessThanOrEqual(d.high);
          expect(Number.isFinite(d.low) && Number.isFinite(d.high)).toBe(true);
          if (d.log) expect(d.low).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000, seed: 42 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { advice, formatRange, formatValue, narrowedSpace } from './advice.js';
import type { CategoricalAdvice, NumericAdvice } from './advice.js';
import { importance } from './importance.js';
import { linear, record, sampleTrials, training } from './testing/synthetic.js';
import { categoricalDistribution, floatDistribution, intDistribution } from '../search-space/index.js';

describe('advice', () => {
  const space = {
    lr: floatDistribution('lr', 1e-5, 1, { log: true }),
    layers: intDistribution('layers', 1, 8),
    act: categoricalDistribution('act', ['relu', 'tanh', 'gelu', 'elu']),
  };
  // The best trials (lowest values) have lr in [1e-3, 1e-2], 2-3 layers, relu or gelu; elu is never tried.
  const trials = [
    ...Array.from({ length: 10 }, (_, i) =>
      record(
        i,
        { lr: 1e-3 * 10 ** (i / 9), layers: 2 + (i % 2), act: i % 2 ? 'relu' : 'gelu' },
        space,
        i / 100,
      ),
    ),
    ...Array.from({ length: 30 }, (_, i) =>
      record(
        10 + i,
        { lr: 10 ** (-5 + (5 * i) / 29), layers: 1 + (i % 8), act: i % 3 === 0 ? 'tanh' : 'relu' },
        space,
        1 + i,
      ),
    ),
  ];

  it('reports the range the best trials span, log-aware, and the choices that never reach them', () => {
    const result = advice(trials, { quantile: 0.25 });
    expect(result.nTop).toBe(10);
    const lr = result.params.find((p) => p.param === 'lr') as NumericAdvice;
    expect(lr.low).toBeCloseTo(1e-3, 12);
    expect(lr.high).toBeCloseTo(1e-2, 12);
    // One decade of five, measured in log space.
    expect(lr.span).toBeCloseTo(0.2, 9);
    expect(lr.distribution).toEqual({ kind: 'float', low: lr.low, high: lr.high, log: true, step: null });
    const layers = result.params.find((p) => p.param === 'layers') as NumericAdvice;
    expect([layers.low, layers.high, layers.span]).toEqual([2, 3, 0.25]);
    const act = result.params.find((p) => p.param === 'act') as CategoricalAdvice;
    expect(act.never).toEqual(['tanh']);
    expect(act.untried).toEqual(['elu']);
    expect(act.top).toEqual([
      { choice: 'relu', count: 5 },
      { choice: 'gelu', count: 5 },
    ]);
    expect(narrowedSpace(result).act).toEqual({ kind: 'categorical', choices: ['relu', 'gelu', 'elu'] });
    expect(result.summary).toBe('narrow lr to 1e-3 .. 1e-2; narrow layers to 2 .. 3; drop act tanh');
  });

  it('takes the best at the other end when maximising', () => {
    const result = advice(trials, { quantile: 0.25, direction: 'maximize' });
    const lr = result.params.find((p) => p.param === 'lr') as NumericAdvice;
    expect(lr.high).toBeCloseTo(1, 9);
  });

  it('ranks by importance and calls negligible parameters so', () => {
    const study = sampleTrials(training, 200, 1);
    const result = advice(study, { importance: importance(study) });
    expect(result.params.map((p) => p.param)).toEqual(['learning_rate', 'optimizer', 'units', 'batch_size']);
    expect(result.summary).toMatch(
      /^narrow learning_rate to \S+ \.\. \S+; drop optimizer sgd; units and batch_size barely matter$/,
    );
    const lr = result.params[0] as NumericAdvice;
    // The optimum is at 1e-3 (adam) or 10^-2.5 (others): the best trials bracket it.
    expect(lr.low).toBeLessThan(1e-3);
    expect(lr.high).toBeGreaterThan(10 ** -2.5);
    expect(lr.high).toBeLessThan(0.1);
  });

  it('says so when the best trials cover everything', () => {
    const study = sampleTrials(linear, 40, 2).map((t) => ({ ...t, values: [0.5 + (t.number % 2) * 1e-9] }));
    expect(advice(study, { quantile: 1 }).summary).toBe(
      'no clear advice yet: the best trials cover most of every range',
    );
  });
});

describe('formatValue', () => {
  it('keeps two significant digits and writes small magnitudes as exponents', () => {
    expect([3e-4, 0.0021, 0.5, 0.123456, 64, 2.5e7, 0].map((v) => formatValue(v))).toEqual([
      '3e-4',
      '2.1e-3',
      '0.5',
      '0.12',
      '64',
      '2.5e7',
      '0',
    ]);
  });
});

describe('formatRange', () => {
  it('writes both ends in one notation', () => {
    expect(formatRange(1e-3, 0.01)).toBe('1e-3 .. 1e-2');
    expect(formatRange(0.1, 0.5)).toBe('0.1 .. 0.5');
    expect(formatRange(16, 240)).toBe('16 .. 240');
    expect(formatRange(0.0021, 0.11, false)).toBe('0.0021 .. 0.11');
  });
});

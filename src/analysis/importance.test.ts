import { describe, expect, it } from 'vitest';
import { importance, interactions, chooseEvaluator, FANOVA_MAX_TRIALS } from './importance.js';
import { linear, product, record, sampleTrials, training } from './testing/synthetic.js';
import { floatDistribution } from '../search-space/index.js';

const ranking = (result: ReturnType<typeof importance>): string[] => result.params.map((p) => p.param);
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

describe('importance (fANOVA)', () => {
  it('f = 10·x1 + x2 + noise: x1 first, x2 second, the irrelevant float and categorical last', () => {
    const result = importance(sampleTrials(linear, 200, 1));
    expect(result.evaluator).toBe('fanova');
    expect(ranking(result).slice(0, 2)).toEqual(['x1', 'x2']);
    expect(result.params[0]!.importance).toBeGreaterThan(0.95);
    expect(sum(result.params.map((p) => p.importance))).toBeCloseTo(1, 9);
    const color = result.params.find((p) => p.param === 'color')!;
    expect(color.importance).toBeLessThan(result.params[1]!.importance);
  });

  it('a loss-like study: log-scale learning rate, then the optimizer, then width; batch size last', () => {
    const result = importance(sampleTrials(training, 200, 2));
    expect(ranking(result)).toEqual(['learning_rate', 'optimizer', 'units', 'batch_size']);
  });

  it('is deterministic for a seed', () => {
    const trials = sampleTrials(training, 80, 3);
    expect(importance(trials, { seed: 5, nTrees: 8 })).toEqual(importance(trials, { seed: 5, nTrees: 8 }));
  });

  it('gives parameters with one possible value 0 and lists them last', () => {
    const space = { a: floatDistribution('a', 0, 1), fixed: floatDistribution('fixed', 2, 2) };
    const trials = Array.from({ length: 30 }, (_, i) =>
      record(i, { a: i / 30, fixed: 2 }, space, (i / 30) ** 2),
    );
    const result = importance(trials);
    expect(result.params).toEqual([
      expect.objectContaining({ param: 'a', importance: 1 }),
      { param: 'fixed', importance: 0 },
    ]);
  });

  it('restricts to the requested params and explains a chosen target', () => {
    const trials = sampleTrials(linear, 100, 4);
    expect(ranking(importance(trials, { params: ['x2', 'x3'] })).sort()).toEqual(['x2', 'x3']);
    const flipped = importance(trials, { target: (t) => -t.values![0]! });
    expect(ranking(flipped)[0]).toBe('x1');
  });

  it('fails with a code when nothing can be said', () => {
    const space = { a: floatDistribution('a', 0, 1) };
    expect(() => importance([record(0, { a: 0.5 }, space, 1)])).toThrow(
      expect.objectContaining({ code: 'no_completed_trials' }),
    );
    const flat = Array.from({ length: 10 }, (_, i) => record(i, { a: i / 10 }, space, 1));
    expect(() => importance(flat)).toThrow(expect.objectContaining({ code: 'no_variance' }));
    const multi = sampleTrials(linear, 10, 1).map((t) => ({ ...t, values: [1, 2] }));
    expect(() => importance(multi)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('importance (PED-ANOVA)', () => {
  it('finds the most important and the irrelevant parameters', () => {
    expect(ranking(importance(sampleTrials(linear, 300, 5), { evaluator: 'ped-anova' }))[0]).toBe('x1');
    const result = importance(sampleTrials(training, 300, 6), { evaluator: 'ped-anova' });
    expect(result.evaluator).toBe('ped-anova');
    // PED-ANOVA is local: among the best 10% every trial has a good learning rate and no sgd, so what still
    // separates them is the width, which it may rank above the optimizer (fANOVA, global, does not).
    expect(ranking(result)[0]).toBe('learning_rate');
    expect(ranking(result)[3]).toBe('batch_size');
    expect(result.params[3]!.importance).toBeLessThan(0.1);
    expect(sum(result.params.map((p) => p.importance))).toBeCloseTo(1, 9);
  });

  it('looks at the good end: maximising the negated objective gives the same answer', () => {
    const trials = sampleTrials(training, 200, 7);
    const negated = trials.map((t) => ({ ...t, values: [-t.values![0]!] }));
    expect(importance(negated, { evaluator: 'ped-anova', direction: 'maximize' })).toEqual(
      importance(trials, { evaluator: 'ped-anova' }),
    );
  });
});

describe('chooseEvaluator', () => {
  it('uses fANOVA up to the threshold and PED-ANOVA beyond; an explicit choice wins', () => {
    expect(chooseEvaluator(FANOVA_MAX_TRIALS)).toBe('fanova');
    expect(chooseEvaluator(FANOVA_MAX_TRIALS + 1)).toBe('ped-anova');
    expect(chooseEvaluator(5000, 'fanova')).toBe('fanova');
    expect(() => chooseEvaluator(5, 'nope' as 'fanova')).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});

describe('interactions', () => {
  it('f = x1·x2 on [-1, 1]²: the pair carries most of the variance, and everything sums to about 1', () => {
    const result = interactions(sampleTrials(product, 400, 8));
    expect(result.pairs[0]!.params).toEqual(['x1', 'x2']);
    expect(result.pairs[0]!.share).toBeGreaterThan(0.6);
    expect(result.pairs[1]!.share).toBeLessThan(0.1);
    expect(result.explained).toBeGreaterThan(0.9);
    expect(result.explained).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('an additive study has no interaction to speak of', () => {
    const result = interactions(sampleTrials(linear, 200, 9), { top: 2 });
    expect(result.pairs).toHaveLength(2);
    expect(result.pairs[0]!.share).toBeLessThan(0.02);
    expect(result.explained).toBeGreaterThan(0.97);
  });

  it('subsamples big studies to maxTrials', () => {
    const result = interactions(sampleTrials(product, 300, 10), { maxTrials: 100, nTrees: 8 });
    expect(result.nTrials).toBe(100);
  });
});

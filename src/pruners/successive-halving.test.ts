import { describe, expect, it } from 'vitest';
import { prunerContract, record, studyInfo } from './pruner.contract.js';
import { SuccessiveHalvingPruner, isPromotable, rungPromotionStep, rungValue } from './successive-halving.js';

prunerContract('successive halving', {
  make: () => new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 }),
});

describe('rung arithmetic (hand-computed)', () => {
  it('ends rung k at r·η^(s+k)', () => {
    expect([0, 1, 2, 3].map((k) => rungPromotionStep(1, 3, 0, k))).toEqual([1, 3, 9, 27]);
    expect([0, 1, 2].map((k) => rungPromotionStep(2, 4, 1, k))).toEqual([8, 32, 128]);
    expect(rungPromotionStep(5, 2, 2, 0)).toBe(20);
  });

  it('promotes the best ⌊n/η⌋ of the n trials at a rung, and at least the best one', () => {
    const nine = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    // ⌊9/3⌋ = 3 go on: 0.1, 0.2, 0.3.
    expect(isPromotable(0.3, nine, 3, 'minimize')).toBe(true);
    expect(isPromotable(0.4, nine, 3, 'minimize')).toBe(false);
    expect(isPromotable(0.7, nine, 3, 'maximize')).toBe(true);
    expect(isPromotable(0.6, nine, 3, 'maximize')).toBe(false);
    // Two trials with η = 3: ⌊2/3⌋ = 0, but the best still goes on.
    expect(isPromotable(1, [1, 2], 3, 'minimize')).toBe(true);
    expect(isPromotable(2, [1, 2], 3, 'minimize')).toBe(false);
    // The first trial to reach a rung is alone there, hence promoted.
    expect(isPromotable(42, [42], 4, 'minimize')).toBe(true);
  });

  it("reads a trial's rung value at its first report at or past the rung end", () => {
    const end = (k: number) => rungPromotionStep(1, 2, 0, k); // 1, 2, 4, 8
    const dense = record(0, 'complete', [9, 8, 7, 6, 5, 4]);
    expect([0, 1, 2, 3].map((k) => rungValue(dense, k, end))).toEqual([8, 7, 5, undefined]);
    const sparse = record(1, 'complete', { 0: 9, 3: 6, 6: 3 });
    expect([0, 1, 2].map((k) => rungValue(sparse, k, end))).toEqual([6, 6, 3]);
    // Pruned at step 3, which crossed the ends of rungs 0 and 1: it counts at rung 0 only.
    const prunedSparse = record(2, 'pruned', { 0: 9, 3: 6 });
    expect([0, 1].map((k) => rungValue(prunedSparse, k, end))).toEqual([6, undefined]);
  });
});

describe('SuccessiveHalvingPruner decisions (hand-computed)', () => {
  // η = 2, r = 1: rung ends at steps 1, 2, 4, 8. Four earlier trials reported these values.
  const others = [
    record(0, 'complete', [5, 1.0, 0.8, 0.6, 0.5]),
    record(1, 'complete', [5, 2.0, 1.5, 1.2, 1.0]),
    record(2, 'pruned', [5, 3.0]),
    record(3, 'running', [5, 4.0, 3.5]),
  ];
  const pruner = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 });
  const decide = (reports: number[] | Record<number, number>) => {
    const t = record(9, 'running', reports);
    return pruner.prune({ study: studyInfo(), trials: [...others, t] }, t);
  };

  it('does not judge before the first rung ends', () => {
    expect(decide([100])).toBe(false);
  });

  it('at rung 0, keeps the best ⌊5/2⌋ = 2 of five: it must beat 2.0', () => {
    expect(decide([5, 2.0])).toBe(false); // ties with the 2nd best: kept
    expect(decide([5, 2.1])).toBe(true);
    expect(decide([5, 1.5])).toBe(false);
  });

  it('judges each rung once: at step 2 only rung 1 (three trials there, the best one goes on)', () => {
    // Rung 1 values: 0.8 (trial 0), 1.5 (trial 1), 3.5 (trial 3, running). With ours, 4 values: best 2 go on.
    expect(decide([5, 9, 1.5])).toBe(false); // 9 at step 1 was judged then; now 1.5 is 2nd of 4
    expect(decide([5, 9, 1.6])).toBe(true);
  });

  it('prunes a NaN at a rung end, not between rung ends', () => {
    expect(decide([5, 1, NaN])).toBe(true);
    expect(decide([5, 1, 1, NaN])).toBe(false); // step 3 ends no rung
  });

  it("with minResource 'auto', waits for a complete trial and takes 1/100 of its last step", () => {
    const auto = new SuccessiveHalvingPruner({ reductionFactor: 2 });
    expect(auto.resolveMinResource([record(0, 'running', Array(500).fill(1))])).toBeNull();
    const first = record(0, 'complete', Array(251).fill(1), 10); // last step 250
    const later = record(1, 'complete', Array(900).fill(1), 20);
    expect(auto.resolveMinResource([later, first])).toBe(2);
    expect(auto.resolveMinResource([record(0, 'complete', [1, 1], 5)])).toBe(1);
    expect(() => new SuccessiveHalvingPruner({ bootstrapCount: 1 })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });

  it('with bootstrapCount, prunes until enough trials reached the rung', () => {
    const strict = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2, bootstrapCount: 5 });
    const t = record(9, 'running', [5, 0.1]);
    expect(strict.prune({ study: studyInfo(), trials: [...others, t] }, t)).toBe(true); // 5 values, not > 5
    const loose = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2, bootstrapCount: 4 });
    expect(loose.prune({ study: studyInfo(), trials: [...others, t] }, t)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { isTunekitError } from '../errors.js';
import type { TrialRecord } from '../study/types.js';
import { MedianPruner, PercentilePruner, percentileOf } from './percentile.js';
import { prunerContract, record, studyInfo } from './pruner.contract.js';

prunerContract('median', { make: () => new MedianPruner({ nStartupTrials: 2 }) });
prunerContract('percentile', {
  make: () => new PercentilePruner(40, { nStartupTrials: 3, nWarmupSteps: 1 }),
});

// Five complete trials; at step 1 they reported 1, 2, 3, 4, 5 (median 3); at step 2, 0.5 … 4.5.
const complete = [1, 2, 3, 4, 5].map((v, i) => record(i, 'complete', [v + 1, v, v - 0.5]));

function decide(
  pruner: MedianPruner,
  trial: TrialRecord,
  others: TrialRecord[] = complete,
  direction: 'minimize' | 'maximize' = 'minimize',
) {
  return pruner.prune({ study: studyInfo(direction), trials: [...others, trial] }, trial);
}

describe('MedianPruner on a constructed history', () => {
  const median = new MedianPruner();

  it('prunes a trial whose best value is worse than the median at its step, and only then', () => {
    expect(decide(median, record(9, 'running', [4, 3.5]))).toBe(true);
    expect(decide(median, record(9, 'running', [4, 3]))).toBe(false); // equal to the median is kept
    expect(decide(median, record(9, 'running', [4, 2.9]))).toBe(false);
  });

  it("judges the trial's best value so far, not its latest", () => {
    expect(decide(median, record(9, 'running', [2.5, 3.5]))).toBe(false);
  });

  it('waits for nStartupTrials complete trials; running and pruned ones do not count', () => {
    const fourDone = [...complete.slice(0, 4), record(4, 'pruned', [6, 5])];
    expect(decide(median, record(9, 'running', [9, 9]), fourDone)).toBe(false);
    expect(decide(new MedianPruner({ nStartupTrials: 4 }), record(9, 'running', [9, 9]), fourDone)).toBe(
      true,
    );
  });

  it('waits for the warm-up steps and checks every intervalSteps after them', () => {
    expect(decide(new MedianPruner({ nWarmupSteps: 2 }), record(9, 'running', [9, 9]))).toBe(false);
    expect(decide(new MedianPruner({ nWarmupSteps: 2 }), record(9, 'running', [9, 9, 9]))).toBe(true);
    const every2 = new MedianPruner({ intervalSteps: 2 });
    expect(decide(every2, record(9, 'running', [9, 9]))).toBe(false); // step 1: not a check point
    expect(decide(every2, record(9, 'running', [9, 9, 9]))).toBe(true); // step 2: a check point
    // A check point with no report is made up for at the next report, once.
    expect(
      decide(
        every2,
        record(9, 'running', { 0: 9, 1: 9, 3: 9 }),
        complete.map((t) => record(t.number, 'complete', { ...t.intermediateValues, 3: 1 })),
      ),
    ).toBe(true);
  });

  it('needs nMinTrials complete trials that reported the same step', () => {
    expect(decide(new MedianPruner({ nMinTrials: 6 }), record(9, 'running', [9, 9]))).toBe(false);
    expect(decide(new MedianPruner({ nMinTrials: 5 }), record(9, 'running', [9, 9]))).toBe(true);
    expect(decide(median, record(9, 'running', { 7: 9 }))).toBe(false); // nobody reported step 7
  });

  it('prunes a trial that reported only NaN', () => {
    expect(decide(median, record(9, 'running', [NaN, NaN]))).toBe(true);
  });

  it('mirrors for maximisation', () => {
    const negated = complete.map((t) =>
      record(
        t.number,
        'complete',
        Object.values(t.intermediateValues).map((v) => -v),
      ),
    );
    expect(decide(median, record(9, 'running', [-4, -3.5]), negated, 'maximize')).toBe(true);
    expect(decide(median, record(9, 'running', [-4, -3]), negated, 'maximize')).toBe(false);
  });

  it('refuses multi-objective studies and bad options, with a code', () => {
    const study = { ...studyInfo(), directions: ['minimize', 'minimize'] as const };
    const t = record(9, 'running', [9, 9]);
    expect(() => median.prune({ study, trials: [...complete, t] }, t)).toThrow(/single-objective/);
    for (const make of [
      () => new PercentilePruner(101),
      () => new MedianPruner({ intervalSteps: 0 }),
      () => new MedianPruner({ nStartupTrials: 1.5 }),
    ])
      expect(() => make()).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    try {
      new MedianPruner({ nWarmupSteps: -1 });
    } catch (error) {
      expect(isTunekitError(error, 'invalid_argument') && (error.details as { option: string }).option).toBe(
        'nWarmupSteps',
      );
    }
  });
});

describe('percentileOf', () => {
  it('interpolates linearly between order statistics and ignores NaN, as numpy does', () => {
    expect(percentileOf([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentileOf([4, 1, 3, 2], 25)).toBe(1.75);
    expect(percentileOf([4, 1, 3, 2], 100)).toBe(4);
    expect(percentileOf([4, NaN, 1], 0)).toBe(1);
    expect(percentileOf([NaN], 50)).toBeNaN();
  });
});

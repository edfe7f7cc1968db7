import { describe, expect, it } from 'vitest';
import { historyPlot } from './history.js';
import { trial } from './testing/records.js';

describe('historyPlot', () => {
  const trials = [
    trial(0, { values: [3] }),
    trial(1, { state: 'fail', values: null }),
    trial(2, { values: [1] }),
    trial(3, { state: 'pruned', values: [0.5] }),
    trial(4, { values: [2] }),
    trial(5, { state: 'running', values: null }),
  ];

  it('plots complete trials with the best value so far (minimize)', () => {
    const h = historyPlot(trials, ['minimize']);
    expect(h.numbers).toEqual([0, 2, 4]);
    expect(h.values).toEqual([3, 1, 2]);
    expect(h.best).toEqual([3, 1, 1]);
    expect(h.bestNumber).toBe(2);
  });

  it('follows the direction of the chosen objective', () => {
    const multi = [trial(0, { values: [1, 5] }), trial(1, { values: [2, 7] }), trial(2, { values: [0, 6] })];
    expect(historyPlot(multi, ['minimize', 'maximize'], 1)).toMatchObject({
      direction: 'maximize',
      best: [5, 7, 7],
      bestNumber: 1,
    });
    expect(historyPlot(multi, ['minimize', 'maximize'], 0).best).toEqual([1, 1, 0]);
  });

  it('is empty for a study without complete trials', () => {
    expect(historyPlot([trial(0, { state: 'fail' })], ['minimize'])).toMatchObject({
      numbers: [],
      bestNumber: null,
    });
  });
});

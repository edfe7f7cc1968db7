import { describe, expect, it } from 'vitest';
import { rankPlot } from './rank.js';
import { SPACE, trial } from './testing/records.js';

const dists = { lr: SPACE.lr!, optimizer: SPACE.optimizer! };

describe('rankPlot', () => {
  const trials = [
    trial(0, { values: [3], params: { lr: 0.1, optimizer: 'sgd' }, distributions: dists }),
    trial(1, { values: [1], params: { lr: 0.01, optimizer: 'adam' }, distributions: dists }),
    trial(2, { values: [2], params: { lr: 0.001, optimizer: 'adam' }, distributions: dists }),
    trial(3, { state: 'fail', params: { lr: 0.5, optimizer: 'sgd' }, distributions: dists }),
  ];

  it('ranks complete trials from 0 (best) to 1 in the study direction', () => {
    const min = rankPlot(trials, ['minimize'], 'lr', 'optimizer');
    expect(min.numbers).toEqual([0, 1, 2]);
    expect(min.rank).toEqual([1, 0, 0.5]);
    expect(min.py).toEqual([0, 2, 2]);
    expect(rankPlot(trials, ['maximize'], 'lr', 'optimizer').rank).toEqual([0, 1, 0.5]);
  });
});

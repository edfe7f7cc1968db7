import { describe, expect, it } from 'vitest';
import { sharedParams, trialData } from './dataset.js';
import { record } from './testing/synthetic.js';
import { categoricalDistribution, floatDistribution } from '../search-space/index.js';

const lr = floatDistribution('lr', 1e-4, 1, { log: true });
const opt = categoricalDistribution('opt', ['sgd', 'adam']);

describe('trialData', () => {
  it('encodes log ranges in log space and categorical choices as indices; skips unfinished trials', () => {
    const trials = [
      record(0, { lr: 1e-2, opt: 'adam' }, { lr, opt }, 3),
      { ...record(1, { lr: 1e-3, opt: 'sgd' }, { lr, opt }, 4), state: 'pruned' as const },
    ];
    const data = trialData(trials);
    expect(data.params).toEqual(['lr', 'opt']);
    expect(data.x).toEqual([[0.5, 1]]);
    expect(data.y).toEqual([3]);
    expect(data.rows.map((t) => t.number)).toEqual([0]);
  });

  it('uses only the parameters every trial has (conditional ones are left out unless asked for)', () => {
    const momentum = floatDistribution('momentum', 0, 1);
    const trials = [
      record(0, { lr: 1e-2, opt: 'sgd', momentum: 0.9 }, { lr, opt, momentum }, 1),
      record(1, { lr: 1e-3, opt: 'adam' }, { lr, opt }, 2),
    ];
    expect(sharedParams(trials)).toEqual(['lr', 'opt']);
    expect(trialData(trials, { params: ['momentum'] }).y).toEqual([1]);
  });

  it('refuses one parameter drawn from different ranges', () => {
    const other = floatDistribution('lr', 1e-5, 1, { log: true });
    const trials = [record(0, { lr: 1e-2 }, { lr }, 1), record(1, { lr: 1e-2 }, { lr: other }, 2)];
    expect(() => trialData(trials, { params: ['lr'] })).toThrow(
      expect.objectContaining({ code: 'incompatible_distribution' }),
    );
    expect(sharedParams(trials)).toEqual([]);
  });
});

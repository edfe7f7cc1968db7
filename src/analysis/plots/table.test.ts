import { describe, expect, it } from 'vitest';
import { trialTable } from './table.js';
import { trial } from './testing/records.js';

describe('trialTable', () => {
  const trials = [
    trial(0, { values: [3], params: { lr: 0.1, opt: 'sgd' } }),
    trial(1, { state: 'fail', params: { lr: 0.5, opt: 'adam' } }),
    trial(2, { values: [1], params: { lr: 0.01, opt: 'adam' } }),
    trial(3, { state: 'pruned', values: [2], params: { lr: 0.2 } }),
    trial(4, { values: [0.5], params: { lr: 0.9, opt: 'sgd' } }),
  ];
  const numbers = (t: ReturnType<typeof trialTable>) => t.rows.map((r) => r.number);

  it('filters by state and by a parameter range', () => {
    expect(numbers(trialTable(trials, { states: ['complete'] }))).toEqual([0, 2, 4]);
    const t = trialTable(trials, { ranges: [{ field: 'param:lr', min: 0.05, max: 0.5 }] });
    expect(numbers(t)).toEqual([0, 1, 3]);
    expect(t).toMatchObject({ total: 5, matched: 3 });
  });

  it('sorts by value or parameter either way, trials lacking the field last', () => {
    expect(numbers(trialTable(trials, { sort: 'value' }))).toEqual([4, 2, 3, 0, 1]);
    expect(numbers(trialTable(trials, { sort: 'value', order: 'desc' }))).toEqual([0, 3, 2, 4, 1]);
    expect(numbers(trialTable(trials, { sort: 'param:opt' }))).toEqual([1, 2, 0, 4, 3]);
  });

  it('pages', () => {
    const t = trialTable(trials, { sort: 'number', order: 'desc', offset: 1, limit: 2 });
    expect(numbers(t)).toEqual([3, 2]);
    expect(t).toMatchObject({ matched: 5, offset: 1, limit: 2 });
    expect(t.rows[0]).toMatchObject({ state: 'pruned', durationMs: 5 });
  });
});

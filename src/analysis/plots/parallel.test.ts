import { describe, expect, it } from 'vitest';
import { parallelPlot } from './parallel.js';
import { SPACE, syntheticTrials, trial } from './testing/records.js';

describe('parallelPlot', () => {
  it('has one axis per parameter, categories as indices, missing params as null, values last', () => {
    const plot = parallelPlot(
      [
        trial(0, {
          values: [1.5],
          params: { lr: 0.1, optimizer: 'adam' },
          distributions: { lr: SPACE.lr!, optimizer: SPACE.optimizer! },
        }),
        trial(1, { values: [0.5], params: { lr: 0.01 }, distributions: { lr: SPACE.lr! } }),
        trial(2, { state: 'fail', params: { lr: 0.3 }, distributions: { lr: SPACE.lr! } }),
      ],
      ['minimize'],
    );
    expect(plot.params.map((p) => [p.name, p.log])).toEqual([
      ['lr', true],
      ['optimizer', false],
    ]);
    expect(plot.rows).toEqual([
      [0.1, 2, 1.5],
      [0.01, null, 0.5],
    ]);
    expect(plot.numbers).toEqual([0, 1]);
    // Trial 1 has no optimizer: it is its own group, drawn without that axis.
    expect(plot.branches).toEqual([
      { params: [0, 1], rows: [0], totalTrials: 1 },
      { params: [0], rows: [1], totalTrials: 1 },
    ]);
  });

  it('caps the rows and keeps the best trial', () => {
    const trials = syntheticTrials(500, { seed: 2 });
    const plot = parallelPlot(trials, ['minimize'], { maxRows: 100 });
    expect(plot.rows).toHaveLength(100);
    const best = trials
      .filter((t) => t.state === 'complete')
      .sort((a, b) => a.values![0]! - b.values![0]!)[0]!;
    expect(plot.numbers).toContain(best.number);
    expect(plot.totalTrials).toBe(trials.filter((t) => t.state === 'complete').length);
  });
});

import { describe, expect, it } from 'vitest';
import { slicePlots } from './slice.js';
import { syntheticTrials } from './testing/records.js';

describe('slicePlots', () => {
  const trials = syntheticTrials(60, { seed: 4 });

  it('plots each parameter against the objective, log where the parameter is log', () => {
    const plots = slicePlots(trials, ['minimize']);
    expect(plots.map((p) => [p.axis.name, p.axis.log])).toEqual([
      ['lr', true],
      ['units', true],
      ['dropout', false],
      ['optimizer', false],
    ]);
    const complete = trials.filter((t) => t.state === 'complete');
    const lr = plots[0]!;
    expect(lr.numbers).toEqual(complete.map((t) => t.number));
    expect(lr.x).toEqual(complete.map((t) => t.params.lr));
    expect(lr.y).toEqual(complete.map((t) => t.values![0]));
    const optimizer = plots[3]!;
    expect(
      optimizer.x.every(
        (i) => optimizer.axis.choices[i] === complete[optimizer.x.indexOf(i)]!.params.optimizer,
      ),
    ).toBe(true);
  });

  it('can be limited to some parameters and sampled', () => {
    const plots = slicePlots(trials, ['minimize'], { params: ['dropout'], maxPoints: 10 });
    expect(plots).toHaveLength(1);
    expect(plots[0]!.x).toHaveLength(10);
    expect(plots[0]!.totalPoints).toBe(trials.filter((t) => t.state === 'complete').length);
  });
});

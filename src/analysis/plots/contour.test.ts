import { describe, expect, it } from 'vitest';
import { contourPlot } from './contour.js';
import { SPACE, trial } from './testing/records.js';

const dists = { lr: SPACE.lr!, dropout: SPACE.dropout!, optimizer: SPACE.optimizer! };

describe('contourPlot', () => {
  const trials = [
    trial(0, { values: [5], params: { lr: 1e-5, dropout: 0, optimizer: 'sgd' }, distributions: dists }),
    trial(1, { values: [3], params: { lr: 1.5e-5, dropout: 0.01, optimizer: 'sgd' }, distributions: dists }),
    trial(2, { values: [1], params: { lr: 1, dropout: 0.5, optimizer: 'adam' }, distributions: dists }),
    trial(3, {
      values: [2],
      params: { lr: 0.01, dropout: 0.26, optimizer: 'momentum' },
      distributions: dists,
    }),
  ];

  it('bins a log axis geometrically and keeps the best value and the count per cell', () => {
    const plot = contourPlot(trials, ['minimize'], 'lr', 'dropout', { bins: 5 });
    expect(plot.x.edges.map((e) => Math.log10(e))).toEqual(
      [-5, -4, -3, -2, -1, 0].map((v) => expect.closeTo(v, 9)),
    );
    expect(plot.y.edges).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5].map((v) => expect.closeTo(v, 12)));
    expect(plot.cells).toEqual(
      expect.arrayContaining([
        [0, 0, 3, 2],
        [4, 4, 1, 1],
        [3, 2, 2, 1],
      ]),
    );
    expect(plot.cells).toHaveLength(3);
    expect(plot.points.numbers).toEqual([0, 1, 2, 3]);
  });

  it('gives a categorical axis one cell per choice, and keeps the maximum when maximizing', () => {
    const plot = contourPlot(trials, ['maximize'], 'optimizer', 'dropout', { bins: 2 });
    expect(plot.x.edges).toEqual([-0.5, 0.5, 1.5, 2.5]);
    expect(plot.cells).toEqual(expect.arrayContaining([[0, 0, 5, 2]]));
  });

  it('names an unknown parameter in an error with a code', () => {
    expect(() => contourPlot(trials, ['minimize'], 'lr', 'nope')).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});

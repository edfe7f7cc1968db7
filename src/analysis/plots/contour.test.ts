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

  it('evaluates the surface on log-spaced nodes, cells ending at the range', () => {
    const plot = contourPlot(trials, ['minimize'], 'lr', 'dropout', { resolution: 6 });
    expect(plot.x.nodes.map((e) => Math.log10(e))).toEqual(
      [-5, -4, -3, -2, -1, 0].map((v) => expect.closeTo(v, 9)),
    );
    expect(plot.x.edges[0]).toBe(1e-5);
    expect(Math.log10(plot.x.edges[1]!)).toBeCloseTo(-4.5, 9);
    expect(plot.x.edges.at(-1)).toBe(1);
    expect(plot.y.nodes).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5].map((v) => expect.closeTo(v, 12)));
    expect(plot.points.numbers).toEqual([0, 1, 2, 3]);
  });

  it('is the kernel-weighted mean of the trials near a node, and empty far from all of them', () => {
    const plot = contourPlot(trials, ['minimize'], 'lr', 'dropout', { resolution: 6, bandwidth: 0.05 });
    // Node (1e-5, 0): trials 0 (value 5, on it) and 1 (value 3, close): between them, nearer 5.
    const corner = plot.z[0]![0]!;
    expect(corner).toBeGreaterThan(3);
    expect(corner).toBeLessThan(5);
    expect(corner).toBeGreaterThan(4);
    // Node (1, 0.5): only trial 2.
    expect(plot.z[5]![5]).toBeCloseTo(1, 9);
    // Node (1e-3, 0.5) is far from every trial: no value is invented there.
    expect(plot.z[5]![2]).toBeNull();
  });

  it('draws iso-lines that separate low from high values', () => {
    const many = Array.from({ length: 60 }, (_, i) => {
      const lr = 10 ** (-5 + (5 * (i % 10)) / 9);
      const dropout = (0.5 * Math.floor(i / 10)) / 5;
      return trial(i, {
        values: [Math.log10(lr)],
        params: { lr, dropout, optimizer: 'sgd' },
        distributions: dists,
      });
    });
    const plot = contourPlot(many, ['minimize'], 'lr', 'dropout', { resolution: 10, levels: 3 });
    expect(plot.lines).toHaveLength(3);
    // The objective depends on lr alone: every piece of the middle line is near lr = 10^-2.5.
    for (const [x1, , x2] of plot.lines[1]!.segments) {
      expect(Math.log10(x1)).toBeCloseTo(-2.5, 0);
      expect(Math.log10(x2)).toBeCloseTo(-2.5, 0);
    }
  });

  it('gives a categorical axis one node per choice at its index, and no iso-lines', () => {
    const plot = contourPlot(trials, ['maximize'], 'optimizer', 'dropout', { resolution: 3 });
    expect(plot.x.nodes).toEqual([0, 1, 2]);
    expect(plot.x.edges).toEqual([-0.5, 0.5, 1.5, 2.5]);
    expect(plot.lines).toEqual([]);
    // Choices are not mixed: the sgd column holds only sgd trials' values.
    for (const row of plot.z) if (row[0] !== null) expect(row[0]).toBeGreaterThanOrEqual(3);
  });

  it('names an unknown parameter in an error with a code', () => {
    expect(() => contourPlot(trials, ['minimize'], 'lr', 'nope')).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});

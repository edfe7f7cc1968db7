import { describe, expect, it } from 'vitest';
import { Rng } from '../../index.js';
import { hypervolume, hypervolumePlot } from './hypervolume.js';
import { trial } from './testing/records.js';

/** Monte Carlo estimate of the dominated share of the box [0, ref]: an oracle independent of the sweep. */
function monteCarlo(points: number[][], reference: number[], samples = 200_000): number {
  const rng = new Rng(5);
  let hits = 0;
  for (let s = 0; s < samples; s++) {
    const q = reference.map((r) => rng.uniform(0, r));
    if (points.some((p) => p.every((v, i) => v <= (q[i] as number)))) hits++;
  }
  return (hits / samples) * reference.reduce((a, r) => a * r, 1);
}

describe('hypervolume', () => {
  it('matches the written-out area of a 2-D staircase', () => {
    // Areas: [1,4]x[3,4] = 3, [2,4]x[1,3] = 4 (the dominated (3, 3) adds nothing): 7.
    expect(
      hypervolume(
        [
          [1, 3],
          [2, 1],
          [3, 3],
        ],
        [4, 4],
      ),
    ).toBe(7);
  });

  it('agrees with a Monte Carlo estimate in 3-D', () => {
    const rng = new Rng(1);
    const points = Array.from({ length: 12 }, () => [
      rng.uniform(0, 1),
      rng.uniform(0, 1),
      rng.uniform(0, 1),
    ]);
    expect(hypervolume(points, [1, 1, 1])).toBeCloseTo(monteCarlo(points, [1, 1, 1]), 2);
  });
});

describe('hypervolumePlot', () => {
  it('grows only when a trial joins the front, and handles a maximised objective', () => {
    const t = (n: number, a: number, b: number) => trial(n, { values: [a, b] });
    const plot = hypervolumePlot(
      [t(0, 2, 2), t(1, 3, 1), t(2, 1, 3), t(3, 0.5, 3.5)],
      ['minimize', 'maximize'],
      {
        reference: [4, 0],
      },
    );
    // Minimise a, maximise b (negated): (2, 2) dominates [2, 4] x [-2, 0], area 4; (3, 1) is dominated.
    expect(plot.values[0]).toBe(4);
    expect(plot.values[1]).toBe(4);
    expect(plot.values[2]).toBe(
      hypervolume(
        [
          [2, -2],
          [1, -3],
        ],
        [4, 0],
      ),
    );
    expect(plot.values[3]).toBeGreaterThan(plot.values[2]!);
    expect(plot.referenceFrom).toBe('given');
  });

  it('refuses a single-objective study with a code', () => {
    expect(() => hypervolumePlot([], ['minimize'])).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});

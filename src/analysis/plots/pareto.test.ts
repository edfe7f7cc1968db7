import { describe, expect, it } from 'vitest';
import { Rng, paretoFront } from '../../index.js';
import type { Direction } from '../../index.js';
import { nonDominated, paretoPlot } from './pareto.js';
import { trial } from './testing/records.js';

function randomTrials(n: number, k: number, seed: number) {
  const rng = new Rng(seed);
  // Values on a coarse grid so ties and duplicates occur.
  return Array.from({ length: n }, (_, i) =>
    trial(i, { values: Array.from({ length: k }, () => rng.int(0, 20)) }),
  );
}

describe('nonDominated', () => {
  for (const directions of [
    ['minimize', 'minimize'],
    ['minimize', 'maximize'],
    ['maximize', 'minimize', 'maximize'],
  ] as Direction[][])
    it(`matches the library's O(n²) paretoFront for ${directions.join('/')}`, () => {
      for (const seed of [1, 2, 3]) {
        const trials = randomTrials(300, directions.length, seed);
        const expected = paretoFront(trials, directions).map((t) => t.number);
        expect([...nonDominated(trials, directions)].sort((a, b) => a - b)).toEqual(expected);
      }
    });
});

describe('paretoPlot', () => {
  it('marks the front and always draws all of it when sampling', () => {
    const trials = randomTrials(2000, 2, 9);
    const plot = paretoPlot(trials, ['minimize', 'minimize'], { maxPoints: 100 });
    const front = paretoFront(trials, ['minimize', 'minimize']).map((t) => t.number);
    expect(plot.frontSize).toBe(front.length);
    expect(plot.numbers.filter((_, i) => plot.onFront[i])).toEqual(front);
    expect(plot.numbers).toHaveLength(100);
    expect(plot.values[0]).toHaveLength(2);
  });
});

import { describe, expect, it } from 'vitest';
import { edfPlot } from './edf.js';
import { trial } from './testing/records.js';

describe('edfPlot', () => {
  it('is the cumulative fraction of complete trials at each sorted value', () => {
    const trials = [
      trial(0, { values: [3] }),
      trial(1, { values: [1] }),
      trial(2, { state: 'fail' }),
      trial(3, { values: [2] }),
      trial(4, { values: [4] }),
    ];
    expect(edfPlot(trials, ['minimize'])).toEqual({
      direction: 'minimize',
      x: [1, 2, 3, 4],
      y: [0.25, 0.5, 0.75, 1],
      totalTrials: 4,
    });
  });

  it('thins a long distribution but keeps both ends', () => {
    const trials = Array.from({ length: 5000 }, (_, i) => trial(i, { values: [i] }));
    const plot = edfPlot(trials, ['minimize'], { maxPoints: 50 });
    expect(plot.x.length).toBeLessThanOrEqual(51);
    expect([plot.x[0], plot.y[0]]).toEqual([0, 1 / 5000]);
    expect([plot.x.at(-1), plot.y.at(-1)]).toEqual([4999, 1]);
  });
});

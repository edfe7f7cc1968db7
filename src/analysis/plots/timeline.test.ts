import { describe, expect, it } from 'vitest';
import { timelinePlot } from './timeline.js';
import { trial } from './testing/records.js';

describe('timelinePlot', () => {
  it('draws started trials per worker; a running trial ends now, a waiting one is absent', () => {
    const plot = timelinePlot(
      [
        trial(0, { worker: 'b', startedAt: 100, finishedAt: 200 }),
        trial(1, { worker: 'a', state: 'running', startedAt: 150, finishedAt: null }),
        trial(2, { worker: null, state: 'waiting', startedAt: null, finishedAt: null }),
        trial(3, { worker: 'b', state: 'fail', startedAt: 210, finishedAt: 230 }),
      ],
      { now: 500 },
    );
    expect(plot).toMatchObject({
      workers: ['a', 'b'],
      numbers: [0, 1, 3],
      worker: [1, 0, 1],
      start: [100, 150, 210],
      end: [200, 500, 230],
      states: ['complete', 'running', 'fail'],
      totalTrials: 3,
    });
  });

  it('keeps the most recent bars beyond maxBars', () => {
    const trials = Array.from({ length: 50 }, (_, i) => trial(i));
    expect(timelinePlot(trials, { maxBars: 10 }).numbers).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSchedule, type ScheduleConfig } from './schedules.js';

interface SchedFixture {
  lr0: number;
  plateauMetrics: number[];
  cases: { config: ScheduleConfig; lrs: number[] }[];
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/schedules.json', import.meta.url), 'utf8'),
) as SchedFixture;

describe('schedules follow PyTorch (fixtures/schedules.json)', () => {
  for (const c of fixture.cases)
    it(JSON.stringify(c.config), () => {
      const s = createSchedule(fixture.lr0, c.config);
      c.lrs.forEach((want, e) => {
        expect(s.lr(e)).toBeCloseTo(want, 9);
        s.observe?.(fixture.plateauMetrics[e]);
      });
    });

  it('constant by default, warm-up hands over to the next schedule', () => {
    expect(createSchedule(0.3).lr(17)).toBe(0.3);
    const s = createSchedule(1, {
      kind: 'warmup',
      epochs: 2,
      startFactor: 0.5,
      then: { kind: 'step', stepSize: 1, gamma: 0.5 },
    });
    expect([0, 1, 2, 3].map((e) => s.lr(e))).toEqual([0.5, 0.75, 1, 0.5]);
  });

  it('names the field of an unknown key or a bad value', () => {
    const message = (config: unknown) => {
      try {
        createSchedule(1, config as ScheduleConfig);
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(message({ kind: 'step', stepSize: 2, gama: 0.5 })).toBe(
      'schedule.gama: unknown field; expected one of stepSize, gamma',
    );
    expect(message({ kind: 'step' })).toBe('schedule.stepSize: expected a positive integer, got undefined');
    expect(message({ kind: 'warmup', epochs: 2, then: { kind: 'cosine', tMax: -1 } })).toBe(
      'schedule.then.tMax: expected a number > 0, got -1',
    );
    expect(message({ kind: 'reduce_on_plateau', mode: 'up' })).toBe(
      'schedule.mode: expected min or max, got "up"',
    );
    expect(message({ kind: 'cosine', tMax: 10, etaMin: 0 })).toBe('accepted');
  });

  it('reduce-on-plateau defaults to the watched value’s direction', () => {
    const rising = createSchedule(
      1,
      { kind: 'reduce_on_plateau', patience: 0, factor: 0.5 },
      { direction: 'maximize' },
    );
    const falling = createSchedule(1, { kind: 'reduce_on_plateau', patience: 0, factor: 0.5 });
    for (const v of [0.1, 0.2, 0.3]) {
      rising.observe!(v);
      falling.observe!(v);
    }
    expect(rising.lr(3)).toBe(1); // an accuracy going up is progress
    expect(falling.lr(3)).toBe(0.25); // a loss going up is not
  });

  it('rejects unknown kinds with a code', () => {
    expect(() => createSchedule(1, { kind: 'zigzag' } as unknown as ScheduleConfig)).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});

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

  it('rejects unknown kinds with a code', () => {
    expect(() => createSchedule(1, { kind: 'zigzag' } as unknown as ScheduleConfig)).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { GridSampler } from '../samplers/grid.js';
import { RandomSampler } from '../samplers/random.js';
import type { Trial } from '../study/trial.js';
import type { TrialRecord } from '../study/types.js';
import { halvingSchedule, hyperband, hyperbandSchedule, successiveHalving } from './successive-halving.js';
import type { Budget } from './successive-halving.js';

const rungs = (n: number, r: number, R: number, eta: number) =>
  halvingSchedule(n, r, R, eta).map((g) => `${g.size}@${g.budget}`);

describe('schedules (hand-computed)', () => {
  it('halves candidates and multiplies the budget until the full budget', () => {
    expect(rungs(27, 1, 27, 3)).toEqual(['27@1', '9@3', '3@9', '1@27']);
    expect(rungs(10, 1, 8, 2)).toEqual(['10@1', '5@2', '2@4', '1@8']);
    expect(rungs(20, 1, 9, 3)).toEqual(['20@1', '6@3', '2@9']); // the budget reaches R first: best of 2
    expect(rungs(9, 1, 100, 3)).toEqual(['9@1', '3@3', '1@100']); // one left: straight to R
    expect(rungs(5, 4, 4, 2)).toEqual(['5@4']);
    expect(() => halvingSchedule(5, 0, 4, 2)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => halvingSchedule(5, 1, 4, 1)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it("gives Hyperband's brackets: n = ⌈(s_max+1)/(s+1)·η^s⌉ candidates at R·η^−s", () => {
    expect(hyperbandSchedule(1, 27, 3)).toEqual([
      { bracket: 0, candidates: 27, minResource: 1 },
      { bracket: 1, candidates: 12, minResource: 3 },
      { bracket: 2, candidates: 6, minResource: 9 },
      { bracket: 3, candidates: 4, minResource: 27 },
    ]);
    // Same trial shares as the asynchronous HyperbandPruner (and Optuna) for R/r = 81.
    expect(hyperbandSchedule(1, 81, 3).map((b) => b.candidates)).toEqual([81, 34, 15, 8, 5]);
    // Li et al.'s bracket table for R = 81, η = 3: rung budgets of bracket s = 2 are 9, 27, 81 with 15, 5, 1 runs.
    const s2 = hyperbandSchedule(1, 81, 3)[2]!;
    expect(rungs(s2.candidates, s2.minResource, 81, 3)).toEqual(['15@9', '5@27', '1@81']);
  });
});

/** A curve whose ranking changes with the budget: x near 0.3 wins in the end, x near 0.8 starts fast. */
function lossAt(x: number, budget: number): number {
  return (x - 0.3) ** 2 + (0.5 * Math.abs(x - 0.8)) / budget;
}

async function objective(trial: Trial, b: Budget): Promise<number> {
  return lossAt(trial.suggestFloat('x', 0, 1), b.budget);
}

function byRung(trials: readonly TrialRecord[]): Map<number, TrialRecord[]> {
  const m = new Map<number, TrialRecord[]>();
  for (const t of trials)
    m.set(t.userAttrs.rung as number, [...(m.get(t.userAttrs.rung as number) ?? []), t]);
  return m;
}

describe('successiveHalving', () => {
  it('runs the schedule, records each rung on its trials, and promotes exactly the best 1/η', async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 4 }) });
    const result = await successiveHalving({
      study,
      objective,
      candidates: 27,
      resource: 'epochs',
      minResource: 1,
      maxResource: 27,
      eta: 3,
    });
    const trials = await study.trials();
    expect(trials).toHaveLength(27 + 9 + 3 + 1);
    expect(result.totalResource).toBe(27 * 1 + 9 * 3 + 3 * 9 + 1 * 27);
    const rungsOf = byRung(trials);
    expect([0, 1, 2, 3].map((k) => rungsOf.get(k)!.length)).toEqual([27, 9, 3, 1]);
    for (const k of [1, 2, 3]) {
      const previous = [...rungsOf.get(k - 1)!].sort((a, b) => a.values![0]! - b.values![0]!);
      const promoted = previous.slice(0, rungsOf.get(k)!.length).map((t) => t.params.x);
      expect(rungsOf.get(k)!.map((t) => t.params.x)).toEqual(promoted);
      for (const t of rungsOf.get(k)!)
        expect(t.userAttrs).toMatchObject({ rung: k, budget: [1, 3, 9, 27][k], resource: 'epochs' });
    }
    expect(result.best!.userAttrs.rung).toBe(3);
    expect(result.best!.values).toEqual([lossAt(result.best!.params.x as number, 27)]);
    expect(result.rungs.map((r) => r.trials.length)).toEqual([27, 9, 3, 1]);
  });

  it('takes candidates from a list (a grid) in order, and maximises', async () => {
    const grid = new GridSampler({ grid: { x: [0, 0.25, 0.5, 0.75, 1] }, shuffle: false }).points;
    const study = await createStudy({ direction: 'maximize' });
    const result = await successiveHalving({
      study,
      objective: async (t, b) => -(await objective(t, b)),
      candidates: grid,
      resource: 'samples',
      minResource: 100,
      maxResource: 400,
      eta: 2,
    });
    const trials = await study.trials();
    expect(trials.slice(0, 5).map((t) => t.params.x)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(result.rungs.map((r) => `${r.size}@${r.budget}`)).toEqual(['5@100', '2@200', '1@400']);
    expect(result.best!.params.x).toBe(0.25);
    expect(trials.every((t) => t.userAttrs.resource === 'samples')).toBe(true);
  });

  it('drops a candidate that fails or is pruned, and goes on', async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 2 }) });
    const result = await successiveHalving({
      study,
      objective: async (t, b) => {
        if (t.number === 0) throw new Error('out of memory');
        if (t.number === 1) t.prune();
        return objective(t, b);
      },
      candidates: 6,
      resource: 'epochs',
      minResource: 1,
      maxResource: 4,
      eta: 2,
    });
    const trials = await study.trials();
    expect(trials[0]!.state).toBe('fail');
    expect(trials[0]!.failReason).toMatch(/out of memory/);
    expect(trials[1]!.state).toBe('pruned');
    const promotedX = result.rungs[1]!.trials.map((t) => t.params.x);
    expect(promotedX).not.toContain(trials[0]!.params.x);
    expect(promotedX).not.toContain(trials[1]!.params.x);
  });

  it('refuses a study whose sampler claims the waiting re-runs (GridSampler), by code', async () => {
    const study = await createStudy({
      sampler: new GridSampler({ grid: { x: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6] } }),
    });
    await expect(
      successiveHalving({
        study,
        objective,
        candidates: 4,
        resource: 'epochs',
        minResource: 1,
        maxResource: 4,
        eta: 2,
      }),
    ).rejects.toMatchObject({
      code: 'waiting_trial_conflict',
    });
  });
});

describe('hyperband driver', () => {
  it('runs every bracket, tags trials with bracket and rung, and picks the best full-budget trial', async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 9 }) });
    const result = await hyperband({
      study,
      objective,
      resource: 'epochs',
      minResource: 1,
      maxResource: 9,
      eta: 3,
    });
    const trials = await study.trials();
    // Brackets: 9@1 → 3@3 → 1@9 (9+9+9), 5@3 → 1@9 (15+9), 3@9 (27).
    expect(result.brackets.map((b) => b.rungs.map((r) => `${r.size}@${r.budget}`))).toEqual([
      ['9@1', '3@3', '1@9'],
      ['5@3', '1@9'],
      ['3@9'],
    ]);
    expect(result.totalResource).toBe(27 + 24 + 27);
    expect(trials).toHaveLength(13 + 6 + 3);
    expect(
      trials.every((t) => typeof t.userAttrs.bracket === 'number' && typeof t.userAttrs.rung === 'number'),
    ).toBe(true);
    expect(result.best!.userAttrs.budget).toBe(9);
    const finals = trials.filter((t) => t.userAttrs.budget === 9).map((t) => t.values![0]!);
    expect(result.best!.values![0]).toBe(Math.min(...finals));
  });
});

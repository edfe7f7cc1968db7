import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { floatDistribution, intDistribution, categoricalDistribution } from '../search-space/index.js';
import { InMemoryStorage } from '../storage/memory.js';
import { GridSampler, gridFromSpace } from './grid.js';

const grid = { x: [-1, 0, 1, 2], act: ['relu', 'tanh'], units: [16, 32, 64] };
const objective = (t: import('../study/trial.js').Trial) =>
  (t.suggestFloat('x', -1, 2) - 1) ** 2 +
  (t.suggestCategorical('act', ['relu', 'tanh']) === 'relu' ? 0 : 1) +
  t.suggestInt('units', 16, 64) / 64;

describe('GridSampler', () => {
  it('runs every point exactly once, then the study stops', async () => {
    const study = await createStudy({ sampler: new GridSampler({ grid, seed: 1 }) });
    await study.optimize(objective, { nTrials: 100 });
    const trials = await study.trials();
    expect(trials).toHaveLength(24);
    const keys = trials.map((t) => JSON.stringify([t.params.x, t.params.act, t.params.units]));
    expect(new Set(keys).size).toBe(24);
    expect(await study.bestParams()).toEqual({ x: 1, act: 'relu', units: 16 });
    // A second optimize call finds nothing left to run.
    await study.optimize(objective, { nTrials: 5 });
    expect(await study.trials()).toHaveLength(24);
    await expect(study.ask()).rejects.toMatchObject({ code: 'search_space_exhausted' });
  });

  it('is shared by concurrent workers on one storage: no point runs twice', async () => {
    const storage = new InMemoryStorage();
    await createStudy({ studyName: 'g', storage });
    const workers = await Promise.all(
      [1, 2, 3, 4].map((seed) =>
        createStudy({
          studyName: 'g',
          storage,
          loadIfExists: true,
          sampler: new GridSampler({ grid, seed }),
        }),
      ),
    );
    await Promise.all(
      workers.map((w) =>
        w.optimize(
          async (t) => {
            await new Promise((r) => setTimeout(r, 1));
            return objective(t);
          },
          { concurrency: 2 },
        ),
      ),
    );
    const trials = await workers[0]!.trials();
    expect(trials).toHaveLength(24);
    expect(new Set(trials.map((t) => t.gridId)).size).toBe(24);
    expect(trials.every((t) => t.fixedParams !== null && t.gridId !== null)).toBe(true);
    expect(new Set(trials.map((t) => t.worker)).size).toBeGreaterThan(1);
  });

  it('fails a trial that asks for a parameter outside the grid, naming it', async () => {
    const study = await createStudy({ sampler: new GridSampler({ grid: { x: [0] } }) });
    await study.optimize((t) => t.suggestFloat('x', 0, 1) + t.suggestFloat('y', 0, 1), {
      nTrials: 1,
      catch: true,
    });
    expect((await study.trials())[0]!.failReason).toMatch(
      /parameter "y" is not in the grid \(x\); add it to the grid/,
    );
  });

  it('derives a grid from a search space', () => {
    const g = gridFromSpace(
      {
        lr: floatDistribution('lr', 1e-4, 1, { log: true }),
        units: intDistribution('units', 16, 64, { step: 16 }),
        layers: intDistribution('layers', 1, 100),
        act: categoricalDistribution('act', ['relu', 'gelu']),
      },
      5,
    );
    expect(g.lr!.map((v) => Number((v as number).toPrecision(6)))).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1]);
    expect(g.units).toEqual([16, 32, 48, 64]);
    expect(g.layers).toEqual([1, 26, 51, 75, 100]);
    expect(g.act).toEqual(['relu', 'gelu']);
    expect(
      new GridSampler({ space: { act: categoricalDistribution('act', ['a', 'b']) } }).points,
    ).toHaveLength(2);
  });

  it('rejects malformed grids', () => {
    expect(() => new GridSampler({})).toThrow(/needs `grid`/);
    expect(() => new GridSampler({ grid: { x: [] } })).toThrow(/grid.x must be a non-empty array/);
    expect(() => new GridSampler({ grid: { x: [NaN] } })).toThrow(/grid.x holds NaN/);
  });
});

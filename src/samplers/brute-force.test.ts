import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { SqliteStorage } from '../storage/sqlite/index.js';
import type { Trial } from '../study/trial.js';
import { BruteForceSampler } from './brute-force.js';
import { samplerContract } from './sampler.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'tunekit-brute-force-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A conditional space with 2·3 + 1·2 + 1 = 9 paths. */
function conditional(trial: Trial): number {
  const kind = trial.suggestCategorical('kind', ['a', 'b', 'c']);
  if (kind === 'a') return trial.suggestInt('n', 1, 2) * trial.suggestFloat('f', 0, 1, { step: 0.5 });
  if (kind === 'b') return trial.suggestCategorical('flag', [true, false]) ? 1 : 0;
  return 3;
}

const key = (p: object) => JSON.stringify(Object.entries(p).sort());

describe('BruteForceSampler', () => {
  it('runs every path of a conditional discrete space once, then stops the study', async () => {
    const study = await createStudy({ sampler: new BruteForceSampler({ seed: 1 }), quiet: true });
    await study.optimize(conditional, { nTrials: 50, catch: false });
    const trials = await study.trials();
    expect(trials).toHaveLength(9);
    expect(new Set(trials.map((t) => key(t.params))).size).toBe(9);
    expect(trials.every((t) => t.state === 'complete')).toBe(true);
    await expect(study.ask()).rejects.toMatchObject({ code: 'search_space_exhausted' });
  });

  it('shares the work between workers through storage: every path once', async () => {
    const path = join(dir, 'workers.db');
    const open = async (seed: number) =>
      createStudy({
        storage: new SqliteStorage(path),
        studyName: 'bf',
        loadIfExists: true,
        sampler: new BruteForceSampler({ seed }),
        quiet: true,
      });
    const a = await open(1);
    const b = await open(2);
    const space = (t: Trial) => t.suggestInt('i', 0, 5) + 10 * t.suggestInt('j', 0, 3);
    await Promise.all([a.optimize(space, { nTrials: 40 }), b.optimize(space, { nTrials: 40 })]);
    const trials = await a.trials();
    expect(new Set(trials.map((t) => key(t.params))).size).toBe(24);
    // A worker sees another's running trial only once its params are stored (here: when it finishes), so
    // workers racing on the last few paths may run some twice, as Optuna's sampler may; a few, not many.
    expect(trials.length).toBeLessThanOrEqual(30);
    await a.storage.close();
    await b.storage.close();
  });

  it('refuses a continuous parameter, naming the fix', async () => {
    const study = await createStudy({ sampler: new BruteForceSampler(), quiet: true });
    await study.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 1, catch: true });
    expect((await study.trials())[0]!.failReason).toMatch(
      /parameter "x" has infinitely many values; give a float a step/,
    );
  });
});

samplerContract('brute force', { make: (seed) => new BruteForceSampler({ seed }), discrete: true });

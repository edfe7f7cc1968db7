// createStudy / loadStudy and a study's reproducible mode: the lag is stored with the study and every worker
// runs with it; a worker asking for another lag, or for the mode on a study whose trials ran without it, is
// refused before anything runs. In memory and on a real SQLite file (each open a connection of its own).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStudy, loadStudy } from './create-study.js';
import type { CreateStudyOptions } from './create-study.js';
import { isTunekitError } from './errors.js';
import { resolveStorage } from './storage/resolve.js';
import { InMemoryStorage } from './storage/memory.js';
import type { LogEvent } from './study/logger.js';
import type { StudyStorage } from './study/storage.js';
import type { Study } from './study/study.js';

const dir = mkdtempSync(join(tmpdir(), 'tunekit-create-study-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const backends: Array<[string, () => StudyStorage | string]> = [
  ['memory', () => new InMemoryStorage()],
  ['sqlite', () => `sqlite:${join(dir, `s${files++}.db`)}`],
];

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => {
      expect(isTunekitError(error, 'invalid_argument')).toBe(true);
      return (error as Error).message;
    },
  );

/** Resolves true when `promise` settles within `ms`. */
const settlesWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise((r) => setTimeout(() => r(false), ms))]);

describe.each(backends)('a study stores its reproducible mode (%s)', (_label, fresh) => {
  const opened: Study[] = [];
  const open = async (storage: StudyStorage | string, options: CreateStudyOptions = {}) => {
    const study = await createStudy({
      storage,
      studyName: 'mlp',
      loadIfExists: true,
      quiet: true,
      ...options,
    });
    opened.push(study);
    return study;
  };
  afterAll(async () => {
    for (const s of opened) await s.storage.close();
  });
  const stored = async (storage: StudyStorage | string) => {
    const s = await resolveStorage(storage);
    try {
      const info = await s.getStudy('mlp');
      return { reproducible: info.reproducible, trials: (await s.getTrials(info.id)).length };
    } finally {
      if (typeof storage === 'string') await s.close();
    }
  };

  it('a new study created with the option stores it', async () => {
    const storage = fresh();
    const study = await open(storage, { reproducible: { lag: 2, waitMs: 500 } });
    expect(study.reproducible).toEqual({ lag: 2 }); // waitMs is the worker's own: not stored
    expect(await stored(storage)).toEqual({ reproducible: { lag: 2 }, trials: 0 });
  });

  it('an existing study that stores a lag, opened without the option, runs with that lag and says so', async () => {
    const storage = fresh();
    const first = await open(storage, { reproducible: { lag: 0 } });
    const events: LogEvent[] = [];
    const joined = await open(storage, { quiet: false, logger: (e) => events.push(e) });
    expect(joined.reproducible).toEqual({ lag: 0 });
    expect(events.map((e) => [e.level, e.message])).toEqual([
      ['info', 'study "mlp" is reproducible with lag 0 (stored with the study); this worker runs with it'],
    ]);
    // Lag 0: the joined worker's next trial waits for the first worker's trial to finish.
    const t0 = await first.ask();
    const next = joined.ask();
    expect(await settlesWithin(next, 150)).toBe(false);
    await first.tell(t0, 1);
    expect((await next).number).toBe(1);
    const byLoad = await loadStudy({ storage, studyName: 'mlp', quiet: true });
    opened.push(byLoad);
    expect(byLoad.reproducible).toEqual({ lag: 0 });
  });

  it('another lag is refused before anything runs, naming the study, both lags and the fix', async () => {
    const storage = fresh();
    await open(storage, { reproducible: { lag: 1 } });
    for (const attempt of [
      open(storage, { reproducible: { lag: 3 } }),
      loadStudy({ storage, studyName: 'mlp', quiet: true, reproducible: { lag: 3 } }),
    ])
      expect(await refusal(attempt)).toBe(
        'study "mlp" is reproducible with lag 1 (stored with the study), not 3; pass its lag ' +
          '(reproducible: { lag: 1 }, --reproducible 1) or none, or another studyName',
      );
    expect(await stored(storage)).toEqual({ reproducible: { lag: 1 }, trials: 0 });
  });

  it('a study without the mode takes it while it holds no trials, and refuses it once it holds some', async () => {
    const storage = fresh();
    const plain = await open(storage);
    expect(plain.reproducible).toBeNull();
    const joined = await open(storage, { reproducible: { lag: 1 } });
    expect(joined.reproducible).toEqual({ lag: 1 });
    expect(await stored(storage)).toEqual({ reproducible: { lag: 1 }, trials: 0 });

    const other = fresh();
    const ran = await open(other);
    await ran.optimize((t) => t.suggestFloat('x', 0, 1), { maxTrials: 2 });
    for (const attempt of [
      open(other, { reproducible: { lag: 1 } }),
      loadStudy({ storage: other, studyName: 'mlp', quiet: true, reproducible: { lag: 1 } }),
    ])
      expect(await refusal(attempt)).toBe(
        'study "mlp" holds 2 trials that ran without reproducible mode, so their sequence cannot be ' +
          'reproduced; run a reproducible study under another studyName (or this one without reproducible)',
      );
    expect(await stored(other)).toEqual({ reproducible: null, trials: 2 });
  });

  it('a study whose trials ran in the mode before studies stored it (schema 5) takes the lag asked for', async () => {
    const storage = fresh();
    const ran = await open(storage, { reproducible: { lag: 1 } });
    await ran.optimize((t) => t.suggestFloat('x', 0, 1), { maxTrials: 3 });
    // As the 5 -> 6 migration leaves such a study: trials with the mode's first-write memo, no stored mode.
    await ran.storage.writeStudy(ran.id, { reproducible: null });
    expect((await open(storage, { reproducible: { lag: 1 } })).reproducible).toEqual({ lag: 1 });
    expect(await stored(storage)).toEqual({ reproducible: { lag: 1 }, trials: 3 });
  });

  it("the option's waitMs applies to a worker joining with the study's lag", async () => {
    const storage = fresh();
    const holder = await open(storage, { reproducible: { lag: 0 } });
    await holder.ask(); // trial 0 runs and never finishes
    const waiter = await open(storage, { reproducible: { lag: 0, waitMs: 100 } });
    const error = await waiter.ask().catch((e: unknown) => e);
    expect(isTunekitError(error, 'history_wait_timeout')).toBe(true);
    expect((error as Error).message).toContain('waited 100 ms');
  });

  it('a bad lag is refused before the study is created', async () => {
    const storage = fresh();
    const message = await refusal(open(storage, { reproducible: { lag: 1.5 } }));
    expect(message).toContain('reproducible.lag must be an integer >= 0');
    const s = await resolveStorage(storage);
    await expect(s.getStudy('mlp')).rejects.toMatchObject({ code: 'study_not_found' });
    if (typeof storage === 'string') await s.close();
  });
});

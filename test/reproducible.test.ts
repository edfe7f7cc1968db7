// Reproducible mode across processes: the same 60-trial trainer study (TPE, median pruner) run by 1 worker
// and by 4 worker processes, on SQLite and on PostgreSQL, and again with a worker killed by SIGKILL midway
// and its trial retried, holds the same trials place by place: params, states, values, intermediate values.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReproducibleSequence } from '../src/index.js';
import type { TrialRecord } from '../src/index.js';
import { resolveStorage } from '../src/storage/resolve.js';
import { createTestDatabase } from '../src/storage/postgres/testing/database.js';
import type { TestDatabase } from '../src/storage/postgres/testing/database.js';
import type { ReproducibleWorkerArgs } from './fixtures/reproducible-worker.js';
import { startFixture } from './reliability/helpers.js';
import type { Proc } from './reliability/helpers.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'reproducible-worker.ts');
const TRIALS = 60;
const LAG = 3;
const dir = mkdtempSync(join(tmpdir(), 'tunekit-reproducible-'));
const databases: TestDatabase[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all(databases.map((db) => db.drop()));
});

const worker = (url: string, extra: Partial<ReproducibleWorkerArgs> = {}): Proc =>
  startFixture(FIXTURE, { storage: url, study: 'r', lag: LAG, maxTrials: TRIALS, seed: 7, ...extra });

async function finished(procs: Proc[]): Promise<void> {
  await Promise.all(procs.map((p) => p.event('done')));
  expect((await Promise.all(procs.map((p) => p.exit))).map((e) => e.code)).toEqual(procs.map(() => 0));
}

async function readTrials(url: string): Promise<TrialRecord[]> {
  const storage = await resolveStorage(url);
  try {
    return await storage.getTrials((await storage.getStudy('r')).id);
  } finally {
    await storage.close();
  }
}

/** What must match, per place: a retry stands in the place of the trial it repeats. */
function byPlace(trials: readonly TrialRecord[]): unknown[] {
  const sequence = new ReproducibleSequence(trials);
  return sequence.chains.map((_, place) => {
    const t = sequence.occupant(place);
    return { params: t.params, state: t.state, values: t.values, intermediate: t.intermediateValues };
  });
}

const backends: Array<[string, () => Promise<string>]> = [
  ['sqlite', async () => `sqlite:${join(dir, `${Math.random().toString(36).slice(2)}.db`)}`],
  [
    'postgres',
    async () => {
      const db = await createTestDatabase();
      databases.push(db);
      return db.url;
    },
  ],
];

// One worker on SQLite is the reference every other run must equal.
let reference: unknown[] = [];
beforeAll(async () => {
  const url = await backends[0]![1]();
  await finished([worker(url)]);
  const trials = await readTrials(url);
  expect(trials).toHaveLength(TRIALS);
  // The comparison means something: the pruner stopped some trials and let others finish.
  expect(trials.some((t) => t.state === 'pruned')).toBe(true);
  expect(trials.some((t) => t.state === 'complete')).toBe(true);
  reference = byPlace(trials);
}, 120_000);

describe.each(backends)('a reproducible trainer study on %s', (_label, freshUrl) => {
  it('1 worker and 4 worker processes give the same 60 trials, field by field', async () => {
    const one = await freshUrl();
    await finished([worker(one)]);
    expect(byPlace(await readTrials(one))).toEqual(reference);

    const four = await freshUrl();
    await finished(Array.from({ length: 4 }, () => worker(four)));
    const trials = await readTrials(four);
    expect(new Set(trials.map((t) => t.worker)).size).toBe(4);
    expect(byPlace(trials)).toEqual(reference);
  }, 120_000);

  it('a worker killed with kill -9 midway: its retry takes its place and the study still matches', async () => {
    const url = await freshUrl();
    const workers = Array.from({ length: 4 }, () => worker(url, { hangAt: 20 }));
    const victim = await Promise.race(workers.map((w) => w.event('hanging').then(() => w)));
    victim.child.kill('SIGKILL');
    expect((await victim.exit).signal).toBe('SIGKILL');
    // A supervisor starts a replacement, as it would in production.
    const replacement = worker(url);
    await finished([...workers.filter((w) => w !== victim), replacement]);

    const trials = await readTrials(url);
    const dead = trials.find((t) => t.number === 20)!;
    expect(dead).toMatchObject({ state: 'fail', retriedBy: expect.any(Number) });
    const retry = trials.find((t) => t.number === dead.retriedBy)!;
    expect(retry.retriedFrom).toBe(20);
    expect(retry.state === 'complete' || retry.state === 'pruned').toBe(true);
    expect(trials).toHaveLength(TRIALS + 1); // the retry does not use up a place of the budget
    expect(byPlace(trials)).toEqual(reference);
  }, 120_000);
});

// Faults at scale: 64 workers (16 in CI) in 8 processes (4) on one PostgreSQL study. One group of 16 (4)
// is cut off through a TCP relay for longer than the grace period and let back, PostgreSQL is restarted,
// and a seeded quarter of the processes is killed -9. Finished trials stay byte for byte, numbers dense,
// the cut-off trials failed and retried once, late writes refused, nothing left running, the budget reached.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createStudy, InMemoryStorage, Rng } from '../../src/index.js';
import type { StudyStorage, TrialRecord } from '../../src/index.js';
import { retryPolicy } from '../../src/study/heartbeat.js';
import { resolveStorage } from '../../src/storage/resolve.js';
import { createTestDatabase, serverReachable } from '../../src/storage/postgres/testing/database.js';
import type { TestDatabase } from '../../src/storage/postgres/testing/database.js';
import { Relay } from '../../src/storage/testing/relay.js';
import type { ScaleWorkerArgs } from '../fixtures/scale-worker.js';
import { countBy, fingerprint, runSize, sleep, startFixture } from './helpers.js';
import type { Proc } from './helpers.js';

const WORKER = join(import.meta.dirname, '..', 'fixtures', 'scale-worker.ts');
const long = runSize() === 'long';
const PROCESSES = long ? 8 : 4;
const PER_PROCESS = long ? 8 : 4;
const WORKERS = PROCESSES * PER_PROCESS;
/** The first quarter of the processes reach the server through the relay: the group that is cut off. */
const CUT_PROCESSES = PROCESSES / 4;
const BUDGET = long ? 3000 : 800;
const STUDY = 'faults-scale';
const SEED = 23;
// Fast failure detection; the outage wait is far above any cut or restart, so no worker gives up.
const FAILURE = { heartbeatIntervalMs: 200, gracePeriodMs: 2000, retries: 1, storageOutageMs: 60_000 };
const TRIAL = { trialMs: 400, reports: 4 };
/** Every wait of the run is bounded by this (the run itself takes well under it). */
const RUN_LIMIT_MS = long ? 900_000 : 240_000;

// Restarting the server would break PostgreSQL tests running beside it: only under the reliability config
// (one file at a time), and only as root (pg_ctlcluster), as in faults.test.ts.
const ownsServer = inject('reliabilitySize') !== undefined && process.getuid?.() === 0;

const isRunning = (t: TrialRecord) => t.state === 'running' || t.state === 'waiting';
const isStale = (t: TrialRecord) => t.state === 'fail' && /no heartbeat/.test(t.failReason ?? '');

function pgctl(action: 'restart' | 'start'): void {
  const version = readdirSync('/etc/postgresql')[0]!;
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action], { stdio: 'pipe' });
}

/** Waits until `done()` holds, looking every `everyMs`; throws naming `what` after `ms`. */
async function until(what: string, ms: number, done: () => boolean | Promise<boolean>, everyMs = 100) {
  const giveUpAt = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() >= giveUpAt) throw new Error(`gave up after ${ms} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Reads the study every `everyMs` through its own storage and keeps the first finished version of every
 * trial. Once a trial is kept it need not be read again: each poll starts at the first trial not yet kept.
 */
function pollTrials(storage: StudyStorage, studyId: number, everyMs: number) {
  const first = new Map<number, string>();
  let from = 0;
  let polls = 0;
  let failures = 0; // polls refused while the server restarted
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        for (const t of await storage.getTrials(studyId, { fromNumber: from }))
          if (!isRunning(t) && !first.has(t.number)) first.set(t.number, fingerprint([t]));
        while (first.has(from)) from++;
        polls++;
      } catch {
        failures++;
      }
      await sleep(everyMs);
    }
  })();
  return {
    first,
    stop: async () => {
      running = false;
      await loop;
      return { polls, failures };
    },
  };
}

interface Outcome {
  trials: TrialRecord[];
  firstFinished: Map<number, string>;
  cutWorkers: Set<string>;
  holders: Set<string>;
  /** The cut-off workers' trials that were running at the cut, as stored just before the relay opened. */
  cutTrials: TrialRecord[];
  /** Per process: its events and how it ended. */
  procs: Array<{
    index: number;
    events: Record<string, unknown>[];
    end: { code: number | null; signal: string | null };
  }>;
  killed: number[];
  sweeper: { events: Record<string, unknown>[]; end: { code: number | null; signal: string | null } };
  /** Index into each process's events at the moment the relay opened. */
  eventsAtOpen: number[];
  figures: Record<string, number>;
}

const procs: Proc[] = [];
let db: TestDatabase | null = null;
let relay: Relay | null = null;
let reader: StudyStorage | null = null;

afterAll(async () => {
  for (const p of procs)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await relay?.close();
  await reader?.close().catch(() => {});
  // Tests after this one need the server: start it if the restart left it down.
  if (ownsServer && (await serverReachable()) !== null) pgctl('start');
  await db?.drop();
});

async function run(): Promise<Outcome> {
  const started = Date.now();
  const figures: Record<string, number> = {};
  db = await createTestDatabase('tunekit_rel');
  relay = Relay.to(db.url);
  await relay.open();
  // One connection per worker: 64 of the server's 100, leaving room for the test and the sweeper.
  const direct = `${db.url}?pool_max=1`;
  const viaRelay = relay.url(direct);
  const holderIndexes = Array.from({ length: PER_PROCESS }, (_, i) => i).filter((i) => i % 2 === 0);
  const cutWorkers = new Set<string>();
  const holders = new Set<string>();
  for (let p = 0; p < CUT_PROCESSES; p++)
    for (let i = 0; i < PER_PROCESS; i++) {
      cutWorkers.add(`p${p}-${i}`);
      if (holderIndexes.includes(i)) holders.add(`p${p}-${i}`);
    }

  const base = { study: STUDY, maxTrials: BUDGET, trialEvents: true, ...TRIAL, ...FAILURE };
  // The first process creates the study; the others load it.
  for (let p = 0; p < PROCESSES; p++) {
    const cut = p < CUT_PROCESSES;
    procs.push(
      startFixture(WORKER, {
        ...base,
        storages: [cut ? viaRelay : direct],
        workers: PER_PROCESS,
        prefix: `p${p}`,
        waitForGo: true,
        ...(cut ? { holders: holderIndexes } : {}),
      } satisfies ScaleWorkerArgs),
    );
    if (p === 0) await procs[0]!.event('ready');
  }
  await Promise.all(procs.map((p) => p.event('ready')));
  figures.startMs = Date.now() - started;

  reader = await resolveStorage(db.url);
  const studyId = (await reader.getStudy(STUDY)).id;
  const readAll = () => reader!.getTrials(studyId);
  const poll = pollTrials(reader, studyId, long ? 400 : 250);
  const finishedCount = async () => (await readAll()).filter((t) => !isRunning(t)).length;
  const send = (p: number, line: string) => procs[p]!.child.stdin!.write(`${line}\n`);
  const eventsOf = (kind: string, from?: number[]) =>
    procs.flatMap((p, i) => p.events.slice(from?.[i] ?? 0).filter((e) => e.event === kind));

  const go = Date.now();
  procs.forEach((_, p) => send(p, 'go'));
  await until('the study to warm up', 120_000, async () => (await finishedCount()) >= 2 * WORKERS, 200);
  figures.warmupMs = Date.now() - go;

  // 1. The cut. Half the group's workers hold their trial through it (a training step longer than the
  // cut): they write nothing until the relay is back, and their first write comes late. The other half
  // keeps writing into the cut and gives its trial up.
  for (let p = 0; p < CUT_PROCESSES; p++) send(p, 'hold');
  await until('every holder to hold', 20_000, () =>
    [...holders].every((w) => procs.some((p) => p.events.some((e) => e.event === 'held' && e.worker === w))),
  );
  relay.cut();
  const cutAt = Date.now();
  figures.trialsAtCut = (await readAll()).length;
  // What was already on its way to the server arrives or not within this pause.
  await sleep(300);
  const runningAtCut = (await readAll()).filter(
    (t) => t.state === 'running' && cutWorkers.has(t.worker ?? ''),
  );
  const cutNumbers = new Set(runningAtCut.map((t) => t.number));
  let cutTrials: TrialRecord[] = [];
  await until('the cut-off trials to be failed', FAILURE.gracePeriodMs + 20_000, async () => {
    const trials = await readAll();
    cutTrials = trials.filter((t) => cutNumbers.has(t.number));
    return (
      cutTrials.every((t) => t.state === 'fail') &&
      !trials.some((t) => t.state === 'running' && cutWorkers.has(t.worker ?? ''))
    );
  });
  const eventsAtOpen = procs.map((p) => p.events.length);
  await relay.open();
  const openedAt = Date.now();
  figures.cutMs = openedAt - cutAt;
  await sleep(300);
  for (let p = 0; p < CUT_PROCESSES; p++) send(p, 'release');
  // Back: each holder's late write is refused, and every cut-off worker runs a new trial (or stops with an
  // error, which the checks report).
  const maxCutNumber = Math.max(...cutTrials.map((t) => t.number), -1);
  await until('the cut-off workers to come back', 30_000, () =>
    [...cutWorkers].every(
      (w) =>
        eventsOf('error', eventsAtOpen).some((e) => e.worker === w) ||
        eventsOf('trial', eventsAtOpen).some((e) => e.worker === w && (e.number as number) > maxCutNumber),
    ),
  );
  figures.backMs = Date.now() - openedAt;

  // 2. PostgreSQL restarted under every worker.
  const beforeRestart = await finishedCount();
  const restartAt = Date.now();
  try {
    pgctl('restart');
  } finally {
    if ((await serverReachable()) !== null) pgctl('start');
  }
  figures.restartMs = Date.now() - restartAt;
  await until(
    'trials to finish again after the restart',
    120_000,
    async () => {
      try {
        return (await finishedCount()) >= beforeRestart + WORKERS;
      } catch {
        return false;
      }
    },
    200,
  );
  figures.recoveredMs = Date.now() - restartAt;
  const trialsBeforeKill = (await readAll()).length;
  figures.trialsBeforeKill = trialsBeforeKill;
  if (trialsBeforeKill >= BUDGET)
    throw new Error(`the budget (${BUDGET}) was spent before the kills: raise it`);

  // 3. kill -9 of a seeded quarter of the processes.
  const rng = new Rng(SEED);
  const order = Array.from({ length: PROCESSES }, (_, p) => ({ p, key: rng.next() })).sort(
    (a, b) => a.key - b.key,
  );
  const killed = order
    .slice(0, PROCESSES / 4)
    .map((o) => o.p)
    .sort((a, b) => a - b);
  for (const p of killed) procs[p]!.child.kill('SIGKILL');
  const killedAt = Date.now();

  // The rest run the study to its budget and exit.
  const timer = setTimeout(
    () => procs.forEach((p) => p.child.kill('SIGKILL')),
    RUN_LIMIT_MS - (Date.now() - started),
  );
  const ends = await Promise.all(procs.map((p) => p.exit));
  clearTimeout(timer);
  figures.toBudgetMs = Date.now() - killedAt;
  figures.runMs = Date.now() - go;

  // A final sweep once every heartbeat is older than the grace period: fails what the dead left running
  // and runs the retries.
  await sleep(FAILURE.gracePeriodMs + 300);
  const sweeper = startFixture(WORKER, {
    ...base,
    storages: [direct],
    workers: 1,
    prefix: 'sweeper',
    trialMs: 20,
    reports: 1,
  } satisfies ScaleWorkerArgs);
  procs.push(sweeper);
  const sweepTimer = setTimeout(() => sweeper.child.kill('SIGKILL'), 120_000);
  const sweeperEnd = await sweeper.exit;
  clearTimeout(sweepTimer);
  const { polls, failures } = await poll.stop();
  figures.polls = polls;
  figures.pollsRefused = failures;
  figures.totalMs = Date.now() - started;

  return {
    trials: await readAll(),
    firstFinished: poll.first,
    cutWorkers,
    holders,
    cutTrials,
    procs: procs.slice(0, PROCESSES).map((p, index) => ({ index, events: p.events, end: ends[index]! })),
    killed,
    sweeper: { events: sweeper.events, end: sweeperEnd },
    eventsAtOpen,
    figures,
  };
}

describe.skipIf(!ownsServer)(
  `${WORKERS} workers on one PostgreSQL study: a group cut off, the server restarted, a quarter killed -9`,
  () => {
    let out: Outcome;
    const events = (kind: string) => out.procs.flatMap((p) => p.events.filter((e) => e.event === kind));

    beforeAll(async () => {
      out = await run();
      const { trials } = out;
      const stale = trials.filter(isStale);
      const summary = {
        workers: WORKERS,
        processes: PROCESSES,
        cutOff: out.cutWorkers.size,
        killed: out.killed.map((p) => `p${p}`),
        trials: trials.length,
        states: countBy(trials, (t) => t.state),
        staleFailed: stale.length,
        retries: trials.filter((t) => t.retriedFrom !== null).length,
        // Running at the cut: every holder's, and those of the others not between two trials then.
        cutTrials: countBy(out.cutTrials, (t) => (out.holders.has(t.worker ?? '') ? 'holders' : 'others')),
        // Refused: the holders' first writes after the cut, and writes of trials failed as stale while their
        // worker waited for the server to answer a read again (after the cut or the restart).
        lateWritesRefused: countBy(events('refused'), (e) =>
          out.holders.has(e.worker as string) ? 'holders' : 'others',
        ),
        givenUp: events('gaveUp').length,
        workerErrors: events('error').length,
        finishedChecked: out.firstFinished.size,
        ...out.figures,
      };
      console.log(`faults at scale summary: ${JSON.stringify(summary)}`);
      const errors = events('error').map((e) => `${e.worker as string}: ${e.message as string}`);
      if (errors.length > 0) console.log(`worker errors:\n${[...new Set(errors)].slice(0, 10).join('\n')}`);
    }, RUN_LIMIT_MS + 120_000);

    it('every trial seen finished during the run is byte for byte the same at the end', () => {
      const byNumber = new Map(out.trials.map((t) => [t.number, t]));
      const changed = [...out.firstFinished].filter(
        ([n, first]) => fingerprint([byNumber.get(n)!]) !== first,
      );
      expect(changed.map(([n]) => n)).toEqual([]);
      // The poll saw (nearly) every trial finished: all but those the sweep finished after it.
      expect(out.firstFinished.size).toBeGreaterThan(out.trials.length * 0.9);
    });

    it('every trial number is used once, and numbers are dense', () => {
      expect(out.trials.map((t) => t.number)).toEqual(out.trials.map((_, i) => i));
      expect(new Set(out.trials.map((t) => t.id)).size).toBe(out.trials.length);
    });

    it("the cut-off workers' running trials are failed (no heartbeat) and retried exactly once", () => {
      // A trial's last heartbeat came up to one interval before the cut, so it may be failed that much sooner.
      expect(out.figures.cutMs).toBeGreaterThan(FAILURE.gracePeriodMs - FAILURE.heartbeatIntervalMs);
      expect(out.cutTrials.length).toBeGreaterThanOrEqual(out.holders.size);
      for (const failed of out.cutTrials) {
        const t = out.trials[failed.number]!;
        expect(out.cutWorkers.has(t.worker ?? ''), `trial ${t.number}`).toBe(true);
        expect(t.state).toBe('fail');
        expect(t.failReason).toMatch(/no heartbeat/);
        expect(t.retryCount).toBe(0);
        const retries = out.trials.filter((r) => r.retriedFrom === t.number);
        expect(
          retries.map((r) => r.number),
          `retries of trial ${t.number}`,
        ).toEqual([t.retriedBy]);
        const retry = retries[0]!;
        expect(retry.retryCount).toBe(FAILURE.retries);
        // The retry runs the same configuration.
        expect(retry.fixedParams).toEqual(t.params);
        if (retry.state !== 'fail') expect(retry.params).toMatchObject(t.params);
      }
      // Every other trial failed as stale (the restart, the kills) is linked to its retry the same way,
      // and a failed retry is not retried again.
      for (const t of out.trials.filter(isStale)) {
        const retries = out.trials.filter((r) => r.retriedFrom === t.number);
        if (t.retryCount >= FAILURE.retries) expect(retries).toEqual([]);
        else
          expect(
            retries.map((r) => r.number),
            `retries of trial ${t.number}`,
          ).toEqual([t.retriedBy]);
      }
    });

    it('the cut-off workers write over neither their failed trials nor the retries: late writes are refused', () => {
      const byNumber = new Map(out.trials.map((t) => [t.number, t]));
      // The failed records, read just before the relay opened, are exactly what is stored at the end.
      for (const before of out.cutTrials)
        expect(fingerprint([byNumber.get(before.number)!]), `trial ${before.number}`).toBe(
          fingerprint([before]),
        );
      // Each holder's late writes never landed (the fingerprints above). Whether the holder learns it from a
      // refused report, from a lost connection, or only when its trial's end is refused depends on when its
      // writes, sent in the background, go out; none of its events claims the trial ended any other way.
      const refused = events('refused');
      for (const t of out.cutTrials.filter((c) => out.holders.has(c.worker ?? '')))
        for (const e of events('trial').filter((e) => e.worker === t.worker && e.number === t.number))
          expect(e.state, `${t.worker!} on trial ${t.number}`).toBe('fail');
      expect(out.cutTrials.filter((c) => out.holders.has(c.worker ?? '')).length).toBe(out.holders.size);
      // No worker was told a trial finished other than as stored, and none finished a cut-off trial.
      for (const e of [...events('trial'), ...out.sweeper.events.filter((e) => e.event === 'trial')]) {
        const t = byNumber.get(e.number as number)!;
        expect({ state: t.state, id: t.id }, `trial ${t.number} as ${e.worker as string} saw it`).toEqual({
          state: e.state,
          id: e.id,
        });
        if (t.state !== 'fail') expect(t.worker).toBe(e.worker);
      }
      // Every refused write was a worker's own trial, failed as stale meanwhile: never a retry.
      for (const e of refused) {
        const t = byNumber.get(e.number as number)!;
        expect({ worker: t.worker, stale: isStale(t) }, `trial ${t.number}`).toEqual({
          worker: e.worker,
          stale: true,
        });
      }
    });

    it('every worker still alive comes back and goes on: no worker error, every cut-off one runs trials again', () => {
      expect(events('error').map((e) => `${e.worker as string}: ${e.message as string}`)).toEqual([]);
      for (const w of out.cutWorkers) {
        const p = Number(w.slice(1, w.indexOf('-')));
        if (out.killed.includes(p)) continue;
        const after = out.procs[p]!.events.slice(out.eventsAtOpen[p]);
        const finishedAfter = after.filter(
          (e) => e.event === 'trial' && e.worker === w && !out.cutTrials.some((t) => t.number === e.number),
        );
        expect(finishedAfter.length, `${w} ran trials after the cut`).toBeGreaterThan(0);
      }
    });

    it('the killed processes died by SIGKILL; the others and the sweeper exited 0', () => {
      for (const p of out.procs)
        expect(p.end, `p${p.index}`).toEqual(
          out.killed.includes(p.index) ? { code: null, signal: 'SIGKILL' } : { code: 0, signal: null },
        );
      expect(out.sweeper.end).toEqual({ code: 0, signal: null });
    });

    it('after the final sweep nothing is left running, and the study reached its budget', () => {
      expect(out.trials.filter(isRunning).map((t) => t.number)).toEqual([]);
      for (const t of out.trials)
        if (t.state === 'fail') expect(t.failReason, `trial ${t.number}`).toBeTruthy();
      expect(out.trials.length).toBeGreaterThanOrEqual(BUDGET);
      // New trials stop at the budget; only retries are numbered past it.
      expect(
        out.trials.filter((t) => t.retriedFrom === null && t.number >= BUDGET).map((t) => t.number),
      ).toEqual([]);
      // The kills hit running trials too.
      const killedWorkers = (t: TrialRecord) => out.killed.some((p) => (t.worker ?? '').startsWith(`p${p}-`));
      expect(out.trials.filter((t) => isStale(t) && killedWorkers(t)).length).toBeGreaterThan(0);
    });
  },
);

// What the cut and the restart above run into, on its own: a write of the objective's refused because
// another worker failed the trial as stale meanwhile leaves the trial to that verdict; the worker goes on.
describe('a trial failed as stale while its objective runs', () => {
  it('the worker goes on; the failed record stays as it was and its retry runs', async () => {
    const storage = new InMemoryStorage();
    const study = await createStudy({
      quiet: true,
      storage,
      studyName: 'taken-over',
      worker: 'late',
      ...FAILURE,
    });
    let failed: TrialRecord[] = [];
    await study.optimize(
      async (trial) => {
        const x = trial.suggestFloat('x', 0, 1);
        if (trial.number === 1) {
          // Another worker's stale check, as if this worker's heartbeats had stopped past the grace period.
          await sleep(10);
          failed = await storage.failStaleTrials(study.id, 0, retryPolicy(FAILURE.retries));
        }
        await trial.report(x, 0);
        return x;
      },
      { nTrials: 3 },
    );
    const trials = await study.trials();
    expect(failed.map((t) => t.number)).toEqual([1]);
    expect(trials.map((t) => t.state)).toEqual(['complete', 'fail', 'complete']);
    expect(fingerprint([trials[1]!])).toBe(fingerprint(failed));
    expect(trials[2]!.retriedFrom).toBe(1);
  });
});

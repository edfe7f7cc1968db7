// Injected faults beyond kill -9: PostgreSQL restarted under running workers, a SQLite file on a full disk
// (a small tmpfs) and on a read-only file system, and command trials that hang past SIGTERM, leave
// children behind, flood stdout with metric lines, print malformed ones, or die by a signal.
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createStudy, TunekitError } from '../../src/index.js';
import type { TrialRecord } from '../../src/index.js';
import { runCommandTrial } from '../../src/command/command-trial.js';
import type { CommandSpec } from '../../src/command/command-trial.js';
import { resolveStorage } from '../../src/storage/resolve.js';
import { createTestDatabase, serverReachable } from '../../src/storage/postgres/testing/database.js';
import type { TestDatabase } from '../../src/storage/postgres/testing/database.js';
import type { ChaosArgs } from './fixtures/chaos-worker.js';
import { countBy, fingerprint, scratchDir, sleep, startFixture } from './helpers.js';

const WORKER = join(import.meta.dirname, 'fixtures', 'chaos-worker.ts');
const dir = scratchDir('faults');
const databases: TestDatabase[] = [];
afterAll(async () => {
  dir.remove();
  await Promise.all(databases.map((db) => db.drop()));
});

async function readTrials(url: string, study: string): Promise<TrialRecord[]> {
  const storage = await resolveStorage(url);
  try {
    return await storage.getTrials((await storage.getStudy(study)).id);
  } finally {
    await storage.close();
  }
}

/** Every trial finished (complete, pruned, or failed with a reason), numbers dense. */
function expectSettled(trials: readonly TrialRecord[]): void {
  expect(trials.map((t) => t.number)).toEqual(trials.map((_, i) => i));
  expect(trials.filter((t) => t.state === 'running' || t.state === 'waiting').map((t) => t.number)).toEqual(
    [],
  );
  for (const t of trials) if (t.state === 'fail') expect(t.failReason, `trial ${t.number}`).toBeTruthy();
}

// Restarting the shared server would break PostgreSQL tests running beside it, so this runs only under the
// reliability config (`npm run test:reliability`, which `npm test` runs after the main suite), one file at a time.
const ownsServer = inject('reliabilitySize') !== undefined && process.getuid?.() === 0;

describe('PostgreSQL restarted while workers run', () => {
  it.skipIf(!ownsServer)('workers ride through the restart; no trial lost or duplicated', async () => {
    const version = readdirSync('/etc/postgresql')[0]!;
    const ctl = (action: string) =>
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action], {
        stdio: 'pipe',
      });
    const db = await createTestDatabase('tunekit_rel');
    databases.push(db);
    const FAILURE = { heartbeatIntervalMs: 200, gracePeriodMs: 3000, retries: 1 };
    const workers = Array.from({ length: 4 }, (_, i) =>
      startFixture(WORKER, {
        storage: db.url,
        study: 'restart',
        seed: i + 1,
        maxTrials: 400,
        sleepMs: 25,
        ...FAILURE,
      } satisfies ChaosArgs),
    );
    try {
      await Promise.all(workers.map((w) => w.event('ready')));
      await sleep(2500);
      const restartedAt = Date.now();
      ctl('restart');
      console.log(`PostgreSQL restart took ${Date.now() - restartedAt} ms`);
    } finally {
      if ((await serverReachable()) !== null) ctl('start');
    }
    // optimize waits for the server (storageOutageMs, 60 s by default) and goes on: every worker finishes.
    const ends = await Promise.all(workers.map((w) => w.exit));
    workers.forEach((w, i) => expect(ends[i], w.stderr().slice(-800)).toEqual({ code: 0, signal: null }));

    // A fresh worker after the grace period fails what the restart interrupted, if the workers finished
    // before anyone's stale check did, and runs the retries.
    await sleep(FAILURE.gracePeriodMs + 300);
    const sweeper = startFixture(WORKER, {
      storage: db.url,
      study: 'restart',
      seed: 99,
      maxTrials: 400,
      sleepMs: 1,
      ...FAILURE,
    } satisfies ChaosArgs);
    expect(await sweeper.exit, sweeper.stderr()).toEqual({ code: 0, signal: null });
    const trials = await readTrials(db.url, 'restart');
    expectSettled(trials);
    expect(trials.length).toBeGreaterThanOrEqual(400);
    // Nothing duplicated: each complete trial was run to completion by exactly one worker that lived to tell.
    const ran = [...workers, sweeper].flatMap(
      (w) => (w.events.find((e) => e.event === 'done')?.ran as number[] | undefined) ?? [],
    );
    expect(new Set(ran).size).toBe(ran.length);
    const fails = trials.filter((t) => t.state === 'fail');
    console.log(
      `restart study: ${trials.length} trials ${JSON.stringify(countBy(trials, (t) => t.state))}; failed: ${JSON.stringify(countBy(fails, (t) => (t.failReason ?? '').slice(0, 60)))}`,
    );
  });
});

describe('SQLite on a full disk and on a read-only file system', () => {
  const root = process.getuid?.() === 0;
  const mount = (target: string, options: string) =>
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', target], { stdio: 'pipe' });
  const unmount = (target: string) => execFileSync('umount', [target], { stdio: 'pipe' });

  async function seed(path: string): Promise<string> {
    const study = await createStudy({ quiet: true, studyName: 'disk', storage: `sqlite:${path}`, seed: 1 });
    await study.optimize(
      async (t) => {
        const x = t.suggestFloat('x', 0, 1);
        await t.report(x, 0);
        return x;
      },
      { nTrials: 20 },
    );
    const before = fingerprint(await study.trials());
    await study.storage.close();
    return before;
  }

  it.skipIf(!root)(
    'disk full: the worker stops with a storage error naming the file; the database stays intact',
    async () => {
      const target = join(dir.path, 'full');
      mkdirSync(target);
      mount(target, 'size=16m');
      try {
        const path = join(target, 'full.db');
        const before = await seed(path);
        // A worker runs; once it has stored a few trials, the file system fills up under it.
        const worker = startFixture(WORKER, {
          storage: `sqlite:${path}`,
          study: 'disk',
          seed: 5,
          maxTrials: 100_000,
          steps: 3,
          sleepMs: 5,
        } satisfies ChaosArgs);
        await worker.event('ready');
        await sleep(1000);
        const fd = openSync(join(target, 'filler'), 'w');
        try {
          for (;;) writeSync(fd, Buffer.alloc(64 * 1024, 1));
        } catch (error) {
          expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
        } finally {
          closeSync(fd);
        }
        const end = await worker.exit;
        const error = worker.events.find((e) => e.event === 'error');
        console.log(
          `full disk: worker exit ${JSON.stringify(end)}, error ${JSON.stringify(error)}, stderr ${worker.stderr().slice(-600)}`,
        );
        expect(end).toEqual({ code: 1, signal: null });
        expect(error).toMatchObject({ code: 'storage_error' });
        expect(error!.message).toContain(path);
        expect(error!.message).toMatch(/disk is full/);
        // Room again: the database passes an integrity check and every trial finished before is unchanged.
        rmSync(join(target, 'filler'));
        const db = new Database(path);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        db.close();
        const after = await readTrials(`sqlite:${path}`, 'disk');
        expect(fingerprint(after.slice(0, 20))).toBe(before);
        console.log(
          `full disk: ${after.length} trials after, ${JSON.stringify(countBy(after, (t) => t.state))}`,
        );
        // The study goes on: the next worker fails the trial the stopped one left running, and runs more.
        await sleep(1200);
        const next = startFixture(WORKER, {
          storage: `sqlite:${path}`,
          study: 'disk',
          seed: 6,
          maxTrials: after.length + 5,
        } satisfies ChaosArgs);
        expect(
          await next.exit,
          JSON.stringify(next.events.filter((e) => e.event === 'error')) + next.stderr(),
        ).toEqual({ code: 0, signal: null });
        const resumed = await readTrials(`sqlite:${path}`, 'disk');
        expectSettled(resumed);
        expect(fingerprint(resumed.slice(0, 20))).toBe(before);
      } finally {
        unmount(target);
      }
    },
  );

  it.skipIf(!root)(
    'read-only file system: reading works, a worker stops with a storage error naming the file; nothing changes',
    async () => {
      const target = join(dir.path, 'ro');
      mkdirSync(target);
      mount(target, 'size=8m');
      try {
        const path = join(target, 'ro.db');
        const before = await seed(path);
        execFileSync('mount', ['-o', 'remount,ro', target], { stdio: 'pipe' });
        // Reading: the trials as they were, or a clear error.
        let read: TrialRecord[] | TunekitError;
        try {
          read = await readTrials(`sqlite:${path}`, 'disk');
        } catch (error) {
          read = error as TunekitError;
        }
        console.log(
          `read-only: reading gives ${Array.isArray(read) ? `${read.length} trials` : `${read.code}: ${read.message}`}`,
        );
        if (Array.isArray(read)) expect(fingerprint(read)).toBe(before);
        else expect(read).toBeInstanceOf(TunekitError);
        const worker = startFixture(WORKER, {
          storage: `sqlite:${path}`,
          study: 'disk',
          seed: 5,
          maxTrials: 100,
        } satisfies ChaosArgs);
        const end = await worker.exit;
        const error = worker.events.find((e) => e.event === 'error');
        console.log(
          `read-only: worker exit ${JSON.stringify(end)}, error ${JSON.stringify(error)}, stderr ${worker.stderr().slice(-300)}`,
        );
        expect(end).toEqual({ code: 1, signal: null });
        expect(['storage_error', 'storage_unreachable']).toContain(error?.code);
        expect(error!.message).toContain(path);
        expect(error!.message).toMatch(/read-only|readonly/);
        execFileSync('mount', ['-o', 'remount,rw', target], { stdio: 'pipe' });
        expect(fingerprint(await readTrials(`sqlite:${path}`, 'disk'))).toBe(before);
      } finally {
        unmount(target);
      }
    },
  );
});

describe('command trials that misbehave (on a SQLite study)', () => {
  async function runOne(spec: CommandSpec, name: string): Promise<{ trial: TrialRecord; ms: number }> {
    const study = await createStudy({
      quiet: true,
      studyName: name,
      storage: `sqlite:${join(dir.path, 'commands.db')}`,
      seed: 1,
    });
    const started = Date.now();
    // A misbehaving program fails its trial; the study goes on, as `tunekit tune` runs it.
    await study.optimize((trial) => runCommandTrial(spec, trial, { x: trial.suggestFloat('x', 0, 1) }), {
      nTrials: 1,
      catch: true,
    });
    const [trial] = await study.trials();
    await study.storage.close();
    return { trial: trial!, ms: Date.now() - started };
  }
  const sh = (script: string, extra: Partial<CommandSpec> = {}): CommandSpec => ({
    argv: ['sh', '-c', script],
    ...extra,
  });

  it('a hang that ignores SIGTERM is killed after the grace period, its background children with it', async () => {
    const pidFile = join(dir.path, 'grandchild.pid');
    const { trial, ms } = await runOne(
      sh(`trap '' TERM; sleep 60 & echo $! > ${pidFile}; while true; do sleep 1; done`, {
        timeoutMs: 500,
        killGraceMs: 300,
      }),
      'hang',
    );
    expect(trial.state).toBe('fail');
    expect(trial.failReason).toMatch(/timed out after 500 ms/);
    expect(ms).toBeLessThan(10_000);
    await sleep(200);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    // The whole process group is gone (a zombie waiting for PID 1 to reap it has stopped running too).
    const state = existsSync(`/proc/${grandchild}/stat`)
      ? readFileSync(`/proc/${grandchild}/stat`, 'utf8').split(') ')[1]![0]
      : 'gone';
    expect(['gone', 'Z']).toContain(state);
  });

  it('2,000 metric lines in a burst: every intermediate value stored, the final value read', async () => {
    const py =
      'import sys\nw = sys.stdout.write\nfor i in range(2000): w("tunekit: {\\"step\\": %d, \\"value\\": %r}\\n" % (i, i * 0.5))\nw("tunekit: {\\"value\\": 42}\\n")';
    const { trial, ms } = await runOne({ argv: ['python3', '-c', py] }, 'flood');
    expect(trial.state).toBe('complete');
    expect(trial.values).toEqual([42]);
    const steps = Object.entries(trial.intermediateValues);
    expect(steps).toHaveLength(2_000);
    expect(steps.every(([step, v]) => v === Number(step) * 0.5)).toBe(true);
    console.log(`2,000 metric lines stored in ${ms} ms`);
  });

  it('a malformed metric line mid-run fails the trial with the line quoted and stops the program', async () => {
    const marker = join(dir.path, 'survived');
    const { trial } = await runOne(
      sh(
        `echo 'tunekit: {"step": 0, "value": 1}'; echo 'tunekit: {"step": 1, "value": 1e400, "extra": <b>}'; sleep 5; touch ${marker}`,
        { killGraceMs: 200 },
      ),
      'malformed',
    );
    expect(trial.state).toBe('fail');
    expect(trial.failReason).toContain('malformed metric line "tunekit: {\\"step\\": 1');
    expect(trial.intermediateValues).toEqual({ 0: 1 });
    await sleep(300);
    expect(existsSync(marker)).toBe(false);
  });

  it.each(['SEGV', 'TERM', 'ABRT'])(
    'a program that dies by SIG%s fails with the signal named',
    async (signal) => {
      const { trial } = await runOne(
        sh(`echo 'tunekit: {"step": 0, "value": 1}'; kill -${signal} $$`),
        `signal-${signal}`,
      );
      expect(trial.state).toBe('fail');
      expect(trial.failReason).toMatch(new RegExp(`killed by SIG${signal}`));
      expect(trial.intermediateValues).toEqual({ 0: 1 });
    },
  );
});

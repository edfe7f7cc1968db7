// npm run bench:connections — what a connection costs and how many a study's workers hold: the time of a
// storage call on a kept connection and on a new one (idle_ms=0), on loopback, directly and through PgBouncer;
// then the connections the server sees while workers sleep in their trials (default, idle_ms=0, PgBouncer).
// Workers without idle_ms each hold a connection, so that run has fewer of them (BENCH_HELD); every direct run
// is made as a role limited to 30 connections, so a shared server is never exhausted.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { openPostgresStorage } from '../src/storage/postgres/index.js';
import { ADMIN_URL, admin, createTestDatabase } from '../src/storage/postgres/testing/database.js';
import type { TestDatabase } from '../src/storage/postgres/testing/database.js';
import { pgbouncerMissing, startPgBouncer } from '../src/storage/postgres/testing/pgbouncer.js';
import type { PgBouncer } from '../src/storage/postgres/testing/pgbouncer.js';
import type { ScaleWorkerArgs, WorkerStats } from '../test/fixtures/scale-worker.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const SLEEPERS = Number(process.env.BENCH_SLEEPERS ?? 100);
const HELD = Number(process.env.BENCH_HELD ?? 12);
const PER_PROCESS = 25;
const FIXTURE = join(import.meta.dirname, '..', 'test', 'fixtures', 'scale-worker.ts');
const role = `tunekit_bench_${process.pid}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh database owned by the limited role, and its URL as that role. */
async function roleDatabase(): Promise<{ db: TestDatabase; url: string }> {
  const db = await createTestDatabase('tunekit_bench_conn');
  await admin((c) => c.query(`ALTER DATABASE ${db.name} OWNER TO ${role}`));
  const url = new URL(db.url);
  url.username = role;
  return { db, url: url.toString() };
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (x: number): string => x.toFixed(2).padStart(7);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Milliseconds of `CALLS` getStudy calls, 10 ms apart, after 20 to warm up. */
async function callTimes(url: string): Promise<number[]> {
  const storage = await openPostgresStorage(url);
  try {
    await storage.createStudy('calls', ['minimize']).catch(() => undefined);
    for (let i = 0; i < 20; i++) await storage.getStudy('calls');
    const times: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      // A pause between calls, as between a worker's reports: with idle_ms=0 the connection closes in it.
      await sleep(10);
      const t0 = performance.now();
      await storage.getStudy('calls');
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b);
  } finally {
    await storage.close();
  }
}

/** Milliseconds of a bare pg connect (TCP, startup, trust auth) and end. */
async function connectTimes(url: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const client = new pg.Client({ connectionString: url });
    const t0 = performance.now();
    await client.connect();
    times.push(performance.now() - t0);
    await client.end();
  }
  return times.sort((a, b) => a - b);
}

interface Seen {
  workers: number;
  max: number;
  mean: number;
  samples: number;
  sessions: number;
  seconds: number;
  trials: number;
  /** Mean over workers of (wall time - time asleep in trials) / trials: what coordination cost a trial. */
  overheadMs: number;
  errors: string[];
}

/** `workers` scale workers whose trials sleep 10 s (a report every 5 s, heartbeats every 10 s); samples the server. */
async function sleepers(url: string, db: TestDatabase, workers: number): Promise<Seen> {
  const sessions = async (): Promise<number> =>
    admin(async (c) =>
      Number(
        (await c.query('SELECT sessions FROM pg_stat_database WHERE datname = $1', [db.name])).rows[0]
          .sessions,
      ),
    );
  const procs = Array.from({ length: Math.ceil(workers / PER_PROCESS) }, (_, i) => {
    const args: ScaleWorkerArgs = {
      storages: [url],
      study: 'sleepers',
      workers: Math.min(PER_PROCESS, workers - i * PER_PROCESS),
      prefix: `p${i}`,
      trialMs: 10_000,
      reports: 2,
      timeoutMs: 20_000,
      waitForGo: true,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify(args)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const events: Array<Record<string, unknown>> = [];
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise<void>((resolve) =>
      lines.on('line', (l) => (events.push(JSON.parse(l)), l.includes('"ready"') && resolve())),
    );
    const done = new Promise<WorkerStats[]>((resolve) =>
      child.on('exit', () => resolve((events.find((e) => e.event === 'done')?.stats as WorkerStats[]) ?? [])),
    );
    return { child, ready, done };
  });
  // Processes start one after another (each opens its workers one by one), at most 2 minutes.
  await Promise.race([Promise.all(procs.map((p) => p.ready)), sleep(120_000)]);
  await sleep(1500);
  const before = await sessions();
  const sampler = new pg.Client({ connectionString: ADMIN_URL });
  await sampler.connect();
  const t0 = performance.now();
  procs.forEach((p) => p.child.stdin!.write('go\n'));
  let finished = false;
  const all = Promise.all(procs.map((p) => p.done)).then((s) => ((finished = true), s.flat()));
  const seen: number[] = [];
  for (let i = 0; !finished && i < 1200; i++) {
    const { rows } = await sampler.query('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [
      db.name,
    ]);
    seen.push(Number(rows[0].n));
    await sleep(100);
  }
  const stats = await all;
  const seconds = (performance.now() - t0) / 1000;
  await sampler.end();
  await sleep(1500); // the server counts sessions when their backends report
  return {
    workers,
    max: Math.max(...seen),
    mean: mean(seen),
    samples: seen.length,
    sessions: (await sessions()) - before,
    seconds,
    trials: stats.reduce((n, s) => n + s.trials, 0),
    overheadMs: mean(stats.filter((s) => s.trials > 0).map((s) => (s.wallMs - s.trainMs) / s.trials)),
    errors: stats.flatMap((s) => (s.error ? [s.error] : [])),
  };
}

const missing = pgbouncerMissing();
await admin((c) => c.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 30`));
const dropped: TestDatabase[] = [];
let bouncer: PgBouncer | null = null;
try {
  if (!missing) bouncer = await startPgBouncer({ poolSize: 10, queryWaitTimeoutS: 60 });
  const { db, url } = await roleDatabase();
  dropped.push(db);
  const through = bouncer ? `${bouncer.url(db.url)}?prepared=false` : null;

  console.log(`A storage call (getStudy, an indexed SELECT) on loopback, ${CALLS} calls 10 ms apart, ms:`);
  console.log('                                            median      p90      p99');
  const row = (label: string, t: number[]): void =>
    console.log(
      `${label.padEnd(42)} ${ms(quantile(t, 0.5))}  ${ms(quantile(t, 0.9))}  ${ms(quantile(t, 0.99))}`,
    );
  const kept = await callTimes(url);
  const fresh = await callTimes(`${url}?idle_ms=0`);
  row('direct, connection kept (default)', kept);
  row('direct, idle_ms=0 (a new connection)', fresh);
  row('direct, bare connect (TCP, startup, trust)', await connectTimes(url));
  if (through) {
    row('PgBouncer, connection kept', await callTimes(through));
    row('PgBouncer, idle_ms=0', await callTimes(`${through}&idle_ms=0`));
    row('PgBouncer, bare connect', await connectTimes(through));
  }
  console.log(
    `idle_ms=0 costs ${(quantile(fresh, 0.5) - quantile(kept, 0.5)).toFixed(2)} ms a call directly (medians)`,
  );

  console.log(
    '\nWorkers sleeping in 10 s trials (a report every 5 s, heartbeats every 10 s), starting none after 20 s;\n' +
      'server connections sampled every 100 ms; sessions: connections opened; ms/trial: time not asleep',
  );
  console.log(
    'set-up                             workers  conns max  mean  sessions  seconds  trials  ms/trial  errors',
  );
  const show = (label: string, s: Seen): void =>
    console.log(
      `${label.padEnd(34)} ${String(s.workers).padStart(7)}  ${String(s.max).padStart(9)}  ${s.mean.toFixed(1).padStart(4)}  ` +
        `${String(s.sessions).padStart(8)}  ${s.seconds.toFixed(1).padStart(7)}  ${String(s.trials).padStart(6)}  ` +
        `${s.overheadMs.toFixed(0).padStart(8)}  ${s.errors.length}` +
        (s.errors.length ? ` (${s.errors[0]!.slice(0, 160)})` : ''),
    );
  const held = await roleDatabase();
  dropped.push(held.db);
  show('direct, default idle (10 s)', await sleepers(held.url, held.db, HELD));
  const idle = await roleDatabase();
  dropped.push(idle.db);
  show('direct, idle_ms=0', await sleepers(`${idle.url}?idle_ms=0`, idle.db, SLEEPERS));
  if (bouncer) {
    const pooled = await createTestDatabase('tunekit_bench_conn');
    dropped.push(pooled);
    show(
      'PgBouncer (pool 10), default idle',
      await sleepers(`${bouncer.url(pooled.url)}?prepared=false`, pooled, SLEEPERS),
    );
  } else console.log(`PgBouncer runs skipped: ${missing}`);
} finally {
  await bouncer?.stop();
  for (const db of dropped) await db.drop();
  await admin((c) => c.query(`DROP ROLE IF EXISTS ${role}`));
}

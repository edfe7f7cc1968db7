// npm run bench:scale — how a PostgreSQL study scales when its workers are elsewhere: each trial "trains"
// by sleeping (1 s or 10 s, in 10 steps, each followed by a report and the pruner's question), so what is
// measured is coordination, not compute. Table 1: 1 to 128 workers on loopback against the ideal (workers ÷
// trial time) and Optuna's RDB storage on the same server, with what the server was doing (connections,
// commits and WAL flushes per second, waits, busy cores). Table 2: workers 1, 10 and 50 ms away through a
// delaying relay: round trips per trial and the share of a worker's time lost to coordination.
// Writes bench/results/scale.json. `-- --quick` runs a smaller grid; BENCH_WORKERS, BENCH_TRIAL_MS,
// BENCH_RTT_MS, BENCH_RTT_TRIAL_MS, BENCH_POOLED and BENCH_OPTUNA=0 narrow a run (an empty list skips).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Relay } from '../src/storage/testing/relay.js';
import { createTestDatabase } from '../src/storage/postgres/testing/database.js';
import { pgbouncerMissing, startPgBouncer } from '../src/storage/postgres/testing/pgbouncer.js';
import type { PgBouncer } from '../src/storage/postgres/testing/pgbouncer.js';
import { PYTHON, launchOptuna, launchTunekit, watchServer } from './scale-run.js';
import type { Run, ServerEvidence, Workload } from './scale-run.js';

const quick = process.argv.includes('--quick');
// An empty value skips that table.
const list = (name: string, fallback: number[]): number[] => {
  const value = process.env[name];
  return value === undefined ? fallback : value === '' ? [] : value.split(',').map(Number);
};
const WORKERS = list('BENCH_WORKERS', quick ? [1, 16, 64] : [1, 4, 16, 64, 128]);
const TRIAL_MS = list('BENCH_TRIAL_MS', quick ? [1000] : [1000, 10_000]);
const RTT_MS = list('BENCH_RTT_MS', quick ? [50] : [1, 10, 50]);
// Table 2's trial length: 10 s, the goal's (a worker 50 ms away loses under 5% of its time).
const RTT_TRIAL_MS = list('BENCH_RTT_TRIAL_MS', quick ? [1000] : [10_000]);
const RTT_WORKERS = Number(process.env.BENCH_RTT_WORKERS ?? 16);
// Worker counts also run through PgBouncer in transaction mode: the server's 100 connections cannot take
// 128 workers' own, and 64 direct ones leave it little room.
const POOLED = list('BENCH_POOLED', quick ? [64] : [64, 128]).filter(() => pgbouncerMissing() === null);
const POOL_SIZE = 20;
const REPORTS = 10;
// Enough trials per worker that the start (every worker at once) and the tail weigh little.
const trialsPerWorker = (trialMs: number): number => (trialMs >= 10_000 ? 3 : 8);
const withOptuna =
  process.env.BENCH_OPTUNA !== '0' &&
  spawnSync(PYTHON, ['-c', 'import optuna, psycopg2'], { encoding: 'utf8' }).status === 0;
if (!withOptuna)
  console.error(`Optuna columns left empty (BENCH_OPTUNA=0, or optuna/psycopg2 missing for ${PYTHON})`);

interface Measured {
  run: Run;
  server: ServerEvidence;
  roundTripsPerTrial: number | null;
}

interface Row {
  trialMs: number;
  workers: number;
  rttMs: number;
  via: 'direct' | 'pgbouncer';
  idealPerS: number;
  tunekit: Measured | { error: string };
  optuna: Measured | { error: string } | null;
}

/** One library on a fresh database: directly, through a relay `rttMs` away, or through PgBouncer. */
async function measure(
  library: 'tunekit' | 'optuna',
  load: Workload,
  rttMs: number | null,
  bouncer: PgBouncer | null,
): Promise<Measured> {
  const db = await createTestDatabase('tunekit_scale');
  const relay = rttMs === null ? null : Relay.to(db.url, { delayMs: rttMs });
  try {
    await relay?.open();
    const base = bouncer ? bouncer.url(db.url) : relay ? relay.url(db.url) : db.url;
    // Direct: one connection per worker, so 64 workers fit the server's 100. Through PgBouncer a worker keeps
    // its usual pool, and statements go unnamed (PgBouncer 1.18 keeps no prepared statements).
    const url = `${base}?${bouncer ? 'prepared=false' : 'pool_max=1'}`;
    if (library === 'optuna') createOptunaStudy(optunaUrl(db.url));
    const launched =
      library === 'tunekit'
        ? await launchTunekit(url, 'scale', load)
        : await launchOptuna(optunaUrl(base), 'scale', load);
    const tripsBefore = relay?.roundTrips ?? 0;
    const server = await watchServer(db.name);
    let run: Run;
    try {
      // A run far slower than the ideal is cut short and reported as such (Optuna at 64 workers and more).
      run = await launched.go(4 * load.trialMs * load.trialsPerWorker + 30_000);
    } finally {
      launched.kill();
    }
    const evidence = await server.stop();
    const roundTripsPerTrial = relay ? (relay.roundTrips - tripsBefore) / Math.max(1, run.trials) : null;
    if (run.errors.length > 0) throw new Error(`${run.errors.length} workers failed: ${run.errors[0]}`);
    return { run, server: evidence, roundTripsPerTrial };
  } finally {
    await relay?.close();
    await db.drop().catch(() => {});
  }
}

const optunaUrl = (url: string): string => url.replace(/^postgres:/, 'postgresql+psycopg2:');

function createOptunaStudy(url: string): void {
  const made = spawnSync(
    PYTHON,
    [
      '-c',
      `import optuna, sys; optuna.logging.set_verbosity(30); optuna.create_study(study_name="scale", storage=sys.argv[1])`,
      url.replace(/^postgres:/, 'postgresql+psycopg2:'),
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0)
    throw new Error(`optuna create_study failed: ${made.stderr.trim().split('\n').at(-1)}`);
}

async function row(trialMs: number, workers: number, rttMs: number | null, pooled = false): Promise<Row> {
  const load: Workload = { workers, trialMs, reports: REPORTS, trialsPerWorker: trialsPerWorker(trialMs) };
  const bouncer = pooled ? await startPgBouncer({ poolSize: POOL_SIZE, queryWaitTimeoutS: 60 }) : null;
  const attempt = async (library: 'tunekit' | 'optuna') =>
    measure(library, load, rttMs, bouncer).catch((error: unknown) => ({
      error: (error as Error).message.slice(0, 300),
    }));
  let tunekit: Row['tunekit'];
  let optuna: Row['optuna'];
  try {
    tunekit = await attempt('tunekit');
    optuna = withOptuna ? await attempt('optuna') : null;
  } finally {
    await bouncer?.stop();
  }
  const r: Row = {
    trialMs,
    workers,
    rttMs: rttMs ?? 0,
    via: pooled ? 'pgbouncer' : 'direct',
    idealPerS: workers / (trialMs / 1000),
    tunekit,
    optuna,
  };
  console.error(
    `${label(r)}: tunekit ${brief(tunekit, r)}; optuna ${optuna ? brief(optuna, r) : '-'}  (load ${loadavg()[0]!.toFixed(1)})`,
  );
  return r;
}

const label = (r: Row): string =>
  `${r.trialMs / 1000} s trials, ${r.workers} workers, +${r.rttMs} ms${r.via === 'pgbouncer' ? ', PgBouncer' : ''}`;
const brief = (m: Measured | { error: string }, r: Row): string =>
  'error' in m ? `error: ${m.error}` : `${perS(m).toFixed(2)}/s (${pct(perS(m) / r.idealPerS)} of ideal)`;
const perS = (m: Measured): number => m.run.trials / (m.run.elapsedMs / 1000);
const overheadMs = (m: Measured): number => (m.run.wallMs - m.run.trainMs) / Math.max(1, m.run.trials);
const lost = (m: Measured): number => 1 - m.run.trainMs / m.run.wallMs;
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

const scaling: Row[] = [];
for (const trialMs of TRIAL_MS) {
  for (const workers of WORKERS) scaling.push(await row(trialMs, workers, null));
  for (const workers of POOLED) scaling.push(await row(trialMs, workers, null, true));
}
const network: Row[] = [];
for (const trialMs of RTT_TRIAL_MS)
  for (const rtt of RTT_MS) network.push(await row(trialMs, RTT_WORKERS, rtt));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** trials/s, share of ideal and coordination ms per trial, then `extra`'s cells (`width` of them). */
function measured(
  m: Measured | { error: string } | null,
  r: Row,
  width: number,
  extra: (m: Measured) => string[],
): string[] {
  if (m === null || 'error' in m) return [m === null ? '-' : 'failed', ...Array<string>(2 + width).fill('-')];
  return [perS(m).toFixed(2), pct(perS(m) / r.idealPerS), overheadMs(m).toFixed(0), ...extra(m)];
}
const topWait = (m: Measured): string => {
  const [what, share] = Object.entries(m.server.waits).sort((a, b) => b[1] - a[1])[0] ?? ['-', 0];
  return `${what} ${pct(share)}`;
};
const server = (m: Measured): string[] => [
  String(m.server.maxConnections),
  m.server.commitsPerS.toFixed(0),
  m.server.walSyncsPerS?.toFixed(0) ?? '-',
  m.server.meanActive.toFixed(1),
  topWait(m),
  pct(m.server.cpuBusy),
  pct(m.server.serverCpu),
];

console.log(
  `\nTable 1. Coordination-bound scaling on PostgreSQL (loopback): trials sleep in ${REPORTS} steps, a report and ` +
    `the pruner's question after each; random sampler, median pruner; load average ${loadavg()[0]!.toFixed(1)} at the end`,
);
console.log(
  table(
    [
      'trial',
      'workers',
      'via',
      'ideal/s',
      'tunekit/s',
      'of ideal',
      'ms/trial',
      'conns',
      'commits/s',
      'WAL syncs/s',
      'active',
      'top wait',
      'cores busy',
      'server CPU',
      'optuna/s',
      'of ideal',
      'ms/trial',
      'conns',
    ],
    scaling.map((r) => [
      `${r.trialMs / 1000} s`,
      String(r.workers),
      r.via === 'pgbouncer' ? `PgBouncer ${POOL_SIZE}` : 'direct',
      r.idealPerS.toFixed(2),
      ...measured(r.tunekit, r, 7, server),
      ...measured(r.optuna, r, 1, (m) => [String(m.server.maxConnections)]),
    ]),
  ),
);
console.log(
  `\nTable 2. ${RTT_WORKERS} workers at a distance (a relay on 127.0.0.1 adds the round trip): coordination per ` +
    `trial and its share of a worker's time`,
);
const distance = (m: Measured): string[] => [pct(lost(m)), m.roundTripsPerTrial!.toFixed(1)];
console.log(
  table(
    [
      'trial',
      'RTT ms',
      'tunekit/s',
      'of ideal',
      'ms/trial',
      'time lost',
      'round trips/trial',
      'optuna/s',
      'of ideal',
      'ms/trial',
      'time lost',
      'round trips/trial',
    ],
    network.map((r) => [
      `${r.trialMs / 1000} s`,
      String(r.rttMs),
      ...measured(r.tunekit, r, 2, distance),
      ...measured(r.optuna, r, 2, distance),
    ]),
  ),
);

const out = join(import.meta.dirname, 'results');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'scale.json'),
  `${JSON.stringify({ at: new Date().toISOString(), scaling, network }, null, 2)}\n`,
);

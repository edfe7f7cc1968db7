// npm run bench:storage — trials per second with 1, 2, 4 and 8 worker processes on SQLite and PostgreSQL
// (trivial objective, 3 parameters, 2 intermediate values), beside Optuna's RDB storage on the same
// database server and workload when Debian's python3-optuna is installed. Writes bench/results/storage.json.
// BENCH_TRIALS, BENCH_OPTUNA_TRIALS and BENCH_STORAGES (e.g. "sqlite,postgres") narrow a run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../src/storage/postgres/testing/database.js';
import { startWorkers } from './storage-workers.js';

const WORKERS = [1, 2, 4, 8];
const TRIALS = Number(process.env.BENCH_TRIALS ?? 1600);
const OPTUNA_TRIALS = Number(process.env.BENCH_OPTUNA_TRIALS ?? 400);
const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'tunekit-bench-'));

interface Row {
  storage: 'sqlite' | 'postgres';
  workers: number;
  trials_per_s: number;
  optuna_trials_per_s: number | null;
}

/** Times `workers` processes from one "go" to the last "done". */
async function runTunekit(url: string, workers: number): Promise<number> {
  const run = await startWorkers(url, 'bench', workers, TRIALS);
  const start = performance.now();
  await run.go();
  return TRIALS / ((performance.now() - start) / 1000);
}

function runOptuna(url: string, workers: number): number | null {
  const result = spawnSync(
    PYTHON,
    [join(import.meta.dirname, 'storage_optuna.py'), url, String(workers), String(OPTUNA_TRIALS)],
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    console.error(
      `optuna (${url.split(':')[0]}, ${workers} workers) failed: ${result.stderr.trim().split('\n').at(-1)}`,
    );
    return null;
  }
  return (JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { trials_per_s: number }).trials_per_s;
}

const hasOptuna = spawnSync(PYTHON, ['-c', 'import optuna, psycopg2'], { encoding: 'utf8' }).status === 0;
if (!hasOptuna)
  console.error(`optuna or psycopg2 not importable by ${PYTHON}: the Optuna column stays empty`);

const rows: Row[] = [];
// PostgreSQL again with asynchronous commit (opt-in, see docs/storage.md), for both libraries: on this
// machine an fsync costs milliseconds, and every committed write waits for one.
const ASYNC = 'options=-c%20synchronous_commit%3Doff';
const asyncRows: Row[] = [];
const only = process.env.BENCH_STORAGES?.split(',');
for (const storage of (['sqlite', 'postgres', 'postgres-async'] as const).filter(
  (s) => !only || only.includes(s),
)) {
  for (const workers of WORKERS) {
    const fresh = async (): Promise<{ tunekit: string; optuna: string; drop(): Promise<void> }> => {
      if (storage === 'sqlite') {
        const file = join(dir, `${workers}-${Math.random().toString(36).slice(2)}`);
        return { tunekit: `sqlite:${file}.db`, optuna: `sqlite:///${file}-optuna.db`, drop: async () => {} };
      }
      const db = await createTestDatabase('tunekit_bench');
      const url = storage === 'postgres' ? db.url : `${db.url}?${ASYNC}`;
      return {
        tunekit: url,
        optuna: url.replace(/^postgres:/, 'postgresql+psycopg2:'),
        drop: () => db.drop(),
      };
    };
    const db = await fresh();
    try {
      const tunekit = await withRetries(`${storage} x${workers}`, async () => {
        const again = await fresh();
        return runTunekit(again.tunekit, workers).finally(() => again.drop().catch(() => {}));
      });
      const optuna = hasOptuna ? runOptuna(db.optuna, workers) : null;
      const row = {
        workers,
        trials_per_s: round(tunekit),
        optuna_trials_per_s: optuna === null ? null : round(optuna),
      };
      if (storage === 'postgres-async') asyncRows.push({ storage: 'postgres', ...row });
      else rows.push({ storage, ...row });
      console.error(
        `${storage} x${workers}: tunekit ${round(tunekit)}/s, optuna ${optuna === null ? '-' : round(optuna)}/s`,
      );
    } finally {
      await db.drop().catch(() => {});
    }
  }
}
rmSync(dir, { recursive: true, force: true });

/** On a shared machine the database server may be restarted under a run: such a run is measured again. */
async function withRetries(label: string, run: () => Promise<number>): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt === 3) throw error;
      console.error(`${label}: ${(error as Error).message}; measuring again`);
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

const header = ['storage', 'workers', 'tunekit trials/s', 'optuna trials/s', 'ratio'];
const labelled = [
  ...rows.map((r) => ({ ...r, label: r.storage as string })),
  ...asyncRows.map((r) => ({ ...r, label: 'postgres, async commit' })),
];
const table = labelled.map((r) => [
  r.label,
  String(r.workers),
  r.trials_per_s.toFixed(1),
  r.optuna_trials_per_s === null ? '-' : r.optuna_trials_per_s.toFixed(1),
  r.optuna_trials_per_s === null ? '-' : `${(r.trials_per_s / r.optuna_trials_per_s).toFixed(1)}x`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (cells: string[]): string =>
  cells.map((c, i) => (i < 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(
  `${TRIALS} trials per run (Optuna: ${OPTUNA_TRIALS}), random sampler, 3 params, 2 intermediate values per trial`,
);
console.log(line(header));
for (const r of table) console.log(line(r));

const out = join(import.meta.dirname, 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'storage.json'), `${JSON.stringify({ rows }, null, 2)}\n`);

// npm run bench:optuna-storage — what Optuna's schema costs tunekit: trials per second of tunekit workers
// on its own schema and on Optuna's (optuna+sqlite:, optuna+postgres://), beside Python Optuna 3.1 on the
// same workload (bench/storage_optuna.py) when Debian's python3-optuna is installed. Short on purpose:
// BENCH_TRIALS trials per run (default 400), 1 and 4 workers, BENCH_RUNS runs each (default 3), medians.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../src/storage/postgres/testing/database.js';
import { startWorkers } from './storage-workers.js';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 400);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'tunekit-bench-optuna-'));
const hasOptuna = spawnSync(PYTHON, ['-c', 'import optuna, psycopg2']).status === 0;

type Form = 'tunekit schema' | 'optuna schema' | 'python optuna';

/** A fresh database's URL in the form `form` uses. */
async function fresh(
  backend: 'sqlite' | 'postgres',
  form: Form,
): Promise<{ url: string; drop(): Promise<void> }> {
  if (backend === 'sqlite') {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.db`);
    const url = {
      'tunekit schema': `sqlite:${file}`,
      'optuna schema': `optuna+sqlite:${file}`,
      'python optuna': `sqlite:///${file}`,
    };
    return { url: url[form], drop: async () => {} };
  }
  const db = await createTestDatabase('tunekit_bench_optuna');
  const url = {
    'tunekit schema': db.url,
    'optuna schema': `optuna+${db.url}`,
    'python optuna': db.url.replace(/^postgres:/, 'postgresql+psycopg2:'),
  };
  return { url: url[form], drop: () => db.drop() };
}

async function trialsPerSecond(url: string, form: Form, workers: number): Promise<number | null> {
  if (form === 'python optuna') {
    const run = spawnSync(
      PYTHON,
      [join(import.meta.dirname, 'storage_optuna.py'), url, String(workers), String(TRIALS)],
      {
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) return null;
    return (JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { trials_per_s: number }).trials_per_s;
  }
  const started = await startWorkers(url, 'bench', workers, TRIALS);
  const t0 = performance.now();
  await started.go();
  return TRIALS / ((performance.now() - t0) / 1000);
}

// BENCH_STORAGES=sqlite or =postgres runs one back end.
const only = process.env.BENCH_STORAGES?.split(',');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const forms: Form[] = hasOptuna
  ? ['tunekit schema', 'optuna schema', 'python optuna']
  : ['tunekit schema', 'optuna schema'];
const rows: string[][] = [];
for (const backend of (['sqlite', 'postgres'] as const).filter((b) => !only || only.includes(b)))
  for (const workers of [1, 4]) {
    const medians: Partial<Record<Form, number>> = {};
    for (const form of forms) {
      const measured: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const db = await fresh(backend, form);
        try {
          const rate = await trialsPerSecond(db.url, form, workers);
          if (rate !== null) measured.push(rate);
        } finally {
          await db.drop().catch(() => {});
        }
      }
      if (measured.length > 0) medians[form] = median(measured);
    }
    const cell = (form: Form): string => medians[form]?.toFixed(1) ?? '-';
    const own = medians['tunekit schema']!;
    const optuna = medians['optuna schema']!;
    const python = medians['python optuna'];
    rows.push([
      backend,
      String(workers),
      cell('tunekit schema'),
      cell('optuna schema'),
      cell('python optuna'),
      `${(optuna / own).toFixed(2)}x`,
      python === undefined ? '-' : `${(optuna / python).toFixed(1)}x`,
    ]);
    console.error(rows.at(-1)!.join('  '));
  }
rmSync(dir, { recursive: true, force: true });

const header = [
  'storage',
  'workers',
  'tunekit schema/s',
  'optuna schema/s',
  'python optuna/s',
  'optuna/tunekit',
  'vs python',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]): string =>
  cells.map((c, i) => (i < 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(
  `${TRIALS} trials per run, median of ${RUNS} runs; random sampler, 3 params, 2 intermediate values per trial`,
);
console.log(line(header));
for (const r of rows) console.log(line(r));

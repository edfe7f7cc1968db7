// The cost of reproducible mode: 4 worker processes on one trainer study (TPE, median pruner; the fixture
// of test/reproducible.test.ts), reproducible (lag 3) against the normal mode: wall time, trials per second,
// and the share of worker time spent waiting for other workers' trials.
// Flags: --trials N (60), --repeats N (3), --workers N (4), --postgres (also run on a throwaway database).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createTestDatabase } from '../src/storage/postgres/testing/database.js';
import type { ReproducibleWorkerArgs } from '../test/fixtures/reproducible-worker.js';

const FIXTURE = join(import.meta.dirname, '..', 'test', 'fixtures', 'reproducible-worker.ts');
const { values: flags } = parseArgs({
  options: {
    trials: { type: 'string', default: '60' },
    repeats: { type: 'string', default: '3' },
    workers: { type: 'string', default: '4' },
    postgres: { type: 'boolean', default: false },
  },
});
const trials = Number(flags.trials);
const repeats = Number(flags.repeats);
const workers = Number(flags.workers);

interface Done {
  ms: number;
  waitedMs: number;
}

/** Starts the workers, releases them at once when every one is ready, and returns what each reported. */
async function runOnce(storage: string, lag: number | null, seed: number): Promise<Done[]> {
  const children = Array.from({ length: workers }, () => {
    const args: ReproducibleWorkerArgs = {
      storage,
      study: 'bench',
      lag,
      maxTrials: trials,
      seed,
      waitForGo: true,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify(args)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    const next = (kind: string): Promise<Record<string, number>> =>
      new Promise((resolve, reject) => {
        lines.on('line', (line) => {
          const event = JSON.parse(line) as Record<string, number> & { event: string };
          if (event.event === kind) resolve(event);
        });
        child.on('exit', (code) => reject(new Error(`worker exited with ${code} before "${kind}"`)));
      });
    return { child, ready: next('ready'), done: next('done') };
  });
  // The first worker creates the study; the others must not race it to a duplicate.
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.child.stdin!.write('go\n');
  return (await Promise.all(children.map((c) => c.done))).map((d) => ({ ms: d.ms!, waitedMs: d.waitedMs! }));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const dir = mkdtempSync(join(tmpdir(), 'tunekit-bench-repro-'));
const rows: string[][] = [];
try {
  const backends: Array<[string, () => Promise<{ url: string; drop(): Promise<void> }>]> = [
    [
      'sqlite',
      async () => ({
        url: `sqlite:${join(dir, `${Math.random().toString(36).slice(2)}.db`)}`,
        drop: async () => {},
      }),
    ],
  ];
  if (flags.postgres) backends.push(['postgres', () => createTestDatabase('tunekit_bench')]);
  for (const [backend, fresh] of backends) {
    const walls: Record<string, number[]> = { normal: [], reproducible: [] };
    const idle: number[] = [];
    // Alternate the modes so a load change on the machine hits both alike.
    for (let r = 0; r < repeats; r++)
      for (const lag of [null, workers - 1]) {
        const db = await fresh();
        try {
          const done = await runOnce(db.url, lag, r + 1);
          walls[lag === null ? 'normal' : 'reproducible']!.push(Math.max(...done.map((d) => d.ms)));
          if (lag !== null)
            idle.push(done.reduce((s, d) => s + d.waitedMs, 0) / done.reduce((s, d) => s + d.ms, 0));
        } finally {
          await db.drop();
        }
      }
    const normal = median(walls.normal!);
    for (const mode of ['normal', 'reproducible'] as const) {
      const wall = median(walls[mode]!);
      rows.push([
        backend,
        mode === 'normal' ? 'normal' : `reproducible, lag ${workers - 1}`,
        wall.toFixed(0),
        ((trials * 1000) / wall).toFixed(1),
        (normal / wall).toFixed(2),
        mode === 'normal' ? '-' : `${(100 * median(idle)).toFixed(1)}%`,
      ]);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `${workers} worker processes, ${trials}-trial trainer study (digits MLP, TPE + median pruner), median of ${repeats} runs`,
);
const header = ['storage', 'mode', 'wall ms', 'trials/s', 'throughput vs normal', 'idle (median)'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));

// `npm run bench:demo [-- --rounds N]`: the README's first run, timed as a user sees it. Runs the built
// `tunekit demo` (100 trials) with one worker process per core and with one process, alternating, in a
// fresh directory each time, and reads the tuning time, trial counts and accuracies it prints.
// Prints a table of medians; writes bench/results/demo.json. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROUNDS = arg('rounds', 3);
const TRIALS = arg('trials', 100);
const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
const cores = availableParallelism();

interface Run {
  workers: number;
  /** Wall time of the whole command (start-up, tuning, the test scoring, importance). */
  wallSeconds: number;
  /** The tuning time the demo prints ("100 trials in 18.2 s"). */
  tuningSeconds: number;
  complete: number;
  pruned: number;
  validation: number;
  test: number;
}

function runDemo(workers: number, seed: number): Run {
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-bench-demo-'));
  try {
    const started = performance.now();
    const out = execFileSync(
      process.execPath,
      [
        bin,
        'demo',
        '--trials',
        String(TRIALS),
        '--workers',
        String(workers),
        '--seed',
        String(seed),
        '--progress',
        'none',
      ],
      { cwd: dir, encoding: 'utf8', timeout: 600_000 },
    );
    const wallSeconds = (performance.now() - started) / 1000;
    const number = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
    return {
      workers,
      wallSeconds,
      tuningSeconds: number(/trials in ([\d.]+) s/),
      complete: number(/: (\d+) complete/),
      pruned: number(/(\d+) pruned early/),
      validation: number(/validation accuracy ([\d.]+)/),
      test: number(/test accuracy +([\d.]+)/),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function main(): void {
  const settings = cores > 1 ? [cores, 1] : [1];
  const runs: Run[] = [];
  const load = loadavg()[0]!;
  // Alternating settings round by round, so a noisy neighbour hits both alike.
  for (let round = 0; round < ROUNDS; round++)
    for (const workers of settings) {
      const run = runDemo(workers, 42 + round);
      runs.push(run);
      console.error(`round ${round + 1}/${ROUNDS}, ${workers} worker(s): tuning ${run.tuningSeconds} s`);
    }
  const rows = settings.map((workers) => {
    const mine = runs.filter((r) => r.workers === workers);
    const pick = (f: (r: Run) => number) => median(mine.map(f));
    return {
      workers,
      tuning: pick((r) => r.tuningSeconds),
      wall: pick((r) => r.wallSeconds),
      complete: pick((r) => r.complete),
      pruned: pick((r) => r.pruned),
      validation: pick((r) => r.validation),
      test: pick((r) => r.test),
    };
  });
  console.log(
    `\ntunekit demo, ${TRIALS} trials, ${ROUNDS} rounds, seeds 42..${42 + ROUNDS - 1}, ${cores} cores, load average ${load.toFixed(2)} at start (medians)\n`,
  );
  console.log('| workers | tuning s | whole command s | complete | pruned | val accuracy | test accuracy |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.workers} | ${r.tuning.toFixed(1)} | ${r.wall.toFixed(1)} | ${r.complete} | ${r.pruned} | ${r.validation.toFixed(4)} | ${r.test.toFixed(4)} |`,
    );
  if (rows.length > 1) {
    const pairs = Array.from(
      { length: ROUNDS },
      (_, i) => runs[2 * i + 1]!.tuningSeconds / runs[2 * i]!.tuningSeconds,
    );
    console.log(
      `\nspeed-up of ${cores} workers over 1 (median of paired rounds): ${median(pairs).toFixed(2)}x`,
    );
  }
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL('./results/demo.json', import.meta.url),
    JSON.stringify({ cores, load, rows, runs }, null, 2),
  );
}

main();

// npm run bench:ab -- --base REF [--rounds N] [--trials N]: this checkout against another commit, side by
// side in one run, for a change that should cost nothing: storage trials/s (SQLite, PostgreSQL; 1 and 4
// worker processes, the bench:storage workload) and sampler ask time (TPE, GP, random at 1,000 trials, the
// bench:samplers overhead workload). Each round runs base then this checkout, alternating which goes
// first, so drift on a shared machine hits both; the table gives medians over rounds and their ratio.
// The base is checked out once as a git worktree in the system's temp folder, sharing node_modules.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestDatabase } from '../src/storage/postgres/testing/database.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    trials: { type: 'string', default: '800' },
  },
  strict: true,
});
if (!values.base) throw new Error('give --base REF, e.g. --base 425508a');
const ROUNDS = Number(values.rounds);
const TRIALS = Number(values.trials);
const here = join(import.meta.dirname, '..');
const git = (...args: string[]) => execFileSync('git', ['-C', here, ...args], { encoding: 'utf8' }).trim();
const baseSha = git('rev-parse', '--short', values.base);
const headSha = git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain') ? '+changes' : '');

function checkoutBase(): string {
  const dir = join(tmpdir(), `tunekit-ab-${baseSha}`);
  if (!existsSync(dir)) git('worktree', 'add', '--detach', dir, baseSha);
  if (!existsSync(join(dir, 'node_modules')))
    symlinkSync(join(here, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

interface Tree {
  readonly label: string;
  readonly root: string;
}
const trees: readonly Tree[] = [
  { label: `base ${baseSha}`, root: checkoutBase() },
  { label: `this ${headSha}`, root: here },
];

type Lib = typeof import('../src/index.js');
type Workers = typeof import('./storage-workers.js');

async function storageRate(tree: Tree, storage: 'sqlite' | 'postgres', workers: number): Promise<number> {
  const { startWorkers } = (await import(join(tree.root, 'bench', 'storage-workers.ts'))) as Workers;
  let url: string;
  let drop = async () => {};
  if (storage === 'sqlite') url = `sqlite:${join(tmpdir(), `tunekit-ab-${process.pid}-${Math.random()}.db`)}`;
  else {
    const db = await createTestDatabase('tunekit_ab');
    url = db.url;
    drop = () => db.drop();
  }
  try {
    const run = await startWorkers(url, 'ab', workers, TRIALS);
    const start = performance.now();
    await run.go();
    return TRIALS / ((performance.now() - start) / 1000);
  } finally {
    await drop();
  }
}

/** Median time of an ask that suggests 10 floats, with 1,000 complete trials in the study. */
async function askMs(tree: Tree, sampler: 'tpe' | 'gp' | 'random'): Promise<number> {
  const lib = (await import(join(tree.root, 'src', 'index.ts'))) as Lib;
  const make = () =>
    sampler === 'tpe'
      ? new lib.TpeSampler({ seed: 1 })
      : sampler === 'gp'
        ? new lib.GpSampler({ seed: 1 })
        : new lib.RandomSampler({ seed: 1 });
  const names = Array.from({ length: 10 }, (_, i) => `x${i}`);
  const filled = await lib.createStudy({ sampler: new lib.RandomSampler({ seed: 0 }), quiet: true } as never);
  let k = 0;
  const value = () => ((k++ * 7919) % 1000) / 1000;
  await filled.optimize((t) => names.reduce((s, n) => s + t.suggestFloat(n, 0, 1), 0) * 0 + value(), {
    nTrials: sampler === 'gp' ? 200 : 1000,
  });
  const timed = await lib.createStudy({
    storage: filled.storage,
    studyName: filled.name,
    loadIfExists: true,
    sampler: make(),
    quiet: true,
  } as never);
  const times: number[] = [];
  for (let r = 0; r < 15; r++) {
    const t0 = performance.now();
    const trial = await timed.ask();
    for (const n of names) trial.suggestFloat(n, 0, 1);
    await trial.flush();
    if (r >= 5) times.push(performance.now() - t0);
    await timed.tell(trial, value());
  }
  return median(times);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = (s.length - 1) / 2;
  return (s[Math.floor(mid)]! + s[Math.ceil(mid)]!) / 2;
};

interface Case {
  readonly name: string;
  readonly unit: string;
  /** Higher is better for rates, lower for times. */
  readonly higherIsBetter: boolean;
  run(tree: Tree): Promise<number>;
}
const cases: Case[] = [
  ...(['sqlite', 'postgres'] as const).flatMap((storage) =>
    [1, 4].map((workers) => ({
      name: `${storage}, ${workers} worker${workers > 1 ? 's' : ''}`,
      unit: 'trials/s',
      higherIsBetter: true,
      run: (tree: Tree) => storageRate(tree, storage, workers),
    })),
  ),
  ...(['tpe', 'gp', 'random'] as const).map((sampler) => ({
    name: `${sampler} ask at ${sampler === 'gp' ? 200 : 1000} trials`,
    unit: 'ms',
    higherIsBetter: false,
    run: (tree: Tree) => askMs(tree, sampler),
  })),
];

const samples = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? trees : [...trees].reverse();
  for (const c of cases)
    for (const tree of order) {
      const key = `${c.name}|${tree.label}`;
      const value = await c.run(tree);
      samples.set(key, [...(samples.get(key) ?? []), value]);
      console.error(`round ${round + 1}/${ROUNDS} ${c.name} ${tree.label}: ${value.toFixed(2)} ${c.unit}`);
    }
}

const rows = cases.map((c) => {
  const [base, head] = trees.map((t) => median(samples.get(`${c.name}|${t.label}`)!));
  const ratio = c.higherIsBetter ? head! / base! : base! / head!;
  return [c.name, `${base!.toFixed(2)} ${c.unit}`, `${head!.toFixed(2)} ${c.unit}`, `${ratio.toFixed(2)}x`];
});
const header = ['case', trees[0]!.label, trees[1]!.label, 'this vs base (>1: faster)'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: readonly string[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(
  `medians of ${ROUNDS} rounds; storage runs ${TRIALS} trials each (3 params, 2 intermediate values)`,
);
console.log(line(header));
for (const r of rows) console.log(line(r));
const out = join(here, 'bench', 'results');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'ab.json'),
  JSON.stringify(
    { base: baseSha, head: headSha, rounds: ROUNDS, trials: TRIALS, samples: Object.fromEntries(samples) },
    null,
    1,
  ),
);

// npm run bench:reports -- [--reports N] [--base REF] [--rounds N] [--storages sqlite,postgres]: N reports
// (default 5,000) on one trial through the library, on SQLite and PostgreSQL: `trial.report` then
// `trial.flush`, awaited one by one, so each report is its own write and is timed until it is stored (an
// objective that trains between reports gives each write that long in the background). A report should
// cost the same at step 4,999 as at step 0; the table gives the total and the ms per report over the first
// and the last 500. With --base, that commit runs too, in the same sitting (checked out once as a git
// worktree in the system's temp folder, sharing node_modules); each round runs both, alternating which goes
// first, and the table gives medians over rounds (a commit's cost swings with the machine's disk load).
// Writes bench/results/reports.json.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestDatabase } from '../src/storage/postgres/testing/database.js';

const { values } = parseArgs({
  options: {
    reports: { type: 'string', default: '5000' },
    base: { type: 'string' },
    rounds: { type: 'string', default: '1' },
    storages: { type: 'string', default: 'sqlite,postgres' },
  },
  strict: true,
});
const N = Number(values.reports);
const EDGE = Math.min(500, N);
const here = join(import.meta.dirname, '..');
const git = (...args: string[]) => execFileSync('git', ['-C', here, ...args], { encoding: 'utf8' }).trim();
const head = git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain') ? '+changes' : '');

interface Tree {
  readonly label: string;
  readonly root: string;
}
function checkout(ref: string): Tree {
  const sha = git('rev-parse', '--short', ref);
  const root = join(tmpdir(), `tunekit-ab-${sha}`);
  if (!existsSync(root)) git('worktree', 'add', '--detach', root, sha);
  if (!existsSync(join(root, 'node_modules')))
    symlinkSync(join(here, 'node_modules'), join(root, 'node_modules'));
  return { label: `${ref} ${sha}`, root };
}
const trees: Tree[] = [
  ...(values.base ? [checkout(values.base)] : []),
  { label: `this ${head}`, root: here },
];

type Lib = typeof import('../src/index.js');
type Resolve = typeof import('../src/storage/resolve.js');

/** Milliseconds each of the N reports took. */
async function run(tree: Tree, backend: string): Promise<number[]> {
  const lib = (await import(join(tree.root, 'src', 'index.ts'))) as Lib;
  const { resolveStorage } = (await import(join(tree.root, 'src', 'storage', 'resolve.ts'))) as Resolve;
  const file = join(tmpdir(), `tunekit-reports-${process.pid}-${Math.random().toString(36).slice(2)}.db`);
  const db = backend === 'postgres' ? await createTestDatabase('tunekit_reports') : null;
  const storage = await resolveStorage(db ? db.url : `sqlite:${file}`);
  try {
    const study = await lib.createStudy({ storage, studyName: 'reports', quiet: true });
    const trial = await study.ask();
    const times: number[] = [];
    for (let step = 0; step < N; step++) {
      const start = performance.now();
      await trial.report(1 / (step + 1), step);
      await trial.flush();
      times.push(performance.now() - start);
    }
    await study.tell(trial, 0);
    return times;
  } finally {
    await storage.close();
    await db?.drop();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
interface Result {
  storage: string;
  tree: string;
  total_s: number;
  first_ms: number;
  last_ms: number;
}
const results: Result[] = [];
for (let round = 0; round < Number(values.rounds); round++)
  for (const backend of values.storages.split(','))
    for (const tree of round % 2 ? [...trees].reverse() : trees) {
      const times = await run(tree, backend);
      const total = times.reduce((a, b) => a + b, 0) / 1000;
      const [first, last] = [mean(times.slice(0, EDGE)), mean(times.slice(-EDGE))];
      results.push({ storage: backend, tree: tree.label, total_s: total, first_ms: first, last_ms: last });
      console.error(`round ${round + 1}: ${backend} ${tree.label}: ${total.toFixed(2)} s`);
    }
const rows = values.storages.split(',').flatMap((backend) =>
  trees.map((tree) => {
    const runs = results.filter((r) => r.storage === backend && r.tree === tree.label);
    const cell = (key: 'total_s' | 'first_ms' | 'last_ms') => median(runs.map((r) => r[key])).toFixed(2);
    return [backend, tree.label, cell('total_s'), cell('first_ms'), cell('last_ms')];
  }),
);

const header = ['storage', 'code', 'total s', `ms/report, first ${EDGE}`, `ms/report, last ${EDGE}`];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: readonly string[]) =>
  cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(`${N} reports on one trial, each stored before the next; medians of ${values.rounds} round(s)`);
console.log(line(header));
for (const r of rows) console.log(line(r));
const out = join(here, 'bench', 'results');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'reports.json'),
  JSON.stringify({ reports: N, rounds: Number(values.rounds), results }, null, 1),
);

// npm run bench:storage-waits — why PostgreSQL throughput grows little from 1 to 2 workers on this machine:
// runs the bench:storage workload (3 params, 2 intermediate values, trivial objective) with 1 and 2 worker
// processes and prints trials/s, how busy the machine's cores were (/proc/stat), and what the server's
// backends for the study were doing, sampled every 5 ms from pg_stat_activity (running, waiting for the
// WAL to be flushed to disk, waiting for a row lock, or idle waiting for the worker's next statement).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { ADMIN_URL, createTestDatabase } from '../src/storage/postgres/testing/database.js';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 3000);
const FIXTURE = join(import.meta.dirname, '..', 'test', 'fixtures', 'storage-worker.ts');

function cpuTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
}

async function run(workers: number): Promise<void> {
  const db = await createTestDatabase('tunekit_waits');
  const sampler = new pg.Client({ connectionString: ADMIN_URL });
  await sampler.connect();
  try {
    const children = Array.from({ length: workers }, (_, i) => {
      const args = { storage: db.url, study: 'waits', mode: 'random', nTrials: TRIALS / workers, waitForGo: true, seed: i };
      const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify(args)], { stdio: ['pipe', 'pipe', 'inherit'] });
      const lines = createInterface({ input: child.stdout! });
      const event = (kind: string): Promise<void> => new Promise((resolve) => lines.on('line', (l) => (JSON.parse(l) as { event: string }).event === kind && resolve()));
      return { child, ready: event('ready'), done: event('done') };
    });
    await Promise.all(children.map((c) => c.ready));
    const before = cpuTicks();
    const start = performance.now();
    for (const c of children) c.child.stdin!.write('go\n');
    let finished = false;
    const all = Promise.all(children.map((c) => c.done)).then(() => (finished = true));
    const waits = new Map<string, number>();
    while (!finished) {
      const { rows } = await sampler.query<{ what: string }>(
        `SELECT CASE WHEN state = 'active' THEN coalesce(wait_event_type || ':' || wait_event, 'running') ELSE 'idle (waiting for the worker)' END AS what
         FROM pg_stat_activity WHERE datname = $1`,
        [db.name],
      );
      for (const { what } of rows) waits.set(what, (waits.get(what) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await all;
    const seconds = (performance.now() - start) / 1000;
    const after = cpuTicks();
    const busy = (after.busy - before.busy) / (after.total - before.total);
    const samples = [...waits.values()].reduce((a, b) => a + b, 0);
    console.log(`\n${workers} worker${workers > 1 ? 's' : ''}: ${(TRIALS / seconds).toFixed(0)} trials/s; cores busy ${(busy * 100).toFixed(0)}% of ${cpus().length}`);
    for (const [what, n] of [...waits].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${((100 * n) / samples).toFixed(1).padStart(5)}%  ${what}`);
  } finally {
    await sampler.end();
    await db.drop();
  }
}

console.log(`${TRIALS} trials per run on PostgreSQL at full durability; backend states sampled every 5 ms`);
for (const workers of [1, 2]) await run(workers);

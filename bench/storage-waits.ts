// npm run bench:storage-waits — why PostgreSQL throughput grows little from 1 to 2 workers on this machine:
// runs the bench:storage workload (3 params, 2 intermediate values, trivial objective) with 1 and 2 worker
// processes and prints trials/s, how busy the machine's cores were (/proc/stat), and what the server's
// backends for the study were doing, sampled every 5 ms from pg_stat_activity (running, waiting for the
// WAL to be flushed to disk, waiting for a row lock, or idle waiting for the worker's next statement).
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import pg from 'pg';
import { ADMIN_URL, createTestDatabase } from '../src/storage/postgres/testing/database.js';
import { startWorkers } from './storage-workers.js';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 3000);

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
    const launched = await startWorkers(db.url, 'waits', workers, TRIALS);
    const before = cpuTicks();
    const start = performance.now();
    let finished = false;
    const all = launched.go().then(() => (finished = true));
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
    console.log(
      `\n${workers} worker${workers > 1 ? 's' : ''}: ${(TRIALS / seconds).toFixed(0)} trials/s; cores busy ${(busy * 100).toFixed(0)}% of ${cpus().length}`,
    );
    for (const [what, n] of [...waits].sort((a, b) => b[1] - a[1]).slice(0, 8))
      console.log(`  ${((100 * n) / samples).toFixed(1).padStart(5)}%  ${what}`);
  } finally {
    await sampler.end();
    await db.drop();
  }
}

console.log(`${TRIALS} trials per run on PostgreSQL at full durability; backend states sampled every 5 ms`);
for (const workers of [1, 2]) await run(workers);

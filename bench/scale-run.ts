// bench:scale's measuring parts: start W workers (tunekit's scale-worker fixture, or Optuna's script) in
// processes of at most PER_PROCESS workers, release them together, and collect what each worker spent
// training and waiting; meanwhile sample what the PostgreSQL server was doing.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { ADMIN_URL } from '../src/storage/postgres/testing/database.js';
import type { ScaleWorkerArgs, WorkerStats } from '../test/fixtures/scale-worker.js';

const FIXTURE = join(import.meta.dirname, '..', 'test', 'fixtures', 'scale-worker.ts');
const OPTUNA = join(import.meta.dirname, 'scale_optuna.py');
export const PYTHON = '/usr/bin/python3';
// Workers per process: tunekit's are promises on one event loop; Optuna's are threads under one GIL, so
// fewer per process keep Python's own CPU time from standing in for storage time.
const PER_PROCESS = { tunekit: 16, optuna: 4 };

export interface Workload {
  workers: number;
  trialMs: number;
  reports: number;
  trialsPerWorker: number;
}

/** What the workers did: elapsed from go to the last trial, and each worker's trials, wall and train time. */
export interface Run {
  elapsedMs: number;
  trials: number;
  wallMs: number;
  trainMs: number;
  errors: string[];
}

interface Launched {
  /** Releases the workers; rejects if they are not all done within `limitMs`. */
  go(limitMs: number): Promise<Run>;
  kill(): void;
}

/** Spawns the processes; resolves once every worker is connected and waiting. */
async function launch(
  commands: Array<{ cmd: string; args: string[] }>,
  readStats: (
    done: Record<string, unknown>,
  ) => Array<{ trials: number; wallMs: number; trainMs: number; error?: string }>,
): Promise<Launched> {
  const children = commands.map(({ cmd, args }) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const lines = createInterface({ input: child.stdout! });
    const events: Record<string, unknown>[] = [];
    const waiters: Array<() => void> = [];
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      events.push(JSON.parse(line) as Record<string, unknown>);
      waiters.splice(0).forEach((w) => w());
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    void exited.then(() => waiters.splice(0).forEach((w) => w()));
    const next = async (kind: string): Promise<Record<string, unknown>> => {
      for (;;) {
        const found = events.find((e) => e.event === kind);
        if (found) return found;
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`worker process exited before "${kind}": ${why(stderr)}`);
        await new Promise<void>((w) => waiters.push(w));
      }
    };
    return { child, next };
  });
  try {
    await Promise.all(children.map((c) => c.next('ready')));
  } catch (error) {
    for (const c of children) c.child.kill('SIGKILL');
    throw error;
  }
  return {
    kill: () => children.forEach((c) => c.child.kill('SIGKILL')),
    go: async (limitMs: number) => {
      for (const c of children) c.child.stdin!.write('go\n');
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`not done within ${Math.round(limitMs / 1000)} s`)),
          limitMs,
        );
      });
      const all = Promise.all(children.map((c) => c.next('done')));
      all.catch(() => {}); // the limit may win; the children are killed then
      const stats = (await Promise.race([all, limit]).finally(() => clearTimeout(timer))).flatMap(readStats);
      return {
        elapsedMs: Math.max(...stats.map((s) => s.wallMs)),
        trials: sum(stats.map((s) => s.trials)),
        wallMs: sum(stats.map((s) => s.wallMs)),
        trainMs: sum(stats.map((s) => s.trainMs)),
        errors: stats.flatMap((s) => (s.error ? [s.error] : [])),
      };
    },
  };
}

/** The line of a crashed worker's stderr that says why (an error's message), else its last line. */
function why(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return lines.find((l) => /^\w*(Error|Exception)\b.*:/.test(l.trim()))?.trim() ?? lines.at(-1) ?? '';
}

function split(workers: number, perProcess: number): number[] {
  const sizes: number[] = [];
  for (let left = workers; left > 0; left -= perProcess) sizes.push(Math.min(perProcess, left));
  return sizes;
}

export function launchTunekit(
  url: string,
  study: string,
  load: Workload,
  extra: Partial<ScaleWorkerArgs> = {},
): Promise<Launched> {
  const commands = split(load.workers, PER_PROCESS.tunekit).map((workers, p) => {
    const args: ScaleWorkerArgs = {
      storages: [url],
      study,
      workers,
      prefix: `p${p}`,
      trialMs: load.trialMs,
      reports: load.reports,
      nTrials: load.trialsPerWorker,
      waitForGo: true,
      ...extra,
    };
    return { cmd: process.execPath, args: ['--import', 'tsx', FIXTURE, JSON.stringify(args)] };
  });
  return launch(commands, (done) => done.stats as WorkerStats[]);
}

export function launchOptuna(url: string, study: string, load: Workload): Promise<Launched> {
  const commands = split(load.workers, PER_PROCESS.optuna).map((workers) => ({
    cmd: PYTHON,
    args: [
      OPTUNA,
      url,
      study,
      String(workers),
      String(load.trialMs),
      String(load.reports),
      String(load.trialsPerWorker),
    ],
  }));
  return launch(commands, (done) =>
    (done.stats as Array<{ trials: number; wall_s: number; train_s: number }>).map((s) => ({
      trials: s.trials,
      wallMs: s.wall_s * 1000,
      trainMs: s.train_s * 1000,
    })),
  );
}

/** What the server did during a run, for the database `db`. */
export interface ServerEvidence {
  /** Most connections to the database seen at once. */
  maxConnections: number;
  /** Mean backends running a statement (not idle). */
  meanActive: number;
  /** Share of active-backend samples per wait ("running" when not waiting). */
  waits: Record<string, number>;
  commitsPerS: number;
  walSyncsPerS: number | null;
  /** Machine cores busy, 0..1 (all processes: workers, relay and server share the cores). */
  cpuBusy: number;
  /** The share of the machine's cores the PostgreSQL server's processes used, 0..1. */
  serverCpu: number;
}

export async function watchServer(db: string): Promise<{ stop(): Promise<ServerEvidence> }> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  const counters = async () => {
    const { rows } = await client.query<{ commits: string; syncs: string | null }>(
      `SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = $1) AS commits,
              (SELECT wal_sync FROM pg_stat_wal) AS syncs`,
      [db],
    );
    return {
      commits: Number(rows[0]!.commits),
      syncs: rows[0]!.syncs === null ? null : Number(rows[0]!.syncs),
      at: performance.now(),
      cpu: cpuTicks(),
      server: serverTicks(),
    };
  };
  const before = await counters();
  let maxConnections = 0;
  let activeSamples = 0;
  let samples = 0;
  const waits: Record<string, number> = {};
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ state: string | null; wait: string | null }>(
        `SELECT state, wait_event_type || ':' || wait_event AS wait FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [db],
      );
      samples++;
      maxConnections = Math.max(maxConnections, rows.length);
      for (const r of rows) {
        if (r.state !== 'active') continue;
        activeSamples++;
        const what = r.wait ?? 'running';
        waits[what] = (waits[what] ?? 0) + 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      const after = await counters();
      await client.end();
      const seconds = (after.at - before.at) / 1000;
      const active = Object.values(waits).reduce((a, b) => a + b, 0) || 1;
      return {
        maxConnections,
        meanActive: activeSamples / Math.max(1, samples),
        waits: Object.fromEntries(Object.entries(waits).map(([k, v]) => [k, v / active])),
        commitsPerS: (after.commits - before.commits) / seconds,
        walSyncsPerS:
          after.syncs === null || before.syncs === null ? null : (after.syncs - before.syncs) / seconds,
        cpuBusy: (after.cpu.busy - before.cpu.busy) / Math.max(1, after.cpu.total - before.cpu.total),
        // Backends that exited during the run are missed, so this is a lower bound (workers keep theirs).
        serverCpu:
          serverTicksBetween(before.server, after.server) / Math.max(1, after.cpu.total - before.cpu.total),
      };
    },
  };
}

function cpuTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
}

/** CPU ticks (user + system) of each PostgreSQL server process now alive, by pid. */
function serverTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12])); // utime, stime
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks;
}

/** Ticks the server's processes used between two looks (a backend that ended meanwhile is missed). */
function serverTicksBetween(before: Map<string, number>, after: Map<string, number>): number {
  let used = 0;
  for (const [pid, ticks] of after) used += ticks - (before.get(pid) ?? 0);
  return used;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

// A PgBouncer in transaction mode in front of the test server, for tests and bench/connections.ts: a child
// process (not a daemon) on a free loopback port, its config in a temporary directory; stop() ends it.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ADMIN_URL } from './database.js';

export const PGBOUNCER = '/usr/sbin/pgbouncer';

/** Why PgBouncer cannot run here, or null. */
export function pgbouncerMissing(): string | null {
  return existsSync(PGBOUNCER) ? null : `${PGBOUNCER} is not installed (apt-get install pgbouncer)`;
}

export interface PgBouncerOptions {
  /** `default_pool_size`: server connections per database and user. */
  poolSize: number;
  /** `query_wait_timeout`, in seconds: how long a query waits for a server connection. */
  queryWaitTimeoutS: number;
  /** `max_client_conn`. Default 500. */
  maxClientConn?: number;
}

export interface PgBouncer {
  readonly port: number;
  /** A database URL of the test server, reached through PgBouncer instead. */
  url(databaseUrl: string): string;
  /** What PgBouncer printed (its log goes to stderr). */
  log(): string;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncer> {
  const server = new URL(ADMIN_URL);
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-pgbouncer-'));
  const port = await freePort();
  const user = decodeURIComponent(server.username || 'postgres');
  // auth_type trust still wants each user listed; the password is the one PgBouncer logs in to the server with.
  writeFileSync(join(dir, 'users.txt'), `"${user}" "${decodeURIComponent(server.password)}"\n`);
  const ini = [
    '[databases]',
    `* = host=${server.hostname} port=${server.port || 5432}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${join(dir, 'users.txt')}`,
    'pool_mode = transaction',
    `default_pool_size = ${options.poolSize}`,
    `max_client_conn = ${options.maxClientConn ?? 500}`,
    `query_wait_timeout = ${options.queryWaitTimeoutS}`,
    'log_connections = 0',
    'log_disconnections = 0',
  ];
  writeFileSync(join(dir, 'pgbouncer.ini'), `${ini.join('\n')}\n`);
  // PgBouncer refuses to run as root: as root it runs as postgres, which must be able to read the directory.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chmodSync(dir, 0o755);
  const child = spawn(PGBOUNCER, [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if ((await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])) === false)
        child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = (databaseUrl: string): string => {
    const through = new URL(databaseUrl);
    through.hostname = '127.0.0.1';
    through.port = String(port);
    return through.toString();
  };
  // Ready once it lets a client in: at most 50 tries, 100 ms apart.
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString: url(ADMIN_URL), connectionTimeoutMillis: 1000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => {});
      if (attempt >= 50 || child.exitCode !== null) {
        await stop();
        throw new Error(`PgBouncer did not start on port ${port}: ${(error as Error).message}\n${log}`);
      }
      await sleep(100);
    }
  }
  return { port, url, log: () => log, stop };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

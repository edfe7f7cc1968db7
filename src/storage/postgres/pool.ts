// How a PostgreSQL storage connects: its URL's tunekit parameters (pool_max, idle_ms, connect_timeout_ms,
// prepared), read and removed before the URL reaches the driver, and the pg pool they make.
import { TunekitError } from '../../errors.js';
import { pg } from './driver.js';
import type { PgPool } from './driver.js';

/** The connections of one storage object (one worker); each option wins over its URL parameter. */
export interface PoolOptions {
  /** `pool_max`: connections open at once at most. Default 3: one trial's calls, a heartbeat, a spare. */
  poolMax?: number;
  /**
   * `idle_ms`: how long a connection stays open with no call on it. Default 10,000; 0 closes it as soon as
   * its calls stop, so a worker that is training holds none (each burst of calls then opens one).
   */
  idleMs?: number;
  /**
   * `connect_timeout_ms`: how long a call waits for a connection, a new one (server slow or not answering)
   * or a pooled one (all `pool_max` busy), before it fails. Default 10,000.
   */
  connectTimeoutMs?: number;
  /**
   * `prepared`: name statements so the server keeps their plans per connection. Default true; false behind
   * PgBouncer in transaction mode, which hands each transaction any server connection.
   */
  prepared?: boolean;
}

export type PoolSettings = Required<PoolOptions>;

export const POOL_DEFAULTS: PoolSettings = {
  poolMax: 3,
  idleMs: 10_000,
  connectTimeoutMs: 10_000,
  prepared: true,
};

/** Reads (and removes) the tunekit parameters of `url`; `options` win. `label` names the storage in errors. */
export function poolSettings(
  url: URL,
  options: PoolOptions = {},
  label = 'PostgreSQL storage',
): PoolSettings {
  const take = (name: string): string | null => {
    const value = url.searchParams.get(name);
    url.searchParams.delete(name);
    return value;
  };
  const integer = (name: string, given: number | undefined, fallback: number, min: 0 | 1): number => {
    const text = take(name);
    const value = given ?? (text === null ? fallback : Number(text));
    if (!Number.isInteger(value) || value < min)
      throw new TunekitError(
        'invalid_argument',
        `${label}: ${name} must be ${min === 1 ? 'a positive integer' : 'an integer >= 0'}, got ${given ?? text}`,
      );
    return value;
  };
  const poolMax = integer('pool_max', options.poolMax, POOL_DEFAULTS.poolMax, 1);
  const idleMs = integer('idle_ms', options.idleMs, POOL_DEFAULTS.idleMs, 0);
  const connectTimeoutMs = integer(
    'connect_timeout_ms',
    options.connectTimeoutMs,
    POOL_DEFAULTS.connectTimeoutMs,
    1,
  );
  const text = take('prepared');
  if (text !== null && text !== 'true' && text !== 'false')
    throw new TunekitError(
      'invalid_argument',
      `${label}: prepared must be true or false (false behind PgBouncer in transaction mode), got ${JSON.stringify(text)}`,
    );
  const prepared = options.prepared ?? (text === null ? POOL_DEFAULTS.prepared : text === 'true');
  return { poolMax, idleMs, connectTimeoutMs, prepared };
}

/** The pool for a URL whose tunekit parameters `poolSettings` has removed. */
export function createPool(url: URL, settings: PoolSettings): PgPool {
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: settings.poolMax,
    // Idle connections do not keep a finished worker process alive.
    allowExitOnIdle: true,
    // pg reads 0 as "never close". 1 ms closes a connection once its calls stop, while a call that follows at
    // once (the pruner's read after a report) still reuses it: with a new connection for every call, 25
    // workers in lockstep spent 4.3 s per trial on storage calls instead of 1.1 s on this loaded machine.
    idleTimeoutMillis: Math.max(1, settings.idleMs),
    // Without it pg waits forever, for a free pooled connection and for a server that never answers.
    connectionTimeoutMillis: settings.connectTimeoutMs,
  });
  // An idle connection the server drops (restart, idle timeout) must not crash the worker; the pool
  // replaces it on the next query.
  pool.on('error', () => {});
  return pool;
}

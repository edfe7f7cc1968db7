// Turns driver errors into tunekit errors: an unreachable server or a connection limit reached says so, with
// the URL (password hidden) and what to change; other database errors keep their SQLSTATE.
import { TunekitError } from '../../errors.js';
import { pg } from './driver.js';
import type { PoolSettings } from './pool.js';

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);

export function redact(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.password) copy.password = '***';
  return copy.toString();
}

/**
 * A driver error as a tunekit error. A connection that drops once the storage is open is
 * `storage_disconnected` (worth waiting for: the server may be restarting; see storage/outage.ts); a server
 * that cannot be reached while `opening`, a wrong password or database, a connection limit reached is
 * `storage_unreachable`. `pool` (the storage's settings) puts its numbers in the hints.
 */
export function asStorageError(error: unknown, where: string, opening = false, pool?: PoolSettings): unknown {
  if (error instanceof TunekitError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  // Checked first: PgBouncer reports its own limits as connection exceptions (08P01), which are no outage.
  const limit = limitHint(code, message, pool);
  if (limit)
    return new TunekitError('storage_unreachable', `cannot use ${where}: ${message}; ${limit}`, { code });
  // 08: connection exceptions; 28: authentication; 3D000: no such database; 57P0x: the server is shutting
  // down or restarting. The connection dropped or the server is restarting: worth waiting for, unlike a
  // wrong password or database.
  const transient =
    NETWORK.has(code) ||
    /^08/.test(code) ||
    ['57P01', '57P02', '57P03'].includes(code) ||
    message.includes('Connection terminated') ||
    message === 'timeout expired';
  const waitMs = pool ? `connect_timeout_ms=${pool.connectTimeoutMs}` : 'connect_timeout_ms';
  const timedOut = /connection timeout|timeout expired/.test(message)
    ? ` (no answer within ${waitMs}: check the host and port, and that the server is up and not overloaded)`
    : '';
  if (transient && !opening) {
    const lost = `lost the connection to ${where}: ${message}${timedOut}`;
    return new TunekitError('storage_disconnected', lost, { code });
  }
  if (transient || /^28/.test(code) || code === '3D000')
    return new TunekitError('storage_unreachable', `cannot use ${where}: ${message}${timedOut}`, { code });
  // 26000: no such prepared statement, 42P05: it exists already. tunekit prepares none by hand: a pooler
  // that ran the statement on another server connection than the one that prepared it.
  if (['26000', '42P05'].includes(code) && message.includes('prepared statement'))
    return new TunekitError(
      'storage_error',
      `${where}: ${message}. A pooler in transaction mode (PgBouncer) runs each transaction on any server ` +
        'connection, so statements prepared by name are lost: add prepared=false to the storage URL',
      { code },
    );
  // 22021, 22P05: a NUL character; 22P02: an unpaired UTF-16 surrogate in JSON. PostgreSQL text holds neither.
  if (['22021', '22P05', '22P02'].includes(code))
    return new TunekitError(
      'invalid_argument',
      `${where} cannot store this string: ${message}. PostgreSQL text holds no NUL character (\\u0000) and no ` +
        'unpaired surrogate; remove them from names, params and attributes (SQLite and in-memory storages keep them)',
      { code },
    );
  if (error instanceof pg.DatabaseError)
    return new TunekitError('storage_error', `${where}: ${message}`, { code });
  return error;
}

/** What to change when a limit on connections is reached (or PgBouncer refuses the set-up), else null. */
function limitHint(code: string, message: string, pool?: PoolSettings): string | null {
  const poolMax = pool ? `pool_max (${pool.poolMax} here)` : 'pool_max';
  const waitMs = pool ? `connect_timeout_ms=${pool.connectTimeoutMs}` : 'connect_timeout_ms';
  // 53300: max_connections, or a role's or database's CONNECTION LIMIT.
  if (code === '53300')
    return (
      `the server refused a new connection. Each worker (each storage) holds up to ${poolMax} connections: ` +
      'add idle_ms=0 to the storage URL so workers hold none between storage calls, put PgBouncer in ' +
      'transaction mode in front of the server for hundreds of workers (with prepared=false), lower ' +
      "pool_max, or raise the server's max_connections (or the role's or database's CONNECTION LIMIT); " +
      'see "Connections" in docs/storage.md'
    );
  // pg's pool: every connection stayed busy for connect_timeout_ms.
  if (message === 'timeout exceeded when trying to connect')
    return (
      `no connection of this storage's pool came free within ${waitMs}: ` +
      `all ${poolMax} were busy. Raise pool_max, make fewer storage calls at once (optimize's concurrency), ` +
      'or raise connect_timeout_ms if the server is slow to answer'
    );
  if (message === 'query_wait_timeout')
    return (
      "PgBouncer found no free server connection for the query within its query_wait_timeout: raise the pool's " +
      "default_pool_size in pgbouncer.ini (keeping the total under the server's max_connections), or its " +
      'query_wait_timeout, or run fewer workers'
    );
  if (message.includes('max_client_conn'))
    return `PgBouncer's max_client_conn is reached: raise it to at least the number of workers times ${poolMax}`;
  const startup = /unsupported startup parameter: (\S+)/.exec(message);
  if (startup)
    return (
      `PgBouncer refuses the startup parameter "${startup[1]}": remove it from the storage URL and set it on ` +
      'the server instead (ALTER DATABASE … SET or ALTER ROLE … SET, e.g. synchronous_commit = off); ' +
      "PgBouncer's ignore_startup_parameters would drop it without a word"
    );
  return null;
}

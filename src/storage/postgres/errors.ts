// Turns driver errors into tunekit errors: an unreachable server or a full connection table says so,
// with the URL (password hidden) and what to check; other database errors keep their SQLSTATE.
import { TunekitError } from '../../errors.js';
import { pg } from './driver.js';

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);

export function redact(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.password) copy.password = '***';
  return copy.toString();
}

/**
 * A driver error as a tunekit error. A connection that drops once the storage is open is
 * `storage_disconnected` (worth waiting for: the server may be restarting; see storage/outage.ts); a server
 * that cannot be reached while `opening`, a wrong password or database, a full connection table is
 * `storage_unreachable`.
 */
export function asStorageError(error: unknown, where: string, opening = false): unknown {
  if (error instanceof TunekitError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  // 08: connection exceptions; 28: authentication; 3D000: no such database; 53300: too many connections;
  // 57P0x: the server is shutting down or restarting.
  // The connection dropped or the server is restarting: worth waiting for, unlike a wrong password or database.
  const transient =
    NETWORK.has(code) ||
    /^08/.test(code) ||
    ['57P01', '57P02', '57P03'].includes(code) ||
    message.includes('Connection terminated');
  if (transient && !opening)
    return new TunekitError('storage_disconnected', `lost the connection to ${where}: ${message}`, { code });
  if (transient || /^28/.test(code) || ['3D000', '53300'].includes(code))
    return new TunekitError(
      'storage_unreachable',
      `cannot use ${where}: ${message}` +
        (code === '53300' ? " (lower pool_max per worker or raise the server's max_connections)" : ''),
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

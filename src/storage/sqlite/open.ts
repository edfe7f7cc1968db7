// Opening a SQLite file for the storage, and what its disk-level errors become: WAL mode, a busy timeout,
// and a `storage_error` naming the file (and a read-only directory) when the disk refuses a write.
import { accessSync, existsSync, constants as fsConstants } from 'node:fs';
import { dirname } from 'node:path';
import { TunekitError } from '../../errors.js';
import { Database } from './driver.js';
import type { SqliteDatabase } from './driver.js';

/**
 * Runs `step`, again while SQLite answers "database is locked", until `timeoutMs` has passed. Switching a
 * new file to WAL needs an exclusive lock, and when two connections both hold a shared lock and want it,
 * SQLite returns SQLITE_BUSY at once instead of calling its busy handler (it would deadlock), so workers
 * opening a new database together would otherwise fail.
 */
export function whenUnlocked(timeoutMs: number, step: () => void): void {
  const deadline = Date.now() + timeoutMs;
  for (let waitMs = 1; ; waitMs = Math.min(waitMs * 2, 100)) {
    try {
      return step();
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() + waitMs > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, waitMs); // a constructor cannot await
    }
  }
}

/** Opens the file; `storage_unreachable` if it cannot be opened or switched to WAL. */
export function openDatabase(
  path: string,
  { busyTimeoutMs, readonly, create }: { busyTimeoutMs: number; readonly: boolean; create: boolean },
): SqliteDatabase {
  if (!create && path !== ':memory:' && !existsSync(path))
    throw new TunekitError('storage_unreachable', `no SQLite database at ${path}; nothing was created`);
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(path, { readonly, timeout: busyTimeoutMs });
    if (!readonly)
      whenUnlocked(busyTimeoutMs, () => {
        db!.pragma('journal_mode = WAL');
        // With WAL, NORMAL loses no committed data on a process crash; only a power loss may drop the last commits.
        db!.pragma('synchronous = NORMAL');
      });
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    // Opened but not usable (a read-only or full file system): release the file, or it stays busy.
    db?.close();
    throw new TunekitError(
      'storage_unreachable',
      `cannot open SQLite database ${path}: ${(error as Error).message}${readOnlyHint(path)}`,
    );
  }
}

// Disk-level failures (a full or read-only file system, I/O errors) can come from any statement that
// touches the file; every storage call turns them into a storage_error naming the file.
const DISK_FAILURE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|CORRUPT|NOTADB|PERM)/;

/** `error` itself, or the `storage_error` it stands for when it is a disk-level failure. */
export function asDiskError(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !DISK_FAILURE.test(code)) return error;
  return new TunekitError(
    'storage_error',
    `SQLite database ${path}: ${(error as Error).message} (${code})${readOnlyHint(path)}`,
    { code },
  );
}

/** Why SQLite may fail on a file it can read: it writes the database, -wal and -shm next to it. */
function readOnlyHint(path: string): string {
  try {
    accessSync(dirname(path), fsConstants.W_OK);
    return '';
  } catch {
    return `; ${dirname(path)} is read-only, and SQLite needs to write the database and its -wal and -shm files there`;
  }
}

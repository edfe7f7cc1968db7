// tunekit/optuna: storages over Optuna's own RDB schema (SQLite or PostgreSQL), so Python Optuna and tunekit
// workers share studies. Its own entry point: it loads better-sqlite3 or pg only when asked for.
import { TunekitError } from '../../errors.js';
import { OptunaStorage } from './storage.js';
import { ensureOptunaSchema } from './schema.js';
import type { Sql } from './sql.js';

export { OptunaStorage };
export { OPTUNA_REVISION } from './schema.js';

export interface OptunaStorageOptions {
  /** false: a database holding no Optuna schema is refused instead of given one. Default true. */
  create?: boolean;
  /** SQLite: how long a write waits for another process's lock. Default 30 s. */
  busyTimeoutMs?: number;
}

/**
 * Opens `optuna+sqlite:./optuna.db` or `optuna+postgres://user@host/db`: the Optuna schema is created in an
 * empty database, and a database of another Optuna schema revision is refused (`storage_version`).
 */
export async function openOptunaStorage(
  url: string,
  options: OptunaStorageOptions = {},
): Promise<OptunaStorage> {
  const create = options.create ?? true;
  const sql = await connect(url, create, options.busyTimeoutMs ?? 30_000);
  try {
    await ensureOptunaSchema(sql, create);
  } catch (error) {
    await sql.close().catch(() => {});
    throw error;
  }
  return new OptunaStorage(sql);
}

async function connect(url: string, create: boolean, busyTimeoutMs: number): Promise<Sql> {
  if (url.startsWith('optuna+sqlite:')) {
    const { sqlitePath } = await import('../resolve.js');
    const path = sqlitePath(url.slice('optuna+'.length));
    const [{ Database }, { SqliteSql }, { existsSync, statSync }, { resolve }, { whenUnlocked }] =
      await Promise.all([
        import('../sqlite/driver.js'),
        import('./sql-sqlite.js'),
        import('node:fs'),
        import('node:path'),
        import('../sqlite/open.js'),
      ]);
    if (!create && !existsSync(path))
      throw new TunekitError('storage_unreachable', `no SQLite database at ${path}; nothing was created`);
    const isNew = !existsSync(path) || statSync(path).size === 0;
    let db: InstanceType<typeof Database> | undefined;
    try {
      // Absolute: the file's name is the key of its call queue (sql-sqlite.ts).
      db = new Database(resolve(path), { readonly: false, timeout: busyTimeoutMs });
      // A file tunekit creates gets WAL, as its own files do (about 30 times the trials per second on the
      // development machine: bench:optuna-storage); Python's sqlite3 reads and writes it as usual. A file
      // Optuna made keeps the journal mode it has: changing it is its owner's call (docs/storage.md).
      if (isNew) whenUnlocked(busyTimeoutMs, () => db!.pragma('journal_mode = WAL'));
      // With WAL, NORMAL loses no committed data on a process crash; only a power loss may drop the last commits.
      if (db.pragma('journal_mode', { simple: true }) === 'wal') db.pragma('synchronous = NORMAL');
    } catch (error) {
      db?.close();
      throw new TunekitError(
        'storage_unreachable',
        `cannot open SQLite database ${path}: ${(error as Error).message}`,
      );
    }
    return new SqliteSql(db, `Optuna SQLite database ${path}`);
  }
  if (/^optuna\+postgres(ql)?:\/\//.test(url)) {
    const [{ createPool, poolSettings }, { PostgresSql }, { redact }] = await Promise.all([
      import('../postgres/pool.js'),
      import('./sql-postgres.js'),
      import('../postgres/errors.js'),
    ]);
    const parsed = new URL(url.slice('optuna+'.length));
    // The same parameters as tunekit's own schema; its statements are never named, so `prepared` changes nothing.
    const pool = createPool(parsed, poolSettings(parsed, {}, 'Optuna PostgreSQL storage'));
    return new PostgresSql(pool, `Optuna PostgreSQL database ${redact(parsed)}`);
  }
  throw new TunekitError(
    'invalid_argument',
    `storage URL ${JSON.stringify(url)} is not an Optuna one; use 'optuna+sqlite:./optuna.db' or 'optuna+postgres://user@host:5432/db'`,
  );
}

// Turns a storage URL into a storage. Back ends with native or network dependencies are imported only
// when their URL is used, so the core stays light and runs in a browser.
import { isTunekitError, TunekitError } from '../errors.js';
import type { StudyStorage } from '../study/storage.js';
import { InMemoryStorage } from './memory.js';

export interface ResolveOptions {
  /**
   * false: a database that does not exist yet is refused (`storage_unreachable`) instead of created, for
   * callers that only read. SQLite checks the file; PostgreSQL never creates a database anyway.
   */
  create?: boolean;
}

export async function resolveStorage(
  storage: StudyStorage | string,
  options: ResolveOptions = {},
): Promise<StudyStorage> {
  if (typeof storage !== 'string') return storage;
  if (storage === 'memory:' || storage === ':memory:') return new InMemoryStorage();
  if (storage.startsWith('sqlite:')) {
    const path = sqlitePath(storage);
    const { SqliteStorage } = (await loadBackEnd(
      './sqlite/index.js',
      storage,
    )) as typeof import('./sqlite/index.js');
    return new SqliteStorage(path, { create: options.create ?? true });
  }
  if (storage.startsWith('optuna+')) {
    const { openOptunaStorage } = (await loadBackEnd(
      './optuna/index.js',
      storage,
    )) as typeof import('./optuna/index.js');
    return openOptunaStorage(storage, { create: options.create ?? true });
  }
  if (/^postgres(ql)?:\/\//.test(storage)) {
    const { openPostgresStorage } = (await loadBackEnd(
      './postgres/index.js',
      storage,
    )) as typeof import('./postgres/index.js');
    return openPostgresStorage(storage);
  }
  if (storage.startsWith('indexeddb:')) {
    // A literal import: the IndexedDB storage has no dependencies, so a browser bundle may carry it.
    const { openIndexedDbStorage } = await import('./indexeddb/index.js');
    return openIndexedDbStorage(storage);
  }
  throw new TunekitError(
    'invalid_argument',
    `storage URL ${JSON.stringify(storage)} is not supported; use 'memory:', 'sqlite:./tunekit.db', 'indexeddb:NAME' (in a browser), ` +
      `'postgres://user@host:5432/db', 'optuna+sqlite:./optuna.db', 'optuna+postgres://user@host:5432/db' ` +
      `(Optuna's own schema) or pass a StudyStorage object`,
  );
}

/**
 * Imports a back end through a specifier bundlers do not follow, so a browser bundle of the core never pulls
 * in better-sqlite3 or pg; in Node it resolves as a literal would.
 */
async function loadBackEnd(specifier: string, url: string): Promise<unknown> {
  try {
    return await import(/* @vite-ignore */ specifier);
  } catch (error) {
    // The back end is there but its driver (an optional peer dependency) is not: say which package to add.
    if (isTunekitError(error, 'dependency_missing'))
      throw new TunekitError(
        'dependency_missing',
        `storage URL ${JSON.stringify(url)}: ${error.message}`,
        error.details,
      );
    throw new TunekitError(
      'storage_unreachable',
      `storage URL ${JSON.stringify(url)} needs tunekit's ${specifier.split('/')[1]} back end, which did not load here ` +
        `(${(error as Error).message}); in a browser use 'memory:' or pass a StudyStorage object`,
    );
  }
}

/** 'sqlite:./a.db' and 'sqlite://./a.db' name ./a.db; 'sqlite:///tmp/a.db' names /tmp/a.db. */
export function sqlitePath(url: string): string {
  let path = url.slice('sqlite:'.length);
  if (path.startsWith('//')) path = path.slice(2);
  if (path === '')
    throw new TunekitError(
      'invalid_argument',
      `storage URL ${JSON.stringify(url)} names no file; use e.g. 'sqlite:./tunekit.db'`,
    );
  return path;
}

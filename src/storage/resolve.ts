// Turns a storage URL into a storage. Back ends with native or network dependencies are imported only
// when their URL is used, so the core stays light and runs in a browser.
import { TunekitError } from '../errors.js';
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
    // Loaded here, not at the top: this module must stay importable in a browser.
    if (options.create === false && path !== ':memory:' && !(await import('node:fs')).existsSync(path))
      throw new TunekitError(
        'storage_unreachable',
        `no SQLite database at ${path} (from ${storage}); nothing was created`,
      );
    const { SqliteStorage } = await import('./sqlite/index.js');
    return new SqliteStorage(path);
  }
  if (/^postgres(ql)?:\/\//.test(storage)) {
    const { openPostgresStorage } = await import('./postgres/index.js');
    return openPostgresStorage(storage);
  }
  throw new TunekitError(
    'invalid_argument',
    `storage URL ${JSON.stringify(storage)} is not supported; use 'memory:', 'sqlite:./tunekit.db', ` +
      `'postgres://user@host:5432/db' or pass a StudyStorage object`,
  );
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

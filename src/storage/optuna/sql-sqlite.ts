// The Sql interface over better-sqlite3: a write transaction is BEGIN IMMEDIATE (the file's write lock,
// which Optuna's own writes wait for), a read one BEGIN DEFERRED (one snapshot).
import type { SqliteDatabase, SqliteStatement } from '../sqlite/driver.js';
import { asDiskError } from '../sqlite/open.js';
import type { Row, Sql } from './sql.js';

/**
 * The calls on each SQLite file queue, one at a time, across every connection this process holds on it:
 * better-sqlite3 is synchronous, so a connection waiting for the write lock would block the very thread that
 * must finish the transaction holding it (two storages on one file in one process would deadlock).
 */
const queues = new Map<string, Promise<unknown>>();

export class SqliteSql implements Sql {
  readonly dialect = 'sqlite';
  private readonly statements = new Map<string, SqliteStatement>();
  /** The same statements without queueing, for code already inside `serial` (a transaction's body). */
  private readonly direct: Sql;

  constructor(
    private readonly db: SqliteDatabase,
    readonly where: string,
  ) {
    this.direct = {
      dialect: 'sqlite',
      where,
      all: async <R>(text: string, params: readonly unknown[] = []) => {
        const statement = this.prepare(text);
        const bound = params.map(toSqlite);
        if (statement.reader) return statement.all(...bound) as R[];
        statement.run(...bound);
        return [];
      },
      run: async (text: string, params: readonly unknown[] = []) =>
        this.prepare(text).run(...params.map(toSqlite)).changes,
      transaction: (fn) => fn(this.direct),
      close: async () => {},
    };
  }

  all<R = Row>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    return this.serial(async () => this.direct.all<R>(text, params));
  }

  run(text: string, params: readonly unknown[] = []): Promise<number> {
    return this.serial(async () => this.direct.run(text, params));
  }

  transaction<T>(fn: (tx: Sql) => Promise<T>, mode: 'write' | 'read' = 'write'): Promise<T> {
    return this.serial(async () => {
      // A deferred transaction takes a read lock at its first read and keeps it: one snapshot.
      this.db.exec(mode === 'write' ? 'BEGIN IMMEDIATE' : 'BEGIN DEFERRED');
      try {
        const result = await fn(this.direct);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.serial(async () => {
      if (this.db.open) this.db.close();
    });
  }

  private prepare(text: string): SqliteStatement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const key = this.db.name;
    const next = (queues.get(key) ?? Promise.resolve()).then(work).catch((error: unknown) => {
      throw asDiskError(error, this.where);
    });
    const tail = next.catch(() => {});
    queues.set(key, tail);
    // The map holds only files with calls in flight.
    void tail.then(() => queues.get(key) === tail && queues.delete(key));
    return next;
  }
}

// better-sqlite3 binds no booleans.
const toSqlite = (value: unknown): unknown => (typeof value === 'boolean' ? Number(value) : value);

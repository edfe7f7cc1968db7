// One small async interface over the two SQL drivers, so the Optuna-schema storage is written once: `?`
// placeholders, rows as plain objects, and a write transaction that holds the study's lock (SQLite: BEGIN
// IMMEDIATE, the file's write lock; PostgreSQL: the study row FOR UPDATE, as Optuna's RDBStorage takes it).
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { TunekitError } from '../../errors.js';
import { asDiskError } from '../sqlite/open.js';
import { asStorageError } from '../postgres/errors.js';

export type Row = Record<string, unknown>;

export interface Sql {
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the data lives, for messages (a PostgreSQL password is hidden). */
  readonly where: string;
  all<R = Row>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a statement; returns how many rows it changed. */
  run(text: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Runs `fn` in one transaction: 'write' (the default) is all or nothing and holds what it locks; 'read'
   * sees one snapshot throughout, so a record gathered from several tables is never half of a write.
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>, mode?: 'write' | 'read'): Promise<T>;
  close(): Promise<void>;
}

/**
 * The calls on each SQLite file queue, one at a time, across every connection this process holds on it:
 * better-sqlite3 is synchronous, so a connection waiting for the write lock would block the very thread that
 * must finish the transaction holding it (two storages on one file in one process would deadlock).
 */
const queues = new Map<string, Promise<unknown>>();

export class SqliteSql implements Sql {
  readonly dialect = 'sqlite';
  private readonly statements = new Map<string, Database.Statement>();
  /** The same statements without queueing, for code already inside `serial` (a transaction's body). */
  private readonly direct: Sql;

  constructor(
    private readonly db: Database.Database,
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

  private prepare(text: string): Database.Statement {
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

/** `?` placeholders become `$1, $2, ...` (no statement here holds a literal question mark). */
const numbered = (text: string): string => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

/** A pool of connections; a transaction runs on one, and is tried again when PostgreSQL breaks a deadlock. */
export class PostgresSql implements Sql {
  readonly dialect = 'postgres';
  /** Until a first query answers, a connection error means unreachable, not a dropped connection. */
  private opened = false;

  constructor(
    private readonly pool: pg.Pool,
    readonly where: string,
  ) {}

  async all<R = Row>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    try {
      const { rows } = await this.pool.query(numbered(text), params as unknown[]);
      this.opened = true;
      return rows as R[];
    } catch (error) {
      throw asStorageError(error, this.where, !this.opened);
    }
  }

  async run(text: string, params: readonly unknown[] = []): Promise<number> {
    try {
      return (await this.pool.query(numbered(text), params as unknown[])).rowCount ?? 0;
    } catch (error) {
      throw asStorageError(error, this.where);
    }
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>, mode: 'write' | 'read' = 'write'): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect().catch((error: unknown) => {
        throw asStorageError(error, this.where, !this.opened);
      });
      const tx: Sql = {
        dialect: 'postgres',
        where: this.where,
        all: async <R>(text: string, params: readonly unknown[] = []) =>
          (await client.query(numbered(text), params as unknown[])).rows as R[],
        run: async (text: string, params: readonly unknown[] = []) =>
          (await client.query(numbered(text), params as unknown[])).rowCount ?? 0,
        transaction: (inner) => inner(tx),
        close: async () => {},
      };
      try {
        await client.query(mode === 'write' ? 'BEGIN' : 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        // 40P01: deadlock detected, 40001: serialization failure; both leave nothing written.
        const code = (error as { code?: string }).code;
        if ((code === '40P01' || code === '40001') && attempt < 5) continue;
        if (error instanceof TunekitError) throw error;
        throw asStorageError(error, this.where);
      } finally {
        client.release();
      }
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

// The Sql interface over a pg pool: a write transaction is READ COMMITTED with the row locks its statements
// take (the study row FOR UPDATE, as Optuna's RDBStorage takes it), a read one REPEATABLE READ (one snapshot).
import type { PgPool } from '../postgres/driver.js';
import { TunekitError } from '../../errors.js';
import { asStorageError } from '../postgres/errors.js';
import type { Row, Sql } from './sql.js';

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
    private readonly pool: PgPool,
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

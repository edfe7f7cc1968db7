// pg as far as tunekit uses it, loaded when tunekit/postgres is. The types are tunekit's own, so the
// published .d.ts files never need @types/pg; the compiler checks the real driver against them here.
import { importDriver } from '../driver.js';

export interface PgResult<R> {
  rows: R[];
  rowCount: number | null;
}

/** A connection (a pooled one, or the client the schema migrates through). */
export interface PgClient {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<PgResult<R>>;
}

export interface PgPoolClient extends PgClient {
  release(): void;
}

export interface PgPool {
  /** One statement on any idle connection; `name` makes the server keep its plan per connection. */
  query(config: { name?: string; text: string; values: unknown[] }): Promise<PgResult<unknown>>;
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<PgResult<R>>;
  connect(): Promise<PgPoolClient>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  end(): Promise<void>;
}

export interface PgDriver {
  Pool: new (config: {
    connectionString: string;
    max: number;
    allowExitOnIdle: boolean;
    idleTimeoutMillis: number;
    /** How long `connect` (and so `query`) waits for a connection, new or pooled. */
    connectionTimeoutMillis: number;
  }) => PgPool;
  /** What the server answered with an error (it carries the SQLSTATE as `code`). */
  DatabaseError: abstract new (...args: never[]) => Error;
}

export const pg: PgDriver = (await importDriver('pg', 'tunekit/postgres', () => import('pg'))).default;

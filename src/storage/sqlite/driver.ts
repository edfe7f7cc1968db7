// better-sqlite3 as far as tunekit uses it, loaded when tunekit/sqlite is. The types are tunekit's own, so
// the published .d.ts files never need the driver's; the compiler checks the real driver against them here.
import { importDriver } from '../driver.js';

/** A prepared statement; its rows come back as `unknown`, and each caller says what it selected. */
export interface SqliteStatement {
  /** Whether the statement returns rows (a SELECT, or a write with RETURNING). */
  readonly reader: boolean;
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** One connection to a database file. */
export interface SqliteDatabase {
  readonly open: boolean;
  readonly name: string;
  readonly inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  pragma(sql: string, options?: { simple: boolean }): unknown;
  /** `fn` as a transaction, run in BEGIN DEFERRED or BEGIN IMMEDIATE (the write lock taken up front). */
  transaction<T>(fn: () => T): { deferred(): T; immediate(): T };
  close(): unknown;
}

export type SqliteDriver = new (
  path: string,
  options: { readonly: boolean; timeout: number },
) => SqliteDatabase;

export const Database: SqliteDriver = (
  await importDriver('better-sqlite3', 'tunekit/sqlite', () => import('better-sqlite3'))
).default;

// One small async interface over the two SQL drivers, so the Optuna-schema storage is written once: `?`
// placeholders, rows as plain objects, transactions. Each driver's side is its own file (sql-sqlite.ts,
// sql-postgres.ts), so opening one never loads the other's native module or client.

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

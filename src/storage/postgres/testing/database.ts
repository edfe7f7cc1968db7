// Throwaway PostgreSQL databases for tests and benchmarks: each gets a fresh one, so nothing depends on
// what an earlier run left behind. The server is TUNEKIT_TEST_PG_URL (default: postgres on 127.0.0.1:5432).
import pg from 'pg';

export const ADMIN_URL = process.env.TUNEKIT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** Runs `fn` on a connection to the server's admin database (ADMIN_URL), closed after. */
export async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(prefix = 'tunekit_test'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Whether the test server answers; tests report it as a failure rather than skipping silently. */
export async function serverReachable(): Promise<string | null> {
  try {
    await admin((c) => c.query('SELECT 1'));
    return null;
  } catch (error) {
    return `PostgreSQL at ${ADMIN_URL} is not reachable (${(error as Error).message}); start it or set TUNEKIT_TEST_PG_URL`;
  }
}

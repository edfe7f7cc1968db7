// tunekit/postgres: the storage for many workers on many machines. Its own entry point, so `tunekit`
// itself never loads the pg driver (an optional peer).
import { PostgresStorage } from './storage.js';
import type { PostgresStorageOptions } from './storage.js';

export { PostgresStorage };
export type { PostgresStorageOptions };
export { SCHEMA_VERSION } from './schema.js';

/** Connects, creates or migrates the schema (refusing a newer one), and returns the storage. */
export async function openPostgresStorage(
  url: string,
  options: PostgresStorageOptions = {},
): Promise<PostgresStorage> {
  const storage = new PostgresStorage(url, options);
  try {
    await storage.open();
  } catch (error) {
    await storage.close().catch(() => {});
    throw error;
  }
  return storage;
}

// tunekit/sqlite: the embedded storage, one database file shared by every worker process on a machine.
// Its own entry point, so `tunekit` itself never loads the native better-sqlite3 module (an optional peer).
export { SqliteStorage } from './storage.js';
export type { SqliteStorageOptions } from './storage.js';
export { SCHEMA_VERSION } from './schema.js';

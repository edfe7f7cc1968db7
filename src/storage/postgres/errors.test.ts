import { describe, expect, it } from 'vitest';
import { asStorageError } from './errors.js';
import { POOL_DEFAULTS } from './pool.js';

const pool = { ...POOL_DEFAULTS, poolMax: 2, connectTimeoutMs: 500 };
const fail = (message: string, code?: string): Error =>
  Object.assign(new Error(message), code ? { code } : {});
const asTunekit = (error: Error, opening = false) =>
  asStorageError(error, 'PostgreSQL database postgres://u@h/db', opening, pool) as {
    code: string;
    message: string;
  };

describe('asStorageError: limits and set-ups name their fix', () => {
  it.each([
    [
      'too many connections for role "w"',
      '53300',
      ['idle_ms=0', 'PgBouncer', 'pool_max (2 here)', 'max_connections'],
    ],
    ['sorry, too many clients already', '53300', ['idle_ms=0', 'CONNECTION LIMIT']],
    ['timeout exceeded when trying to connect', undefined, ['connect_timeout_ms=500', 'pool_max (2 here)']],
    ['query_wait_timeout', '08P01', ['default_pool_size', 'query_wait_timeout']],
    ['no more connections allowed (max_client_conn)', '08P01', ['max_client_conn', 'pool_max']],
    [
      'unsupported startup parameter: options',
      '08P01',
      ['"options"', 'ALTER DATABASE', 'ignore_startup_parameters'],
    ],
  ])('%s: storage_unreachable, open or not', (message, code, hints) => {
    for (const opening of [true, false]) {
      const error = asTunekit(fail(message, code), opening);
      expect(error.code).toBe('storage_unreachable');
      for (const hint of hints) expect(error.message).toContain(hint);
    }
  });

  it('a connect timeout is an outage once open, unreachable while opening, and names connect_timeout_ms', () => {
    const timeout = fail('Connection terminated due to connection timeout');
    expect(asTunekit(timeout, true)).toMatchObject({ code: 'storage_unreachable' });
    expect(asTunekit(timeout, false)).toMatchObject({ code: 'storage_disconnected' });
    expect(asTunekit(timeout).message).toContain('no answer within connect_timeout_ms=500');
  });

  it.each([
    ['prepared statement "tunekit_start_trial" does not exist', '26000'],
    ['prepared statement "tunekit_start_trial" already exists', '42P05'],
  ])('%s: says to add prepared=false', (message, code) => {
    const error = asTunekit(fail(message, code));
    expect(error.code).toBe('storage_error');
    expect(error.message).toContain('add prepared=false to the storage URL');
  });
});

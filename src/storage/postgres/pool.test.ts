import { describe, expect, it } from 'vitest';
import { POOL_DEFAULTS, poolSettings } from './pool.js';

const read = (query: string, options = {}) => {
  const url = new URL(`postgres://u@h:5432/db${query}`);
  return { settings: poolSettings(url, options), left: url.search };
};

describe('poolSettings', () => {
  it('defaults to 3 connections kept 10 s, a 10 s connect timeout and named statements', () => {
    expect(read('').settings).toEqual({
      poolMax: 3,
      idleMs: 10_000,
      connectTimeoutMs: 10_000,
      prepared: true,
    });
    expect(POOL_DEFAULTS.connectTimeoutMs).toBeGreaterThan(0);
  });

  it("reads tunekit's parameters and leaves the driver's (options=...) in the URL", () => {
    const { settings, left } = read(
      '?pool_max=1&idle_ms=0&connect_timeout_ms=250&prepared=false&options=-c%20x%3Dy',
    );
    expect(settings).toEqual({ poolMax: 1, idleMs: 0, connectTimeoutMs: 250, prepared: false });
    expect(left).toBe('?options=-c+x%3Dy');
  });

  it('lets options win over the URL', () => {
    expect(read('?pool_max=5&prepared=false', { poolMax: 2, prepared: true }).settings).toMatchObject({
      poolMax: 2,
      prepared: true,
    });
  });

  it.each([
    ['?pool_max=0', 'pool_max must be a positive integer, got 0'],
    ['?idle_ms=-1', 'idle_ms must be an integer >= 0, got -1'],
    ['?connect_timeout_ms=soon', 'connect_timeout_ms must be a positive integer, got soon'],
    ['?prepared=no', 'prepared must be true or false (false behind PgBouncer in transaction mode), got "no"'],
  ])('refuses %s, naming the parameter', (query, message) => {
    expect(() => read(query)).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: `PostgreSQL storage: ${message}` }),
    );
  });
});

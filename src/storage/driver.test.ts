import { describe, expect, it } from 'vitest';
import { importDriver } from './driver.js';

// A package name no registry holds, imported through a variable so neither vitest nor tsc resolves it ahead.
const absent = 'tunekit-test-absent-driver';

describe('importDriver', () => {
  it('names the package to install when the driver is not installed', async () => {
    const error = await importDriver(absent, 'tunekit/sqlite', () => import(/* @vite-ignore */ absent)).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      name: 'TunekitError',
      code: 'dependency_missing',
      details: { package: absent },
    });
    expect((error as Error).message).toContain(`tunekit/sqlite needs the ${absent} package`);
    expect((error as Error).message).toContain(`npm install ${absent}`);
  });

  it('passes other failures through: a broken driver is not a missing one', async () => {
    const inner = Object.assign(new Error(`Cannot find package 'pg-pool' imported from pg`), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(importDriver('pg', 'tunekit/postgres', () => Promise.reject(inner))).rejects.toBe(inner);
    const broken = new Error('the native module was compiled against a different Node.js version');
    await expect(importDriver('better-sqlite3', 'tunekit/sqlite', () => Promise.reject(broken))).rejects.toBe(
      broken,
    );
  });

  it('returns the module when it loads', async () => {
    const yaml = await importDriver('yaml', 'tunekit/config', () => import('yaml'));
    expect(typeof yaml.parse).toBe('function');
  });
});

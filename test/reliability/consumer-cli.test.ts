// tunekit-cli as a consumer installs it (`npm run test:reliability:long` only): beside tunekit, from their
// tarballs, with both drivers; better-sqlite3 compiles from source here (no prebuilt binary can be
// downloaded), about 80 s of CPU and minutes of wall time on a loaded 2-core machine, too slow for npm test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../src/storage/postgres/testing/database.js';
import { installProject, pack, root, run, walkFiles } from '../consumer-helpers.js';
import { runSize, scratchDir } from './helpers.js';

const scratch = scratchDir('consumer-cli');
afterAll(() => scratch.remove());

describe.skipIf(runSize() !== 'long')('tunekit-cli installed into another project', () => {
  it('brings both drivers, and its tunekit command works on SQLite (the default) and PostgreSQL', async () => {
    const tunekit = await pack(root, scratch.path);
    const cliPackage = await pack(join(root, 'packages', 'cli'), scratch.path);
    const project = join(scratch.path, 'project');
    mkdirSync(project);
    const start = performance.now();
    await installProject(project, [tunekit.tarball, cliPackage.tarball], 1_200_000);
    const installSeconds = Math.round((performance.now() - start) / 1000);
    const modules = join(project, 'node_modules');
    const installed = walkFiles(modules);
    const built = join(modules, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    expect(installed.map((f) => f.path)).toContain(built);
    expect(installed.map((f) => f.path)).toContain(join(modules, 'pg', 'package.json'));

    const bin = join(modules, 'tunekit-cli', 'bin', 'tunekit.js');
    const tunekitCli = (args: string[], env: Record<string, string> = {}) =>
      run(process.execPath, [bin, ...args], project, 120_000, env);
    const space = JSON.stringify({ x: { type: 'float', low: 0, high: 1 } });
    const asked = await tunekitCli(['ask', 'consumer', '--space', space]);
    expect(asked.code, asked.stderr).toBe(0);
    expect(JSON.parse(asked.stdout)).toMatchObject({ number: 0 });
    expect((await tunekitCli(['tell', 'consumer', '--trial', '0', '--value', '0.25'])).code).toBe(0);
    // The .bin link npm made (tunekit's or tunekit-cli's: both run tunekit's CLI) reads the same database.
    const best = await run(join(modules, '.bin', 'tunekit'), ['best', 'consumer'], project, 120_000);
    expect(best.stdout).toContain('trial 0: 0.25');

    const db = await createTestDatabase();
    try {
      const studies = await tunekitCli(['studies'], { TUNEKIT_STORAGE: db.url });
      expect(studies.code, studies.stderr).toBe(0);
    } finally {
      await db.drop();
    }
    const figures = {
      installSeconds,
      nodeModulesMB: Math.round(installed.reduce((s, f) => s + f.bytes, 0) / 1e6),
    };
    mkdirSync(join(root, 'test-artifacts'), { recursive: true });
    writeFileSync(join(root, 'test-artifacts', 'consumer-cli.json'), `${JSON.stringify(figures, null, 2)}\n`);
  });
});

// Running the built CLI (`dist/cli/main.js`; `npm test` builds first) as a user would: a real process in a
// fresh directory per test, its exit code, stdout and stderr.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeEach } from 'vitest';
import { stringify } from 'yaml';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
const exec = promisify(execFile);

/** The current test's working directory (fresh for each test once `freshDirEachTest` is called). */
export const sandbox = { dir: '' };

export function freshDirEachTest(): void {
  beforeEach(() => {
    sandbox.dir = mkdtempSync(join(tmpdir(), 'tunekit-cli-'));
  });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tunekit ...args`; throws on a non-zero exit unless `ok: false`. `env` is added to this process's. */
export async function cli(
  args: string[],
  options: { ok?: boolean; env?: Record<string, string> } = {},
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], {
      cwd: sandbox.dir,
      timeout: 120_000,
      maxBuffer: 1 << 24,
      env: { ...process.env, ...options.env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    if (options.ok !== false) throw new Error(`tunekit ${args.join(' ')} exited ${e.code}: ${e.stderr}`);
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

export function writeConfig(name: string, config: unknown): string {
  const path = join(sandbox.dir, name);
  writeFileSync(path, name.endsWith('.json') ? JSON.stringify(config) : stringify(config));
  return path;
}

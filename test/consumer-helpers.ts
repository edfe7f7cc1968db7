// A consumer's project, as npm makes it: this repository's packages packed (`npm pack`, the built dist/ as it
// stands; `npm test` builds first) and installed from their tarballs into a fresh directory.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const root = new URL('..', import.meta.url).pathname;

export interface Packed {
  tarball: string;
  /** Paths inside the package, as `npm pack` lists them. */
  files: string[];
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (killed after `timeoutMs`); a non-zero exit is returned, not thrown. */
export async function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(command, args, {
      cwd,
      timeout: timeoutMs,
      maxBuffer: 1 << 26,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string; signal?: string; message: string };
    if (typeof e.code !== 'number') throw new Error(`${command} ${args.join(' ')}: ${e.signal ?? e.message}`);
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

// npm as a consumer runs it, without the notices and audit requests that only add network round trips.
const NPM_ENV = { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

/** `npm pack` of the package in `dir` into `into`; scripts are not run (the build is already there). */
export async function pack(dir: string, into: string): Promise<Packed> {
  const result = await run(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', into],
    dir,
    120_000,
    NPM_ENV,
  );
  if (result.code !== 0) throw new Error(`npm pack in ${dir} failed:\n${result.stderr}`);
  const [info] = JSON.parse(result.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { tarball: join(into, info!.filename), files: info!.files.map((f) => f.path) };
}

/** The exact version of a package this repository has installed, so a consumer gets it from npm's cache. */
export function installedVersion(name: string): string {
  const manifest = join(root, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** A fresh ES-module project in `dir` with `specs` installed (npm's cache first); returns npm's run. */
export async function installProject(dir: string, specs: string[], timeoutMs: number): Promise<Run> {
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  const result = await run('npm', ['install', '--prefer-offline', ...specs], dir, timeoutMs, NPM_ENV);
  if (result.code !== 0) throw new Error(`npm install ${specs.join(' ')} failed:\n${result.stderr}`);
  return result;
}

/** Every file under `dir` (symbolic links not followed), with its size. */
export function walkFiles(dir: string): Array<{ path: string; bytes: number }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walkFiles(path);
    return entry.isFile() ? [{ path, bytes: statSync(path).size }] : [];
  });
}

// Trial artifacts: files a trial's code saves (a model's parameters, a plot), kept in a folder beside the
// study, not in the database: `<db file>.artifacts/` for SQLite, a folder you name for PostgreSQL. Laid out
// as <folder>/<study, URI-encoded>/<trial number>/<name>; the dashboard lists and serves them for download.
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TunekitError } from '../errors.js';

/** The folder beside a SQLite file (`sqlite:./tunekit.db` → `./tunekit.db.artifacts`); null for other storages. */
export function defaultArtifactsDir(storage: unknown): string | null {
  if (typeof storage !== 'string' || !storage.startsWith('sqlite:')) return null;
  const file = storage.slice('sqlite:'.length);
  return file === '' || file === ':memory:' ? null : `${file}.artifacts`;
}

/** A plain file name: no folders, no leading dot, nothing a path could escape through. */
function checkName(name: string): string {
  if (!/^[\w][\w.+-]{0,199}$/.test(name))
    throw new TunekitError(
      'invalid_argument',
      `artifact name ${JSON.stringify(name)} must be 1-200 letters, digits, '_', '-', '+' or '.', not starting with '.'`,
    );
  return name;
}

function trialDir(dir: string, study: string, trial: number): string {
  if (!Number.isInteger(trial) || trial < 0)
    throw new TunekitError('invalid_argument', `trial must be a trial number (0, 1, ...), got ${trial}`);
  return join(dir, encodeURIComponent(study), String(trial));
}

export interface SaveArtifactOptions {
  /** The folder (see `defaultArtifactsDir`); or give `storage` as a SQLite URL to use the folder beside it. */
  dir?: string;
  storage?: string;
  study: string;
  trial: number;
  name: string;
  data: string | Uint8Array;
}

/** Saves a file for a trial (from its objective: `await saveArtifact({ storage, study: name, trial: trial.number, ... })`). */
export async function saveArtifact(options: SaveArtifactOptions): Promise<string> {
  const dir = options.dir ?? defaultArtifactsDir(options.storage);
  if (!dir)
    throw new TunekitError(
      'invalid_argument',
      'saveArtifact needs dir (a folder), or storage as a sqlite: URL to save beside the database',
    );
  const folder = trialDir(dir, options.study, options.trial);
  await mkdir(folder, { recursive: true });
  const path = join(folder, checkName(options.name));
  await writeFile(path, options.data);
  return path;
}

export interface ArtifactEntry {
  readonly name: string;
  readonly bytes: number;
  readonly modifiedAt: number;
}

export async function listArtifacts(dir: string, study: string, trial: number): Promise<ArtifactEntry[]> {
  const folder = trialDir(dir, study, trial);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const entries = await Promise.all(
    names
      .filter((n) => /^[\w][\w.+-]{0,199}$/.test(n))
      .map(async (name) => {
        const s = await stat(join(folder, name));
        return s.isFile() ? [{ name, bytes: s.size, modifiedAt: s.mtimeMs }] : [];
      }),
  );
  return entries.flat().sort((a, b) => a.name.localeCompare(b.name));
}

export async function readArtifact(dir: string, study: string, trial: number, name: string): Promise<Buffer> {
  try {
    return await readFile(join(trialDir(dir, study, trial), checkName(name)));
  } catch (error) {
    if (error instanceof TunekitError) throw error;
    throw new TunekitError(
      'not_found',
      `trial ${trial} of "${study}" has no artifact ${JSON.stringify(name)}`,
    );
  }
}

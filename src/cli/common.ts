// Options shared by the CLI's commands (where the storage is, machine-readable output, quiet) and the
// opening of a storage that read-only commands must not create.
import { STORAGE_ENV, resolveStorageUrl } from '../config/index.js';
import { DEFAULT_STORAGE, STORAGE_PRECEDENCE } from '../config/index.js';
import { openStorage } from '../index.js';
import type { StudyStorage } from '../index.js';

/** --storage of commands without a config file. */
export const STORAGE = {
  type: 'string',
  value: 'URL',
  description: `the storage: sqlite:FILE, postgres://..., optuna+sqlite:FILE, optuna+postgres://... or memory: (default $${STORAGE_ENV}, else ${DEFAULT_STORAGE})`,
} as const;

/** --storage of commands that read a config file (tune, worker). */
export const CONFIG_STORAGE = {
  ...STORAGE,
  description: `the storage (precedence: ${STORAGE_PRECEDENCE})`,
} as const;

export const JSON_OUTPUT = { type: 'boolean', description: 'print machine-readable JSON' } as const;
export const QUIET = { type: 'boolean', short: 'q', description: 'print nothing on success' } as const;
export const STUDY = { name: 'study', description: "the study's name" } as const;
export const CONFIG_FILE = {
  name: 'config',
  description: 'a config file (YAML or JSON; see docs/cli.md)',
} as const;

/** The storage URL of a command: the one rule of resolveStorageUrl, for every command. */
export function storageUrl(flag: string | undefined, config?: string): string {
  return resolveStorageUrl({ flag, config });
}

/**
 * Opens an existing storage, uses it and closes it. `create: false` (the default here) refuses a SQLite
 * file that does not exist, so a mistyped path is an error instead of a new empty database.
 */
export async function withStorage<T>(
  url: string,
  use: (storage: StudyStorage) => Promise<T>,
  options: { create?: boolean } = {},
): Promise<T> {
  const storage = await openStorage(url, { create: options.create ?? false });
  try {
    return await use(storage);
  } finally {
    await storage.close();
  }
}

export function printJson(value: unknown): void {
  console.log(
    JSON.stringify(
      value,
      (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
      2,
    ),
  );
}

/**
 * Lets the trainer use its fused multiply-add WebAssembly build (relaxed SIMD), which Node 20 only accepts
 * behind a V8 flag; the CLI sets it for its own process before any model is built (see docs/nn.md).
 */
export async function useFastKernels(): Promise<void> {
  const { enableRelaxedSimd } = await import('../nn/index.js');
  enableRelaxedSimd();
}

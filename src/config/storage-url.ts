// Where a config run or a CLI command finds its storage: one rule for all of them, so `tune` writes where
// `studies` reads. A flag beats the environment, which beats the config, which beats the default.
import { defaults } from '../defaults.js';

export const STORAGE_ENV = 'TUNEKIT_STORAGE';

/** The storage of configs and the CLI when nothing names one (the library's own default is in-memory). */
export const DEFAULT_STORAGE = defaults.fileStorage;

/** The precedence in words, for `--help` and error messages. */
export const STORAGE_PRECEDENCE = `--storage, else $${STORAGE_ENV}, else the config's study.storage, else ${DEFAULT_STORAGE}`;

export interface StorageSources {
  /** A `--storage` flag (or an override passed to runTune). */
  flag?: string | undefined;
  /** The config's `study.storage`, when there is a config and it names one. */
  config?: string | undefined;
}

export function resolveStorageUrl(
  sources: StorageSources = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  // An empty variable (TUNEKIT_STORAGE= in a script) means "not set", as a shell user expects.
  const fromEnv = env[STORAGE_ENV] === '' ? undefined : env[STORAGE_ENV];
  return sources.flag ?? fromEnv ?? sources.config ?? DEFAULT_STORAGE;
}

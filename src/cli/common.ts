// Options shared by the CLI's commands: where the storage is, machine-readable output.
import { resolveStorageUrl } from '../config/index.js';
import { TunekitError, openStorage } from '../index.js';
import type { StudyStorage } from '../index.js';
import type { ParsedArgs } from './args.js';

export const STORAGE_OPTION = 'storage';

export function storageUrl(args: ParsedArgs): string {
  const value = args.options[STORAGE_OPTION];
  return resolveStorageUrl({ flag: typeof value === 'string' ? value : undefined });
}

export async function withStorage<T>(
  args: ParsedArgs,
  use: (storage: StudyStorage, url: string) => Promise<T>,
): Promise<T> {
  const url = storageUrl(args);
  const storage = await openStorage(url);
  try {
    return await use(storage, url);
  } finally {
    await storage.close?.();
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

export function studyArg(args: ParsedArgs, command: string): string {
  const name = args.positionals[0];
  if (name === undefined)
    throw new TunekitError('invalid_argument', `give the study name, e.g. tunekit ${command} my-study`);
  return name;
}

/**
 * Lets the trainer use its fused multiply-add WebAssembly build (relaxed SIMD), which Node 20 only accepts
 * behind a V8 flag; the CLI sets it for its own process before any model is built (see docs/nn.md).
 */
export async function useFastKernels(): Promise<void> {
  const { enableRelaxedSimd } = await import('../nn/index.js');
  enableRelaxedSimd();
}

// Reading data files from disk: transparent gunzip, and an early, named error for a file that is not
// what its name or its caller claims (a .gz that is not gzip, a binary blob passed as text).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { TunekitError } from '../errors.js';

const GZIP_MAGIC = [0x1f, 0x8b];

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** Gunzips when the bytes are gzip; a name ending in .gz must be. `source` names the file in errors. */
export function maybeGunzip(bytes: Uint8Array, source: string): Uint8Array {
  if (!isGzip(bytes)) {
    if (source.endsWith('.gz'))
      throw new TunekitError(
        'invalid_file',
        `${source}: the name ends in .gz but the file is not gzip-compressed`,
        { source },
      );
    return bytes;
  }
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new TunekitError(
      'invalid_file',
      `${source}: gzip data is corrupt or truncated (${(error as Error).message})`,
      { source },
    );
  }
}

/** The file's bytes, gunzipped if compressed. */
export function readBytes(path: string | URL): Uint8Array {
  return maybeGunzip(readRaw(path), String(path));
}

/** The file's bytes as stored; a missing or unreadable file is a TunekitError naming it. */
export function readRaw(path: string | URL): Uint8Array {
  const source = String(path);
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TunekitError(
      code === 'ENOENT' ? 'file_not_found' : 'invalid_file',
      `${source}: ${(error as Error).message}`,
      { source },
    );
  }
}

/** UTF-8 text; refuses binary data (a NUL byte in the first 8 KiB), which no CSV or JSON file contains. */
export function bytesToText(bytes: Uint8Array, source: string, kind: string): string {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0))
    throw new TunekitError('invalid_file', `${source}: binary data, not ${kind} text`, { source });
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function readText(path: string | URL, kind: string): string {
  return bytesToText(readBytes(path), String(path), kind);
}

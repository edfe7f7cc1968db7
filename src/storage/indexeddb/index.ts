// tunekit/indexeddb: studies stored in the browser's IndexedDB (`indexeddb:NAME`), surviving reloads and
// shared by the tabs of one origin as workers. Needs no package; in Node, use SQLite instead.
import { TunekitError } from '../../errors.js';
import { IndexedDbStorage } from './storage.js';

export { IndexedDbStorage };

/** 'indexeddb:NAME' (or 'indexeddb://NAME') → the storage of database tunekit:NAME of this origin. */
export function openIndexedDbStorage(url: string): Promise<IndexedDbStorage> {
  return IndexedDbStorage.open(indexedDbName(url));
}

export function indexedDbName(url: string): string {
  const name = url.replace(/^indexeddb:(\/\/)?/, '');
  if (!url.startsWith('indexeddb:') || name === '')
    throw new TunekitError(
      'invalid_argument',
      `storage URL ${JSON.stringify(url)} names no database; use e.g. 'indexeddb:my-study'`,
    );
  return name;
}

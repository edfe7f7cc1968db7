// IndexedDB's event-based requests as promises. A transaction commits once no request is pending at the
// end of a task, so a transaction body may await only the requests of that transaction, nothing else.
// The few IndexedDB types used here are declared below: the project compiles without the DOM library
// (adding it would retype Node's globals for every file).
import { TunekitError } from '../../errors.js';

export type Key = number | string | readonly Key[];

export interface IDBRequest<T = unknown> {
  readonly result: T;
  readonly error: DOMException | null;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IDBOpenDBRequest extends IDBRequest<IDBDatabase> {
  onupgradeneeded: (() => void) | null;
  onblocked: (() => void) | null;
}
export interface IDBKeyRange {
  readonly lower: unknown;
}
interface IDBQuerySource {
  get(key: Key | IDBKeyRange): IDBRequest<unknown>;
  getKey(key: Key | IDBKeyRange): IDBRequest<Key | undefined>;
  getAll(range?: IDBKeyRange): IDBRequest<unknown[]>;
  getAllKeys(range?: IDBKeyRange): IDBRequest<Key[]>;
  count(range?: IDBKeyRange): IDBRequest<number>;
}
export interface IDBObjectStore extends IDBQuerySource {
  add(value: unknown): IDBRequest<Key>;
  put(value: unknown): IDBRequest<Key>;
  delete(key: Key): IDBRequest<undefined>;
  index(name: string): IDBQuerySource;
  createIndex(name: string, keyPath: string | string[], options?: { unique?: boolean }): unknown;
}
export interface Tx {
  objectStore(name: string): IDBObjectStore;
  abort(): void;
  readonly error: DOMException | null;
  oncomplete: (() => void) | null;
  onabort: (() => void) | null;
}
export type IDBTransactionMode = 'readonly' | 'readwrite';
export interface IDBDatabase {
  transaction(stores: string[], mode: IDBTransactionMode, options?: { durability?: 'strict' }): Tx;
  createObjectStore(name: string, options: { keyPath: string; autoIncrement: boolean }): IDBObjectStore;
  close(): void;
  onversionchange: (() => void) | null;
}
interface IDBGlobals {
  indexedDB?: { open(name: string, version: number): IDBOpenDBRequest };
  IDBKeyRange: { bound(lower: Key, upper: Key): IDBKeyRange };
}
const globals = globalThis as unknown as IDBGlobals;

/** IDBKeyRange.bound, from the page's globals. */
export const keyRange = (lower: Key, upper: Key): IDBKeyRange => globals.IDBKeyRange.bound(lower, upper);

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

const unreachable = (name: string, why: string) =>
  new TunekitError(
    'storage_unreachable',
    `IndexedDB database "${name}" could not be opened: ${why}; indexeddb: storage needs a browser page served over http(s) (not about:blank or a sandboxed frame); in Node use sqlite:FILE`,
  );

/** Opens a database, creating its stores with `create` on first use (version 1). */
export function openDatabase(name: string, create: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  const indexedDB = globals.indexedDB;
  if (indexedDB === undefined) return Promise.reject(unreachable(name, 'this runtime has no indexedDB'));
  return new Promise((resolve, reject) => {
    let req: IDBOpenDBRequest;
    try {
      req = indexedDB.open(name, 1);
    } catch (error) {
      // Opaque origins (about:blank, data: URLs) throw SecurityError here.
      reject(unreachable(name, (error as Error).message));
      return;
    }
    req.onupgradeneeded = () => create(req.result);
    req.onsuccess = () => {
      const db = req.result;
      // Another tab deleting or upgrading the database: let it, instead of blocking it forever.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    req.onerror = () => reject(unreachable(name, req.error?.message ?? 'unknown error'));
    req.onblocked = () => reject(unreachable(name, 'another tab holds an older version open'));
  });
}

/**
 * Runs `body` in a transaction and resolves with its value once the transaction committed. If the body
 * throws, the transaction is aborted (nothing it wrote is kept) and the body's error is what rejects.
 */
export function transaction<T>(
  db: IDBDatabase,
  stores: string[],
  mode: IDBTransactionMode,
  body: (tx: Tx) => Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(stores, mode, { durability: 'strict' });
    let result: { value: T } | null = null;
    let failure: { error: unknown } | null = null;
    tx.oncomplete = () => (failure ? reject(failure.error) : resolve(result!.value));
    tx.onabort = () =>
      reject(failure ? failure.error : (tx.error ?? new Error('IndexedDB transaction aborted')));
    body(tx).then(
      (value) => {
        result = { value };
      },
      (error: unknown) => {
        failure = { error };
        try {
          tx.abort();
        } catch {
          // Already finished: oncomplete or onabort reports it.
        }
      },
    );
  });
}

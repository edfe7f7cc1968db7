// Turns a storage URL into a storage. Back ends with native or network dependencies are imported only
// when their URL is used, so the core stays light and runs in a browser.
import { TunekitError } from '../errors.js';
import type { StudyStorage } from '../study/storage.js';
import { InMemoryStorage } from './memory.js';

export async function resolveStorage(storage: StudyStorage | string): Promise<StudyStorage> {
  if (typeof storage !== 'string') return storage;
  if (storage === 'memory:' || storage === ':memory:') return new InMemoryStorage();
  throw new TunekitError(
    'invalid_argument',
    `storage URL ${JSON.stringify(storage)} is not supported; use 'memory:' or pass a StudyStorage object`,
  );
}

// A storage whose every call goes through `around` first, for tests that record calls, hold them back as a
// slow network would, or fail them. `call` runs the real method; `around` returns what the caller gets.
import type { StudyStorage } from '../study/storage.js';

export type Around = (name: string, args: unknown[], call: () => unknown) => unknown;

export function intercept(inner: StudyStorage, around: Around): StudyStorage {
  return new Proxy(inner, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      return (...args: unknown[]) =>
        around(name, args, () => (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
}

import { describe, expect, it } from 'vitest';
import { defaults } from '../defaults.js';
import { DEFAULT_STORAGE, resolveStorageUrl } from './storage-url.js';

describe('resolveStorageUrl', () => {
  it('takes the flag, else $TUNEKIT_STORAGE, else the config, else the file default', () => {
    const env = { TUNEKIT_STORAGE: 'sqlite:/tmp/env.db' };
    const sources = { flag: 'sqlite:./flag.db', config: 'sqlite:./config.db' };
    expect(resolveStorageUrl(sources, env)).toBe('sqlite:./flag.db');
    expect(resolveStorageUrl({ config: sources.config }, env)).toBe('sqlite:/tmp/env.db');
    expect(resolveStorageUrl({ config: sources.config }, {})).toBe('sqlite:./config.db');
    expect(resolveStorageUrl({}, {})).toBe(DEFAULT_STORAGE);
    // An empty variable is "not set", as in a shell.
    expect(resolveStorageUrl({ config: sources.config }, { TUNEKIT_STORAGE: '' })).toBe('sqlite:./config.db');
  });

  it('is a file, unlike the in-memory default of the library', () => {
    expect(DEFAULT_STORAGE).toBe(defaults.fileStorage);
    expect(DEFAULT_STORAGE).toBe('sqlite:./tunekit.db');
    expect(defaults.storage().constructor.name).toBe('InMemoryStorage');
  });
});

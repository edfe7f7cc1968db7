// The IndexedDB storage outside a browser: its URL, and the refusal Node gets (the contract suite runs
// in Chromium, test/indexeddb.browser.test.ts).
import { describe, expect, it } from 'vitest';
import { openStorage } from '../../index.js';
import { indexedDbName } from './index.js';

describe('indexeddb: URLs', () => {
  it('name the database', () => {
    expect(indexedDbName('indexeddb:my-app')).toBe('my-app');
    expect(indexedDbName('indexeddb://my-app')).toBe('my-app');
    expect(() => indexedDbName('indexeddb:')).toThrow(
      `storage URL "indexeddb:" names no database; use e.g. 'indexeddb:my-study'`,
    );
  });

  it('are refused in Node with what to use instead', async () => {
    await expect(openStorage('indexeddb:x')).rejects.toMatchObject({
      code: 'storage_unreachable',
      message: expect.stringMatching(/this runtime has no indexedDB; .* in Node use sqlite:FILE$/),
    });
  });
});

// checkSeed (random.ts), tested apart from random.test.ts while the RNGs are being merged there.
import { describe, expect, it } from 'vitest';
import { checkSeed } from './random.js';

describe('checkSeed', () => {
  it('accepts every non-negative safe integer, 0 included, and names the field otherwise', () => {
    for (const seed of [0, 1, 42, Number.MAX_SAFE_INTEGER]) expect(checkSeed(seed, 'seed')).toBe(seed);
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN, Infinity, '3', null])
      expect(() => checkSeed(bad, 'study.seed')).toThrow(
        expect.objectContaining({
          code: 'invalid_argument',
          message: expect.stringMatching(/^study\.seed: expected a seed/),
        }),
      );
  });
});

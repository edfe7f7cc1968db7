// Seeded randomness. Math.random cannot be seeded, so every random choice in tunekit goes through `Rng`
// (samplers, splits, augmentation, and the trainer's weights, shuffles and dropout masks alike).
// Streams are derived by hashing (seed, labels...), so a trial's draws depend on its number and the
// parameter's name only: the same seed gives the same trials whatever order workers run them in.

/** 32-bit FNV-1a over a string, mixed into a running hash. */
function fnv1a(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A 32-bit seed derived from a base seed and any labels (numbers or strings). */
export function deriveSeed(seed: number, ...labels: Array<string | number>): number {
  let h = mix32((seed >>> 0) ^ Math.floor(seed / 0x100000000));
  for (const label of labels) h = mix32(fnv1a(h, `${typeof label}:${label}|`));
  return h;
}

/** A fresh random seed for callers that did not give one (the only place Math.random is used). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x100000000) >>> 0;
}

/** xoshiro128** generator: fast, 128-bit state, good statistical quality. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = () => (x = mix32(x));
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1;
  }

  /** A stream for a sub-purpose, independent of this one and of its position. */
  static derive(seed: number, ...labels: Array<string | number>): Rng {
    return new Rng(deriveSeed(seed, ...labels));
  }

  /** Unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  next(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [low, high], both inclusive. */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  /** Standard normal (Marsaglia polar method). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Fisher-Yates, in place; arrays and typed arrays (the trainer shuffles an Int32Array of row indices). */
  shuffle<A extends { length: number; [index: number]: unknown }>(items: A): A {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** A child generator seeded from this one, so adding a consumer does not shift the stream another sees. */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

// Kept beside checkSeed (imports are hoisted), so this block lands as one append while random.ts is reworked.
import { TunekitError } from './errors.js';

/**
 * The one rule for a seed, wherever it is given (a config, a flag, an option): a non-negative safe integer,
 * 0 included. `field` names where it came from ('study.seed', '--seed'); configs rethrow as config errors.
 */
export function checkSeed(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  const got = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  throw new TunekitError(
    'invalid_argument',
    `${field}: expected a seed (an integer from 0 to ${Number.MAX_SAFE_INTEGER}), got ${got}`,
    { path: field },
  );
}

// Test-only loader for the bundled 8x8 digits (UCI Optical Recognition of Handwritten Digits, Alpaydin &
// Kaynak, CC BY 4.0, via scikit-learn): 1,797 rows of 64 pixels (0-16) then the label. Pixels scaled to [0, 1].

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Dataset } from '../fit.js';
import { Rng } from '../../random.js';

export function loadDigits(): Dataset {
  const text = gunzipSync(
    readFileSync(new URL('../../data/datasets/digits.csv.gz', import.meta.url)),
  ).toString('utf8');
  const rows = text.trim().split('\n');
  const x = new Float32Array(rows.length * 64);
  const y = new Int32Array(rows.length);
  rows.forEach((line, i) => {
    const v = line.split(',').map(Number);
    for (let j = 0; j < 64; j++) x[i * 64 + j] = v[j] / 16;
    y[i] = v[64];
  });
  return { x, y, n: rows.length };
}

/** A seeded shuffled split into train and test parts. */
export function splitDigits(
  d: Dataset,
  testFraction: number,
  seed: number,
): { train: Dataset; test: Dataset } {
  const idx = Array.from({ length: d.n }, (_, i) => i);
  new Rng(seed).shuffle(idx);
  const nTest = Math.round(d.n * testFraction);
  const take = (ids: number[]): Dataset => {
    const x = new Float32Array(ids.length * 64);
    const y = new Int32Array(ids.length);
    ids.forEach((r, i) => {
      x.set(d.x.subarray(r * 64, (r + 1) * 64), i * 64);
      y[i] = d.y[r];
    });
    return { x, y, n: ids.length };
  };
  return { test: take(idx.slice(0, nTest)), train: take(idx.slice(nTest)) };
}

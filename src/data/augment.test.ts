import { describe, expect, it } from 'vitest';
import { augment, flipImage, rotateImage, shiftImage } from './augment.js';
import { concatDatasets, subset, type Dataset } from './dataset.js';
import { loadDataset } from './registry.js';

const shape = [3, 3, 1];
// 0 1 2
// 3 4 5
// 6 7 8
const img = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]);
const out = () => new Float32Array(9);

function single(pixels: number[], rows = 1): Dataset {
  return {
    x: Float32Array.from(pixels),
    y: new Int32Array(rows),
    n: rows,
    features: pixels.length / rows,
    shape: [5, 5, 1],
    classes: 1,
  };
}

describe('image primitives', () => {
  it('shift moves right and down, filling from outside', () => {
    expect([...shiftImage(img, shape, 1, 0, out())]).toEqual([0, 0, 1, 0, 3, 4, 0, 6, 7]);
    expect([...shiftImage(img, shape, 0, -1, out(), 9)]).toEqual([3, 4, 5, 6, 7, 8, 9, 9, 9]);
  });

  it('flip mirrors left-right, twice is the identity, channels stay together', () => {
    expect([...flipImage(img, shape, out())]).toEqual([2, 1, 0, 5, 4, 3, 8, 7, 6]);
    expect(flipImage(flipImage(img, shape, out()), shape, out())).toEqual(img);
    const rgb = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect([...flipImage(rgb, [1, 2, 3], new Float32Array(6))]).toEqual([4, 5, 6, 1, 2, 3]);
  });

  it('rotates counter-clockwise: 0° is the identity, 90° turns the grid, the centre stays', () => {
    expect([...rotateImage(img, shape, 0, out())].map((v) => +v.toFixed(6))).toEqual([...img]);
    expect([...rotateImage(img, shape, 90, out())].map((v) => +v.toFixed(5))).toEqual([
      2, 5, 8, 1, 4, 7, 0, 3, 6,
    ]);
    const half = rotateImage(img, shape, 45, out());
    expect(half[4]).toBeCloseTo(4, 6);
    // A bilinear rotation averages neighbours: no value leaves the source range.
    expect(Math.max(...half)).toBeLessThanOrEqual(8);
  });
});

describe('augment', () => {
  it('keeps labels, row ids and shape; is seeded', () => {
    const digits = subset(loadDataset('digits'), [0, 1, 2, 3]);
    const a = augment(digits, { shift: 1, rotate: 10, noise: 0.1, seed: 1 });
    expect(a.y).toEqual(digits.y);
    expect(a.rows).toEqual(digits.rows);
    expect(a.shape).toEqual([8, 8, 1]);
    expect(a.x).toEqual(augment(digits, { shift: 1, rotate: 10, noise: 0.1, seed: 1 }).x);
    expect(a.x).not.toEqual(augment(digits, { shift: 1, rotate: 10, noise: 0.1, seed: 2 }).x);
    expect(a.x).not.toEqual(digits.x);
    const both = concatDatasets(digits, a);
    expect(both.n).toBe(8);
    expect([...both.rows!]).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
  });

  it('shifts a dot by at most `shift` pixels along each axis, and every offset occurs', () => {
    const rows = 400;
    const pixels: number[] = [];
    for (let r = 0; r < rows; r++) pixels.push(...Array.from({ length: 25 }, (_, i) => (i === 12 ? 1 : 0)));
    const a = augment(single(pixels, rows), { shift: 2, seed: 5 });
    const seen = new Set<string>();
    for (let r = 0; r < rows; r++) {
      const at = a.x.subarray(r * 25, (r + 1) * 25).indexOf(1);
      const [dy, dx] = [Math.floor(at / 5) - 2, (at % 5) - 2];
      expect(Math.max(Math.abs(dx), Math.abs(dy))).toBeLessThanOrEqual(2);
      seen.add(`${dx},${dy}`);
    }
    expect(seen.size).toBe(25);
  });

  it('flips about half the rows', () => {
    const pixels: number[] = [];
    for (let r = 0; r < 1000; r++) pixels.push(...Array.from({ length: 25 }, (_, i) => (i === 0 ? 1 : 0)));
    const a = augment(single(pixels, 1000), { flip: true, seed: 3 });
    let flipped = 0;
    for (let r = 0; r < 1000; r++) if (a.x[r * 25 + 4] === 1) flipped++;
    expect(flipped).toBeGreaterThan(440);
    expect(flipped).toBeLessThan(560);
  });

  it('adds zero-mean noise of the requested deviation, also to non-image rows', () => {
    const iris = loadDataset('iris');
    const a = augment(iris, { noise: 0.5, seed: 4 });
    let sum = 0;
    let ss = 0;
    for (let i = 0; i < a.x.length; i++) {
      const d = a.x[i]! - iris.x[i]!;
      sum += d;
      ss += d * d;
    }
    expect(Math.abs(sum / a.x.length)).toBeLessThan(0.05);
    expect(Math.sqrt(ss / a.x.length)).toBeCloseTo(0.5, 1);
    expect(() => augment(iris, { shift: 1 })).toThrow(/image rows/);
  });
});

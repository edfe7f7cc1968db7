import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { caught } from '../testing/errors.js';
import { FASHION_MNIST_DIR, loadFashionMnist, loadIdx, loadIdxDataset, parseIdx } from './idx.js';

/** An IDX file built by hand: magic, big-endian dims, big-endian values. */
function idx(type: number, dims: number[], values: number[]): Uint8Array {
  const size = { 0x08: 1, 0x0b: 2, 0x0d: 4 }[type]!;
  const bytes = new Uint8Array(4 + 4 * dims.length + size * values.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0, 0, type, dims.length]);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const at = 4 + 4 * dims.length;
  values.forEach((v, i) =>
    type === 0x08
      ? view.setUint8(at + i, v)
      : type === 0x0b
        ? view.setInt16(at + 2 * i, v, false)
        : view.setFloat32(at + 4 * i, v, false),
  );
  return bytes;
}

const dir = mkdtempSync(join(tmpdir(), 'tunekit-idx-'));

describe('parseIdx', () => {
  it('reads dimensions and big-endian values of every width', () => {
    expect(parseIdx(idx(0x08, [2, 2], [1, 2, 3, 255]))).toMatchObject({ dims: [2, 2], type: 'uint8' });
    expect([...parseIdx(idx(0x0b, [3], [-2, 300, 7])).data]).toEqual([-2, 300, 7]);
    expect([...parseIdx(gzipSync(idx(0x0d, [2], [0.5, -1.25]))).data]).toEqual([0.5, -1.25]);
  });

  it('refuses data that is not IDX, saying why', () => {
    expect(caught(() => parseIdx(new TextEncoder().encode('P5\n28 28\n255\n'), 'x.idx')).message).toContain(
      'x.idx: not an IDX file: the magic number must start with two zero bytes',
    );
    expect(caught(() => parseIdx(new Uint8Array([0, 0, 0x42, 1, 0, 0, 0, 1, 0]))).message).toContain(
      'unknown element type 0x42',
    );
    const short = idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6]).subarray(0, 15);
    expect(caught(() => parseIdx(short)).message).toMatch(/need 18 bytes, the file has 15/);
    expect(caught(() => parseIdx(new Uint8Array([0, 0]))).code).toBe('invalid_file');
  });
});

describe('loadIdxDataset', () => {
  it('pairs images with labels, scales pixels to [0, 1] and keeps the image shape', () => {
    const images = join(dir, 'images-idx3-ubyte.gz');
    const labels = join(dir, 'labels-idx1-ubyte');
    writeFileSync(images, gzipSync(idx(0x08, [3, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8])));
    writeFileSync(labels, idx(0x08, [3], [2, 0, 1]));
    const d = loadIdxDataset(images, labels);
    expect(d).toMatchObject({ n: 3, features: 4, shape: [2, 2, 1], classes: 3 });
    expect(d.x[1]).toBe(1);
    expect(d.x[2]).toBeCloseTo(0.2, 6);
    expect([...d.y]).toEqual([2, 0, 1]);
    expect(loadIdxDataset(images, labels, { limit: 2 }).n).toBe(2);
    expect(loadIdx(images).dims).toEqual([3, 2, 2]);
  });

  it('refuses labels that do not match the images', () => {
    const images = join(dir, 'i');
    const labels = join(dir, 'l');
    writeFileSync(images, idx(0x08, [3, 2, 2], new Array(12).fill(0)));
    writeFileSync(labels, idx(0x08, [2], [0, 1]));
    expect(caught(() => loadIdxDataset(images, labels)).message).toContain('3 images but 2 labels');
  });
});

// `.ci/run` installs Debian's dataset-fashion-mnist; elsewhere this only runs where it is installed.
describe.runIf(existsSync(join(FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz')))(
  'Fashion-MNIST from dataset-fashion-mnist',
  () => {
    it('reads the 10,000 test images and labels', () => {
      const d = loadFashionMnist({ split: 'test' });
      expect(d).toMatchObject({ n: 10_000, features: 784, shape: [28, 28, 1], classes: 10 });
      const counts = new Array(10).fill(0);
      for (const label of d.y) counts[label]++;
      expect(counts).toEqual(new Array(10).fill(1000));
      let max = 0;
      let sum = 0;
      for (const v of d.x) {
        max = Math.max(max, v);
        sum += v;
      }
      expect(max).toBe(1);
      // The published mean pixel intensity of Fashion-MNIST is about 0.286.
      expect(sum / d.x.length).toBeCloseTo(0.286, 2);
      expect(d.labelNames?.[9]).toBe('Ankle boot');
    });

    it('reads the training labels (60,000) with a limit on the images', () => {
      expect(loadFashionMnist({ split: 'train', limit: 100 })).toMatchObject({ n: 100, features: 784 });
    });
  },
);

// IDX, the MNIST file format (gzipped or not): a magic number naming the element type and rank, the
// dimensions as big-endian 32-bit integers, then the values. Fashion-MNIST ships in it.
import { join } from 'node:path';
import { TunekitError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { maybeGunzip, readRaw } from './files.js';

export interface IdxArray {
  readonly dims: readonly number[];
  readonly type: 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { type: IdxArray['type']; size: number }> = {
  0x08: { type: 'uint8', size: 1 },
  0x09: { type: 'int8', size: 1 },
  0x0b: { type: 'int16', size: 2 },
  0x0c: { type: 'int32', size: 4 },
  0x0d: { type: 'float32', size: 4 },
  0x0e: { type: 'float64', size: 8 },
};

/** Parses IDX bytes (gunzipped here if needed). `source` names the file in errors. */
export function parseIdx(input: Uint8Array, source = 'IDX data'): IdxArray {
  const bytes = maybeGunzip(input, source);
  const bad = (message: string): never => {
    throw new TunekitError('invalid_file', `${source}: not an IDX file: ${message}`, { source });
  };
  if (bytes.length < 4) bad(`${bytes.length} bytes, too short for the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0)
    bad(`the magic number must start with two zero bytes, found 0x${hex(bytes[0]!)} 0x${hex(bytes[1]!)}`);
  const kind = TYPES[bytes[2]!] ?? bad(`unknown element type 0x${hex(bytes[2]!)}`);
  const rank = bytes[3]!;
  if (rank === 0) bad('rank 0');
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize)
    bad(`the header announces ${rank} dimensions but the file ends after ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerSize + count * kind.size;
  if (bytes.length !== expected)
    bad(
      `dimensions [${dims.join(', ')}] of ${kind.type} need ${expected} bytes, the file has ${bytes.length}`,
    );
  return { dims, type: kind.type, data: readValues(view, headerSize, count, kind.type, kind.size) };
}

export function loadIdx(path: string | URL): IdxArray {
  return parseIdx(readRaw(path), String(path));
}

export interface IdxDatasetOptions {
  /** Divide pixel values by 255 into [0, 1]. Default true for uint8 images. */
  scale?: boolean;
  /** Keep only the first `limit` samples (quick experiments on part of a large set). */
  limit?: number;
  /** Class names, index = label. */
  labelNames?: readonly string[];
}

/** An images file and a labels file as one Dataset; images get shape [height, width, channels]. */
export function loadIdxDataset(
  imagesPath: string | URL,
  labelsPath: string | URL,
  options: IdxDatasetOptions = {},
): Dataset {
  const images = loadIdx(imagesPath);
  const labels = loadIdx(labelsPath);
  return idxDataset(images, labels, { ...options, source: `${String(imagesPath)} + ${String(labelsPath)}` });
}

export function idxDataset(
  images: IdxArray,
  labels: IdxArray,
  options: IdxDatasetOptions & { source?: string } = {},
): Dataset {
  const source = options.source ?? 'IDX data';
  if (images.dims.length < 2 || images.dims.length > 4)
    throw new TunekitError(
      'invalid_file',
      `${source}: images must have 2 to 4 dimensions (n, h, w[, c]), got [${images.dims.join(', ')}]`,
    );
  if (labels.dims.length !== 1 || !['uint8', 'int8', 'int16', 'int32'].includes(labels.type))
    throw new TunekitError(
      'invalid_file',
      `${source}: labels must be one integer per sample, got ${labels.type} [${labels.dims.join(', ')}]`,
    );
  const total = images.dims[0]!;
  if (labels.dims[0] !== total)
    throw new TunekitError('invalid_file', `${source}: ${total} images but ${labels.dims[0]} labels`);
  const n = Math.min(total, options.limit ?? total);
  const shape =
    images.dims.length === 2
      ? [images.dims[1]!, 1, 1]
      : [images.dims[1]!, images.dims[2]!, images.dims[3] ?? 1];
  const features = shape[0]! * shape[1]! * shape[2]!;
  const scale = (options.scale ?? images.type === 'uint8') ? 1 / 255 : 1;
  const x = new Float32Array(n * features);
  for (let i = 0; i < x.length; i++) x[i] = (images.data[i] as number) * scale;
  const y = Int32Array.from(labels.data.subarray(0, n));
  let classes = options.labelNames?.length ?? 0;
  for (const label of y) {
    if (label < 0) throw new TunekitError('invalid_file', `${source}: negative label ${label}`);
    classes = Math.max(classes, label + 1);
  }
  return {
    x,
    y,
    n,
    features,
    shape,
    classes,
    ...(options.labelNames ? { labelNames: options.labelNames } : {}),
  };
}

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_LABELS = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/**
 * Fashion-MNIST (Zalando Research, MIT licence): 60,000 training and 10,000 test images, 28×28 grey, scaled
 * to [0, 1]. Reads Debian's `dataset-fashion-mnist` by default, or the same four files from `dir`.
 */
export function loadFashionMnist(
  options: { split?: 'train' | 'test'; dir?: string; limit?: number } = {},
): Dataset {
  const dir = options.dir ?? FASHION_MNIST_DIR;
  const prefix = (options.split ?? 'train') === 'train' ? 'train' : 't10k';
  return loadIdxDataset(
    join(dir, `${prefix}-images-idx3-ubyte.gz`),
    join(dir, `${prefix}-labels-idx1-ubyte.gz`),
    {
      labelNames: FASHION_MNIST_LABELS,
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
    },
  );
}

function readValues(
  view: DataView,
  offset: number,
  count: number,
  type: IdxArray['type'],
  size: number,
): IdxArray['data'] {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + offset, count * size);
  if (type === 'uint8') return bytes;
  if (type === 'int8') return new Int8Array(bytes.buffer, bytes.byteOffset, count);
  // Multi-byte values are big-endian; typed arrays use the platform's order, so read them one by one.
  const out =
    type === 'int16'
      ? new Int16Array(count)
      : type === 'int32'
        ? new Int32Array(count)
        : type === 'float32'
          ? new Float32Array(count)
          : new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const at = offset + i * size;
    out[i] =
      type === 'int16'
        ? view.getInt16(at, false)
        : type === 'int32'
          ? view.getInt32(at, false)
          : type === 'float32'
            ? view.getFloat32(at, false)
            : view.getFloat64(at, false);
  }
  return out;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

// Image augmentation: new training rows from old ones by small random shifts, horizontal flips, small
// rotations and Gaussian noise. Only training rows are augmented; the copies keep their original row ids,
// so leakage checks still see where each came from. Images are rows of shape [height, width, channels].
import { TunekitError } from '../errors.js';
import { Rng, deriveSeed } from '../random.js';
import type { Dataset } from './dataset.js';

export interface AugmentOptions {
  /** Largest shift in pixels along each axis (a uniform integer in [-shift, shift]). Default 0. */
  shift?: number;
  /** Mirror left-right with probability 1/2. Default false (wrong for digits and text). */
  flip?: boolean;
  /** Largest rotation in degrees (uniform in [-rotate, rotate]). Default 0. */
  rotate?: number;
  /** Standard deviation of additive Gaussian noise, in pixel units. Default 0. */
  noise?: number;
  /** Value for pixels shifted or rotated in from outside the image. Default 0. */
  fill?: number;
  /** Seeds the random choices; use a different seed per epoch for fresh copies. Default 0. */
  seed?: number;
}

/** An augmented copy of every row: same labels, same row ids, fresh random choices per row. */
export function augment(data: Dataset, options: AugmentOptions): Dataset {
  const { shift = 0, flip = false, rotate = 0, noise = 0, fill = 0 } = options;
  const geometric = shift > 0 || flip || rotate > 0;
  const shape = data.shape;
  if (geometric && (!shape || shape.length !== 3))
    throw new TunekitError(
      'invalid_argument',
      'shift, flip and rotate need image rows: a data set with shape [height, width, channels]',
    );
  if (!(shift >= 0 && Number.isInteger(shift)))
    throw new TunekitError('invalid_argument', `shift must be a non-negative integer, got ${shift}`);
  if (!(rotate >= 0 && rotate <= 180))
    throw new TunekitError('invalid_argument', `rotate must be in [0, 180] degrees, got ${rotate}`);
  if (!(noise >= 0)) throw new TunekitError('invalid_argument', `noise must be non-negative, got ${noise}`);
  const f = data.features;
  const rng = new Rng(deriveSeed(options.seed ?? 0, 'augment'));
  const x = new Float32Array(data.x.length);
  let a: Float32Array = new Float32Array(f);
  let b: Float32Array = new Float32Array(f);
  for (let i = 0; i < data.n; i++) {
    a.set(data.x.subarray(i * f, (i + 1) * f));
    if (geometric) {
      // Draw every choice for every row, so one option's setting does not change another's randomness.
      const dx = rng.int(-shift, shift);
      const dy = rng.int(-shift, shift);
      const mirror = rng.next() < 0.5;
      const angle = rng.uniform(-rotate, rotate);
      // Each step writes into the spare buffer, which then becomes the current image.
      if (rotate > 0) [a, b] = [rotateImage(a, shape!, angle, b, fill), a];
      if (flip && mirror) [a, b] = [flipImage(a, shape!, b), a];
      if (shift > 0) [a, b] = [shiftImage(a, shape!, dx, dy, b, fill), a];
    }
    if (noise > 0) for (let j = 0; j < f; j++) a[j] = a[j]! + noise * rng.normal();
    x.set(a, i * f);
  }
  return { ...data, x };
}

/** Moves the image right by dx and down by dy pixels. */
export function shiftImage(
  src: Float32Array,
  shape: readonly number[],
  dx: number,
  dy: number,
  out: Float32Array,
  fill = 0,
): Float32Array {
  const [h, w, c] = shape as [number, number, number];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const sy = y - dy;
      const sx = x - dx;
      const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
      for (let k = 0; k < c; k++) out[(y * w + x) * c + k] = inside ? src[(sy * w + sx) * c + k]! : fill;
    }
  return out;
}

/** Mirrors the image left-right. */
export function flipImage(src: Float32Array, shape: readonly number[], out: Float32Array): Float32Array {
  const [h, w, c] = shape as [number, number, number];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let k = 0; k < c; k++) out[(y * w + x) * c + k] = src[(y * w + (w - 1 - x)) * c + k]!;
  return out;
}

/** Rotates counter-clockwise (as displayed) by `degrees` about the centre, with bilinear interpolation. */
export function rotateImage(
  src: Float32Array,
  shape: readonly number[],
  degrees: number,
  out: Float32Array,
  fill = 0,
): Float32Array {
  const [h, w, c] = shape as [number, number, number];
  const theta = (degrees * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const at = (y: number, x: number, k: number) =>
    y >= 0 && y < h && x >= 0 && x < w ? src[(y * w + x) * c + k]! : fill;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      // Inverse mapping in y-up coordinates: each output pixel reads the source point rotated back.
      const u = x - cx;
      const v = cy - y;
      const sx = cx + u * cos + v * sin;
      const sy = cy - (-u * sin + v * cos);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let k = 0; k < c; k++)
        out[(y * w + x) * c + k] =
          (1 - fy) * ((1 - fx) * at(y0, x0, k) + fx * at(y0, x0 + 1, k)) +
          fy * ((1 - fx) * at(y0 + 1, x0, k) + fx * at(y0 + 1, x0 + 1, k));
    }
  return out;
}

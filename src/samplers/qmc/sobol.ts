// Sobol low-discrepancy points, with optional scrambling (a random linear matrix scramble plus a digital
// shift per dimension, seeded), computed directly from the index: point n needs no state, so any worker
// can produce the point for trial n.
import { TunekitError } from '../../errors.js';
import { Rng } from '../../random.js';
import { SOBOL_DIRECTIONS } from './sobol-directions.js';

const BITS = 32;
export const MAX_SOBOL_DIMS = SOBOL_DIRECTIONS.length + 1;

/** The 32 direction numbers of dimension `dim` (0-based), as unsigned integers. */
function directionNumbers(dim: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const [polyText, mText] = (SOBOL_DIRECTIONS[dim - 1] as string).split(':') as [string, string];
  const poly = Number(polyText);
  const degree = Math.floor(Math.log2(poly));
  const m: number[] = mText.split(',').map(Number);
  for (let k = degree; k < BITS; k++) {
    let next = m[k - degree]! ^ (m[k - degree]! * 2 ** degree);
    for (let i = 1; i < degree; i++) if ((poly >> (degree - i)) & 1) next ^= m[k - i]! * 2 ** i;
    m.push(next);
  }
  for (let k = 0; k < BITS; k++) v[k] = (m[k]! * 2 ** (BITS - 1 - k)) >>> 0;
  return v;
}

function parity(x: number): number {
  let y = x ^ (x >>> 16);
  y ^= y >>> 8;
  y ^= y >>> 4;
  y ^= y >>> 2;
  y ^= y >>> 1;
  return y & 1;
}

/** Applies a random lower-triangular binary matrix (unit diagonal), digits counted from the top bit. */
function scrambleMatrix(rng: Rng): (x: number) => number {
  const rows = new Uint32Array(BITS);
  for (let i = 0; i < BITS; i++) {
    const top = i === 0 ? 0 : rng.nextUint32() >>> (BITS - i); // random digits left of the diagonal
    rows[i] = ((top * 2 ** (BITS - i)) | (2 ** (BITS - 1 - i))) >>> 0;
  }
  return (x) => {
    let out = 0;
    for (let i = 0; i < BITS; i++) if (parity(x & rows[i]!)) out |= 2 ** (BITS - 1 - i);
    return out >>> 0;
  };
}

export class Sobol {
  private readonly directions: Uint32Array[] = [];
  private readonly shifts: number[] = [];

  constructor(
    readonly dims: number,
    options: { scramble?: boolean; seed?: number } = {},
  ) {
    if (!Number.isInteger(dims) || dims < 1 || dims > MAX_SOBOL_DIMS)
      throw new TunekitError(
        'invalid_argument',
        `Sobol: dims must be an integer in [1, ${MAX_SOBOL_DIMS}], got ${dims}`,
      );
    for (let d = 0; d < dims; d++) {
      let v = directionNumbers(d);
      let shift = 0;
      if (options.scramble) {
        const rng = Rng.derive(options.seed ?? 0, 'sobol', d);
        const scramble = scrambleMatrix(rng);
        v = v.map(scramble);
        shift = rng.nextUint32();
      }
      this.directions.push(v);
      this.shifts.push(shift);
    }
  }

  /** Point `index` (0-based) of the sequence, in Gray-code order (the order scipy uses). */
  point(index: number): number[] {
    if (!Number.isInteger(index) || index < 0 || index >= 2 ** BITS)
      throw new TunekitError(
        'invalid_argument',
        `Sobol: index must be an integer in [0, 2^32), got ${index}`,
      );
    const gray = (index ^ Math.floor(index / 2)) >>> 0;
    return this.directions.map((v, d) => {
      let x = this.shifts[d]!;
      for (let k = 0; k < BITS; k++) if ((gray >>> k) & 1) x ^= v[k]!;
      // Centre within the cell of the 32-bit grid, so no coordinate is exactly 0.
      return ((x >>> 0) + 0.5) / 2 ** BITS;
    });
  }
}

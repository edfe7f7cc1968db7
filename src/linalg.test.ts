import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './linalg.js';

describe('symmetricEigen', () => {
  it('decomposes a symmetric matrix: A v = λ v, eigenvalues summing to the trace', () => {
    const a = Float64Array.from([4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2]);
    const { vectors: v, values } = symmetricEigen(a, 3);
    for (let k = 0; k < 3; k++)
      for (let i = 0; i < 3; i++) {
        let av = 0;
        for (let j = 0; j < 3; j++) av += a[i * 3 + j]! * v[j * 3 + k]!;
        expect(av).toBeCloseTo(values[k]! * v[i * 3 + k]!, 10);
      }
    expect(values.reduce((s: number, x: number) => s + x, 0)).toBeCloseTo(9, 10);
  });

  it('decomposes A = V diag(λ) Vᵀ with orthonormal V', () => {
    const d = 6;
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = i; j < d; j++) a[i * d + j] = a[j * d + i] = Math.sin(i * 3 + j * 7 + 1);
    const { values, vectors: v } = symmetricEigen(a, d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let rec = 0;
        let dot = 0;
        for (let k = 0; k < d; k++) {
          rec += v[i * d + k]! * values[k]! * v[j * d + k]!;
          dot += v[k * d + i]! * v[k * d + j]!;
        }
        expect(rec).toBeCloseTo(a[i * d + j]!, 10);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 10);
      }
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lossFunction, type LossConfig } from './losses.js';
import { Rng } from '../random.js';

interface LossFixture {
  batch: number;
  dim: number;
  logits: number[];
  cases: { config: LossConfig; target: number[]; loss: number; grad: number[] }[];
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/losses.json', import.meta.url), 'utf8'),
) as LossFixture;

describe('losses against PyTorch (fixtures/losses.json)', () => {
  for (const c of fixture.cases)
    it(`${JSON.stringify(c.config)}: value and gradient`, () => {
      const { batch, dim } = fixture;
      const h = new Float32Array(2 * batch * dim);
      h.set(fixture.logits);
      const loss = lossFunction(c.config)(h, 0, Float32Array.from(c.target), batch, dim, batch * dim);
      expect(loss).toBeCloseTo(c.loss, 5);
      for (let i = 0; i < batch * dim; i++) expect(h[batch * dim + i]).toBeCloseTo(c.grad[i], 6);
    });
});

describe('losses: finite-difference gradients', () => {
  const configs: LossConfig[] = [
    ...fixture.cases.map((c) => c.config),
    { kind: 'huber', delta: 2 },
    { kind: 'hinge', margin: 0.5 },
  ];
  for (const config of configs)
    it(JSON.stringify(config), () => {
      const rng = new Rng(9);
      const batch = 3;
      const dim = 4;
      const n = batch * dim;
      const labels = config.kind === 'softmax_cross_entropy' || config.kind === 'hinge';
      const y = labels
        ? Float32Array.from({ length: batch }, () => rng.int(0, dim - 1))
        : Float32Array.from({ length: n }, () =>
            config.kind === 'binary_cross_entropy' ? rng.int(0, 1) : rng.normal(),
          );
      const h = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) h[i] = rng.normal();
      const f = lossFunction(config);
      // The loss functions index the heap generically, so a Float64Array gives exact finite differences.
      const asHeap = h as unknown as Float32Array;
      f(asHeap, 0, y, batch, dim, n);
      const eps = 1e-6;
      for (let i = 0; i < n; i++) {
        const o = h[i];
        h[i] = o + eps;
        const up = f(asHeap, 0, y, batch, dim, -1);
        h[i] = o - eps;
        const down = f(asHeap, 0, y, batch, dim, -1);
        h[i] = o;
        expect(h[n + i]).toBeCloseTo((up - down) / (2 * eps), 6);
      }
    });

  it('rejects unknown losses with a code', () => {
    expect(() => lossFunction({ kind: 'nope' } as unknown as LossConfig)).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});

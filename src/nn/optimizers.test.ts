import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TunekitError } from '../errors.js';
import type { Kernels } from './kernels.js';
import { TsKernels } from './kernels-ts.js';
import { wasmAvailable, WasmKernels } from './kernels-wasm.js';
import { makeParam } from './layers/layer.js';
import { createOptimizer, type OptimizerConfig } from './optimizers.js';
import { clipGradients } from './regularize.js';

interface OptFixture {
  p0: number[];
  grads: number[][];
  cases: { config: OptimizerConfig; trajectory: number[][] }[];
  clip: {
    grads: number[][];
    maxNorm: number;
    normClipped: number[][];
    clipValue: number;
    valueClipped: number[][];
  };
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/optimizers.json', import.meta.url), 'utf8'),
) as OptFixture;

const kernelSets: [string, () => Kernels][] = [['ts', () => new TsKernels()]];
if (wasmAvailable()) kernelSets.push(['wasm', () => new WasmKernels()]);

describe('optimizers follow PyTorch trajectories (fixtures/optimizers.json)', () => {
  for (const [name, make] of kernelSets)
    for (const c of fixture.cases)
      it(`${name}: ${JSON.stringify(c.config)}`, () => {
        const k = make();
        const p = makeParam(k, 'w', [fixture.p0.length], true);
        k.heap().set(fixture.p0, p.value);
        const opt = createOptimizer(k, [p], c.config);
        fixture.grads.forEach((g, t) => {
          k.heap().set(g, p.grad);
          opt.step(c.config.lr);
          const got = k.heap().slice(p.value, p.value + p.size);
          c.trajectory[t].forEach((want, i) =>
            expect(Math.abs(got[i] - want)).toBeLessThan(2e-5 * (1 + Math.abs(want))),
          );
        });
      });

  it('rejects a non-positive learning rate', () => {
    expect(() => createOptimizer(new TsKernels(), [], { kind: 'sgd', lr: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });

  it('names the field of a bad option, so a config can point at it', () => {
    const bad = (config: unknown) => {
      try {
        createOptimizer(new TsKernels(), [], config as OptimizerConfig);
      } catch (error) {
        return [(error as TunekitError).message, (error as TunekitError).details];
      }
      return 'accepted';
    };
    expect(bad({ kind: 'adam', lr: -1 })).toEqual([
      'optimizer.lr: expected a number > 0, got -1',
      { field: 'optimizer.lr', expected: 'a number > 0' },
    ]);
    expect(bad({ kind: 'adam', lr: 0.1, betta1: 0.9 })[0]).toMatch(
      /^optimizer.betta1: unknown field; expected one of lr, beta1, beta2, eps, biasCorrection, weightDecay$/,
    );
    expect(bad({ kind: 'adam', lr: 0.1, beta2: 1 })[0]).toBe(
      'optimizer.beta2: expected a number in [0, 1), got 1',
    );
    expect(bad({ kind: 'adamm', lr: 0.1 })[0]).toMatch(
      /^optimizer.kind: expected one of sgd, momentum, .*, got "adamm"$/,
    );
    expect(bad({ kind: 'sgd', lr: 0.1, weightDecay: 1e-4 })).toBe('accepted');
  });
});

describe('gradient clipping matches torch.nn.utils', () => {
  const setup = () => {
    const h = new Float32Array(64);
    const a = { value: 0, grad: 8, size: 5, decay: true };
    const b = { value: 16, grad: 24, size: 3, decay: false };
    h.set(fixture.clip.grads[0], a.grad);
    h.set(fixture.clip.grads[1], b.grad);
    return { h, params: [a, b] };
  };
  it('by global norm', () => {
    const { h, params } = setup();
    clipGradients(h, params, undefined, fixture.clip.maxNorm);
    params.forEach((p, j) =>
      fixture.clip.normClipped[j].forEach((v, i) => expect(h[p.grad + i]).toBeCloseTo(v, 6)),
    );
  });
  it('by value', () => {
    const { h, params } = setup();
    clipGradients(h, params, fixture.clip.clipValue, undefined);
    params.forEach((p, j) =>
      fixture.clip.valueClipped[j].forEach((v, i) => expect(h[p.grad + i]).toBeCloseTo(v, 6)),
    );
  });
});

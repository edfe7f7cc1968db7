// Finite-difference gradient check for a layer: compares back-propagated gradients of L = Σ r·y
// (fixed random r) with central differences, for the input and every trainable parameter.

import { TsKernels } from '../kernels-ts.js';
import type { Kernels } from '../kernels.js';
import { product, type Layer } from '../layers/layer.js';
import { Rng } from '../../random.js';

export interface GradCheckResult {
  /** Worst |analytic − numeric| / (atol + rtol·|numeric|) over all checked entries; ≤ 1 passes. */
  worst: number;
  where: string;
  checked: number;
}

export function gradCheck(
  make: (k: Kernels, rng: Rng) => Layer,
  inShape: number[],
  batch: number,
  opts: { eps?: number; seed?: number; samples?: number } = {},
): GradCheckResult {
  const k = new TsKernels();
  const rng = new Rng(opts.seed ?? 1);
  const layer = make(k, rng.fork());
  const eps = opts.eps ?? 3e-3;
  const nIn = batch * product(inShape);
  const nOut = batch * product(layer.outShape);
  const x = k.alloc(nIn);
  const dy = k.alloc(nOut);
  for (let i = 0; i < nIn; i++) k.heap()[x + i] = rng.normal();
  const r = Float64Array.from({ length: nOut }, () => rng.normal());
  const objective = (): number => {
    const y = layer.forward(x, batch, true);
    const h = k.heap();
    let s = 0;
    for (let i = 0; i < nOut; i++) s += r[i] * h[y + i];
    return s;
  };
  objective();
  k.heap().set(Float32Array.from(r), dy);
  const dxOff = layer.backward(dy, batch, true);
  const targets = [
    { name: 'input', value: x, size: nIn, grad: Float64Array.from(k.heap().subarray(dxOff, dxOff + nIn)) },
  ];
  for (const p of layer.params())
    if (p.grad >= 0)
      targets.push({
        name: p.name,
        value: p.value,
        size: p.size,
        grad: Float64Array.from(k.heap().subarray(p.grad, p.grad + p.size)),
      });
  let worst = 0;
  let where = '';
  let checked = 0;
  const samples = opts.samples ?? 40;
  for (const t of targets) {
    const step = Math.max(1, Math.floor(t.size / samples));
    for (let i = rng.int(0, step - 1); i < t.size; i += step) {
      const h = k.heap();
      const orig = h[t.value + i];
      h[t.value + i] = orig + eps;
      const up = objective();
      k.heap()[t.value + i] = orig - eps;
      const down = objective();
      k.heap()[t.value + i] = orig;
      const centre = objective();
      const numeric = (up - down) / (2 * eps);
      const tolerance = 2e-3 + 2e-2 * Math.abs(numeric);
      // A ReLU (or max-pool) kink within eps of the point bends the objective there: the backward pass
      // gives one side's slope and the central difference their mean, off by up to half the bend. Only a
      // bend above twice the tolerance can fail the check, and a wrong gradient does not bend anything,
      // so such points are skipped rather than counted (which seed hits a kink is luck).
      const bend = Math.abs((up - centre) / eps - (centre - down) / eps);
      if (bend > 2 * tolerance) continue;
      const err = Math.abs(t.grad[i] - numeric) / tolerance;
      checked++;
      if (err > worst) {
        worst = err;
        where = `${t.name}[${i}]: analytic ${t.grad[i]}, numeric ${numeric}`;
      }
    }
  }
  return { worst, where, checked };
}

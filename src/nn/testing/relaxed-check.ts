// Run in a child process started with --experimental-wasm-relaxed-simd (Node 20): checks the FMA build of
// the GEMM against the TS reference on random shapes and prints {"variant", "worst"} as JSON.

import { TsKernels } from '../kernels-ts.js';
import { bestWasmVariant, WasmKernels } from '../kernels-wasm.js';
import { Rng } from '../../random.js';

const rng = new Rng(11);
let worst = 0;
for (let t = 0; t < 24; t++) {
  const m = rng.int(1, 40);
  const n = rng.int(1, 40);
  const k = rng.int(1, 600);
  const ta = rng.next() < 0.5;
  const tb = rng.next() < 0.5;
  const outs = [new TsKernels(), new WasmKernels('relaxed')].map((kk) => {
    const r = new Rng(t);
    const a = kk.alloc(m * k);
    const b = kk.alloc(k * n);
    const c = kk.alloc(m * n);
    const bias = kk.alloc(n);
    const h = kk.heap();
    for (let i = 0; i < m * k; i++) h[a + i] = r.normal();
    for (let i = 0; i < k * n; i++) h[b + i] = r.normal();
    for (let i = 0; i < n; i++) h[bias + i] = r.normal();
    kk.gemm(ta, tb, m, n, k, a, b, c, false, bias, t % 2 === 0);
    return kk.heap().slice(c, c + m * n);
  });
  for (let i = 0; i < m * n; i++)
    worst = Math.max(worst, Math.abs(outs[0][i] - outs[1][i]) / (1 + Math.abs(outs[0][i])) / Math.sqrt(k));
}
console.log(JSON.stringify({ variant: bestWasmVariant(), worst }));

// `npm run bench:nn`: single-thread training throughput of tunekit/nn next to PyTorch CPU (one thread),
// MLP 784-256-128-10 with Adam at batch 32 and 256 and a small CNN on 28x28 inputs, plus GEMM GFLOP/s.
// Prints a table and writes bench/results/nn.json. Noisy on a shared machine: compare rows of one run.
// Run through `npm run bench:nn`, which turns on relaxed SIMD (FMA) on Node 20; both wasm builds are timed.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  bestWasmVariant,
  buildModel,
  fit,
  TsKernels,
  WasmKernels,
  type Kernels,
  type ModelConfig,
  type WasmVariant,
} from '../src/nn/index.js';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const PYTHON = '/usr/bin/python3';

const mlpConfig: ModelConfig = {
  inputShape: [784],
  layers: [
    { kind: 'dense', units: 256, activation: 'relu' },
    { kind: 'dense', units: 128, activation: 'relu' },
    { kind: 'dense', units: 10 },
  ],
};
const cnnConfig: ModelConfig = {
  inputShape: [28, 28, 1],
  layers: [
    { kind: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu' },
    { kind: 'maxpool', size: 2 },
    { kind: 'conv2d', filters: 16, kernelSize: 3, activation: 'relu' },
    { kind: 'maxpool', size: 2 },
    { kind: 'flatten' },
    { kind: 'dense', units: 10 },
  ],
};

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

/** Samples/second of one epoch of fit() (shuffle, gather, forward, loss, backward, Adam), after a warm-up epoch. */
async function tunekitSps(
  config: ModelConfig,
  batch: number,
  n: number,
  variant: WasmVariant,
): Promise<number> {
  const inSize = config.inputShape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: n * inSize }, () => Math.random());
  const y = Int32Array.from({ length: n }, () => Math.floor(Math.random() * 10));
  const model = buildModel(config, { seed: 0, kernels: new WasmKernels(variant) });
  const options = {
    epochs: 1,
    batchSize: batch,
    loss: 'softmax_cross_entropy' as const,
    optimizer: { kind: 'adam' as const, lr: 1e-3 },
  };
  await fit(model, { x, y, n }, options);
  const sps: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t = performance.now();
    await fit(model, { x, y, n }, options);
    sps.push(n / ((performance.now() - t) / 1000));
  }
  return median(sps);
}

function torchAvailable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function torchSps(model: string, batch: number, n: number): number | null {
  const r = spawnSync(
    PYTHON,
    [new URL('./nn_torch.py', import.meta.url).pathname, model, String(batch), String(n), String(REPS)],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) {
    console.error(`torch run failed: ${r.stderr}`);
    return null;
  }
  return median((JSON.parse(r.stdout) as { sps: number[] }).sps);
}

/** GFLOP/s of C[m,n] = A[m,k]·B[k,n] (the forward GEMM of a layer at this batch size). */
function gemmGflops(k: Kernels, m: number, n: number, kk: number, seconds = 0.5): number {
  const a = k.alloc(m * kk);
  const b = k.alloc(kk * n);
  const c = k.alloc(m * n);
  const h = k.heap();
  for (let i = 0; i < m * kk; i++) h[a + i] = Math.random();
  for (let i = 0; i < kk * n; i++) h[b + i] = Math.random();
  k.gemm(false, false, m, n, kk, a, b, c, false, -1, false);
  let it = 0;
  const t = performance.now();
  while (performance.now() - t < seconds * 1000) {
    k.gemm(false, false, m, n, kk, a, b, c, false, -1, false);
    it++;
  }
  return (2 * m * n * kk * it) / ((performance.now() - t) / 1000) / 1e9;
}

interface Row {
  model: 'mlp' | 'cnn';
  batch: number;
  /** With the best wasm build this runtime loads (relaxed SIMD when available). */
  tunekit_sps: number;
  /** With the plain 128-bit SIMD build (no fused multiply-add). */
  tunekit_simd_sps: number;
  torch_sps: number | null;
  gemm_gflops: number;
}

const best = bestWasmVariant();
if (!best) throw new Error('the wasm kernels do not load here; run npm run build:wasm');
if (best !== 'relaxed')
  console.log(
    '(relaxed SIMD unavailable: run with --experimental-wasm-relaxed-simd on Node 20; both columns use plain SIMD)',
  );
const hasTorch = torchAvailable();
if (!hasTorch) console.log(`(PyTorch not importable by ${PYTHON}: torch column left empty)`);
const cases: { model: 'mlp' | 'cnn'; batch: number; n: number; gemm: [number, number, number] }[] = [
  { model: 'mlp', batch: 32, n: 8192, gemm: [32, 256, 784] },
  { model: 'mlp', batch: 256, n: 16384, gemm: [256, 256, 784] },
  { model: 'cnn', batch: 32, n: 2048, gemm: [32 * 11 * 11, 16, 72] },
];
const rows: Row[] = [];
for (const c of cases) {
  const config = c.model === 'mlp' ? mlpConfig : cnnConfig;
  const tunekit = await tunekitSps(config, c.batch, c.n, best);
  const simd = await tunekitSps(config, c.batch, c.n, 'simd');
  const torch = hasTorch ? torchSps(c.model, c.batch, c.n) : null;
  rows.push({
    model: c.model,
    batch: c.batch,
    tunekit_sps: tunekit,
    tunekit_simd_sps: simd,
    torch_sps: torch,
    gemm_gflops: gemmGflops(new WasmKernels(best), ...c.gemm),
  });
}

const fmt = (v: number | null, d = 0) => (v === null ? '-' : v.toFixed(d));
console.log(`\nsingle thread, median of ${REPS} epochs; torch = PyTorch CPU, torch.set_num_threads(1)\n`);
console.log(
  `model  batch  tunekit (${best}) samples/s  tunekit (simd) samples/s  torch samples/s  ratio  GEMM GFLOP/s`,
);
for (const r of rows)
  console.log(
    `${r.model.padEnd(5)}  ${String(r.batch).padStart(5)}  ${fmt(r.tunekit_sps).padStart(25)}  ${fmt(r.tunekit_simd_sps).padStart(24)}  ${fmt(r.torch_sps).padStart(15)}  ${r.torch_sps ? (r.tunekit_sps / r.torch_sps).toFixed(2).padStart(5) : '    -'}  ${fmt(r.gemm_gflops, 1).padStart(12)}`,
  );
console.log("(GEMM GFLOP/s: the first layer's forward GEMM at that batch, best wasm build)");
const square = {
  relaxed: best === 'relaxed' ? gemmGflops(new WasmKernels('relaxed'), 256, 256, 256) : null,
  simd: gemmGflops(new WasmKernels('simd'), 256, 256, 256),
  ts: gemmGflops(new TsKernels(), 256, 256, 256),
};
console.log(
  `\nGEMM 256x256x256 GFLOP/s: wasm relaxed SIMD ${fmt(square.relaxed, 1)}, wasm SIMD ${square.simd.toFixed(1)}, TS reference ${square.ts.toFixed(1)}`,
);

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/nn.json', import.meta.url),
  JSON.stringify({ rows, wasm_variant: best, gemm_256: square }, null, 2) + '\n',
);
console.log('wrote bench/results/nn.json');

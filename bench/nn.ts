// `npm run bench:nn`: single-thread training throughput of tunekit/nn next to PyTorch CPU (one thread),
// MLP 784-256-128-10 with Adam at batch 32 and 256 and a small CNN on 28x28 inputs, plus GEMM GFLOP/s.
// Prints a table and writes bench/results/nn.json. Noisy on a shared machine: compare rows of one run.
// Run through `npm run bench:nn`, which turns on relaxed SIMD (FMA) on Node 20; both wasm builds are timed.

import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
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

const REPS = Number(process.env.BENCH_REPS ?? 5);
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

/** One epoch of fit() (shuffle, gather, forward, loss, backward, Adam) on a prepared model; samples/second. */
interface Runner {
  epoch(): Promise<number>;
}

async function tunekitRunner(
  config: ModelConfig,
  batch: number,
  n: number,
  variant: WasmVariant,
): Promise<Runner> {
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
  const epoch = async () => {
    const t = performance.now();
    await fit(model, { x, y, n }, options);
    return n / ((performance.now() - t) / 1000);
  };
  await epoch(); // warm-up: JIT, first touch of every buffer
  return { epoch };
}

/** A long-lived PyTorch process answering one epoch per request (bench/nn_torch.py). */
class TorchServer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiting: { resolve: (line: string) => void; reject: (e: Error) => void } | undefined;
  private buffer = '';

  constructor() {
    this.proc = spawn(PYTHON, [new URL('./nn_torch.py', import.meta.url).pathname]);
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      let i;
      while ((i = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + 1);
        if (this.waiting) {
          const w = this.waiting;
          this.waiting = undefined;
          w.resolve(line);
        } else this.lines.push(line);
      }
    });
    this.proc.stderr.pipe(process.stderr);
    this.proc.on('exit', (code) => this.waiting?.reject(new Error(`nn_torch.py exited with ${code}`)));
  }

  private next(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  async ready(): Promise<string> {
    return (JSON.parse(await this.next()) as { torch: string }).torch;
  }

  async gemm(m: number, n: number, k: number): Promise<number> {
    this.proc.stdin.write(`gemm ${m} ${n} ${k}\n`);
    return (JSON.parse(await this.next()) as { gflops: number }).gflops;
  }

  async epoch(model: string, batch: number, n: number): Promise<number> {
    this.proc.stdin.write(`${model} ${batch} ${n}\n`);
    return (JSON.parse(await this.next()) as { sps: number }).sps;
  }

  close(): void {
    this.proc.stdin.end();
  }
}

function torchAvailable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
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
  /** torch.mm on the same shape, one thread. */
  torch_gemm_gflops: number | null;
}

const best = bestWasmVariant();
if (!best) throw new Error('the wasm kernels do not load here; run npm run build:wasm');
if (best !== 'relaxed')
  console.log(
    '(relaxed SIMD unavailable: run with --experimental-wasm-relaxed-simd on Node 20; both columns use plain SIMD)',
  );
const torch = torchAvailable() ? new TorchServer() : null;
if (torch)
  console.log(`PyTorch ${await torch.ready()} (one thread) side by side; ${REPS} alternating epochs per row`);
else console.log(`(PyTorch not importable by ${PYTHON}: torch column left empty)`);
const cases: { model: 'mlp' | 'cnn'; batch: number; n: number; gemm: [number, number, number] }[] = [
  { model: 'mlp', batch: 32, n: 8192, gemm: [32, 256, 784] },
  { model: 'mlp', batch: 256, n: 16384, gemm: [256, 256, 784] },
  { model: 'cnn', batch: 32, n: 2048, gemm: [32 * 11 * 11, 16, 72] },
];
const rows: Row[] = [];
const loadBefore = loadavg()[0];
for (const c of cases) {
  const config = c.model === 'mlp' ? mlpConfig : cnnConfig;
  const bestRun = await tunekitRunner(config, c.batch, c.n, best);
  const simdRun = await tunekitRunner(config, c.batch, c.n, 'simd');
  const samples = { best: [] as number[], simd: [] as number[], torch: [] as number[] };
  // Alternate the three so that load from other processes on the machine hits each alike.
  for (let r = 0; r < REPS; r++) {
    samples.best.push(await bestRun.epoch());
    if (torch) samples.torch.push(await torch.epoch(c.model, c.batch, c.n));
    samples.simd.push(await simdRun.epoch());
  }
  rows.push({
    model: c.model,
    batch: c.batch,
    tunekit_sps: median(samples.best),
    tunekit_simd_sps: median(samples.simd),
    torch_sps: torch ? median(samples.torch) : null,
    gemm_gflops: gemmGflops(new WasmKernels(best), ...c.gemm),
    torch_gemm_gflops: torch ? await torch.gemm(...c.gemm) : null,
  });
}
const torchSquare = torch ? await torch.gemm(256, 256, 256) : null;
torch?.close();
const load = [loadBefore, loadavg()[0]].map((v) => Number(v.toFixed(2)));

const fmt = (v: number | null, d = 0) => (v === null ? '-' : v.toFixed(d));
console.log(
  `\nsingle thread, median of ${REPS} epochs each; torch = PyTorch CPU, torch.set_num_threads(1); 1-min load average ${load.join(' -> ')} on ${cpus().length} cores\n`,
);
console.log(
  `model  batch  tunekit (${best}) samples/s  tunekit (simd) samples/s  torch samples/s  ratio  GEMM GFLOP/s tunekit / torch`,
);
for (const r of rows)
  console.log(
    `${r.model.padEnd(5)}  ${String(r.batch).padStart(5)}  ${fmt(r.tunekit_sps).padStart(25)}  ${fmt(r.tunekit_simd_sps).padStart(24)}  ${fmt(r.torch_sps).padStart(15)}  ${r.torch_sps ? (r.tunekit_sps / r.torch_sps).toFixed(2).padStart(5) : '    -'}  ${fmt(r.gemm_gflops, 1).padStart(12)} / ${fmt(r.torch_gemm_gflops, 1)}`,
  );
console.log(
  "(GEMM: the first layer's forward GEMM shape at that batch; tunekit's best wasm build, torch.mm)",
);
const square = {
  relaxed: best === 'relaxed' ? gemmGflops(new WasmKernels('relaxed'), 256, 256, 256) : null,
  simd: gemmGflops(new WasmKernels('simd'), 256, 256, 256),
  ts: gemmGflops(new TsKernels(), 256, 256, 256),
  torch: torchSquare,
};
console.log(
  `\nGEMM 256x256x256 GFLOP/s: wasm relaxed SIMD ${fmt(square.relaxed, 1)}, wasm SIMD ${square.simd.toFixed(1)}, TS reference ${square.ts.toFixed(1)}, torch.mm ${fmt(square.torch, 1)}`,
);

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/nn.json', import.meta.url),
  JSON.stringify({ rows, wasm_variant: best, gemm_256: square, load_average_1min: load }, null, 2) + '\n',
);
console.log('wrote bench/results/nn.json');

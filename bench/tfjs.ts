// `npm run bench:tfjs`: training throughput of the same MLP (64-128-64-10, ReLU, softmax cross-entropy,
// Adam 1e-3) on the bundled digits in tunekit/nn and in TensorFlow.js (WASM and plain-JS CPU back ends), so
// users can choose knowingly. Median samples/s of REPS epochs each, the runners alternated; one thread.
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadDataset } from '../src/data/index.js';
import { WasmKernels, bestWasmVariant, buildModel, fit, type ModelConfig } from '../src/nn/index.js';

const REPS = Number(process.env.BENCH_REPS ?? 5);
const HIDDEN = [128, 64];

const digits = loadDataset('digits');
const x = digits.x.map((v) => v / 16);
const y = Int32Array.from(digits.y);
const n = digits.n;

const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;

type Epoch = () => Promise<number>;

async function tunekitRunner(batch: number): Promise<Epoch> {
  const config: ModelConfig = {
    inputShape: [64],
    layers: [
      ...HIDDEN.map((units) => ({ kind: 'dense' as const, units, activation: 'relu' as const })),
      { kind: 'dense', units: 10 },
    ],
  };
  const model = buildModel(config, { seed: 0, kernels: new WasmKernels(bestWasmVariant() ?? 'simd') });
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
  await epoch(); // warm-up
  return epoch;
}

async function tfjsRunner(backend: 'wasm' | 'cpu', batch: number): Promise<Epoch> {
  await tf.setBackend(backend);
  const xs = tf.tensor2d(x, [n, 64]);
  const ys = tf.tensor1d(Array.from(y), 'float32');
  const model = tf.sequential({
    layers: [
      ...HIDDEN.map((units, i) =>
        tf.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [64] } : {}) }),
      ),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const epoch = async () => {
    // Each runner's tensors live on its own back end: switch before every epoch, outside the timing.
    await tf.setBackend(backend);
    const t = performance.now();
    await model.fit(xs, ys, { epochs: 1, batchSize: batch, shuffle: true, verbose: 0 });
    return n / ((performance.now() - t) / 1000);
  };
  await epoch();
  return epoch;
}

setWasmPaths(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + '/');
setThreadsCount(1);
const loadBefore = loadavg()[0]!;
const rows: string[][] = [];
for (const batch of [32, 128]) {
  const runners = {
    tunekit: await tunekitRunner(batch),
    wasm: await tfjsRunner('wasm', batch),
    cpu: await tfjsRunner('cpu', batch),
  };
  const samples = { tunekit: [] as number[], wasm: [] as number[], cpu: [] as number[] };
  for (let r = 0; r < REPS; r++)
    for (const k of ['tunekit', 'wasm', 'cpu'] as const) samples[k].push(await runners[k]());
  const [t, w, c] = [median(samples.tunekit), median(samples.wasm), median(samples.cpu)];
  rows.push([String(batch), t.toFixed(0), w.toFixed(0), c.toFixed(0), (t / w).toFixed(2)]);
}
const load = [loadBefore, loadavg()[0]!].map((v) => v.toFixed(2));

console.log(
  `\nMLP 64-${HIDDEN.join('-')}-10 on digits (${n} rows), Adam; median of ${REPS} epochs each; tunekit/nn ${bestWasmVariant() ?? 'simd'} wasm, tfjs ${tf.version.tfjs}; 1-min load ${load.join(' -> ')} on ${cpus().length} cores\n`,
);
const header = [
  'batch',
  'tunekit/nn samples/s',
  'tfjs wasm samples/s',
  'tfjs cpu samples/s',
  'tunekit / tfjs wasm',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const r of [header, ...rows]) console.log(r.map((v, i) => v.padStart(widths[i]!)).join('  '));

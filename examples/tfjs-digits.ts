// Tunes a small TensorFlow.js classifier on the bundled 8x8 digits with pruning: a TPE study picks the
// optimizer, learning rate, layer sizes, dropout and batch size; a median pruner stops hopeless trials.
// Run: npx tsx examples/tfjs-digits.ts [cpu|wasm]   (needs @tensorflow/tfjs; wasm: @tensorflow/tfjs-backend-wasm)
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { MedianPruner, TpeSampler, createStudy } from 'tunekit';
import { loadDataset, trainValTestSplit } from 'tunekit/data';
import type { Dataset } from 'tunekit/data';
import { fixedParams } from 'tunekit/evaluate';
import { suggestTfjsKnobs, tfjsMlp, tfjsPruning } from 'tunekit/tfjs';

const backend = process.argv[2] ?? 'cpu';
if (backend === 'wasm')
  // The .wasm files ship inside the package; point tfjs at them instead of a CDN.
  setWasmPaths(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + '/');
await tf.setBackend(backend);

const { train, val, test } = trainValTestSplit(loadDataset('digits'), { seed: 0, stratify: true });
const tensors = (d: Dataset) => ({
  x: tf.tensor2d(
    d.x.map((v) => v / 16),
    [d.n, d.features],
  ),
  y: tf.tensor1d(Array.from(d.y), 'float32'),
});
const [trainT, valT, testT] = [tensors(train), tensors(val), tensors(test)];

const SPACE = { layers: [1, 2], units: [16, 128], l2: [1e-6, 1e-3] } as const;
const study = await createStudy({
  direction: 'maximize',
  sampler: new TpeSampler({ seed: 1, nStartupTrials: 5 }),
  pruner: new MedianPruner({ nStartupTrials: 3, nWarmupSteps: 2 }),
});
await study.optimize(
  async (trial) => {
    const knobs = suggestTfjsKnobs(trial, SPACE);
    const model = tfjsMlp(tf, knobs, { inputs: 64, classes: 10 });
    const pruning = tfjsPruning(trial, model, { monitor: 'val_acc' });
    try {
      const history = await model.fit(trainT.x, trainT.y, {
        epochs: 12,
        batchSize: knobs.batchSize,
        validationData: [valT.x, valT.y],
        verbose: 0,
        callbacks: pruning,
      });
      pruning.throwIfPruned();
      return history.history.val_acc!.at(-1) as number;
    } finally {
      model.dispose();
    }
  },
  { nTrials: 12 },
);

const best = await study.bestTrial();
const counts = { complete: 0, pruned: 0, fail: 0 } as Record<string, number>;
for (const t of await study.trials()) counts[t.state] = (counts[t.state] ?? 0) + 1;
// The test rows are scored once, by a model trained with the best trial's knobs.
const final = tfjsMlp(tf, suggestTfjsKnobs(fixedParams(best.params), SPACE), { inputs: 64, classes: 10 });
await final.fit(trainT.x, trainT.y, { epochs: 12, batchSize: best.params.batch_size as number, verbose: 0 });
const [, acc] = final.evaluate(testT.x, testT.y) as tf.Scalar[];
console.log(
  `backend ${tf.getBackend()}: ${counts.complete} complete, ${counts.pruned} pruned, ${counts.fail} failed`,
);
console.log(
  `best trial ${best.number}: val accuracy ${best.values![0]!.toFixed(3)} with ${JSON.stringify(best.params)}`,
);
console.log(`test accuracy ${(await acc!.data())[0]!.toFixed(3)}`);

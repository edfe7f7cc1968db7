// The example page: tunes a TensorFlow.js MLP on the 8x8 digits in the browser (WASM back end), the study
// kept in IndexedDB, and draws the optimisation history with the dashboard's own chart code.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { MedianPruner, TpeSampler, createStudy, historyPlot } from 'tunekit';
import type { Study, TrialRecord } from 'tunekit';
import { suggestTfjsKnobs, tfjsMlp, tfjsPruning } from 'tunekit/tfjs';
import { draw } from '../../src/dashboard/ui/charts/core.js';
import { historyOption } from '../../src/dashboard/ui/charts/plots.js';

const TARGET = Number(new URLSearchParams(location.search).get('trials') ?? 12);
const EPOCHS = 8;
const status = document.getElementById('status')!;
const chart = document.getElementById('history')!;

setWasmPaths('/wasm/');
await tf.setBackend('wasm');

/** The digits as the build step serves them: 64 pixels (0-16) then the label, one row a line. */
async function loadDigits() {
  const rows = (await (await fetch('/digits.csv')).text())
    .trim()
    .split('\n')
    .map((l) => l.split(',').map(Number));
  // A fixed interleaved split, so a reload trains on the same rows.
  const part = (keep: (i: number) => boolean) => {
    const r = rows.filter((_, i) => keep(i));
    return {
      x: tf.tensor2d(r.map((v) => v.slice(0, 64).map((p) => p / 16))),
      y: tf.tensor1d(
        r.map((v) => v[64]!),
        'float32',
      ),
    };
  };
  return { train: part((i) => i % 5 !== 0), val: part((i) => i % 5 === 0) };
}

function show(study: Study, trials: readonly TrialRecord[], note = '') {
  const h = historyPlot(trials, study.directions);
  draw(chart, historyOption(h, 'validation accuracy'), h.numbers.length);
  const count = (s: string) => trials.filter((t) => t.state === s).length;
  status.textContent =
    `${count('complete')} complete, ${count('pruned')} pruned, ${count('fail')} failed of ${TARGET}` +
    (h.numbers.length ? `; best ${Math.max(...h.values).toFixed(3)}` : '') +
    note;
  Object.assign(status.dataset, {
    complete: count('complete'),
    pruned: count('pruned'),
    fail: count('fail'),
    numbers: trials.map((t) => t.number).join(','),
  });
}

const { train, val } = await loadDigits();
const study = await createStudy({
  studyName: 'digits',
  storage: 'indexeddb:browser-example',
  loadIfExists: true,
  direction: 'maximize',
  sampler: new TpeSampler({ seed: Date.now() % 1000, nStartupTrials: 4 }),
  pruner: new MedianPruner({ nStartupTrials: 3, nWarmupSteps: 2 }),
  // A closed tab leaves its trial running: another tab (or this one reloaded) fails it after 4 s.
  heartbeatIntervalMs: 1000,
  gracePeriodMs: 4000,
});
document.getElementById('reset')!.onclick = async () => {
  await study.storage.deleteStudy(study.id);
  location.reload();
};

const done = async () => (await study.trials({ states: ['complete', 'pruned'] })).length;
show(study, await study.trials());
// One trial at a time until the study holds TARGET finished trials, whoever ran them; bounded.
for (let guard = 0; guard < 3 * TARGET && (await done()) < TARGET; guard++) {
  await study.optimize(
    async (trial) => {
      const knobs = suggestTfjsKnobs(trial, { layers: [1, 2], units: [16, 96], batchSizes: [32, 64] });
      const model = tfjsMlp(tf, knobs, { inputs: 64, classes: 10 });
      const pruning = tfjsPruning(trial, model, { monitor: 'val_acc' });
      try {
        const history = await model.fit(train.x, train.y, {
          epochs: EPOCHS,
          batchSize: knobs.batchSize,
          validationData: [val.x, val.y],
          callbacks: pruning,
        });
        pruning.throwIfPruned();
        return history.history.val_acc!.at(-1) as number;
      } finally {
        model.dispose();
      }
    },
    { nTrials: 1, callbacks: [async () => show(study, await study.trials())] },
  );
}
show(study, await study.trials(), ' — done');
status.dataset.done = 'true';

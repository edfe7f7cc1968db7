// `npm run bench:pruning`: what early stopping saves. Tunes an MLP trained by tunekit/nn on digits and on
// a Fashion-MNIST subset (when Debian's dataset-fashion-mnist is installed) four ways at equal seeds and an
// equal epoch budget: random search at full budget, TPE + median pruner, TPE + Hyperband, and synchronous
// successive halving. Prints the epochs (and seconds) each needs until it has a model trained with the full
// budget whose validation accuracy reaches the best that full-budget random search ends with (its target),
// and writes bench/results/pruning.json.
// BENCH_SEEDS=0,1 (default 0-4 for digits, 0-1 for Fashion-MNIST), BENCH_DATASETS=digits,fashion, and
// BENCH_BUDGET_FACTOR=k lets the three other methods spend k times random search's epochs (default 1).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { FASHION_MNIST_DIR, loadFashionMnist } from '../src/data/idx.js';
import { fitStandardize, transform } from '../src/data/preprocess.js';
import { loadDataset } from '../src/data/registry.js';
import { subset } from '../src/data/dataset.js';
import type { Dataset } from '../src/data/dataset.js';
import { trainValTestSplit } from '../src/data/split.js';
import { buildModel, evaluate, fit, mlp } from '../src/nn/index.js';
import {
  HyperbandPruner,
  MedianPruner,
  RandomSampler,
  createStudy,
  nopPruner,
  pruningCallback,
  successiveHalving,
  TpeSampler,
} from '../src/index.js';
import type { Pruner, Sampler, Study, Trial, TrialRecord } from '../src/index.js';

type Method = 'random-full' | 'tpe-median' | 'tpe-hyperband' | 'sync-sh';

interface Task {
  name: string;
  train: Dataset;
  val: Dataset;
  test: Dataset;
  /** Full budget in epochs (R). */
  maxEpochs: number;
  /** Trials random search runs at full budget; its epochs are every method's budget. */
  randomTrials: number;
  maxUnits: number;
}

interface Progress {
  epochs: number;
  started: number;
  /** After every full-budget model: epochs used so far, seconds so far, its val accuracy. */
  timeline: Array<{ epochs: number; seconds: number; val: number }>;
}

const ETA = 3;
const FACTOR = Number(process.env.BENCH_BUDGET_FACTOR ?? 1);

function tasks(): Task[] {
  const wanted = (process.env.BENCH_DATASETS ?? 'digits,fashion').split(',');
  const out: Task[] = [];
  if (wanted.includes('digits')) {
    const parts = trainValTestSplit(loadDataset('digits'), {
      valFraction: 0.2,
      testFraction: 0.2,
      stratify: true,
      seed: 0,
    });
    const scale = fitStandardize(parts.train);
    out.push({
      name: 'digits',
      train: transform(scale, parts.train),
      val: transform(scale, parts.val),
      test: transform(scale, parts.test),
      maxEpochs: 27,
      randomTrials: 40,
      maxUnits: 128,
    });
  }
  if (wanted.includes('fashion')) {
    if (!existsSync(FASHION_MNIST_DIR))
      console.log(
        `Fashion-MNIST: not installed at ${FASHION_MNIST_DIR} (apt-get install dataset-fashion-mnist); skipped`,
      );
    else {
      // A subset keeps the four methods within minutes on two shared cores: 4,000 train, 1,000 val rows
      // from the training file, 2,000 rows of the official test file.
      const all = loadFashionMnist({ limit: 5000 });
      const parts = trainValTestSplit(all, { valFraction: 0.2, testFraction: 0, stratify: true, seed: 0 });
      const test = subset(
        loadFashionMnist({ split: 'test', limit: 2000 }),
        Array.from({ length: 2000 }, (_, i) => i),
      );
      out.push({
        name: 'fashion-mnist-5k',
        train: parts.train,
        val: parts.val,
        test,
        maxEpochs: 27,
        randomTrials: 30,
        maxUnits: 128,
      });
    }
  }
  return out;
}

/** Trains the trial's configuration for `epochs`, reporting val accuracy each epoch; returns the last. */
async function train(
  task: Task,
  trial: Trial,
  epochs: number,
  seed: number,
  progress: Progress,
): Promise<number> {
  const lr = trial.suggestFloat('lr', 1e-5, 1, { log: true });
  const optimizer = trial.suggestCategorical('optimizer', ['sgd', 'adam']);
  const units = trial.suggestInt('units', 8, task.maxUnits, { log: true });
  const layers = trial.suggestInt('layers', 1, 3);
  const model = buildModel(
    mlp({ inputs: task.train.features, outputs: 10, hidden: new Array(layers).fill(units) }),
    { seed: seed * 10_000 + trial.number },
  );
  const report = pruningCallback(trial, { monitor: 'val_accuracy' });
  const history = await fit(model, task.train, {
    epochs,
    loss: 'softmax_cross_entropy',
    optimizer: { kind: optimizer, lr },
    batchSize: 64,
    seed: seed * 10_000 + trial.number,
    validation: task.val,
    metrics: ['accuracy'],
    onEpochEnd: async (epoch, logs) => {
      progress.epochs++;
      await report(epoch, logs);
    },
  });
  const last = history.epochs[history.epochs.length - 1]!.val.accuracy ?? 0;
  // Only models trained with the full budget count as found (a pruned or short run's model is thrown
  // away); they are the candidates for the final pick, so measure their test accuracy now.
  if (epochs === task.maxEpochs) {
    progress.timeline.push({
      epochs: progress.epochs,
      seconds: (performance.now() - progress.started) / 1000,
      val: last,
    });
    await trial.setUserAttr(
      'test_accuracy',
      evaluate(model, task.test, 'softmax_cross_entropy', ['accuracy']).val.accuracy ?? 0,
    );
  }
  return Number.isFinite(last) ? last : 0;
}

async function runMethod(
  task: Task,
  method: Method,
  seed: number,
  budget: number,
): Promise<{ study: Study; progress: Progress }> {
  const progress: Progress = { epochs: 0, started: performance.now(), timeline: [] };
  const tpe = (): Sampler => new TpeSampler({ seed });
  const pruner: Pruner =
    method === 'tpe-median'
      ? new MedianPruner()
      : method === 'tpe-hyperband'
        ? new HyperbandPruner({ minResource: 1, maxResource: task.maxEpochs, reductionFactor: ETA })
        : nopPruner;
  const sampler: Sampler =
    method === 'tpe-median' || method === 'tpe-hyperband' ? tpe() : new RandomSampler({ seed });
  const study = await createStudy({
    studyName: `pruning-${task.name}-${method}-${seed}`,
    direction: 'maximize',
    sampler,
    pruner,
  });
  if (method === 'sync-sh') {
    // Repeated successive-halving races of R/r candidates (27@1 → 9@3 → 3@9 → 1@27), until the budget is spent.
    while (progress.epochs + task.maxEpochs * 4 <= budget)
      await successiveHalving({
        study,
        objective: (trial, b) => train(task, trial, b.budget, seed, progress),
        candidates: task.maxEpochs,
        resource: 'epochs',
        minResource: 1,
        maxResource: task.maxEpochs,
        eta: ETA,
      });
  } else {
    await study.optimize((trial) => train(task, trial, task.maxEpochs, seed, progress), {
      nTrials: method === 'random-full' ? task.randomTrials : task.randomTrials * 6 * FACTOR,
      catch: false,
      callbacks: [(s) => void (progress.epochs >= budget && s.stop())],
    });
  }
  return { study, progress };
}

/** The pick: the best trial trained with the full budget, by final validation accuracy. */
function pick(trials: readonly TrialRecord[], maxEpochs: number): TrialRecord | undefined {
  return trials
    .filter(
      (t) => t.state === 'complete' && Object.keys(t.intermediateValues).map(Number).includes(maxEpochs),
    )
    .sort((a, b) => b.values![0]! - a.values![0]! || a.number - b.number)[0];
}

interface Row {
  dataset: string;
  method: Method;
  seed: number;
  target: number;
  epochs_to_target: number | null;
  seconds_to_target: number | null;
  total_epochs: number;
  total_seconds: number;
  trials: number;
  pruned: number;
  final_val: number;
  final_test: number;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const methods: Method[] = ['random-full', 'tpe-median', 'tpe-hyperband', 'sync-sh'];
  for (const task of tasks()) {
    const seeds = (process.env.BENCH_SEEDS ?? (task.name === 'digits' ? '0,1,2,3,4' : '0,1'))
      .split(',')
      .map(Number);
    console.log(
      `\n${task.name}: ${task.train.n} train / ${task.val.n} val / ${task.test.n} test rows, R = ${task.maxEpochs} epochs, seeds ${seeds.join(', ')}`,
    );
    for (const seed of seeds) {
      const budget = task.randomTrials * task.maxEpochs;
      // Random search always spends `budget`; the other methods may be given more to see when (if ever) they reach its result.
      const otherBudget = budget * FACTOR;
      let target = NaN;
      for (const method of methods) {
        const { study, progress } = await runMethod(
          task,
          method,
          seed,
          method === 'random-full' ? budget : otherBudget,
        );
        const trials = await study.trials();
        if (method === 'random-full')
          target = Math.max(...trials.filter((t) => t.state === 'complete').map((t) => t.values![0]!));
        const hit = progress.timeline.find((p) => p.val >= target);
        const best = pick(trials, task.maxEpochs);
        const row: Row = {
          dataset: task.name,
          method,
          seed,
          target,
          epochs_to_target: hit?.epochs ?? null,
          seconds_to_target: hit ? round(hit.seconds, 1) : null,
          total_epochs: progress.epochs,
          total_seconds: round((performance.now() - progress.started) / 1000, 1),
          trials: trials.length,
          pruned: trials.filter((t) => t.state === 'pruned').length,
          final_val: round(best?.values![0] ?? NaN, 4),
          final_test: round((best?.userAttrs.test_accuracy as number | undefined) ?? NaN, 4),
        };
        rows.push(row);
        console.log(
          `  seed ${seed} ${method.padEnd(14)} target ${target.toFixed(4)}  to target: ${String(row.epochs_to_target ?? 'never').padStart(5)} epochs ` +
            `${String(row.seconds_to_target ?? '-').padStart(6)} s | total ${String(row.total_epochs).padStart(5)} epochs ${String(row.total_seconds).padStart(6)} s | ` +
            `${row.trials} trials, ${row.pruned} pruned | val ${row.final_val.toFixed(4)} test ${row.final_test.toFixed(4)}`,
        );
      }
    }
  }
  printSummary(rows);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const out = FACTOR === 1 ? 'pruning.json' : `pruning-budget-x${FACTOR}.json`;
  writeFileSync(new URL(`./results/${out}`, import.meta.url), JSON.stringify({ rows }, null, 2) + '\n');
  console.log(`\nwrote bench/results/${out}`);
}

/** Per dataset and method: median over seeds, and epochs to target as a fraction of random search's. */
function printSummary(rows: Row[]): void {
  console.log(
    '\n| dataset | method | epochs to target (median) | vs random-full | seconds to target | total epochs | final val | final test |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const dataset of [...new Set(rows.map((r) => r.dataset))]) {
    const random = rows.filter((r) => r.dataset === dataset && r.method === 'random-full');
    for (const method of [...new Set(rows.map((r) => r.method))]) {
      const rs = rows.filter((r) => r.dataset === dataset && r.method === method);
      const ratios = rs.map((r) => {
        const base = random.find((b) => b.seed === r.seed)!.epochs_to_target!;
        return r.epochs_to_target === null ? Infinity : r.epochs_to_target / base;
      });
      const reached = rs.filter((r) => r.epochs_to_target !== null).length;
      const med = (xs: number[]) => median(xs);
      const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'never');
      console.log(
        `| ${dataset} | ${method} | ${fmt(med(rs.map((r) => r.epochs_to_target ?? Infinity)))} (${reached}/${rs.length} seeds reached) | ` +
          `${fmt(med(ratios), 2)} | ${fmt(med(rs.map((r) => r.seconds_to_target ?? Infinity)), 1)} | ${fmt(med(rs.map((r) => r.total_epochs)))} | ` +
          `${fmt(med(rs.map((r) => r.final_val)), 4)} | ${fmt(med(rs.map((r) => r.final_test)), 4)} |`,
      );
    }
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function round(x: number, digits: number): number {
  return Number.isFinite(x) ? Number(x.toFixed(digits)) : x;
}

await main();

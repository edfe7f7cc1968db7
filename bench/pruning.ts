// `npm run bench:pruning [-- --quick]`: what early stopping saves. Tunes an MLP trained by tunekit/nn on
// digits and on a Fashion-MNIST subset (when Debian's dataset-fashion-mnist is installed) five ways at equal
// seeds and an equal epoch budget: random search at full budget, TPE + median pruner, TPE + Hyperband (with
// tunekit's defaults, and as Optuna runs it), and synchronous successive halving. BENCH_METHODS can add
// Hyperband with one default changed at a time (tpe-hyperband-hash, -cold) and BOHB's model (-bohb). Per
// data set the target is the median over seeds of the best validation accuracy random search ends with;
// the bench prints the epochs (and seconds) each method needs until it has a full-budget model
// that reaches it (median and quartiles over seeds; random search's from all its runs pooled), and writes
// bench/results/pruning.json. Definitions: docs/pruning.md, "Benchmark".
// --quick: digits only, 5 seeds. BENCH_SEEDS=0,1,..., BENCH_DATASETS=digits,fashion, BENCH_METHODS=...,
// BENCH_BUDGET_FACTOR=k lets the methods other than random search spend k times its epochs (default 1).
// Over 400 lines on purpose: the methods run side by side on the same seeds in one process, and the
// definitions of target and epochs counted stay next to the loop that applies them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { FASHION_MNIST_DIR, loadFashionMnist } from '../src/data/idx.js';
import { fitStandardize, transform } from '../src/data/preprocess.js';
import { loadDataset } from '../src/data/registry.js';
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
import type { HyperbandPrunerOptions, Pruner, Sampler, Study, Trial, TrialRecord } from '../src/index.js';
import { MAX_EPOCHS, median, pooledEpochs, printIntervals, quantile } from './pruning-stats.js';

/** TPE + Hyperband variants: the pruner's options besides r, R and η (the defaults for 'tpe-hyperband'). */
const HYPERBAND_VARIANTS = {
  'tpe-hyperband': {},
  'tpe-hyperband-optuna': { bracketOrder: 'hash', samplerHistory: 'bracket' },
  'tpe-hyperband-hash': { bracketOrder: 'hash' },
  'tpe-hyperband-cold': { samplerHistory: 'bracket' },
  'tpe-hyperband-bohb': { samplerHistory: 'highest-rung' },
} satisfies Record<string, HyperbandPrunerOptions>;
type Method = 'random-full' | 'tpe-median' | keyof typeof HYPERBAND_VARIANTS | 'sync-sh';
const METHODS: Method[] = ['random-full', 'tpe-median', 'tpe-hyperband', 'tpe-hyperband-optuna', 'sync-sh'];
const ALL_METHODS: Method[] = [...METHODS, 'tpe-hyperband-hash', 'tpe-hyperband-cold', 'tpe-hyperband-bohb'];

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
  seeds: number[];
}

interface Progress {
  epochs: number;
  /** Weights trained, summed over epochs: seconds per epoch follow model size, so this explains them. */
  weightEpochs: number;
  started: number;
  /** After every full-budget model: epochs used so far, seconds so far, its val accuracy. */
  timeline: Array<{ epochs: number; seconds: number; val: number }>;
}

const ETA = 3;
const FACTOR = Number(process.env.BENCH_BUDGET_FACTOR ?? 1);
const QUICK = process.argv.includes('--quick');
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function tasks(): Task[] {
  const wanted = (process.env.BENCH_DATASETS ?? (QUICK ? 'digits' : 'digits,fashion')).split(',');
  const seeds = (fallback: number[]) => process.env.BENCH_SEEDS?.split(',').map(Number) ?? fallback;
  const out: Task[] = [];
  if (wanted.includes('digits')) {
    // 1,797 rows: a larger validation set would take training rows, so the split stays 60/20/20 and the
    // noise of 360 validation rows is met with many seeds and a median target instead.
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
      maxEpochs: MAX_EPOCHS,
      randomTrials: 40,
      maxUnits: 128,
      seeds: seeds(range(QUICK ? 5 : 100)),
    });
  }
  if (wanted.includes('fashion')) {
    if (!existsSync(FASHION_MNIST_DIR))
      console.log(
        `Fashion-MNIST: not installed at ${FASHION_MNIST_DIR} (apt-get install dataset-fashion-mnist); skipped`,
      );
    else {
      // Training cost grows with the training rows, so they stay at 4,000; validation (scored every epoch,
      // forward only) gets 4,000 rows so one row is 0.025 %, and the test set (scored once per full-budget
      // model) 5,000 rows of the official test file.
      const parts = trainValTestSplit(loadFashionMnist({ limit: 8000 }), {
        valFraction: 0.5,
        testFraction: 0,
        stratify: true,
        seed: 0,
      });
      out.push({
        name: 'fashion-mnist-8k',
        train: parts.train,
        val: parts.val,
        test: loadFashionMnist({ split: 'test', limit: 5000 }),
        maxEpochs: MAX_EPOCHS,
        randomTrials: 30,
        maxUnits: 128,
        seeds: seeds(range(15)),
      });
    }
  }
  return out;
}

/**
 * Which trial's number seeds a trial's weights and batch order: its own, or (for successive halving's
 * re-runs) that of the trial that first ran the same configuration.
 */
type SeedSource = (trial: Trial) => number;

async function train(
  task: Task,
  trial: Trial,
  epochs: number,
  seed: number,
  progress: Progress,
  seedSource: SeedSource = (t) => t.number,
): Promise<number> {
  const lr = trial.suggestFloat('lr', 1e-5, 1, { log: true });
  const optimizer = trial.suggestCategorical('optimizer', ['sgd', 'adam']);
  const units = trial.suggestInt('units', 8, task.maxUnits, { log: true });
  const layers = trial.suggestInt('layers', 1, 3);
  const runSeed = seed * 10_000 + seedSource(trial);
  const model = buildModel(
    mlp({ inputs: task.train.features, outputs: 10, hidden: new Array(layers).fill(units) }),
    { seed: runSeed },
  );
  const report = pruningCallback(trial, { monitor: 'val_accuracy' });
  const history = await fit(model, task.train, {
    epochs,
    loss: 'softmax_cross_entropy',
    optimizer: { kind: optimizer, lr },
    batchSize: 64,
    seed: runSeed,
    validation: task.val,
    metrics: ['accuracy'],
    onEpochEnd: async (epoch, logs) => {
      progress.epochs++;
      progress.weightEpochs += task.train.features * units + units * units * (layers - 1) + units * 10;
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
  const progress: Progress = { epochs: 0, weightEpochs: 0, started: performance.now(), timeline: [] };
  const pruner: Pruner =
    method === 'tpe-median'
      ? new MedianPruner()
      : method in HYPERBAND_VARIANTS
        ? new HyperbandPruner({
            minResource: 1,
            maxResource: task.maxEpochs,
            reductionFactor: ETA,
            ...(HYPERBAND_VARIANTS[method as keyof typeof HYPERBAND_VARIANTS] as HyperbandPrunerOptions),
          })
        : nopPruner;
  const sampler: Sampler = method.startsWith('tpe-') ? new TpeSampler({ seed }) : new RandomSampler({ seed });
  const study = await createStudy({
    quiet: true,
    studyName: `pruning-${task.name}-${method}-${seed}`,
    direction: 'maximize',
    sampler,
    pruner,
  });
  if (method === 'sync-sh') {
    // Repeated successive-halving races of R/r candidates (27@1 → 9@3 → 3@9 → 1@27), until the budget is
    // spent. A survivor is re-run from scratch with the seeds of its first run, so a longer run repeats
    // the shorter one's epochs before going on, as if it had been continued.
    const firstRun = new Map<string, number>();
    const sameAsFirstRun: SeedSource = (trial) => {
      const key = JSON.stringify(trial.params);
      if (!firstRun.has(key)) firstRun.set(key, trial.number);
      return firstRun.get(key)!;
    };
    while (progress.epochs + task.maxEpochs * 4 <= budget)
      await successiveHalving({
        study,
        objective: (trial, b) => train(task, trial, b.budget, seed, progress, sameAsFirstRun),
        candidates: task.maxEpochs,
        resource: 'epochs',
        minResource: 1,
        maxResource: task.maxEpochs,
        eta: ETA,
      });
  } else {
    await study.optimize((trial) => train(task, trial, task.maxEpochs, seed, progress), {
      nTrials: method === 'random-full' ? task.randomTrials : task.randomTrials * 27 * FACTOR,
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

/** One (data set, method, seed) run. */
interface SeedRow {
  dataset: string;
  method: Method;
  seed: number;
  target: number;
  epochs_to_target: number | null;
  seconds_to_target: number | null;
  total_epochs: number;
  total_seconds: number;
  weights_per_epoch: number;
  trials: number;
  pruned: number;
  final_val: number;
  final_test: number;
  /** Final val accuracy of each full-budget model, in the order they finished (random search's pool). */
  full_budget_vals: number[];
  timeline: Progress['timeline'];
}

/** Per data set and method, over seeds: the issue's row, with quartiles and the ratio added. */
interface Row {
  dataset: string;
  method: Method;
  target: number;
  seeds: number;
  /** Seeds whose run reached the target within the budget. */
  reached: number;
  /** Median over seeds (null: more than half never reached it); random-full's from the pooled hit rate. */
  epochs_to_target: number | null;
  epochs_to_target_q1: number | null;
  epochs_to_target_q3: number | null;
  ratio_to_random: number | null;
  total_epochs: number;
  final_val: number;
  final_test: number;
  seconds_to_target: number | null;
  total_seconds: number;
  seconds_per_epoch: number;
  /** Median over seeds of the mean number of weights trained per epoch (model size). */
  weights_per_epoch: number;
}

interface Pool {
  dataset: string;
  runs: number;
  hits: number;
  p: number;
  expected_epochs: number | null;
}

async function main(): Promise<void> {
  const wanted = (process.env.BENCH_METHODS?.split(',') as Method[] | undefined) ?? METHODS;
  const unknown = wanted.filter((m) => !ALL_METHODS.includes(m));
  if (unknown.length > 0)
    throw new Error(`BENCH_METHODS: unknown ${unknown.join(', ')}; choose from ${ALL_METHODS.join(', ')}`);
  const methods: Method[] = ['random-full', ...wanted.filter((m) => m !== 'random-full')];
  const seedRows: SeedRow[] = [];
  const rows: Row[] = [];
  const pools: Pool[] = [];
  const started = performance.now();
  for (const task of tasks()) {
    const budget = task.randomTrials * task.maxEpochs;
    console.log(
      `\n${task.name}: ${task.train.n} train / ${task.val.n} val / ${task.test.n} test rows, R = ${task.maxEpochs} epochs, ` +
        `budget ${budget} epochs (x${FACTOR} for the others), seeds ${task.seeds.join(', ')}`,
    );
    const runs: SeedRow[] = [];
    for (const method of methods)
      for (const seed of task.seeds) {
        const { study, progress } = await runMethod(
          task,
          method,
          seed,
          method === 'random-full' ? budget : budget * FACTOR,
        );
        const trials = await study.trials();
        const best = pick(trials, task.maxEpochs);
        const row: SeedRow = {
          dataset: task.name,
          method,
          seed,
          target: NaN,
          epochs_to_target: null,
          seconds_to_target: null,
          total_epochs: progress.epochs,
          total_seconds: round((performance.now() - progress.started) / 1000, 2),
          weights_per_epoch: Math.round(progress.weightEpochs / progress.epochs),
          trials: trials.length,
          pruned: trials.filter((t) => t.state === 'pruned').length,
          final_val: round(best?.values![0] ?? NaN, 4),
          final_test: round((best?.userAttrs.test_accuracy as number | undefined) ?? NaN, 4),
          full_budget_vals: progress.timeline.map((p) => p.val),
          timeline: progress.timeline,
        };
        runs.push(row);
        console.log(
          `  ${method.padEnd(18)} seed ${String(seed).padStart(2)}: best full-budget val ${row.final_val.toFixed(4)} test ${row.final_test.toFixed(4)} | ` +
            `${row.total_epochs} epochs ${row.total_seconds} s | ${row.trials} trials, ${row.pruned} pruned`,
        );
      }
    // The target: what random search reaches at its end in the typical case (median over seeds).
    const random = runs.filter((r) => r.method === 'random-full');
    const target = median(random.map((r) => r.final_val));
    for (const r of runs) {
      const hit = r.timeline.find((p) => p.val >= target);
      Object.assign(r, {
        target,
        epochs_to_target: hit?.epochs ?? null,
        seconds_to_target: hit ? round(hit.seconds, 2) : null,
      });
    }
    // Random search's trials are independent draws, so pool them (pooledEpochs).
    const vals = random.flatMap((r) => r.full_budget_vals);
    const hits = vals.filter((v) => v >= target).length;
    const p = hits / vals.length;
    const randomEpochs = (q: number) => finite(pooledEpochs(vals, target, q));
    pools.push({
      dataset: task.name,
      runs: vals.length,
      hits,
      p: round(p, 4),
      expected_epochs: p === 0 ? null : round(task.maxEpochs / p, 0),
    });
    for (const method of methods) {
      const rs = runs.filter((r) => r.method === method);
      const epochs = rs.map((r) => r.epochs_to_target ?? Infinity);
      const secondsPerEpoch = median(rs.map((r) => r.total_seconds / r.total_epochs));
      const pooled = method === 'random-full';
      const med = pooled ? randomEpochs(0.5) : finite(quantile(epochs, 0.5));
      rows.push({
        dataset: task.name,
        method,
        target,
        seeds: rs.length,
        reached: rs.filter((r) => r.epochs_to_target !== null).length,
        epochs_to_target: med,
        epochs_to_target_q1: pooled ? randomEpochs(0.25) : finite(quantile(epochs, 0.25)),
        epochs_to_target_q3: pooled ? randomEpochs(0.75) : finite(quantile(epochs, 0.75)),
        ratio_to_random:
          med === null || randomEpochs(0.5) === null ? null : round(med / randomEpochs(0.5)!, 3),
        total_epochs: median(rs.map((r) => r.total_epochs)),
        final_val: round(median(rs.map((r) => r.final_val)), 4),
        final_test: round(median(rs.map((r) => r.final_test)), 4),
        // Random search's seconds: its pooled epochs at its own median seconds per epoch.
        seconds_to_target: pooled
          ? med === null
            ? null
            : round(med * secondsPerEpoch, 1)
          : finite(
              round(
                quantile(
                  rs.map((r) => r.seconds_to_target ?? Infinity),
                  0.5,
                ),
                1,
              ),
            ),
        total_seconds: round(median(rs.map((r) => r.total_seconds)), 1),
        seconds_per_epoch: round(secondsPerEpoch, 4),
        weights_per_epoch: median(rs.map((r) => r.weights_per_epoch)),
      });
    }
    seedRows.push(...runs);
    printTables(
      task,
      rows.filter((r) => r.dataset === task.name),
      pools.at(-1)!,
      runs,
    );
  }
  printIntervals(seedRows);
  console.log(`\nwall time of this run: ${round((performance.now() - started) / 1000, 0)} s`);
  write(rows, pools, seedRows);
}

function printTables(task: Task, rows: Row[], pool: Pool, runs: SeedRow[]): void {
  const fmt = (x: number | null) => (x === null ? 'never' : String(x));
  console.log(
    `\n**${task.name}**: target ${rows[0]!.target.toFixed(4)} (median over ${task.seeds.length} seeds of random search's best of ${task.randomTrials}); ` +
      `${pool.hits} of ${pool.runs} random full-budget runs reach it (p = ${pool.p}, expected ${fmt(pool.expected_epochs)} epochs)\n`,
  );
  console.log(
    '| method | epochs to target, median [q1, q3] | seeds reached | vs random-full | total epochs | final val | final test | s to target | s per epoch | weights per epoch |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.method} | ${fmt(r.epochs_to_target)} [${fmt(r.epochs_to_target_q1)}, ${fmt(r.epochs_to_target_q3)}]${r.method === 'random-full' ? ' (pooled)' : ''} | ` +
        `${r.reached}/${r.seeds} | ${r.ratio_to_random === null ? '-' : r.ratio_to_random.toFixed(2)} | ${r.total_epochs} | ${r.final_val.toFixed(4)} | ` +
        `${r.final_test.toFixed(4)} | ${fmt(r.seconds_to_target)} | ${r.seconds_per_epoch.toFixed(4)} | ${Math.round(r.weights_per_epoch)} |`,
    );
  console.log('\nper seed, epochs to target:');
  for (const method of [...new Set(runs.map((r) => r.method))])
    console.log(
      `  ${method.padEnd(18)} ${runs
        .filter((r) => r.method === method)
        .map((r) => fmt(r.epochs_to_target))
        .join(' ')}`,
    );
}

/** bench/results/pruning.json; rows of data sets not run this time are kept from the previous file. */
function write(rows: Row[], pools: Pool[], seedRows: SeedRow[]): void {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(
    `./results/${FACTOR === 1 ? 'pruning.json' : `pruning-budget-x${FACTOR}.json`}`,
    import.meta.url,
  );
  const ran = new Set(rows.map((r) => r.dataset));
  const keep = <T extends { dataset: string }>(xs: T[] | undefined): T[] =>
    (xs ?? []).filter((x) => !ran.has(x.dataset));
  let previous: { rows?: Row[]; random_pool?: Pool[]; per_seed?: SeedRow[] } = {};
  if (existsSync(file))
    try {
      previous = JSON.parse(readFileSync(file, 'utf8')) as typeof previous;
    } catch {
      previous = {};
    }
  const perSeed = seedRows.map(({ timeline: _timeline, full_budget_vals: vals, ...r }) => ({
    ...r,
    full_budget_vals: vals,
  }));
  const out = {
    rows: [...keep(previous.rows), ...rows],
    random_pool: [...keep(previous.random_pool), ...pools],
    per_seed: [...keep(previous.per_seed), ...perSeed],
  };
  writeFileSync(file, JSON.stringify(out, null, 1) + '\n');
  console.log(`wrote ${file.pathname}`);
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function round(x: number, digits: number): number {
  return Number.isFinite(x) ? Number(x.toFixed(digits)) : x;
}

await main();

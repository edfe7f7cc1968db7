// `npm run bench:strategies`: does staged tuning pay? The built-in trainer over a 12-knob space (digits, and a
// Fashion-MNIST subset), each method at equal trial and epoch budgets (every trial trains the same epochs, no
// pruning): plain TPE, the default sampler, coarse-to-fine, staged with a hand-written order, staged auto.
// Per budget: median [quartiles] over seeds of the best validation accuracy and of the test accuracy of the
// winner, scored once; a two-sided sign test of each method against plain TPE, paired by seed.
// Flags (the full size is slow on a loaded machine): --datasets digits,fashion --budgets 30,60,120
// --seeds 10 --epochs 5 --fashion-rows 3000 --methods tpe,default,c2f,staged,auto
// Each finished run (data set, budget, method, seed) is appended to bench/results/strategies.jsonl and not run
// again, so a long run can be stopped and resumed, or split over sessions (--fresh starts over).
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configObjective, parseConfig, planTrainer, scoreTestOnce } from '../src/config/index.js';
import type { StrategyContext, TrainerObjectiveConfig, TuneConfig } from '../src/config/index.js';
import { coarseToFine, runStaged } from '../src/config/index.js';
import { FASHION_MNIST_DIR } from '../src/data/idx.js';
import { TpeSampler, createStudy } from '../src/index.js';
import type { Study } from '../src/index.js';
import { InMemoryStorage } from '../src/storage/memory.js';

const { values: flags } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'digits,fashion' },
    budgets: { type: 'string', default: '30,60,120' },
    seeds: { type: 'string', default: '10' },
    epochs: { type: 'string', default: '5' },
    'fashion-rows': { type: 'string', default: '3000' },
    methods: { type: 'string', default: 'tpe,default,c2f,staged,auto' },
    fresh: { type: 'boolean', default: false },
  },
});
const resultsDir = join(import.meta.dirname, 'results');
const resultsFile = join(resultsDir, 'strategies.jsonl');
mkdirSync(resultsDir, { recursive: true });
if (flags.fresh) rmSync(resultsFile, { force: true });
type Run = { val: number; test: number; trials: number };
/** Runs already measured, by `runKey`. */
const measured = new Map<string, Run>(
  existsSync(resultsFile)
    ? readFileSync(resultsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Run & { key: string })
        .map(({ key, ...run }) => [key, run])
    : [],
);
const budgets = flags.budgets.split(',').map(Number);
const seeds = Array.from({ length: Number(flags.seeds) }, (_, i) => i);
const methods = flags.methods.split(',');

// 12 knobs across the categories of the built-in priority; the defaults are what a practitioner starts from.
const SPACE = {
  learning_rate: { type: 'float', low: 1e-4, high: 0.1, log: true, default: 0.001 },
  batch_size: { type: 'categorical', choices: [32, 64, 128], default: 64 },
  beta1: { type: 'float', low: 0.8, high: 0.99, default: 0.9 },
  beta2: { type: 'float', low: 0.9, high: 0.9999, default: 0.999 },
  weight_decay: { type: 'float', low: 1e-6, high: 1e-2, log: true, default: 1e-5 },
  dropout: { type: 'float', low: 0, high: 0.5, default: 0 },
  l2: { type: 'float', low: 1e-7, high: 1e-2, log: true, default: 1e-6 },
  layers: { type: 'int', low: 1, high: 2, default: 1 },
  units: { type: 'int', low: 16, high: 96, log: true, default: 32 },
  activation: { type: 'categorical', choices: ['relu', 'tanh', 'gelu'], default: 'relu' },
  batch_norm: { type: 'categorical', choices: [false, true], default: false },
  lr_gamma: { type: 'float', low: 0.7, high: 1, default: 1 },
};
const HAND_ORDER = [
  ['learning_rate', 'batch_size'],
  ['beta1', 'beta2', 'weight_decay'],
  ['dropout', 'l2'],
  ['layers', 'units', 'activation', 'batch_norm'],
  ['lr_gamma'],
];

function config(dataset: string): TuneConfig {
  const data =
    dataset === 'digits' ? 'digits' : { 'fashion-mnist': true, limit: Number(flags['fashion-rows']) };
  return parseConfig({
    study: { name: 'bench' },
    space: SPACE,
    objective: {
      trainer: {
        data,
        split: { val: 0.25, test: 0.25, stratify: true },
        preprocess: [{ kind: 'minmax' }],
        model: {
          mlp: {
            hidden: { repeat: '$layers', value: '$units' },
            activation: '$activation',
            dropout: '$dropout',
            batchNorm: '$batch_norm',
          },
        },
        fit: {
          epochs: Number(flags.epochs),
          batchSize: '$batch_size',
          optimizer: {
            kind: 'adam',
            lr: '$learning_rate',
            beta1: '$beta1',
            beta2: '$beta2',
            weightDecay: '$weight_decay',
          },
          schedule: { kind: 'exponential', gamma: '$lr_gamma' },
          penalty: { l2: '$l2' },
        },
        monitor: 'val_accuracy',
      },
    },
  });
}

/** One method at one budget and seed: the best validation accuracy, and the test accuracy of its winner. */
async function runMethod(cfg: TuneConfig, method: string, budget: number, seed: number) {
  const storage = new InMemoryStorage();
  const tpe = (trials: number) =>
    new TpeSampler({ seed, nStartupTrials: Math.min(10, Math.ceil(trials / 3)) });
  const open = (name: string, trials: number): Promise<Study> =>
    createStudy({
      storage,
      studyName: name,
      direction: 'maximize',
      loadIfExists: true,
      quiet: true,
      seed,
      ...(method === 'default' ? {} : { sampler: tpe(trials) }),
    });
  let winner: Study;
  if (method === 'tpe' || method === 'default') {
    winner = await open('s', budget);
    await winner.optimize(configObjective(cfg), { maxTrials: budget, catch: true });
  } else {
    const finalTrials = Math.round(budget * 0.2);
    const staged = budget - finalTrials;
    const ctx: StrategyContext = {
      space: cfg.space,
      direction: 'maximize',
      // Stage budgets are known before the studies open; TPE's start-up scales with them.
      openStudy: (suffix) => open(suffix === null ? 's' : `s.${suffix}`, Math.max(4, Math.floor(budget / 5))),
      objective: (space) => configObjective(cfg, space),
    };
    const split = (total: number, parts: number) =>
      Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
    const result =
      method === 'c2f'
        ? await coarseToFine({ rounds: 3, trialsPerRound: Math.round(budget / 3), top: 5, margin: 0.1 }).run(
            ctx,
          )
        : method === 'staged'
          ? await runStaged(ctx, {
              stages: split(staged, HAND_ORDER.length).map((trials, i) => ({
                params: HAND_ORDER[i]!,
                trials,
              })),
              final: { trials: finalTrials },
            })
          : await runStaged(ctx, {
              stages: {
                kind: 'auto',
                explore: Math.round(budget * 0.3),
                trialsPerStage: 1,
                trials: staged - Math.round(budget * 0.3),
                paramsPerStage: 3,
                minRankTrials: 12,
              },
              final: { trials: finalTrials },
            });
    winner = result.studies.find((s) => s.id === result.best?.studyId) ?? result.studies[0]!;
  }
  const best = await winner.bestTrial();
  const objective = cfg.objective as TrainerObjectiveConfig;
  const scored = await scoreTestOnce(winner, planTrainer(objective, cfg.space), objective);
  const trials = (await storage.listStudies()).reduce(
    (n, s) => n + s.trialCounts.complete + s.trialCounts.fail,
    0,
  );
  return { val: best.values![0]!, test: (scored.score as Record<string, number>).accuracy!, trials };
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  return s[Math.floor(at)]! + (s[Math.ceil(at)]! - s[Math.floor(at)]!) * (at - Math.floor(at));
};
const summary = (xs: number[]) =>
  `${quantile(xs, 0.5).toFixed(4)} [${quantile(xs, 0.25).toFixed(4)}, ${quantile(xs, 0.75).toFixed(4)}]`;

/** Two-sided sign test: wins and losses of `a` over `b` paired by seed, ties dropped; the exact binomial p. */
function signTest(a: number[], b: number[]): string {
  let wins = 0;
  let losses = 0;
  a.forEach((x, i) => (x > b[i]! ? wins++ : x < b[i]! ? losses++ : 0));
  const n = wins + losses;
  const k = Math.min(wins, losses);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += choose(n, i) / 2 ** n;
  const p = Math.min(1, 2 * tail);
  return `${wins}-${losses} p=${p < 0.01 ? p.toPrecision(1) : p.toFixed(2)}`;
}
const choose = (n: number, k: number): number => (k === 0 ? 1 : (choose(n, k - 1) * (n - k + 1)) / k);

const started = Date.now();
for (const dataset of flags.datasets.split(',')) {
  if (dataset === 'fashion' && !existsSync(FASHION_MNIST_DIR)) {
    console.log(`Fashion-MNIST: not installed at ${FASHION_MNIST_DIR}; skipped`);
    continue;
  }
  const cfg = config(dataset);
  const label = dataset === 'digits' ? 'digits' : `fashion-mnist ${flags['fashion-rows']} rows`;
  for (const budget of budgets) {
    const results: Record<string, { val: number[]; test: number[]; trials: number[] }> = {};
    for (const method of methods) {
      results[method] = { val: [], test: [], trials: [] };
      for (const seed of seeds) {
        const key = [label, budget, flags.epochs, method, seed].join('/');
        let r = measured.get(key);
        if (!r) {
          r = await runMethod(cfg, method, budget, seed);
          appendFileSync(resultsFile, `${JSON.stringify({ key, ...r })}\n`);
          console.log(`${key}: val ${r.val.toFixed(4)} test ${r.test.toFixed(4)}`);
        }
        results[method]!.val.push(r.val);
        results[method]!.test.push(r.test);
        results[method]!.trials.push(r.trials);
      }
    }
    console.log(`\n${label}, ${budget} trials x ${flags.epochs} epochs, ${seeds.length} seeds`);
    console.log(
      '| method | best val accuracy, median [IQR] | test accuracy, median [IQR] | vs TPE (val) | vs TPE (test) |',
    );
    console.log('|---|---|---|---|---|');
    for (const method of methods) {
      const r = results[method]!;
      const base = results.tpe;
      const vs = (k: 'val' | 'test') => (method === 'tpe' || !base ? '-' : signTest(r[k], base[k]));
      console.log(`| ${method} | ${summary(r.val)} | ${summary(r.test)} | ${vs('val')} | ${vs('test')} |`);
    }
  }
}
console.log(`\n(${((Date.now() - started) / 60000).toFixed(1)} min)`);

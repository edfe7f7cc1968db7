// `tunekit demo`: the main job on embedded defaults. Tunes the built-in trainer on the bundled digits data
// with the default sampler and pruner into ./tunekit.db, then scores the winner once on held-out test rows.
import { parseConfig, planTrainer, runTune, scoreTestOnce } from '../../config/index.js';
import type { TrainerObjectiveConfig } from '../../config/index.js';
import { studyImportance } from '../../index.js';
import { defineCommand } from '../args.js';
import { ProgressLine, bold, formatNumber, formatParam } from '../format.js';
import { STORAGE, storageUrl, useFastKernels } from '../common.js';
import { runWatch } from './tune.js';

/** The demo's study, written as a user would write it in YAML (see examples/digits.yaml). */
export function demoConfig(name: string, storage: string, trials: number, seed: number): unknown {
  return {
    study: {
      name,
      storage,
      trials,
      seed,
      timeout: 120,
      pruner: { kind: 'median', nStartupTrials: 5, nWarmupSteps: 3 },
    },
    space: {
      learning_rate: { type: 'float', low: 1e-4, high: 0.1, log: true },
      optimizer: { type: 'categorical', choices: ['adam', 'momentum', 'rmsprop'] },
      layers: { type: 'int', low: 1, high: 3 },
      units: { type: 'int', low: 16, high: 256, log: true },
      activation: { type: 'categorical', choices: ['relu', 'tanh', 'gelu'] },
      dropout: { type: 'float', low: 0, high: 0.5 },
      batch_size: { type: 'categorical', choices: [32, 64, 128, 'full'] },
      l2: { type: 'float', low: 1e-6, high: 1e-2, log: true },
    },
    objective: {
      trainer: {
        data: 'digits',
        split: { val: 0.2, test: 0.2, stratify: true, seed: 0 },
        preprocess: [{ kind: 'minmax' }],
        model: {
          mlp: {
            hidden: { repeat: '$layers', value: '$units' },
            activation: '$activation',
            dropout: '$dropout',
          },
        },
        fit: {
          epochs: 20,
          batchSize: '$batch_size',
          optimizer: { kind: '$optimizer', lr: '$learning_rate' },
          penalty: { l2: '$l2' },
        },
        monitor: 'val_accuracy',
      },
    },
  };
}

export const demo = defineCommand({
  name: 'demo',
  summary: 'tune the built-in trainer on the bundled digits data (a first run, about a minute)',
  positionals: [],
  options: {
    trials: { type: 'int', value: 'N', description: 'how many trials to run', default: 100 },
    seed: { type: 'seed', value: 'N', description: "the sampler's seed (0 allowed)", default: 42 },
    storage: STORAGE,
  },
  notes: [
    'Tunes an MLP on the digits data (8x8 images, 10 classes) with the default sampler and pruner, stores',
    'the study in ./tunekit.db, and scores the best configuration once on test rows tuning never saw.',
  ],
  async run({ options }) {
    const { trials, seed } = options;
    const storage = storageUrl(options.storage);
    const name = `demo-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
    await useFastKernels();
    const config = parseConfig(demoConfig(name, storage, trials, seed));

    console.log(
      `${bold('tunekit demo')}: tuning an MLP on digits (1,797 8x8 images) into ${storage}, study "${name}"`,
    );
    let best = 0;
    const started = Date.now();
    // The bar shows progress; only failed trials are logged, above it.
    const progress = new ProgressLine();
    const watch = runWatch(true, progress);
    const study = await runTune(config, watch.logging, {
      onTrial: (record) => {
        watch.onTrial(record);
        if (record.state === 'complete') best = Math.max(best, record.values![0]!);
        progress.update(watch.seen.ran, trials, `best val accuracy ${best.toFixed(4)}`);
      },
    });
    progress.end();
    try {
      const all = await study.trials();
      const count = (s: string) => all.filter((t) => t.state === s).length;
      const winner = await study.bestTrial();
      console.log(
        `\n${all.length} trials in ${((Date.now() - started) / 1000).toFixed(1)} s: ${count('complete')} complete, ${count('pruned')} pruned early, ${count('fail')} failed`,
      );
      console.log(`\n${bold('best configuration')} (trial ${winner.number}):`);
      for (const [k, v] of Object.entries(winner.params)) console.log(`  ${k.padEnd(14)} ${formatParam(v)}`);
      console.log(`\nvalidation accuracy ${formatNumber(winner.values![0])}`);

      const trainer = config.objective as TrainerObjectiveConfig;
      const plan = planTrainer(trainer, config.space);
      const { score } = await scoreTestOnce(study, plan, trainer);
      console.log(
        `test accuracy       ${formatNumber(score.accuracy)}  (the winner retrained as tuned, scored once on ${plan.test!.n} held-out rows; recorded on the study)`,
      );

      const importance = await studyImportance(study);
      console.log(`\n${bold('what mattered')} (${importance.evaluator} over ${importance.nTrials} trials):`);
      for (const p of importance.params.slice(0, 4))
        console.log(
          `  ${p.param.padEnd(14)} ${'█'.repeat(Math.max(1, Math.round(p.importance * 30))).padEnd(30)} ${(p.importance * 100).toFixed(0)}%`,
        );
      console.log(`\nsee the study: npx tunekit dashboard --storage ${storage}`);
      console.log(`list trials:   npx tunekit trials ${name} --storage ${storage}`);
    } finally {
      await study.storage.close();
    }
    return 0;
  },
});

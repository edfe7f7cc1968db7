// `tunekit demo`: the main job on embedded defaults. Tunes the built-in trainer on the bundled digits data
// with the default sampler and pruner into ./tunekit.db, then scores the winner once on held-out test rows.
import { parseConfig, planTrainer, scoreTestOnce } from '../../config/index.js';
import type { TrainerObjectiveConfig } from '../../config/index.js';
import { studyImportance } from '../../index.js';
import { defineCommand } from '../args.js';
import { availableParallelism } from 'node:os';
import { bold, formatNumber, formatParam } from '../format.js';
import { STORAGE, storageUrl, useFastKernels } from '../common.js';
import { PROGRESS, progressMode, runHere, runWorkers } from '../run.js';

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
      units: { type: 'int', low: 16, high: 128, log: true },
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
          epochs: 15,
          batchSize: '$batch_size',
          optimizer: { kind: '$optimizer', lr: '$learning_rate' },
          penalty: { l2: '$l2' },
        },
        monitor: 'val_accuracy',
      },
    },
  };
}

/** How the person ran us, for the commands we suggest: `npm run demo` in a checkout, `npx tunekit` elsewhere. */
function tunekitCommand(): string {
  return process.env.npm_lifecycle_event === 'demo' ? 'npm run tunekit --' : 'npx tunekit';
}

export const demo = defineCommand({
  name: 'demo',
  summary: 'tune the built-in trainer on the bundled digits data (a first run, under a minute)',
  positionals: [],
  options: {
    trials: { type: 'int', value: 'N', description: 'how many trials to run', default: 100 },
    seed: { type: 'seed', value: 'N', description: "the sampler's seed (0 allowed)", default: 42 },
    workers: {
      type: 'int',
      value: 'N',
      description: 'worker processes (default: one per core)',
      default: availableParallelism(),
    },
    storage: STORAGE,
    progress: PROGRESS,
  },
  notes: [
    'Tunes an MLP on the digits data (8x8 images, 10 classes) with the default sampler and pruner, one worker',
    'process per core, stores the study in ./tunekit.db, and scores the best configuration once on test rows',
    'tuning never saw.',
  ],
  async run({ options }) {
    const { trials, seed, workers } = options;
    const storage = storageUrl(options.storage);
    const name = `demo-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
    await useFastKernels();
    const config = parseConfig(demoConfig(name, storage, trials, seed));
    const processes = workers === 1 ? '1 process' : `${workers} worker processes`;
    console.log(
      `${bold('tunekit demo')}: tuning an MLP on digits (1,797 8x8 images) into ${storage}, study "${name}", ${processes}`,
    );
    const started = Date.now();
    const progress = progressMode(options.progress, false);
    const run =
      workers > 1
        ? await runWorkers(config, {}, workers, { progress })
        : await runHere(config, {}, { progress });
    const seconds = (Date.now() - started) / 1000;
    const { study } = run;
    try {
      if (run.error) throw run.error;
      const all = await study.trials();
      const count = (s: string) => all.filter((t) => t.state === s).length;
      const winner = await study.bestTrial();
      console.log(
        `\n${all.length} trials in ${seconds.toFixed(1)} s: ${count('complete')} complete, ${count('pruned')} pruned early, ${count('fail')} failed`,
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
      const cli = tunekitCommand();
      console.log(`\nnext, see the study: ${cli} dashboard --storage ${storage}`);
      console.log(`list its trials:     ${cli} trials ${name} --storage ${storage}`);
    } finally {
      await study.storage.close();
    }
    return 0;
  },
});

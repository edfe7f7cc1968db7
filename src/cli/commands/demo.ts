// `tunekit demo`: a first run on embedded defaults. Tunes a synthetic model-fitting problem with the
// default sampler and prints the best configuration found.
import { createStudy } from '../../index.js';
import type { Trial } from '../../index.js';
import { intOption, parseArgs } from '../args.js';
import type { Command } from './index.js';

// A stand-in for a validation loss with the shape real ones have: a log-scale learning rate with a sweet
// spot, a width with diminishing returns, and one categorical choice that matters.
function syntheticLoss(trial: Trial): number {
  const lr = trial.suggestFloat('learning_rate', 1e-5, 1, { log: true });
  const units = trial.suggestInt('units', 8, 512, { log: true });
  const optimizer = trial.suggestCategorical('optimizer', ['sgd', 'momentum', 'adam']);
  const best = optimizer === 'adam' ? -3 : -1.5;
  return (Math.log10(lr) - best) ** 2 / 4 + 1 / Math.sqrt(units) + (optimizer === 'sgd' ? 0.2 : 0);
}

export const demo: Command = {
  summary: 'run a small tuning study on embedded defaults and print the best configuration',
  help: 'Usage: tunekit demo [--trials N] [--seed N]\n\nTunes a synthetic loss in memory with the default sampler.',
  async run(argv) {
    const args = parseArgs(argv, { values: ['trials', 'seed'] });
    const trials = intOption(args, 'trials', 100);
    const seed = args.options.seed === undefined ? 42 : intOption(args, 'seed', 42);
    const study = await createStudy({ studyName: 'demo', seed });
    await study.optimize(syntheticLoss, { nTrials: trials });
    const best = await study.bestTrial();
    console.log(`best of ${trials} trials: loss ${best.values![0]!.toFixed(4)} (trial ${best.number})`);
    for (const [name, value] of Object.entries(best.params))
      console.log(`  ${name.padEnd(14)} ${typeof value === 'number' ? Number(value.toPrecision(4)) : value}`);
    return 0;
  },
};

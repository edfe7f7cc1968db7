// `tunekit nested-cv <config>`: nested cross-validation of a trainer config, an unbiased estimate of how
// well "tune this search space, then train" generalises (mean ± std over the outer folds).
import { loadConfigFile, nestedCvFromConfig } from '../../config/index.js';
import { TunekitError } from '../../index.js';
import { intOption, parseArgs } from '../args.js';
import { printJson, useFastKernels } from '../common.js';
import { formatNumber, formatParams, table } from '../format.js';
import type { Command } from './index.js';

export const nestedCv: Command = {
  summary: 'estimate how well tuning generalises, by nested cross-validation of a trainer config',
  help: [
    'Usage: tunekit nested-cv <config.yaml|json> [--outer K] [--inner K] [--trials N] [--json]',
    '',
    'Each of K outer folds tunes a fresh in-memory study (N trials, inner K-fold CV) on its training part',
    "and scores the winner once on the held-out fold. The config's split is replaced by the outer folds.",
  ].join('\n'),
  async run(argv) {
    const args = parseArgs(argv, { values: ['outer', 'inner', 'trials'], booleans: ['json'] });
    const path = args.positionals[0];
    if (path === undefined)
      throw new TunekitError('invalid_argument', 'give a config file, e.g. tunekit nested-cv study.yaml');
    const config = loadConfigFile(path);
    await useFastKernels();
    const result = await nestedCvFromConfig(config, {
      outer: intOption(args, 'outer', 5),
      inner: intOption(args, 'inner', 3),
      ...(args.options.trials !== undefined ? { trials: intOption(args, 'trials', 1) } : {}),
    });
    const monitor = config.objective.kind === 'trainer' ? config.objective.monitor : 'value';
    if (args.options.json) {
      printJson({ mean: result.mean, std: result.std, scores: result.scores, folds: result.folds });
      return 0;
    }
    const rows = result.folds.map((f) => [
      String(f.fold),
      formatNumber(f.innerScore),
      formatNumber(f.testScore),
      formatParams(f.bestParams),
    ]);
    console.log(table(['outer fold', `inner ${monitor}`, `held-out ${monitor}`, 'winner'], rows));
    console.log(
      `\nnested CV estimate: ${monitor} ${formatNumber(result.mean)} ± ${formatNumber(result.std)} (${result.scores.length} outer folds)`,
    );
    return 0;
  },
};

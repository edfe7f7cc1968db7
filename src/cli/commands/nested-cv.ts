// `tunekit nested-cv <config>`: nested cross-validation of a trainer config, an unbiased estimate of how
// well "tune this search space, then train" generalises (mean ± std over the outer folds).
import { loadConfigFile, nestedCvFromConfig } from '../../config/index.js';
import { defineCommand } from '../args.js';
import { CONFIG_FILE, JSON_OUTPUT, printJson, useFastKernels } from '../common.js';
import { formatNumber, formatParams, table } from '../format.js';

export const nestedCv = defineCommand({
  name: 'nested-cv',
  summary: 'estimate how well tuning generalises, by nested cross-validation of a trainer config',
  positionals: [CONFIG_FILE],
  options: {
    outer: { type: 'int', value: 'K', description: 'outer folds', min: 2, default: 5 },
    inner: {
      type: 'int',
      value: 'K',
      description: 'inner folds (cross-validation inside each tuning)',
      min: 2,
      default: 3,
    },
    trials: {
      type: 'int',
      value: 'N',
      description: "trials per outer fold (default: the config's study.trials)",
    },
    json: JSON_OUTPUT,
  },
  notes: [
    'Each of K outer folds tunes a fresh in-memory study (N trials, inner K-fold CV) on its training part',
    "and scores the winner once on the held-out fold. The config's split is replaced by the outer folds.",
  ],
  async run({ positionals: [path], options }) {
    const config = loadConfigFile(path!);
    await useFastKernels();
    const result = await nestedCvFromConfig(config, {
      outer: options.outer,
      inner: options.inner,
      ...(options.trials !== undefined ? { trials: options.trials } : {}),
    });
    const monitor = config.objective.kind === 'trainer' ? config.objective.monitor : 'value';
    if (options.json) {
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
});

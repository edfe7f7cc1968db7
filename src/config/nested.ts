// Nested cross-validation of a config's trainer objective: how well does "tune this space, then train"
// generalise? Each outer fold tunes a fresh study on its training part and scores the winner once on the
// held-out fold. The config's own split is not used: the outer folds take its place.
import { evaluateParams, nestedCrossValidation, trainAndEvaluate } from '../evaluate/index.js';
import type { NestedCvResult } from '../evaluate/index.js';
import { TunekitError } from '../errors.js';
import { makePruner, makeSampler } from './plugins.js';
import type { TuneConfig } from './schema.js';
import { dryRunTrainer, loadData, trainerSpaceFor } from './trainer.js';

export interface NestedCvRunOptions {
  /** Outer folds (default 5). */
  outer?: number;
  /** Inner folds per outer training part (default 3). */
  inner?: number;
  /** Trials per inner study (default: the config's study.trials, else 20). */
  trials?: number;
}

export async function nestedCvFromConfig(
  config: TuneConfig,
  options: NestedCvRunOptions = {},
): Promise<NestedCvResult> {
  const cfg = config.objective;
  if (cfg.kind !== 'trainer')
    throw new TunekitError('config_invalid', 'objective: nested cross-validation needs a trainer objective');
  const data = loadData(cfg.data);
  const space = trainerSpaceFor(cfg, config.space, data);
  dryRunTrainer(space, data, cfg); // refuse a config that cannot train before the first outer fold
  const seed = config.study.seed ?? cfg.split.seed;
  const stratify = cfg.split.stratify && data.classes !== undefined;
  return nestedCrossValidation({
    data,
    direction: config.study.directions[0]!,
    outer: { k: options.outer ?? 5, stratify, seed },
    inner: { k: options.inner ?? 3, stratify },
    nTrials: options.trials ?? config.study.trials ?? 20,
    seed,
    study: (fold) => {
      const pruner = config.study.pruner ? makePruner(config.study.pruner, 'study.pruner') : undefined;
      return {
        ...(config.study.sampler
          ? { sampler: makeSampler(config.study.sampler, 'study.sampler', config.space, seed + fold) }
          : {}),
        ...(pruner ? { pruner } : {}),
      };
    },
    score: async (trial, split) =>
      (await trainAndEvaluate(space, trial, split.train, split.val, { monitor: cfg.monitor, seed: cfg.seed }))
        .value,
    test: async (params, split) => {
      const result = await evaluateParams({
        space,
        params,
        train: split.train,
        test: split.test,
        monitor: cfg.monitor,
        seed: cfg.seed,
      });
      return result.value;
    },
  });
}

// An objective that trains a `tunekit/nn` model: the search space maps a trial's hyperparameters to a model
// config, fit options and preprocessing; training rows fit the weights, validation rows score the trial
// (per epoch, so pruners can act) and the final validation metrics are stored on the trial.
import { TrialFailed, TunekitError } from '../errors.js';
import {
  DEFAULT_MONITOR,
  VALIDATION_MONITORS,
  buildModel,
  checkMonitor,
  evaluate,
  fit,
  monitorMetric,
  prepareTraining,
  type FitOptions,
  type History,
  type KernelsChoice,
  type MetricName,
  type Model,
  type ModelConfig,
  type Monitor,
} from '../nn/index.js';
import { pruningCallback } from '../pruners/report-epochs.js';
import {
  categoricalDistribution,
  contains,
  describeDistribution,
  floatDistribution,
  intDistribution,
} from '../search-space/index.js';
import type { CategoricalChoice, Distribution, ParamValue, RangeOptions } from '../search-space/index.js';
import type { Objective } from '../study/study.js';
import type { Trial } from '../study/trial.js';
import type { JsonValue } from '../study/types.js';
import { crossValidatedObjective, makeFolds, type FoldSpec } from './cv.js';
import type { Dataset } from '../data/dataset.js';
import { fitPreprocess, transform, type FittedTransform, type PreprocessStep } from '../data/preprocess.js';
import type { Fold } from '../data/split.js';

/** What a search space asks hyperparameters of: a running Trial, or `fixedParams` when refitting. */
export type ParamSource = Pick<Trial, 'suggestFloat' | 'suggestInt' | 'suggestCategorical'>;

export interface TrainerConfig {
  /** The model; `inputShape` defaults to the (preprocessed) data's shape, or [features]. */
  model: Omit<ModelConfig, 'inputShape'> & { inputShape?: number[] };
  /** Everything fit takes except the validation data and the epoch callback, which the objective supplies. */
  fit: Omit<FitOptions, 'validation' | 'onEpochEnd'>;
  /** Fitted on each training part, applied to its validation part. */
  preprocess?: PreprocessStep[];
}

/** Define-by-run search space: suggests hyperparameters and says what to train with them. */
export type TrainerSpace = (trial: ParamSource) => TrainerConfig;

export type TrainerData =
  /** One split: fit on train, score on val. Reports the monitored value after every epoch (step = epochs done). */
  | { train: Dataset; val: Dataset }
  /** Cross-validation: the trial's value is the mean over folds; reports the running mean after each fold. */
  | { cv: Dataset; folds?: readonly Fold[] | FoldSpec };

export interface TrainerObjectiveOptions {
  space: TrainerSpace;
  data: TrainerData;
  /**
   * The trial's value: 'val_loss' (default) or 'val_<metric>' (val_accuracy, val_f1, val_r2, ...). The
   * study's direction must suit it (`monitorDirection` says which).
   */
  monitor?: Monitor;
  /** Seeds weight initialisation (the same for every trial, so trials differ by hyperparameters only). Default 0. */
  seed?: number;
  kernels?: KernelsChoice;
}

/** Trial user attributes the objective writes. */
export const TRAINER_ATTRS = {
  metrics: 'val_metrics',
  epochs: 'epochs_trained',
  foldMetrics: 'cv_fold_metrics',
  foldEpochs: 'cv_fold_epochs',
} as const;

export function trainerObjective(options: TrainerObjectiveOptions): Objective {
  const monitor = trialMonitor(options.monitor);
  const run = { monitor, seed: options.seed ?? 0, ...(options.kernels ? { kernels: options.kernels } : {}) };
  const data = options.data;
  if ('cv' in data) {
    const folds = Array.isArray(data.folds)
      ? (data.folds as readonly Fold[])
      : makeFolds(data.cv, (data.folds ?? {}) as FoldSpec);
    return crossValidatedObjective({
      data: data.cv,
      folds,
      reportFolds: true,
      score: async (trial, split) => {
        const result = await trainAndEvaluate(options.space, trial, split.train, split.val, run);
        const all = [
          ...((trial.userAttrs[TRAINER_ATTRS.foldMetrics] as Record<string, number>[] | undefined) ?? []),
          result.metrics,
        ];
        await trial.setUserAttr(TRAINER_ATTRS.foldMetrics, all);
        await trial.setUserAttr(TRAINER_ATTRS.metrics, averageMetrics(all));
        const epochs = [
          ...((trial.userAttrs[TRAINER_ATTRS.foldEpochs] as number[] | undefined) ?? []),
          result.epochsTrained,
        ];
        await trial.setUserAttr(TRAINER_ATTRS.foldEpochs, epochs);
        // A refit on all the rows trains as long as the folds did on average.
        await trial.setUserAttr(
          TRAINER_ATTRS.epochs,
          Math.round(epochs.reduce((a, b) => a + b, 0) / epochs.length),
        );
        return result.value;
      },
    });
  }
  return async (trial) => {
    const result = await trainAndEvaluate(options.space, trial, data.train, data.val, {
      ...run,
      onEpochEnd: pruningCallback(trial, { monitor }),
    });
    await trial.setUserAttr(TRAINER_ATTRS.metrics, result.metrics);
    await trial.setUserAttr(TRAINER_ATTRS.epochs, result.epochsTrained);
    return result.value;
  };
}

export interface TrainResult {
  /** The monitored value on the scoring rows. */
  readonly value: number;
  /** Loss and every requested metric on the scoring rows, from the model as fit returned it. */
  readonly metrics: Record<string, number>;
  readonly history: History;
  /** Epochs whose weights the model holds: the best epoch's with restoreBestWeights, else all run. */
  readonly epochsTrained: number;
  readonly model: Model;
  readonly preprocess: FittedTransform[];
}

export interface TrainOptions {
  monitor?: Monitor;
  seed?: number;
  kernels?: KernelsChoice;
  onEpochEnd?: FitOptions['onEpochEnd'];
}

/** Trains on `train` with the space's choices and scores on `score` (validation rows, which fit also watches). */
export async function trainAndEvaluate(
  space: TrainerSpace,
  params: ParamSource,
  train: Dataset,
  score: Dataset,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const monitor = trialMonitor(options.monitor);
  const config = space(params);
  const prepared = prepare(config, train, score, options);
  const history = await fit(prepared.model, prepared.train, {
    ...config.fit,
    metrics: prepared.metrics,
    validation: prepared.score,
    ...(options.onEpochEnd ? { onEpochEnd: options.onEpochEnd } : {}),
  });
  const restored = config.fit.earlyStopping?.restoreBestWeights && history.bestEpoch !== undefined;
  return finish(
    prepared,
    config,
    history,
    restored ? history.bestEpoch! + 1 : history.epochs.length,
    monitor,
  );
}

export interface EvaluateParamsOptions {
  space: TrainerSpace;
  /** Hyperparameters to train with: a trial record's `params`. */
  params: Readonly<Record<string, ParamValue>>;
  /** Rows to fit on: usually training and validation rows together, once tuning is over. */
  train: Dataset;
  /** Rows to score: the test set. */
  test: Dataset;
  /**
   * Epochs to train (the trial's `epochs_trained` attribute). Early stopping is switched off here: it would
   * watch the test rows, which must not steer training. Default: the space's epochs.
   */
  epochs?: number;
  monitor?: Monitor;
  seed?: number;
  kernels?: KernelsChoice;
}

/**
 * Refits with fixed hyperparameters and scores rows that played no part in training: the last step of the
 * protocol, typically inside `evaluateOnTest`. Returns the loss and metrics on `test`.
 */
export async function evaluateParams(options: EvaluateParamsOptions): Promise<TrainResult> {
  const monitor = trialMonitor(options.monitor);
  const config = options.space(fixedParams(options.params));
  const { earlyStopping: _ignored, ...fitOptions } = config.fit;
  const prepared = prepare(config, options.train, options.test, options);
  const epochs = options.epochs ?? config.fit.epochs;
  const history = await fit(prepared.model, prepared.train, { ...fitOptions, epochs });
  return finish(prepared, config, history, history.epochs.length, monitor);
}

/** A ParamSource that answers from a finished trial's params, checking each against the space's range. */
export function fixedParams(params: Readonly<Record<string, ParamValue>>): ParamSource {
  const take = (name: string, distribution: Distribution): ParamValue => {
    if (!(name in params))
      throw new TunekitError(
        'invalid_argument',
        `the search space asks for "${name}", which the given params do not have`,
        { param: name },
      );
    const value = params[name] as ParamValue;
    if (!contains(distribution, value))
      throw new TunekitError(
        'fixed_param_out_of_range',
        `param "${name}" = ${JSON.stringify(value)} is not in ${describeDistribution(distribution)}`,
        { param: name },
      );
    return value;
  };
  return {
    suggestFloat: (name: string, low: number, high: number, o: RangeOptions = {}) =>
      take(name, floatDistribution(name, low, high, o)) as number,
    suggestInt: (name: string, low: number, high: number, o: RangeOptions = {}) =>
      take(name, intDistribution(name, low, high, o)) as number,
    suggestCategorical: <const T extends CategoricalChoice>(name: string, choices: readonly T[]) =>
      take(name, categoricalDistribution(name, choices)) as T,
  };
}

interface Prepared {
  model: Model;
  train: Dataset;
  score: Dataset;
  metrics: MetricName[];
  fitted: FittedTransform[];
}

function prepare(
  config: TrainerConfig,
  train: Dataset,
  score: Dataset,
  options: { monitor?: Monitor; seed?: number; kernels?: KernelsChoice },
): Prepared {
  const fitted = fitPreprocess(config.preprocess ?? [], train);
  const tr = transform(fitted, train);
  const sc = transform(fitted, score);
  const inputShape = config.model.inputShape ?? (tr.shape ? [...tr.shape] : [tr.features]);
  const model = buildModel(
    { ...config.model, inputShape },
    { seed: options.seed ?? 0, ...(options.kernels ? { kernels: options.kernels } : {}) },
  );
  return { model, train: tr, score: sc, metrics: metricsFor(config, trialMonitor(options.monitor)), fitted };
}

function finish(
  prepared: Prepared,
  config: TrainerConfig,
  history: History,
  epochsTrained: number,
  monitor: Monitor,
): TrainResult {
  const result = evaluate(prepared.model, prepared.score, config.fit.loss, prepared.metrics);
  const metrics: Record<string, number> = { loss: result.valLoss };
  for (const [name, value] of Object.entries(result.val)) if (value !== undefined) metrics[name] = value;
  const wanted = monitorMetric(monitor);
  const value = wanted ? metrics[wanted] : result.valLoss;
  if (value === undefined || !Number.isFinite(value))
    throw new TrialFailed(
      `the monitored ${monitor} is ${String(value)} after training; a diverged run (try a lower learning rate)?`,
    );
  return { value, metrics, history, epochsTrained, model: prepared.model, preprocess: prepared.fitted };
}

/** The trial's value: a validation monitor (checked, since it may come from a config or JavaScript). */
function trialMonitor(monitor: Monitor | undefined): Monitor {
  return checkMonitor(monitor ?? DEFAULT_MONITOR, 'monitor', VALIDATION_MONITORS);
}

/**
 * The metrics fit computes: the requested ones, plus what the trial's value and early stopping watch, so
 * any monitor the trainer knows can be watched without listing its metric.
 */
function metricsFor(config: TrainerConfig, monitor: Monitor): MetricName[] {
  const stopping = checkMonitor(
    config.fit.earlyStopping?.monitor ?? DEFAULT_MONITOR,
    'earlyStopping.monitor',
  );
  const watched = [monitorMetric(monitor), monitorMetric(stopping)].filter((m) => m !== null);
  return [...new Set([...(config.fit.metrics ?? []), ...watched])];
}

/**
 * Builds what a trial would train with, without training: the model, and from the fit options the loss,
 * optimizer, schedule and early-stopping monitor. Throws what the trial would (errors from fit's options
 * name their field, e.g. `optimizer.lr`); a config's dry run calls it before any trial starts.
 */
export function checkTrainerConfig(
  config: TrainerConfig,
  inputShape: number[],
  options: { monitor?: Monitor; seed?: number } = {},
): void {
  const model = buildModel(
    { ...config.model, inputShape: config.model.inputShape ?? inputShape },
    { seed: options.seed ?? 0 },
  );
  prepareTraining(model, { ...config.fit, metrics: metricsFor(config, trialMonitor(options.monitor)) }, true);
}

function averageMetrics(all: readonly Record<string, number>[]): Record<string, JsonValue> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(all[0] ?? {}))
    out[name] = all.reduce((a, m) => a + (m[name] ?? 0), 0) / all.length;
  return out;
}

// The `trainer` objective of a config: a data set, a split (hold-out or k-fold, with a test part kept for
// the end), and model / fit / preprocessing templates whose "$name" values come from the search space.
import type { Dataset, DatasetName, PreprocessStep } from '../data/index.js';
import {
  DATASET_NAMES,
  concatDatasets,
  loadCsv,
  loadDataset,
  loadFashionMnist,
  loadIdxDataset,
  trainValTestSplit,
} from '../data/index.js';
import type { TrainerConfig, TrainerData, TrainerSpace } from '../evaluate/index.js';
import {
  TRAINER_ATTRS,
  checkTrainerConfig,
  evaluateOnTest,
  evaluateParams,
  trainerObjective,
} from '../evaluate/index.js';
import { TunekitError, isTunekitError } from '../errors.js';
import { DEFAULT_MONITOR, VALIDATION_MONITORS, cnn, mlp } from '../nn/index.js';
import type { FitOptions, ModelConfig, Monitor } from '../nn/index.js';
import type { Objective, Study } from '../study/study.js';
import * as check from './check.js';
import type { SpaceEntry } from './space.js';
import { suggestSpace } from './space.js';
import { checkTemplate, resolveTemplate } from './template.js';

export type DataSource =
  | { readonly kind: 'bundled'; readonly name: DatasetName }
  | {
      readonly kind: 'csv';
      readonly path: string;
      readonly label?: string | number;
      readonly header?: boolean;
    }
  | { readonly kind: 'idx'; readonly images: string; readonly labels: string; readonly limit?: number }
  | { readonly kind: 'fashion-mnist'; readonly limit?: number };

export interface TrainerObjectiveConfig {
  readonly kind: 'trainer';
  readonly data: DataSource;
  /** Fractions of the rows held out for validation and for the final test; k > 0 means k-fold CV on the rest. */
  readonly split: {
    readonly val: number;
    readonly test: number;
    readonly folds: number;
    readonly stratify: boolean;
    readonly seed: number;
  };
  readonly model: unknown;
  readonly fit: unknown;
  readonly preprocess: unknown;
  readonly monitor: Monitor;
  readonly seed: number;
}

/** The direction a monitored value calls for (owned by the trainer, which produces the values). */
export { monitorDirection } from '../nn/index.js';

export function parseTrainer(
  raw: unknown,
  path: string,
  space: readonly SpaceEntry[],
): TrainerObjectiveConfig {
  const t = check.object(raw, path, ['data', 'split', 'model', 'fit', 'preprocess', 'monitor', 'seed']);
  const names = new Set(space.map((e) => e.name));
  for (const key of ['model', 'fit', 'preprocess']) checkTemplate(t[key], check.join(path, key), names);
  checkModel(t.model, `${path}.model`);
  if (t.fit === undefined)
    throw check.configError(
      `${path}.fit`,
      'fit options: { epochs, optimizer: { kind, lr }, ... }',
      undefined,
    );
  check.object(t.fit, `${path}.fit`, FIT_KEYS);
  return {
    kind: 'trainer',
    data: parseData(t.data, `${path}.data`),
    split: parseSplit(t.split, `${path}.split`),
    model: t.model,
    fit: t.fit,
    preprocess: t.preprocess ?? [],
    monitor:
      check.optional(t.monitor, (v) => check.oneOf(v, `${path}.monitor`, VALIDATION_MONITORS)) ??
      DEFAULT_MONITOR,
    seed: check.optional(t.seed, (v) => check.seed(v, `${path}.seed`)) ?? 0,
  };
}

const MODEL_KEYS: Record<string, readonly string[]> = {
  mlp: ['hidden', 'activation', 'dropout', 'batchNorm', 'outputActivation'],
  cnn: ['conv', 'pool', 'poolSize', 'dense', 'activation', 'dropout', 'batchNorm'],
};
const FIT_KEYS = [
  'epochs',
  'loss',
  'optimizer',
  'batchSize',
  'schedule',
  'shuffle',
  'seed',
  'metrics',
  'earlyStopping',
  'penalty',
  'clipNorm',
  'clipValue',
];

function checkModel(raw: unknown, path: string): void {
  const m = check.object(raw, path, ['mlp', 'cnn', 'layers']);
  const kinds = Object.keys(m);
  if (kinds.length !== 1) throw check.configError(path, 'exactly one of mlp, cnn or layers', raw);
  const kind = kinds[0]!;
  if (kind === 'layers') check.array(m.layers, `${path}.layers`);
  else check.object(m[kind], `${path}.${kind}`, MODEL_KEYS[kind]);
}

function parseData(raw: unknown, path: string): DataSource {
  if (typeof raw === 'string') {
    if (raw === 'fashion-mnist') return { kind: 'fashion-mnist' };
    return { kind: 'bundled', name: check.oneOf(raw, path, [...DATASET_NAMES]) };
  }
  const d = check.object(raw, path, ['csv', 'label', 'header', 'idx', 'fashion-mnist', 'limit']);
  const limit = check.optional(d.limit, (v) => check.positiveInt(v, `${path}.limit`));
  if (d.csv !== undefined) {
    const label =
      d.label === undefined
        ? undefined
        : typeof d.label === 'number'
          ? d.label
          : check.string(d.label, `${path}.label`);
    const header = check.optional(d.header, (v) => check.boolean(v, `${path}.header`));
    return {
      kind: 'csv',
      path: check.string(d.csv, `${path}.csv`),
      ...(label === undefined ? {} : { label }),
      ...(header === undefined ? {} : { header }),
    };
  }
  if (d.idx !== undefined) {
    const idx = check.object(d.idx, `${path}.idx`, ['images', 'labels']);
    return {
      kind: 'idx',
      images: check.string(idx.images, `${path}.idx.images`),
      labels: check.string(idx.labels, `${path}.idx.labels`),
      ...(limit ? { limit } : {}),
    };
  }
  if (d['fashion-mnist'] !== undefined) return { kind: 'fashion-mnist', ...(limit ? { limit } : {}) };
  throw check.configError(
    path,
    `a bundled data set (${DATASET_NAMES.join(', ')}), { csv: path }, { idx: { images, labels } } or fashion-mnist`,
    raw,
  );
}

function parseSplit(raw: unknown, path: string): TrainerObjectiveConfig['split'] {
  const s = check.object(raw ?? {}, path, ['val', 'test', 'folds', 'stratify', 'seed']);
  const fraction = (v: unknown, at: string) => {
    const x = check.number(v, at);
    if (x < 0 || x >= 1) throw check.configError(at, 'a fraction in [0, 1)', x);
    return x;
  };
  const split = {
    val: check.optional(s.val, (v) => fraction(v, `${path}.val`)) ?? 0.2,
    test: check.optional(s.test, (v) => fraction(v, `${path}.test`)) ?? 0.2,
    folds: check.optional(s.folds, (v) => check.positiveInt(v, `${path}.folds`)) ?? 0,
    stratify: check.optional(s.stratify, (v) => check.boolean(v, `${path}.stratify`)) ?? true,
    seed: check.optional(s.seed, (v) => check.seed(v, `${path}.seed`)) ?? 0,
  };
  if (split.folds === 1)
    throw check.configError(`${path}.folds`, 'at least 2 folds (or 0 for a hold-out validation part)', 1);
  if (split.folds === 0 && split.val === 0)
    throw check.configError(`${path}.val`, 'a validation fraction > 0 (or folds >= 2)', 0);
  if (split.val + split.test >= 1) throw check.configError(path, 'val + test < 1', split.val + split.test);
  return split;
}

export function loadData(source: DataSource): Dataset {
  switch (source.kind) {
    case 'bundled':
      return loadDataset(source.name);
    case 'csv':
      return loadCsv(source.path, {
        ...(source.label === undefined ? {} : { label: source.label }),
        ...(source.header === undefined ? {} : { header: source.header }),
      });
    case 'idx':
      return loadIdxDataset(source.images, source.labels, source.limit ? { limit: source.limit } : {});
    case 'fashion-mnist':
      return loadFashionMnist(source.limit ? { limit: source.limit } : {});
  }
}

export interface TrainerPlan {
  readonly objective: Objective;
  readonly space: TrainerSpace;
  /** Rows tuning never sees: scored once, at the end. Null when split.test is 0. */
  readonly test: Dataset | null;
  /** Training and validation rows together (all rows but the test part). */
  readonly development: Dataset;
  /**
   * Rows the final model is fit on before the test score: the hold-out training rows, so the model scored
   * on test is the one validation chose (same rows, same seed); with k-fold CV, every non-test row.
   */
  readonly refit: Dataset;
}

/** Loads the data, splits it and builds the objective; a model or fit template that cannot work fails here. */
export function planTrainer(cfg: TrainerObjectiveConfig, space: readonly SpaceEntry[]): TrainerPlan {
  const data = loadData(cfg.data);
  const stratify = cfg.split.stratify && data.classes !== undefined;
  const holdout = trainValTestSplit(data, {
    valFraction: cfg.split.folds > 0 ? 0 : cfg.split.val,
    testFraction: cfg.split.test,
    stratify,
    seed: cfg.split.seed,
  });
  const development = cfg.split.folds > 0 ? holdout.train : concatDatasets(holdout.train, holdout.val);
  const trainerSpace = trainerSpaceFor(cfg, space, data);
  dryRunTrainer(trainerSpace, data, cfg);
  const trainerData: TrainerData =
    cfg.split.folds > 0
      ? { cv: holdout.train, folds: { k: cfg.split.folds, stratify, seed: cfg.split.seed } }
      : { train: holdout.train, val: holdout.val };
  return {
    objective: trainerObjective({
      space: trainerSpace,
      data: trainerData,
      monitor: cfg.monitor,
      seed: cfg.seed,
    }),
    space: trainerSpace,
    test: holdout.test.n > 0 ? holdout.test : null,
    development,
    refit: cfg.split.folds > 0 ? development : holdout.train,
  };
}

/** The define-by-run space a trainer config describes: hyperparameters in, model / fit / preprocessing out. */
export function trainerSpaceFor(
  cfg: TrainerObjectiveConfig,
  space: readonly SpaceEntry[],
  data: Dataset,
): TrainerSpace {
  const outputs = data.classes ?? data.y.length / Math.max(1, data.n);
  return (source) => {
    const params = suggestSpace(source, space);
    return {
      model: modelFrom(resolveTemplate(cfg.model, params), data, outputs),
      fit: fitFrom(resolveTemplate(cfg.fit, params), data),
      preprocess: resolveTemplate(cfg.preprocess, params) as PreprocessStep[],
    };
  };
}

function modelFrom(resolved: unknown, data: Dataset, outputs: number): TrainerConfig['model'] {
  const m = resolved as Record<string, Record<string, unknown> | unknown[]>;
  let config: ModelConfig;
  if (m.mlp)
    config = mlp({ inputs: data.features, outputs, hidden: [], ...(m.mlp as object) } as Parameters<
      typeof mlp
    >[0]);
  else if (m.cnn)
    config = cnn({
      inputShape: data.shape as [number, number, number],
      outputs,
      conv: [],
      ...(m.cnn as object),
    } as Parameters<typeof cnn>[0]);
  else if (m.layers) config = { inputShape: [data.features], layers: m.layers as ModelConfig['layers'] };
  else throw check.configError('objective.trainer.model', 'one of mlp, cnn or layers', resolved);
  const { inputShape: _input, ...rest } = config;
  return rest;
}

function fitFrom(resolved: unknown, data: Dataset): TrainerConfig['fit'] {
  const f = resolved as Partial<FitOptions>;
  return { loss: data.classes !== undefined ? 'softmax_cross_entropy' : 'mse', ...f } as TrainerConfig['fit'];
}

/**
 * Builds what a trial would train with (model, loss, optimizer, schedule, early-stopping monitor) without
 * training, so a config that cannot work fails before anything runs, naming its field. Every parameter
 * takes its low end or first choice; then each categorical choice is tried in turn (one at a time, the
 * others at their first), so `optimizer: [adam, sgd]` checks both optimizers.
 */
export function dryRunTrainer(trainerSpace: TrainerSpace, data: Dataset, cfg: TrainerObjectiveConfig): void {
  const inputShape = data.shape ? [...data.shape] : [data.features];
  const categoricals = new Map<string, readonly unknown[]>();
  const source = (vary?: { name: string; choice: unknown }) => ({
    suggestFloat: (_n: string, low: number) => low,
    suggestInt: (_n: string, low: number) => low,
    suggestCategorical: <T>(name: string, choices: readonly T[]) => {
      if (!categoricals.has(name)) categoricals.set(name, choices);
      return (vary?.name === name ? vary.choice : choices[0]) as T;
    },
  });
  const attempt = (vary?: { name: string; choice: unknown }) => {
    try {
      checkTrainerConfig(trainerSpace(source(vary) as never), inputShape, {
        monitor: cfg.monitor,
        seed: cfg.seed,
      });
    } catch (error) {
      if (!isTunekitError(error) || error.code === 'config_invalid') throw error;
      const at = vary ? ` (with ${vary.name} = ${JSON.stringify(vary.choice)})` : '';
      const field = (error.details as { field?: unknown } | undefined)?.field;
      // Errors from fit's options name their field relative to `fit`; others (the model) do not.
      if (typeof field === 'string')
        throw new TunekitError('config_invalid', `objective.trainer.fit.${error.message}${at}`, {
          path: `objective.trainer.fit.${field}`,
        });
      throw new TunekitError('config_invalid', `objective.trainer: ${error.message}${at}`);
    }
  };
  attempt();
  for (const [name, choices] of [...categoricals])
    for (const choice of choices.slice(1)) attempt({ name, choice });
}

/** Fits the best trial's hyperparameters again (on `plan.refit`) and scores the test rows, once. */
export async function scoreTestOnce(
  study: Study,
  plan: TrainerPlan,
  cfg: TrainerObjectiveConfig,
  options: { force?: boolean } = {},
) {
  if (!plan.test)
    throw new TunekitError(
      'invalid_argument',
      'the config keeps no test part (objective.trainer.split.test is 0)',
    );
  const test = plan.test;
  return evaluateOnTest(
    study,
    async (trial) => {
      const epochs = trial.userAttrs[TRAINER_ATTRS.epochs];
      const result = await evaluateParams({
        space: plan.space,
        params: trial.params,
        train: plan.refit,
        test,
        monitor: cfg.monitor,
        seed: cfg.seed,
        ...(typeof epochs === 'number' ? { epochs } : {}),
      });
      return result.metrics;
    },
    {
      ...(options.force ? { force: true } : {}),
      note: `fit on ${plan.refit.n} rows, scored on ${test.n} held-out rows`,
    },
  );
}

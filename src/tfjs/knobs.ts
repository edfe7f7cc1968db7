// Turns a trial into the knobs a tfjs model is built from (optimizer and learning rate, layer sizes,
// dropout, L2, batch size) as plain data, and builds tfjs objects from them with the user's own `tf`.
import type * as Tf from '@tensorflow/tfjs';
import { TunekitError } from '../errors.js';
import type { Trial } from '../study/trial.js';

/** tfjs' optimizers by their `tf.train` names. */
export const TFJS_OPTIMIZERS = [
  'sgd',
  'momentum',
  'adam',
  'adamax',
  'rmsprop',
  'adagrad',
  'adadelta',
] as const;
export type TfjsOptimizerName = (typeof TFJS_OPTIMIZERS)[number];

/** A fixed value, or a range [low, high] to tune (log-scaled where the knob is a rate or penalty). */
type Knob = number | readonly [number, number];

export interface TfjsSpace {
  /** Optimizers to choose from (default adam, sgd, rmsprop); one name fixes it. */
  optimizers?: readonly TfjsOptimizerName[];
  /** Default [1e-4, 1e-1], log scale. */
  learningRate?: Knob;
  /** Number of hidden layers; default [1, 3]. */
  layers?: Knob;
  /** Units of each hidden layer, tuned per layer; default [16, 256], log scale. */
  units?: Knob;
  /** Dropout after each hidden layer; default [0, 0.5]. */
  dropout?: Knob;
  /** L2 penalty on the kernels; default [1e-6, 1e-2], log scale; 0 for none. */
  l2?: Knob;
  /** Batch sizes to choose from; default 16, 32, 64, 128. */
  batchSizes?: readonly number[];
}

/** Plain, serialisable: what the trial chose. */
export interface TfjsKnobs {
  readonly optimizer: TfjsOptimizerName;
  readonly learningRate: number;
  /** Units of each hidden layer, input side first. */
  readonly units: readonly number[];
  readonly dropout: number;
  readonly l2: number;
  readonly batchSize: number;
}

/** What the helpers need of a trial (a `Trial` has it). */
export type SuggestingTrial = Pick<Trial, 'suggestFloat' | 'suggestInt' | 'suggestCategorical'>;

function checkKnob(value: Knob, field: string, min: number): void {
  const [low, high] = typeof value === 'number' ? [value, value] : value;
  if (!Number.isFinite(low) || !Number.isFinite(high) || low < min || low > high)
    throw new TunekitError(
      'invalid_argument',
      `${field}: expected a number >= ${min} or a range [low, high] with ${min} <= low <= high, got ${JSON.stringify(value)}`,
      { field },
    );
}

function float(trial: SuggestingTrial, name: string, knob: Knob, log: boolean): number {
  checkKnob(knob, name, 0);
  if (typeof knob === 'number') return knob;
  return trial.suggestFloat(name, knob[0], knob[1], { log: log && knob[0] > 0 });
}

function int(trial: SuggestingTrial, name: string, knob: Knob, log: boolean): number {
  checkKnob(knob, name, 1);
  if (typeof knob === 'number') return knob;
  return trial.suggestInt(name, knob[0], knob[1], { log });
}

function choice<T extends string | number>(trial: SuggestingTrial, name: string, choices: readonly T[]): T {
  if (choices.length === 0) throw new TunekitError('invalid_argument', `${name}: give at least one choice`);
  return choices.length === 1 ? choices[0]! : trial.suggestCategorical(name, choices);
}

/**
 * Suggests the knobs under the names optimizer, learning_rate, layers, units_<i>, dropout, l2, batch_size
 * (a fixed knob is not suggested, so it is not a parameter of the study).
 */
export function suggestTfjsKnobs(trial: SuggestingTrial, space: TfjsSpace = {}): TfjsKnobs {
  const optimizers = space.optimizers ?? ['adam', 'sgd', 'rmsprop'];
  for (const name of optimizers)
    if (!TFJS_OPTIMIZERS.includes(name))
      throw new TunekitError(
        'invalid_argument',
        `optimizers: expected names from ${TFJS_OPTIMIZERS.join(', ')}, got ${JSON.stringify(name)}`,
        { field: 'optimizers' },
      );
  const optimizer = choice(trial, 'optimizer', optimizers);
  const learningRate = float(trial, 'learning_rate', space.learningRate ?? [1e-4, 1e-1], true);
  const layers = int(trial, 'layers', space.layers ?? [1, 3], false);
  const units = Array.from({ length: layers }, (_, i) =>
    int(trial, `units_${i}`, space.units ?? [16, 256], true),
  );
  const dropout = float(trial, 'dropout', space.dropout ?? [0, 0.5], false);
  if (dropout >= 1) throw new TunekitError('invalid_argument', `dropout: must be below 1, got ${dropout}`);
  const l2 = float(trial, 'l2', space.l2 ?? [1e-6, 1e-2], true);
  const batchSize = choice(trial, 'batch_size', space.batchSizes ?? [16, 32, 64, 128]);
  return { optimizer, learningRate, units, dropout, l2, batchSize };
}

type TfLike = Pick<typeof Tf, 'train' | 'regularizers' | 'layers' | 'sequential'>;

/** The optimizer the knobs name, built with the caller's tfjs (momentum uses 0.9). */
export function tfjsOptimizer(
  tf: TfLike,
  knobs: Pick<TfjsKnobs, 'optimizer' | 'learningRate'>,
): Tf.Optimizer {
  const lr = knobs.learningRate;
  switch (knobs.optimizer) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, 0.9);
    case 'adam':
      return tf.train.adam(lr);
    case 'adamax':
      return tf.train.adamax(lr);
    case 'rmsprop':
      return tf.train.rmsprop(lr);
    case 'adagrad':
      return tf.train.adagrad(lr);
    case 'adadelta':
      return tf.train.adadelta(lr);
  }
}

export interface TfjsMlpOptions {
  /** Features per row. */
  inputs: number;
  /** Classes (softmax output, sparse categorical cross-entropy, accuracy logged as acc / val_acc). */
  classes: number;
  /** Hidden activation; default relu. */
  activation?: 'relu' | 'tanh' | 'sigmoid' | 'elu';
}

/** A compiled classifier MLP from the knobs: dense layers (with L2 and dropout) and a softmax output. */
export function tfjsMlp(tf: TfLike, knobs: TfjsKnobs, options: TfjsMlpOptions): Tf.Sequential {
  const model = tf.sequential();
  const kernelRegularizer = knobs.l2 > 0 ? tf.regularizers.l2({ l2: knobs.l2 }) : undefined;
  knobs.units.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: options.activation ?? 'relu',
        kernelRegularizer,
        ...(i === 0 ? { inputShape: [options.inputs] } : {}),
      }),
    );
    if (knobs.dropout > 0) model.add(tf.layers.dropout({ rate: knobs.dropout }));
  });
  model.add(
    tf.layers.dense({
      units: options.classes,
      activation: 'softmax',
      ...(knobs.units.length === 0 ? { inputShape: [options.inputs] } : {}),
    }),
  );
  model.compile({
    optimizer: tfjsOptimizer(tf, knobs),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

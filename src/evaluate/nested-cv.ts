// Nested cross-validation: estimates how well the whole tuning procedure generalises. Each outer fold runs
// a complete study on its training part only (inner cross-validation picks hyperparameters), then scores
// the winner once on the held-out outer fold. The outer scores are never seen by any study's sampler.
import { createStudy, type CreateStudyOptions } from '../create-study.js';
import { TunekitError } from '../errors.js';
import { deriveSeed } from '../random.js';
import type { ParamValue } from '../search-space/index.js';
import type { OptimizeOptions, Study } from '../study/study.js';
import type { Direction } from '../study/types.js';
import { subset, type Dataset } from '../data/dataset.js';
import { crossValidatedObjective, makeFolds, meanStd, type FoldScore, type FoldSpec } from './cv.js';
import type { Fold } from '../data/split.js';
import { evaluateOnTest } from './test-set.js';

export interface OuterSplit {
  /** The outer training part: everything the inner study may see. */
  readonly train: Dataset;
  /** The held-out outer fold, scored once with the winning hyperparameters. */
  readonly test: Dataset;
  readonly fold: Fold;
}

export interface NestedCvOptions {
  data: Dataset;
  direction: Direction;
  /** Outer folds, or how to make them (default 5, stratified when the data has classes). */
  outer?: readonly Fold[] | FoldSpec;
  /** Inner folds within each outer training part (default 3). */
  inner?: FoldSpec;
  /** Trials per inner study. */
  nTrials: number;
  /** Scores hyperparameters on one inner fold: fit on `train`, score on `val` (as in crossValidatedObjective). */
  score: FoldScore;
  /** Fits with the winning hyperparameters on the whole outer training part and scores the outer test fold. */
  test: (params: Readonly<Record<string, ParamValue>>, split: OuterSplit) => number | Promise<number>;
  /**
   * Options for each inner study (sampler, pruner, storage...). A function gets the outer fold index, so
   * every study can have its own sampler instance. Default: in-memory studies, seeds derived from `seed`.
   */
  study?:
    | Omit<CreateStudyOptions, 'direction' | 'directions'>
    | ((fold: number) => Omit<CreateStudyOptions, 'direction' | 'directions'>);
  /** Passed to each inner `optimize` (timeouts, callbacks, concurrency). */
  optimize?: Omit<OptimizeOptions, 'nTrials'>;
  /** Seeds the folds and the default samplers. Default 0. */
  seed?: number;
}

export interface OuterResult {
  readonly fold: number;
  readonly repeat: number;
  readonly studyName: string;
  readonly bestParams: Readonly<Record<string, ParamValue>>;
  /** The winner's inner cross-validated score (optimistic: it was chosen for it). */
  readonly innerScore: number;
  /** The winner's score on the held-out outer fold. */
  readonly testScore: number;
}

export interface NestedCvResult {
  /** Mean of the outer test scores: the estimate of how well tuning-then-training generalises. */
  readonly mean: number;
  /** Sample standard deviation of the outer test scores. */
  readonly std: number;
  readonly scores: readonly number[];
  readonly folds: readonly OuterResult[];
  /** The inner studies, one per outer fold, in order. */
  readonly studies: readonly Study[];
}

export async function nestedCrossValidation(options: NestedCvOptions): Promise<NestedCvResult> {
  const { data, direction, nTrials } = options;
  if (!Number.isInteger(nTrials) || nTrials < 1)
    throw new TunekitError(
      'invalid_argument',
      `nestedCrossValidation: nTrials must be a positive integer, got ${nTrials}`,
    );
  const seed = options.seed ?? 0;
  const outer = Array.isArray(options.outer)
    ? (options.outer as readonly Fold[])
    : makeFolds(data, { seed, ...(options.outer as FoldSpec | undefined) });
  const base = `nested-cv-${Date.now().toString(36)}`;
  const folds: OuterResult[] = [];
  const studies: Study[] = [];
  for (const [index, fold] of outer.entries()) {
    const split: OuterSplit = { train: subset(data, fold.train), test: subset(data, fold.holdout), fold };
    const inner = makeFolds(split.train, { k: 3, seed: deriveSeed(seed, 'inner', index), ...options.inner });
    const studyOptions = typeof options.study === 'function' ? options.study(index) : options.study;
    const study = await createStudy({
      studyName: `${base}-outer-${index}`,
      seed: deriveSeed(seed, 'sampler', index),
      ...studyOptions,
      direction,
    });
    studies.push(study);
    // The inner objective is built from the outer training part alone: the held-out fold is not in scope.
    await study.optimize(crossValidatedObjective({ data: split.train, folds: inner, score: options.score }), {
      ...options.optimize,
      nTrials,
    });
    const best = await study.bestTrial();
    const { score } = await evaluateOnTest(study, (trial) => options.test(trial.params, split), {
      trial: best,
      note: `outer fold ${fold.fold} of nested cross-validation`,
    });
    folds.push({
      fold: fold.fold,
      repeat: fold.repeat,
      studyName: study.name,
      bestParams: best.params,
      innerScore: best.values![0]!,
      testScore: score,
    });
  }
  const scores = folds.map((f) => f.testScore);
  return { ...meanStd(scores), scores, folds, studies };
}

// Cross-validated objectives: a trial's value is the mean of its scores over fixed folds, and the fold
// scores are stored on the trial, so a lucky split cannot pass for a good setting unseen.
import { TrialFailed, TunekitError } from '../errors.js';
import type { Objective } from '../study/study.js';
import type { Trial } from '../study/trial.js';
import { classLabels, subset, type Dataset } from '../data/dataset.js';
import { kFold, repeatedKFold, repeatedStratifiedKFold, stratifiedKFold, type Fold } from '../data/split.js';

/** How to make folds: k (default 5), repeats (default 1), stratify (default: when there are classes), seed (default 0). */
export interface FoldSpec {
  k?: number;
  repeats?: number;
  stratify?: boolean;
  seed?: number;
}

export interface CvSplit {
  /** Rows to fit on. */
  readonly train: Dataset;
  /** Rows to score the hyperparameters on (the fold held out). */
  readonly val: Dataset;
  readonly fold: Fold;
}

/** Fits with the trial's hyperparameters on `train` and returns the score on `val`. */
export type FoldScore = (trial: Trial, split: CvSplit) => number | Promise<number>;

export interface CrossValidatedObjectiveOptions {
  data: Dataset;
  /** The folds, or how to make them. Made once, so every trial is scored on the same rows. */
  folds?: readonly Fold[] | FoldSpec;
  score: FoldScore;
  /**
   * Report the running mean after each fold (step = folds done) and ask the pruner, so a hopeless trial
   * stops before its last fold. Leave off when `score` reports per epoch itself. Default false.
   */
  reportFolds?: boolean;
}

/** User attributes a cross-validated trial carries. */
export const CV_ATTRS = { scores: 'cv_fold_scores', mean: 'cv_mean', std: 'cv_std' } as const;

export function crossValidatedObjective(options: CrossValidatedObjectiveOptions): Objective {
  const { data, score } = options;
  const folds = Array.isArray(options.folds)
    ? (options.folds as readonly Fold[])
    : makeFolds(data, (options.folds ?? {}) as FoldSpec);
  if (folds.length === 0) throw new TunekitError('invalid_argument', 'crossValidatedObjective: no folds');
  // The fold data sets are cut once, not per trial: trials share them read-only.
  const splits: CvSplit[] = folds.map((fold) => ({
    train: subset(data, fold.train),
    val: subset(data, fold.holdout),
    fold,
  }));
  return async (trial) => {
    const scores: number[] = [];
    for (const split of splits) {
      const value = await score(trial, split);
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new TrialFailed(
          `fold ${split.fold.fold} (repeat ${split.fold.repeat}) scored ${String(value)}; a fold score must be a finite number`,
        );
      scores.push(value);
      await trial.setUserAttr(CV_ATTRS.scores, scores);
      if (options.reportFolds) {
        await trial.report(meanOf(scores), scores.length);
        if (await trial.shouldPrune())
          trial.prune(`trial ${trial.number} pruned after ${scores.length} of ${splits.length} folds`);
      }
    }
    const { mean, std } = meanStd(scores);
    await trial.setUserAttr(CV_ATTRS.mean, mean);
    await trial.setUserAttr(CV_ATTRS.std, std);
    return mean;
  };
}

/** Folds for a data set: stratified when it has classes (unless told otherwise), repeated if asked. */
export function makeFolds(data: Dataset, spec: FoldSpec = {}): Fold[] {
  const stratify = spec.stratify ?? data.classes !== undefined;
  const base = { k: spec.k ?? 5, seed: spec.seed ?? 0 };
  const repeats = spec.repeats ?? 1;
  if (repeats === 1) return stratify ? stratifiedKFold(classLabels(data), base) : kFold(data.n, base);
  return stratify
    ? repeatedStratifiedKFold(classLabels(data), { ...base, repeats })
    : repeatedKFold(data.n, { ...base, repeats });
}

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = meanOf(values);
  if (values.length < 2) return { mean, std: 0 };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (values.length - 1)) };
}

function meanOf(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

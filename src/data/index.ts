// `tunekit/data`: bundled data sets, loaders, splits, preprocessing, and the evaluation protocol (train
// fits weights, validation scores hyperparameters, test is scored once). Node-only: loaders read files.

// Data sets and loaders
export { checkDataset, classLabels, concatDatasets, rowIds, subset } from './dataset.js';
export type { Dataset } from './dataset.js';
export { DATASET_NAMES, loadDataset } from './registry.js';
export type { DatasetName } from './registry.js';
export { loadCsv, parseCsv } from './csv.js';
export type { CsvDataset, CsvOptions } from './csv.js';
export {
  FASHION_MNIST_DIR,
  FASHION_MNIST_LABELS,
  idxDataset,
  loadFashionMnist,
  loadIdx,
  loadIdxDataset,
  parseIdx,
} from './idx.js';
export type { IdxArray, IdxDatasetOptions } from './idx.js';
export { jsonDataset, loadJson } from './json.js';
export type { JsonOptions } from './json.js';

// Splits
export {
  kFold,
  repeatedKFold,
  repeatedStratifiedKFold,
  stratifiedKFold,
  trainValTestIndices,
  trainValTestSplit,
} from './split.js';
export type {
  Fold,
  KFoldOptions,
  RepeatedKFoldOptions,
  SplitOptions,
  TrainValTestIndices,
  TrainValTestOptions,
} from './split.js';

// Preprocessing and augmentation
export { fitMinMax, fitPca, fitPreprocess, fitStandardize, preprocess, transform } from './preprocess.js';
export type { FittedTransform, PreprocessStep } from './preprocess.js';
export { augment, flipImage, rotateImage, shiftImage } from './augment.js';
export type { AugmentOptions } from './augment.js';

// Protocol
export { CV_ATTRS, crossValidatedObjective, makeFolds, meanStd } from './cv.js';
export type { CrossValidatedObjectiveOptions, CvSplit, FoldScore, FoldSpec } from './cv.js';
export { nestedCrossValidation } from './nested-cv.js';
export type { NestedCvOptions, NestedCvResult, OuterResult, OuterSplit } from './nested-cv.js';
export { TEST_EVALUATIONS_ATTR, evaluateOnTest, testEvaluations } from './test-set.js';
export type { EvaluateOnTestOptions, TestEvaluation, TestScore } from './test-set.js';
export {
  TRAINER_ATTRS,
  checkTrainerConfig,
  evaluateParams,
  fixedParams,
  trainAndEvaluate,
  trainerObjective,
} from './trainer-objective.js';
export type {
  EvaluateParamsOptions,
  ParamSource,
  TrainerConfig,
  TrainerData,
  TrainerObjectiveOptions,
  TrainerSpace,
  TrainOptions,
  TrainResult,
} from './trainer-objective.js';

// `tunekit/data`: bundled data sets, loaders, splits and preprocessing: plain data, no studies (the
// evaluation protocol that runs studies on it is `tunekit/evaluate`). Node-only: loaders read files.

// Data sets and loaders
export { checkDataset, classLabels, concatDatasets, rowIds, subset } from './dataset.js';
export type { Dataset } from './dataset.js';
export { DATASET_NAMES, loadDataset } from './registry.js';
export type { DatasetName } from './registry.js';
export { csvRows, loadCsv, parseCsv } from './csv.js';
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

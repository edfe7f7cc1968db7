// `tunekit/evaluate`: the evaluation protocol over `tunekit/data` (train fits weights, validation scores
// hyperparameters, test is scored once): the trainer objective, cross-validation, nested CV, the test set,
// and the budgeted drivers (successive halving, Hyperband). Node-only, like the loaders it uses.

// Cross-validation and nested cross-validation
export { CV_ATTRS, crossValidatedObjective, makeFolds, meanStd } from './cv.js';
export type { CrossValidatedObjectiveOptions, CvSplit, FoldScore, FoldSpec } from './cv.js';
export { nestedCrossValidation } from './nested-cv.js';
export type { NestedCvOptions, NestedCvResult, OuterResult, OuterSplit } from './nested-cv.js';

// The test set, scored once
export { evaluateOnTest, testEvaluations } from './test-set.js';
export type { EvaluateOnTestOptions, TestEvaluation, TestScore } from './test-set.js';

// The trainer as an objective
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

// Budgeted racing over a study (also exported by `tunekit`, which they need nothing beyond)
export { halvingSchedule, hyperband, hyperbandSchedule, successiveHalving } from './successive-halving.js';
export type {
  Bracket,
  Budget,
  BudgetedObjective,
  HyperbandOptions,
  HyperbandResult,
  Resource,
  Rung,
  SuccessiveHalvingOptions,
  SuccessiveHalvingResult,
} from './successive-halving.js';

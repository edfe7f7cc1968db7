// Analysis: pure functions of a study's trial records (importance, interactions, advice on what to tune next).
export {
  FANOVA_MAX_TRIALS,
  IMPORTANCE_DEFAULTS,
  chooseEvaluator,
  importance,
  interactions,
} from './importance.js';
export type {
  ImportanceEvaluator,
  ImportanceOptions,
  ImportanceResult,
  Interaction,
  InteractionOptions,
  InteractionResult,
  ParamImportance,
} from './importance.js';
export { advice, formatRange, formatValue, narrowedSpace } from './advice.js';
export type { Advice, AdviceOptions, CategoricalAdvice, NumericAdvice, ParamAdvice } from './advice.js';
export type { ExcludedParam, TargetOptions } from './dataset.js';
export { studyAdvice, studyImportance, studyInteractions } from './study.js';
export type { AnalysableStudy } from './study.js';

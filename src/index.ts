// tunekit's public surface. Back ends with heavy dependencies live in their own subpath exports
// (tunekit/sqlite, tunekit/postgres, tunekit/nn, ...), so this entry stays light.

// Studies and trials
export { createStudy, loadStudy } from './create-study.js';
export type { CreateStudyOptions, LoadStudyOptions } from './create-study.js';
export { Study } from './study/study.js';
export type {
  CatchRule,
  Objective,
  ObjectiveResult,
  OptimizeOptions,
  StudyCallback,
  TellResult,
} from './study/study.js';
export { stderrLogger } from './study/logger.js';
export { ProgressWatch, formatProgress } from './study/progress.js';
export type { ProgressBudget, ProgressSnapshot } from './study/progress.js';
export { ProgressDisplay, stderrOutput, writeAboveProgress } from './study/progress-display.js';
export type { ProgressMode, ProgressOutput } from './study/progress-display.js';
export type { LogEvent, LogLevel, Logger, LoggingOptions } from './study/logger.js';
export { Trial } from './study/trial.js';
export { requestStop, stopRequests } from './study/stop.js';
export { Terminator, terminatorCallback } from './study/terminator.js';
export type { TerminatorOptions } from './study/terminator.js';
export type { NewTrial } from './study/add-trial.js';
export { Sequence as ReproducibleSequence } from './study/reproducible.js';
export type { ReproducibleOptions } from './study/reproducible.js';
export { bestFirst, bestOf, dominates, paretoFront } from './study/pareto.js';
export type {
  Direction,
  JsonValue,
  ReproducibleMode,
  StageLink,
  StudyInfo,
  TestEvaluation,
  TestScore,
  TrialRecord,
  TrialState,
} from './study/types.js';
export { isFeasible, violation } from './study/types.js';
export { stagesOf } from './study/stages.js';
export type { StageSummary } from './study/stages.js';

// Search space
export {
  categoricalDistribution,
  contains,
  describeDistribution,
  distributionsEqual,
  floatDistribution,
  fromUnit,
  intDistribution,
  toUnit,
  validateDistribution,
} from './search-space/index.js';
export type {
  CategoricalChoice,
  CategoricalDistribution,
  Distribution,
  FloatDistribution,
  IntDistribution,
  ParamValue,
  RangeOptions,
} from './search-space/index.js';

// Samplers
export type { RelativeSample, Sampler, SamplerContext } from './study/sampler.js';
export { RandomSampler } from './samplers/random.js';
export type { RandomSamplerOptions } from './samplers/random.js';
export { GridSampler } from './samplers/grid.js';
export type { Grid, GridSamplerOptions } from './samplers/grid.js';
export { BruteForceSampler } from './samplers/brute-force.js';
export type { BruteForceSamplerOptions } from './samplers/brute-force.js';
export { QmcSampler } from './samplers/qmc/qmc.js';
export type { QmcSamplerOptions } from './samplers/qmc/qmc.js';
export { TpeSampler } from './samplers/tpe/sampler.js';
export type { TpeSamplerOptions } from './samplers/tpe/sampler.js';
export { GpSampler } from './samplers/gp/sampler.js';
export type { GpSamplerOptions } from './samplers/gp/sampler.js';
export { CmaEsSampler } from './samplers/cmaes/sampler.js';
export type { CmaEsSamplerOptions } from './samplers/cmaes/sampler.js';
export { NsgaIISampler } from './samplers/nsga2/sampler.js';
export type { NsgaIISamplerOptions } from './samplers/nsga2/sampler.js';
export { AutoSampler } from './samplers/auto.js';
export type { AutoSamplerOptions } from './samplers/auto.js';

// Pruners
export type { Pruner, PrunerContext } from './study/pruner.js';
export { nopPruner } from './study/pruner.js';
export { MedianPruner, PercentilePruner } from './pruners/percentile.js';
export type { PercentilePrunerOptions } from './pruners/percentile.js';
export { PatientPruner } from './pruners/patient.js';
export type { PatientPrunerOptions } from './pruners/patient.js';
export { ThresholdPruner } from './pruners/threshold.js';
export type { ThresholdPrunerOptions } from './pruners/threshold.js';
export { SuccessiveHalvingPruner } from './pruners/successive-halving.js';
export type { SuccessiveHalvingPrunerOptions } from './pruners/successive-halving.js';
export { HyperbandPruner } from './pruners/hyperband.js';
export { WilcoxonPruner } from './pruners/wilcoxon.js';
export type { WilcoxonPrunerOptions } from './pruners/wilcoxon.js';
export type { BracketOrder, HyperbandPrunerOptions, SamplerHistory } from './pruners/hyperband.js';
export { pruningCallback } from './pruners/report-epochs.js';
export type { EpochValues, PruningCallbackOptions, ReportingTrial } from './pruners/report-epochs.js';
export {
  halvingSchedule,
  hyperband,
  hyperbandSchedule,
  successiveHalving,
} from './evaluate/successive-halving.js';
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
} from './evaluate/successive-halving.js';

// Storage
export type {
  NewStudy,
  NewWaitingTrial,
  RetryPolicy,
  StartOptions,
  StudyStorage,
  StudySummary,
  TrialParam,
  TrialQuery,
  TrialResult,
  TrialWrite,
} from './study/storage.js';
export { InMemoryStorage } from './storage/memory.js';
export { copyStudy } from './storage/copy.js';
export { summarizeStudy } from './storage/summary.js';
export type { CopyStudyOptions } from './storage/copy.js';
export type { FailureOptions } from './study/heartbeat.js';
export { resolveStorage as openStorage } from './storage/resolve.js';

// Analysis: which hyperparameters matter, which pairs interact, where the good region is
export {
  FANOVA_MAX_TRIALS,
  IMPORTANCE_DEFAULTS,
  advice,
  formatRange,
  formatValue,
  importance,
  interactions,
  narrowedSpace,
  studyAdvice,
  studyImportance,
  studyInteractions,
} from './analysis/index.js';
export type {
  Advice,
  AnalysableStudy,
  AdviceOptions,
  CategoricalAdvice,
  ExcludedParam,
  ImportanceEvaluator,
  ImportanceOptions,
  ImportanceResult,
  Interaction,
  InteractionOptions,
  InteractionResult,
  NumericAdvice,
  ParamAdvice,
  ParamImportance,
  TargetOptions,
} from './analysis/index.js';

// Plot data: pure functions from trial records to what a chart draws (the dashboard serves them as JSON)
export {
  contourPlot,
  downsample,
  edfPlot,
  ewa,
  fieldValue,
  historyPlot,
  hypervolume,
  hypervolumePlot,
  intermediatePlot,
  nonDominated,
  paramAxes,
  parallelPlot,
  paretoPlot,
  rankPlot,
  slicePlots,
  timelinePlot,
  trialTable,
} from './analysis/plots/index.js';
export type {
  ContourGridAxis,
  ContourLine,
  ContourOptions,
  ContourPlot,
  EdfPlot,
  HistoryPlot,
  HypervolumePlot,
  IntermediateOptions,
  IntermediatePlot,
  LearningCurve,
  ParallelPlot,
  ParamAxis,
  ParetoPlot,
  QuantileBand,
  RankPlot,
  SlicePlot,
  TimelinePlot,
  TrialField,
  TrialRow,
  TrialTable,
  TrialTableQuery,
} from './analysis/plots/index.js';

// Errors and randomness
export { TrialFailed, TrialPruned, TunekitError, isTunekitError } from './errors.js';
export type { ErrorCode } from './errors.js';
export { Rng, checkSeed } from './random.js';

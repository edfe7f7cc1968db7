// tunekit/config: studies described as data (YAML or JSON), any program run as a trial, coarse-to-fine.
// Node-only (files and processes), so it lives apart from the light core entry.
export { loadConfigFile, parseConfigText } from './load.js';
export { parseConfig } from './schema.js';
export { DEFAULT_STORAGE, STORAGE_ENV, STORAGE_PRECEDENCE, resolveStorageUrl } from './storage-url.js';
export type { StorageSources } from './storage-url.js';
export type { ObjectiveConfig, StepMark, StrategyConfig, StudyConfig, TuneConfig } from './schema.js';
export { parseSpace, suggestSpace, spaceDistributions } from './space.js';
export type { SpaceEntry } from './space.js';
export { narrowSpace } from './coarse-to-fine.js';
export { coarseToFine, runStep, runStepHere } from './strategy.js';
export type { CoarseToFineOptions, Step, Strategy, StrategyContext, StrategyResult } from './strategy.js';
export { spaceSource, stepConfig } from './step-config.js';
export { checkStaged, packStages, rankKnobs, runStaged, staged } from './staged.js';
export type { AutoStages, StageCarry, StageSpec, StagedOptions } from './staged.js';
export { PRIORITY_CATEGORIES, byPriority, priorityRank } from './priority.js';
export { openConfigStudy, runTune, configObjective, loadStudyConfig } from './run.js';
export type { TuneHooks, TuneOverrides } from './run.js';
export { SAMPLER_KINDS, PRUNER_KINDS } from './plugins.js';
export type { PluginSpec } from './plugins.js';
export { runCommandTrial, paramEnvName } from '../command/command-trial.js';
export type { CommandSpec } from '../command/command-trial.js';
export { parseMetricLine, METRIC_PREFIX } from '../command/metric-line.js';
export type { MetricLine } from '../command/metric-line.js';
export { monitorDirection, parseTrainer, planTrainer, scoreTestOnce } from './trainer.js';
export type { DataSource, TrainerObjectiveConfig, TrainerPlan } from './trainer.js';
export { checkTemplate, resolveTemplate } from './template.js';
export { nestedCvFromConfig } from './nested.js';
export type { NestedCvRunOptions } from './nested.js';

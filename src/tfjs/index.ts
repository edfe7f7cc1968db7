// tunekit/tfjs: tune TensorFlow.js models. @tensorflow/tfjs is an optional peer dependency: nothing here
// imports it at run time, the helpers take the caller's `tf`, so any tfjs build and back end works.
export { tfjsPruning } from './pruning.js';
export type { StoppableModel, TfjsPruning, TfjsPruningOptions } from './pruning.js';
export { TFJS_OPTIMIZERS, suggestTfjsKnobs, tfjsMlp, tfjsOptimizer } from './knobs.js';
export type { SuggestingTrial, TfjsKnobs, TfjsMlpOptions, TfjsOptimizerName, TfjsSpace } from './knobs.js';

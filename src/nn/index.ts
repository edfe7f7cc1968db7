// Public surface of `tunekit/nn`: build a model from plain config, fit it, evaluate, save and load
// its parameters. The kernels are exported for benchmarks and for sharing one heap across models.

export { buildModel, cnn, mlp, Model } from './model.js';
export type { BuildOptions, CnnOptions, LayerConfig, MlpOptions, ModelConfig, NamedParam } from './model.js';
export { evaluate, fit, prepareTraining, resolveBatchSize } from './fit.js';
export type { BatchSize, Dataset, EarlyStopping, EpochLogs, FitOptions, History, Training } from './fit.js';
export {
  DEFAULT_MONITOR,
  MONITORS,
  VALIDATION_MONITORS,
  checkMonitor,
  monitorDirection,
  monitorMetric,
  monitoredValue,
} from './monitors.js';
export type { Monitor, MonitorDirection, MonitoredLogs } from './monitors.js';
export { checkLoss, lossFunction } from './losses.js';
export type { LossConfig, LossName } from './losses.js';
export { checkOptimizer, createOptimizer } from './optimizers.js';
export type { Optimizer, OptimizerConfig, OptimizerName } from './optimizers.js';
export { checkSchedule, createSchedule } from './schedules.js';
export type { Schedule, ScheduleConfig, ScheduleName, ScheduleOptions } from './schedules.js';
export { METRIC_NAMES, accuracy, computeMetrics, logLoss, macroPrf, mae, mse, r2 } from './metrics.js';
export type { MetricName } from './metrics.js';
export type { InitConfig, InitName } from './init.js';
export type { ActivationName } from './layers/activation.js';
export { loadParams, saveParams } from './params-io.js';
export type { SavedParams } from './params-io.js';
export { createKernels } from './backend.js';
export type { KernelsChoice } from './backend.js';
export { TsKernels } from './kernels-ts.js';
export { bestWasmVariant, enableRelaxedSimd, WasmKernels, wasmAvailable } from './kernels-wasm.js';
export type { WasmVariant } from './kernels-wasm.js';
export type { ConvGeometry, Kernels } from './kernels.js';
// The core's seeded generator (random.ts, a leaf module): the trainer and the samplers share one algorithm.
export { Rng } from '../random.js';
export { Activation } from './layers/activation.js';
export { BatchNorm } from './layers/batchnorm.js';
export type { BatchNormOptions } from './layers/batchnorm.js';
export { Conv2D } from './layers/conv2d.js';
export type { Conv2DOptions } from './layers/conv2d.js';
export { Dense } from './layers/dense.js';
export type { DenseOptions } from './layers/dense.js';
export { Dropout } from './layers/dropout.js';
export { Flatten } from './layers/flatten.js';
export { Pool2D } from './layers/pool.js';
export type { PoolOptions } from './layers/pool.js';
export type { Layer, Param } from './layers/layer.js';

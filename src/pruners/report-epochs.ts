// Connects a training loop's per-epoch callback to a trial: report the monitored value, ask the pruner,
// and throw TrialPruned to stop training. The trainer never imports the study; it only awaits a callback.
import { TrialPruned, TunekitError } from '../errors.js';
// The monitor names live with the trainer that produces the values (a leaf module: no model, no kernels).
import {
  DEFAULT_MONITOR,
  checkMonitor,
  monitoredValue,
  type Monitor,
  type MonitoredLogs,
} from '../nn/monitors.js';

/** What the callback needs of a trial (a `Trial` has it; so will command trials). */
export interface ReportingTrial {
  readonly number: number;
  report(value: number, step: number): Promise<void>;
  shouldPrune(): Promise<boolean>;
}

/** What it reads of an epoch's logs (the trainer's EpochLogs has it). */
export type EpochValues = MonitoredLogs;

export interface PruningCallbackOptions {
  /**
   * 'val_loss' (default), 'loss', or 'val_<metric>' for a metric the trainer computes (val_accuracy).
   * The study's direction must suit it: minimize a loss, maximize an accuracy.
   */
  monitor?: Monitor;
}

/**
 * `fit(model, data, { ..., onEpochEnd: pruningCallback(trial) })`. After epoch e (0-based) it reports at
 * step e + 1, the number of epochs trained, so a pruner's resources (minResource, maxResource) are epochs.
 */
export function pruningCallback(
  trial: ReportingTrial,
  options: PruningCallbackOptions = {},
): (epoch: number, logs: EpochValues) => Promise<void> {
  const monitor = checkMonitor(options.monitor ?? DEFAULT_MONITOR, 'monitor');
  return async (epoch, logs) => {
    const value = monitoredValue(logs, monitor);
    if (value === undefined)
      throw new TunekitError(
        'invalid_argument',
        `pruningCallback: monitor "${monitor}" is not in the epoch logs; use val_loss (with validation data), loss, or val_<metric> for a metric the trainer computes`,
        { option: 'monitor' },
      );
    const step = epoch + 1;
    await trial.report(value, step);
    if (await trial.shouldPrune())
      throw new TrialPruned(`trial ${trial.number} pruned after epoch ${step} (${monitor} = ${value})`);
  };
}

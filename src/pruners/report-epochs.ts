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

/**
 * What it reads of an epoch's logs: the trainer's EpochLogs, or the flat logs of TensorFlow.js and Keras
 * (`{ loss, val_loss, acc, val_acc }`), so the callback can be tfjs' `onEpochEnd` as it is.
 */
export type EpochValues = MonitoredLogs | Readonly<Record<string, number>>;

/** Flat log names meaning the same value: tfjs logs the metric 'accuracy' as `acc` / `val_acc`. */
const FLAT_ALIASES: Readonly<Record<string, readonly string[]>> = {
  accuracy: ['accuracy', 'acc'],
  acc: ['acc', 'accuracy'],
  val_accuracy: ['val_accuracy', 'val_acc'],
  val_acc: ['val_acc', 'val_accuracy'],
};

/** The value named `name` in flat epoch logs (tfjs, Keras), trying its aliases; undefined when absent. */
export function flatLogValue(logs: Readonly<Record<string, unknown>>, name: string): number | undefined {
  for (const key of FLAT_ALIASES[name] ?? [name]) {
    const value = logs[key];
    if (typeof value === 'number') return value;
  }
  return undefined;
}

/** The names an epoch's logs hold, for an error that shows what could be monitored instead. */
export function logNames(logs: object | undefined): string {
  if (!logs) return 'no logs at all';
  const names = Object.entries(logs).flatMap(([k, v]) =>
    k === 'val' && v && typeof v === 'object'
      ? Object.keys(v).map((m) => `val_${m}`)
      : [k === 'valLoss' ? 'val_loss' : k],
  );
  return names.length === 0 ? 'no values' : names.join(', ');
}

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
): (epoch: number, logs?: EpochValues) => Promise<void> {
  const monitor = checkMonitor(options.monitor ?? DEFAULT_MONITOR, 'monitor');
  return async (epoch, logs) => {
    const value =
      logs &&
      (monitoredValue(logs as MonitoredLogs, monitor) ??
        flatLogValue(logs as Readonly<Record<string, unknown>>, monitor));
    if (value === undefined)
      throw new TunekitError(
        'invalid_argument',
        `pruningCallback: monitor "${monitor}" is not in the epoch logs (they hold ${logNames(logs)}); use val_loss (with validation data), loss, or val_<metric> for a metric the trainer computes`,
        { option: 'monitor' },
      );
    const step = epoch + 1;
    await trial.report(value, step);
    if (await trial.shouldPrune())
      throw new TrialPruned(`trial ${trial.number} pruned after epoch ${step} (${monitor} = ${value})`);
  };
}

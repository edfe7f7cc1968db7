// The values the trainer can watch: their names, the default and which way is better, in one place, so
// early stopping, reduce-on-plateau, the pruning callback, the trainer objective and configs agree.
import { TunekitError } from '../errors.js';
import { METRIC_NAMES, type MetricName } from './metrics.js';

/** The same words as a study's Direction, kept as a plain string type: the trainer knows nothing of studies. */
export type MonitorDirection = 'minimize' | 'maximize';

/** 'loss' is the training loss; 'val_loss' and 'val_<metric>' are computed on the validation rows. */
export type Monitor = 'loss' | 'val_loss' | `val_${MetricName}`;

export const DEFAULT_MONITOR = 'val_loss' satisfies Monitor;

/** What a trial's value may be: validation values only (the training loss would reward overfitting). */
export const VALIDATION_MONITORS: readonly Monitor[] = [
  'val_loss',
  ...METRIC_NAMES.map((m) => `val_${m}` as const),
];

/** What early stopping, reduce-on-plateau and the pruning callback may watch. */
export const MONITORS: readonly Monitor[] = ['loss', ...VALIDATION_MONITORS];

const HIGHER_IS_BETTER: ReadonlySet<string> = new Set<MetricName>([
  'accuracy',
  'precision',
  'recall',
  'f1',
  'r2',
]);

/** Losses and errors go down, scores go up. */
export function monitorDirection(monitor: Monitor): MonitorDirection {
  return HIGHER_IS_BETTER.has(monitor.replace(/^val_/, '')) ? 'maximize' : 'minimize';
}

/** The metric fit must compute for a monitor: 'val_accuracy' → 'accuracy'; the losses need none. */
export function monitorMetric(monitor: Monitor): MetricName | null {
  return monitor === 'loss' || monitor === 'val_loss' ? null : (monitor.slice(4) as MetricName);
}

/** A monitor from user input, or an error naming the field and the valid names. */
export function checkMonitor(value: unknown, field: string, allowed: readonly Monitor[] = MONITORS): Monitor {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as Monitor;
  throw new TunekitError(
    'invalid_argument',
    `${field}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(value) ?? String(value)}`,
    { field, expected: allowed },
  );
}

/** What a monitor reads of an epoch's logs (the trainer's EpochLogs has it). */
export interface MonitoredLogs {
  readonly loss: number;
  readonly valLoss?: number;
  readonly val?: Readonly<Partial<Record<string, number>>>;
}

/** The monitored value after an epoch; undefined when the epoch did not compute it. */
export function monitoredValue(logs: MonitoredLogs, monitor: Monitor): number | undefined {
  if (monitor === 'loss') return logs.loss;
  if (monitor === 'val_loss') return logs.valLoss;
  return logs.val?.[monitor.slice(4)];
}

// Pruning for TensorFlow.js: a `model.fit` / `fitDataset` callback that reports the monitored log value
// after each epoch, asks the pruner, and on a prune sets `model.stopTraining` so fit returns cleanly.
import { TrialPruned, TunekitError } from '../errors.js';
import { flatLogValue, logNames, type ReportingTrial } from '../pruners/report-epochs.js';

/** What the callback needs of a tfjs model: the flag tfjs checks after every batch and epoch. */
export interface StoppableModel {
  stopTraining: boolean;
}

export interface TfjsPruningOptions {
  /**
   * The log to report, as tfjs names it: 'val_loss' (default), 'loss', 'val_acc' (also found as
   * 'val_accuracy'), or 'val_<metric>' for any metric the model was compiled with.
   */
  monitor?: string;
}

/** Passed as `callbacks` to `model.fit` or `model.fitDataset` (tfjs' CustomCallbackArgs shape). */
export interface TfjsPruning {
  onEpochEnd(epoch: number, logs?: Readonly<Record<string, number>>): Promise<void>;
  /** Whether the pruner stopped training. */
  readonly pruned: boolean;
  /** After fit: throws TrialPruned if the pruner stopped training (the study records the trial as pruned). */
  throwIfPruned(): void;
}

/**
 * `const pruning = tfjsPruning(trial, model); await model.fit(x, y, { ..., callbacks: pruning });
 * pruning.throwIfPruned();`. Epoch e (0-based) is reported at step e + 1, so a pruner's resources are epochs.
 * Stopping through the flag, not by throwing from the callback, lets tfjs end the epoch and free its tensors.
 */
export function tfjsPruning(
  trial: ReportingTrial,
  model: StoppableModel,
  options: TfjsPruningOptions = {},
): TfjsPruning {
  const monitor = options.monitor ?? 'val_loss';
  if (typeof monitor !== 'string' || monitor === '')
    throw new TunekitError(
      'invalid_argument',
      `tfjsPruning: monitor must be the name of a log value such as "val_loss" or "val_acc", got ${JSON.stringify(monitor)}`,
      { option: 'monitor' },
    );
  let prunedAt: { step: number; value: number } | null = null;
  return {
    async onEpochEnd(epoch, logs) {
      const value = logs && flatLogValue(logs, monitor);
      if (value === undefined)
        throw new TunekitError(
          'invalid_argument',
          `tfjsPruning: monitor "${monitor}" is not in the epoch logs (they hold ${logNames(logs)}); ` +
            `give fit validationData or validationSplit for val_* logs, or choose one of those names`,
          { option: 'monitor' },
        );
      const step = epoch + 1;
      await trial.report(value, step);
      if (await trial.shouldPrune()) {
        prunedAt = { step, value };
        model.stopTraining = true;
      }
    },
    get pruned() {
      return prunedAt !== null;
    },
    throwIfPruned() {
      if (prunedAt)
        throw new TrialPruned(
          `trial ${trial.number} pruned after epoch ${prunedAt.step} (${monitor} = ${prunedAt.value})`,
        );
    },
  };
}

// Errors are data: every error tunekit throws carries a literal `code` a program can branch on,
// and a message that names the field at fault and how to fix it.

export type ErrorCode =
  | 'invalid_argument'
  | 'invalid_distribution'
  | 'incompatible_distribution'
  | 'fixed_param_out_of_range'
  | 'duplicate_study'
  | 'study_not_found'
  | 'trial_not_found'
  | 'trial_finished'
  | 'trial_pruned'
  | 'trial_failed'
  | 'invalid_result'
  | 'no_completed_trials'
  | 'search_space_exhausted'
  | 'max_trials_reached'
  | 'not_in_grid'
  | 'storage_error'
  | 'storage_unreachable'
  | 'storage_disconnected'
  | 'storage_version'
  | (string & {});

export class TunekitError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'TunekitError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

/** Thrown by an objective (or by `trial.prune()`) to stop an unpromising trial; the study records it as pruned. */
export class TrialPruned extends TunekitError {
  constructor(message = 'trial pruned') {
    super('trial_pruned', message);
    this.name = 'TrialPruned';
  }
}

/**
 * Thrown by an objective for a trial that failed in a way tuning expects (a diverged run, a fold that
 * scored NaN): the trial is stored as failed with this message and `optimize` goes on, whatever `catch` says.
 * Any other error is taken for a bug and stops `optimize` (unless `catch` lets it through).
 */
export class TrialFailed extends TunekitError {
  constructor(message: string) {
    super('trial_failed', message);
    this.name = 'TrialFailed';
  }
}

export function isTunekitError(error: unknown, code?: ErrorCode): error is TunekitError {
  return error instanceof TunekitError && (code === undefined || error.code === code);
}

// Errors are data: every error tunekit throws carries a literal `code` a program can branch on,
// and a message that names the field at fault and how to fix it.

/**
 * Every code tunekit throws; closed, so a program's `switch` over codes is checked by the compiler (and
 * the CLI's exit codes, `cli/exit-codes.ts`, cover each one). A new code is declared here, with its line.
 */
export type ErrorCode =
  // Arguments, search spaces and configs
  /** A value passed to the library is out of range, of the wrong type or unknown; the message names it. */
  | 'invalid_argument'
  /** A distribution's bounds, step or choices cannot describe any value (low > high, no choices, ...). */
  | 'invalid_distribution'
  /** A parameter was suggested again in the same study with a different distribution. */
  | 'incompatible_distribution'
  /** A fixed or enqueued parameter value lies outside the distribution that suggests it. */
  | 'fixed_param_out_of_range'
  /** A GridSampler was asked for a parameter its grid does not define. */
  | 'not_in_grid'
  /** A sampler or pruner was given a study shape it does not handle (e.g. several objectives). */
  | 'unsupported'
  /** A config (YAML or JSON) has a field that cannot work; `details.path` names it. */
  | 'config_invalid'
  /** A config file could not be read from disk. */
  | 'config_unreadable'
  /** A worker joined a study by name, but the study was not started from a config. */
  | 'config_missing'
  // Studies and trials
  | 'duplicate_study'
  | 'study_not_found'
  | 'trial_not_found'
  /** A finished trial was written to (finished trials are immutable). */
  | 'trial_finished'
  /** The objective asked to stop this trial (TrialPruned); recorded as pruned, not failed. */
  | 'trial_pruned'
  /** The objective said the trial failed as tuning expects (TrialFailed); optimize goes on. */
  | 'trial_failed'
  /** An objective returned something that is not one finite number per direction. */
  | 'invalid_result'
  /** An answer needs complete trials and the study has none (best trial, importance, ...). */
  | 'no_completed_trials'
  /** Importance cannot rank parameters: every complete trial has the same value. */
  | 'no_variance'
  /** The sampler has run every point of its (finite) search space. */
  | 'search_space_exhausted'
  /** The study already holds the `maxTrials` the caller allowed. */
  | 'max_trials_reached'
  /** A reproducible study's trial waited too long for the trials its history must hold (a stuck worker). */
  | 'history_wait_timeout'
  /** A waiting (enqueued) trial was claimed by someone the successive-halving driver did not expect. */
  | 'waiting_trial_conflict'
  /** A study's test rows were already scored once (score again only with `force`). */
  | 'test_set_already_used'
  // Storage
  /** The storage answered with an error that is not one of the codes above. */
  | 'storage_error'
  /** The storage cannot be reached (connection refused, timed out, file locked for too long). */
  | 'storage_unreachable'
  /** The connection to storage dropped mid-call: what was being written may or may not have arrived. */
  | 'storage_disconnected'
  /** A database was written by a newer (or unknown) schema version. */
  | 'storage_version'
  /** An optional peer dependency (a storage driver) is not installed; the message names the package to add. */
  | 'dependency_missing'
  // Data files and data sets
  | 'file_not_found'
  | 'empty_file'
  /** Not what it claims: a bad gzip, binary passed as text, not JSON, a bad IDX header or size. */
  | 'invalid_file'
  /** A row has more or fewer fields than the header (or the first row). */
  | 'ragged_row'
  /** A cell of a numeric column is not a finite number. */
  | 'non_numeric_cell'
  /** An empty feature cell. */
  | 'missing_value'
  /** An empty label, or fewer labels than rows. */
  | 'missing_label'
  /** A category or class not in the given list. */
  | 'unknown_category'
  /** A label or categorical column name or index that does not exist. */
  | 'unknown_column'
  /** A Dataset object whose arrays do not agree with its n, features or classes. */
  | 'invalid_dataset'
  // The trainer
  /** Saved parameters do not fit the model they are loaded into. */
  | 'invalid_params'
  /** The WebAssembly kernels did not load (missing build, no SIMD); `kernels: 'ts'` always works. */
  | 'wasm_unavailable'
  // Command objectives and workers
  /** A trial's command could not start, was killed, exited non-zero or printed no value. */
  | 'command_failed'
  /** A trial's command ran past its timeout and was killed. */
  | 'command_timeout'
  /** A `tunekit:` line a command printed is not a valid metric line. */
  | 'metric_line_invalid'
  /** A local worker process of `tunekit tune --workers N` exited with an error. */
  | 'worker_failed'
  // The dashboard and its HTTP API (each API code maps to its HTTP status in dashboard/server.ts)
  /** The dashboard's page is not built (`npm run build:ui`). */
  | 'dashboard_not_built'
  /** No token, or the wrong one (401). */
  | 'unauthorized'
  /** A cross-site request (403). */
  | 'forbidden'
  /** A Host header that is not this dashboard's, against DNS rebinding (403). */
  | 'host_not_allowed'
  /** A write to a dashboard started read-only (403). */
  | 'read_only'
  /** No such route or file (404). */
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  /** A broken invariant: a bug in tunekit, not in the caller's input. */
  | 'internal';

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

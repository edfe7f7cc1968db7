// Exit codes of the CLI, documented in `tunekit --help` and the README. Every error code has one: the
// table is a Record over the closed ErrorCode union, so a new code does not compile until it is placed.
import type { ErrorCode } from '../index.js';

const OK = 0;
const ERROR = 1;
const USAGE = 2;
const STORAGE_UNREACHABLE = 3;
const STUDY_NOT_FOUND = 4;

const BY_CODE: Record<ErrorCode, number> = {
  // The command line or the config is wrong: fix the input and run again.
  invalid_argument: USAGE,
  invalid_distribution: USAGE,
  config_invalid: USAGE,
  config_unreadable: USAGE,
  config_missing: USAGE,
  storage_unreachable: STORAGE_UNREACHABLE,
  storage_disconnected: STORAGE_UNREACHABLE,
  study_not_found: STUDY_NOT_FOUND,
  // Everything else: the run itself went wrong.
  incompatible_distribution: ERROR,
  fixed_param_out_of_range: ERROR,
  not_in_grid: ERROR,
  unsupported: ERROR,
  duplicate_study: ERROR,
  trial_not_found: ERROR,
  trial_finished: ERROR,
  trial_pruned: ERROR,
  trial_failed: ERROR,
  invalid_result: ERROR,
  no_completed_trials: ERROR,
  no_variance: ERROR,
  search_space_exhausted: ERROR,
  max_trials_reached: ERROR,
  waiting_trial_conflict: ERROR,
  history_wait_timeout: ERROR,
  test_set_already_used: ERROR,
  storage_error: ERROR,
  storage_version: ERROR,
  dependency_missing: ERROR,
  file_not_found: ERROR,
  empty_file: ERROR,
  invalid_file: ERROR,
  ragged_row: ERROR,
  non_numeric_cell: ERROR,
  missing_value: ERROR,
  missing_label: ERROR,
  unknown_category: ERROR,
  unknown_column: ERROR,
  invalid_dataset: ERROR,
  invalid_params: ERROR,
  wasm_unavailable: ERROR,
  command_failed: ERROR,
  command_timeout: ERROR,
  metric_line_invalid: ERROR,
  worker_failed: ERROR,
  dashboard_not_built: ERROR,
  unauthorized: ERROR,
  forbidden: ERROR,
  host_not_allowed: ERROR,
  read_only: ERROR,
  not_found: ERROR,
  method_not_allowed: ERROR,
  payload_too_large: ERROR,
  internal: ERROR,
};

export const EXIT = {
  ok: OK,
  error: ERROR,
  usage: USAGE,
  storageUnreachable: STORAGE_UNREACHABLE,
  studyNotFound: STUDY_NOT_FOUND,
  forCode(code: ErrorCode): number {
    // An error from another tunekit version may carry a code this one does not know.
    return BY_CODE[code] ?? ERROR;
  },
};

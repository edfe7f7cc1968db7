// What every storage writes when it fails a trial whose worker stopped sending heartbeats.
import type { NewWaitingTrial } from '../study/storage.js';
import { RETRIED_BY_ATTR, RETRIED_FROM_ATTR } from '../study/types.js';
import type { JsonValue, TrialRecord } from '../study/types.js';

export function staleReason(graceMs: number, worker: string | null): string {
  return `stale: no heartbeat for over ${graceMs} ms from worker ${worker ?? '(unknown)'}; presumed dead`;
}

/** The failed record as it will be stored, for the retry policy to read. */
export function asFailed(trial: TrialRecord, graceMs: number, now: number): TrialRecord {
  return {
    ...trial,
    state: 'fail',
    values: null,
    failReason: staleReason(graceMs, trial.worker),
    finishedAt: now,
  };
}

/** System attributes of the retry trial and of the failed one, linking them by number. */
export function retryLinks(
  retry: NewWaitingTrial,
  failedNumber: number,
  retryNumber: number,
): { retryAttrs: Record<string, JsonValue>; failedAttr: Record<string, JsonValue> } {
  return {
    retryAttrs: { ...retry.systemAttrs, [RETRIED_FROM_ATTR]: failedNumber },
    failedAttr: { [RETRIED_BY_ATTR]: retryNumber },
  };
}

// What every storage writes when it fails a trial whose worker stopped sending heartbeats.
import type { TrialRecord } from '../study/types.js';

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

// Liveness for running trials: this process sends a heartbeat for each of its running trials, and fails
// (and optionally retries) other workers' trials whose heartbeat stopped: their process died.
import { TunekitError, isTunekitError } from '../errors.js';
import type { RetryPolicy, StudyStorage } from './storage.js';
import type { TrialRecord } from './types.js';

export interface FailureOptions {
  /**
   * How often each running trial tells storage it is alive. 0 turns heartbeats and stale checks off; then
   * a trial whose process dies stays running. Every worker of a study should use the same settings.
   */
  heartbeatIntervalMs?: number;
  /**
   * How long a running trial may go without a heartbeat before the next worker that looks fails it. Keep
   * it well above the longest stretch an objective blocks the event loop: a blocked loop sends no heartbeat.
   */
  gracePeriodMs?: number;
  /** How many times the configuration of a trial failed as stale is enqueued again. */
  retries?: number;
  /**
   * How long to wait for storage whose connection dropped (a database server restarting) before giving up
   * with `storage_unreachable`. Default 60,000; 0 gives up at once. A read is sent again once storage
   * answers; a trial whose write was cut off is given up (never written twice) and left to the stale-trial
   * check, which fails it, and retries it with `retries`.
   */
  storageOutageMs?: number;
  /**
   * How often a running trial may write to storage and read it for the pruner, at most: reports made
   * meanwhile go in one write, and pruning decisions use the last read, brought up to date with this
   * process's own trials (so one process decides exactly as with fresh reads). Default 1,000; 0 writes
   * each report at once (still without waiting for it) and reads after every decision.
   */
  syncIntervalMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** When a running trial last showed it was alive (a heartbeat, any write, or its start). */
const lastBeat = (t: TrialRecord): number => t.heartbeatAt ?? t.startedAt ?? 0;

export class Heartbeat {
  private readonly running = new Set<number>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private beating = false;
  private lastCheck = -Infinity;
  private readonly retry: RetryPolicy | undefined;

  constructor(
    private readonly storage: StudyStorage,
    private readonly studyId: number,
    private readonly options: { heartbeatIntervalMs: number; gracePeriodMs: number; retries: number },
  ) {
    const { heartbeatIntervalMs: interval, gracePeriodMs: grace, retries } = options;
    if (!(Number.isFinite(interval) && interval >= 0))
      throw new TunekitError(
        'invalid_argument',
        `heartbeatIntervalMs must be a number >= 0, got ${String(interval)}`,
      );
    if (interval > 0 && !(Number.isFinite(grace) && grace > interval))
      throw new TunekitError(
        'invalid_argument',
        `gracePeriodMs must exceed heartbeatIntervalMs (${interval}), got ${String(grace)}`,
      );
    if (!(Number.isInteger(retries) && retries >= 0))
      throw new TunekitError(
        'invalid_argument',
        `retries must be a non-negative integer, got ${String(retries)}`,
      );
    this.retry = retries > 0 ? retryPolicy(retries) : undefined;
  }

  private get enabled(): boolean {
    return this.options.heartbeatIntervalMs > 0;
  }

  /** Starts sending heartbeats for a trial this process runs. */
  track(trialId: number): void {
    if (!this.enabled) return;
    this.running.add(trialId);
    if (this.timer === null) {
      this.timer = setInterval(() => void this.beat(), this.options.heartbeatIntervalMs);
      // unref (Node only; a browser's timers have none): heartbeats alone never keep a process alive.
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  untrack(trialId: number): void {
    this.running.delete(trialId);
    if (this.running.size === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  get gracePeriodMs(): number {
    return this.options.gracePeriodMs;
  }

  /** Fails stale trials of other workers, at most once per heartbeat interval; returns those it failed. */
  async failStale(): Promise<TrialRecord[]> {
    if (!this.enabled || Date.now() - this.lastCheck < this.options.heartbeatIntervalMs) return [];
    this.lastCheck = Date.now();
    return this.storage.failStaleTrials(this.studyId, this.options.gracePeriodMs, this.retry);
  }

  /**
   * For a worker about to end because the study's budget is spent: whether to try once more to start a trial,
   * since another worker's trial may be dead. Otherwise a worker dying near the end would leave its trial
   * running for good, every other worker having ended. True at once when a trial waits (a retry to run); after
   * one interval when a running trial has been quiet for two (the next start's stale check fails it once its
   * grace period is over, and this worker runs its retry). False once no other trial runs, or each of them has
   * sent a heartbeat since this worker looked: they are alive, and their workers finish them. So a worker waits
   * at most about two intervals, or as long as a trial that looks dead takes to be failed.
   */
  async lingers(onSuspect?: (trial: TrialRecord, quietMs: number) => void): Promise<boolean> {
    if (!this.enabled) return false;
    const interval = this.options.heartbeatIntervalMs;
    const firstBeats = new Map<number, number>();
    // Polls often at first (the other trials usually just end), then every quarter interval, at most a second.
    for (let poll = 20; ; poll = Math.min(2 * poll, Math.max(interval / 4, 20), 1000)) {
      const open = await this.storage.getTrials(this.studyId, { states: ['waiting', 'running'] });
      if (open.some((t) => t.state === 'waiting')) return true;
      const others = open.filter((t) => !this.running.has(t.id));
      if (others.length === 0) return false;
      const suspect = others.find((t) => lastBeat(t) < Date.now() - 2 * interval);
      if (suspect) {
        onSuspect?.(suspect, Date.now() - lastBeat(suspect));
        await sleep(interval);
        return true;
      }
      for (const t of others) if (!firstBeats.has(t.id)) firstBeats.set(t.id, lastBeat(t));
      if (others.every((t) => lastBeat(t) > firstBeats.get(t.id)!)) return false;
      await sleep(poll);
    }
  }

  private async beat(): Promise<void> {
    if (this.beating) return; // the previous round is still waiting for storage
    this.beating = true;
    try {
      await Promise.all(
        [...this.running].map((id) =>
          this.storage.heartbeat(id).catch((error: unknown) => {
            // Finished meanwhile (or failed as stale by another worker): nothing left to keep alive.
            if (isTunekitError(error, 'trial_finished') || isTunekitError(error, 'trial_not_found'))
              this.untrack(id);
            // Other errors (storage briefly unreachable) are retried on the next beat; the grace period covers them.
          }),
        ),
      );
    } finally {
      this.beating = false;
    }
  }
}

/** Enqueues a stale trial's configuration again (its fixed and sampled params, user attributes, grid point). */
export function retryPolicy(retries: number): RetryPolicy {
  return (failed) => {
    if (failed.retryCount >= retries) return null;
    // Sampler memos belong to the failed run and stay with it.
    return {
      fixedParams: { ...failed.fixedParams, ...failed.params },
      userAttrs: failed.userAttrs,
      ...(failed.gridId === null ? {} : { gridId: failed.gridId }),
      retryCount: failed.retryCount + 1,
    };
  };
}

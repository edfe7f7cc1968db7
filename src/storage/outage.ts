// Rides through a dropped storage connection (a database server restarting, a network blip). A read that
// lost its connection is sent again once storage answers; a write is not, since nobody knows whether it
// arrived: the guard waits until storage answers and rethrows `storage_disconnected`, so the caller can
// give up the trial it was writing (the stale-trial check fails it later, as if its worker had died).
// Storage that does not answer within `waitMs` gives `storage_unreachable`.
import { TunekitError, isTunekitError } from '../errors.js';
import type {
  Finished,
  NewStudy,
  NewWaitingTrial,
  NextTrial,
  RetryPolicy,
  StartOptions,
  StudyStorage,
  StudySummary,
  StudyWrite,
  TrialQuery,
  TrialResult,
  TrialWrite,
} from '../study/storage.js';
import type { Direction, StudyInfo, TrialRecord } from '../study/types.js';

export interface OutageOptions {
  /** How long to wait for storage to answer again; 0 gives up at once. */
  readonly waitMs: number;
  /** A cheap read that succeeds once storage answers again. */
  readonly probe: () => Promise<unknown>;
  /** Told once when an outage begins (for the study log). */
  readonly onLost?: (error: TunekitError) => void;
}

/** The connection to storage dropped: what was being written may or may not have arrived. */
export function isDisconnect(error: unknown): error is TunekitError {
  return isTunekitError(error, 'storage_disconnected');
}

export class OutageGuard implements StudyStorage {
  /** The wait for storage that every caller shares while it is down. */
  private waiting: Promise<void> | null = null;

  constructor(
    readonly inner: StudyStorage,
    private readonly options: OutageOptions,
  ) {
    if (!(options.waitMs >= 0))
      throw new TunekitError(
        'invalid_argument',
        `storageOutageMs must be a number >= 0, got ${String(options.waitMs)}`,
      );
  }

  createStudy(name: string, directions: readonly Direction[], fields?: NewStudy): Promise<StudyInfo> {
    return this.write(() => this.inner.createStudy(name, directions, fields));
  }
  getStudy(name: string): Promise<StudyInfo> {
    return this.read(() => this.inner.getStudy(name));
  }
  listStudies(): Promise<StudySummary[]> {
    return this.read(() => this.inner.listStudies());
  }
  deleteStudy(studyId: number): Promise<void> {
    return this.write(() => this.inner.deleteStudy(studyId));
  }
  renameStudy(studyId: number, newName: string): Promise<StudyInfo> {
    return this.write(() => this.inner.renameStudy(studyId, newName));
  }
  writeStudy(studyId: number, write: StudyWrite): Promise<StudyInfo> {
    return this.write(() => this.inner.writeStudy(studyId, write));
  }
  enqueueTrials(
    studyId: number,
    trials: readonly NewWaitingTrial[],
    options?: { onceKey?: string },
  ): Promise<boolean> {
    return this.write(() => this.inner.enqueueTrials(studyId, trials, options));
  }
  addTrials(studyId: number, trials: readonly TrialRecord[]): Promise<void> {
    return this.write(() => this.inner.addTrials(studyId, trials));
  }
  startTrial(studyId: number, worker: string, options?: StartOptions): Promise<TrialRecord | null> {
    return this.write(() => this.inner.startTrial(studyId, worker, options));
  }
  writeTrial(trialId: number, write: TrialWrite): Promise<void> {
    return this.write(() => this.inner.writeTrial(trialId, write));
  }
  heartbeat(trialId: number): Promise<void> {
    return this.write(() => this.inner.heartbeat(trialId));
  }
  finishTrial(trialId: number, result: TrialResult, next?: NextTrial): Promise<Finished> {
    return this.write(() => this.inner.finishTrial(trialId, result, next));
  }
  failStaleTrials(studyId: number, graceMs: number, retry?: RetryPolicy): Promise<TrialRecord[]> {
    return this.write(() => this.inner.failStaleTrials(studyId, graceMs, retry));
  }
  getTrial(trialId: number): Promise<TrialRecord> {
    return this.read(() => this.inner.getTrial(trialId));
  }
  getTrials(studyId: number, query?: TrialQuery): Promise<TrialRecord[]> {
    return this.read(() => this.inner.getTrials(studyId, query));
  }
  close(): Promise<void> {
    return this.inner.close();
  }

  /**
   * A read: sent again each time storage answers, until `waitMs` after its first lost connection (a server
   * that answers the probe and then drops every query would otherwise keep it going forever).
   */
  private async read<T>(call: () => Promise<T>): Promise<T> {
    let giveUpAt = Infinity;
    for (;;) {
      try {
        return await call();
      } catch (error) {
        if (!isDisconnect(error)) throw error;
        if (Date.now() >= giveUpAt) throw this.unreachable(error);
        giveUpAt = Math.min(giveUpAt, Date.now() + this.options.waitMs);
        await this.awaitStorage(error);
      }
    }
  }

  /** A write: never sent twice. Once storage answers again the caller learns the write may be lost. */
  private async write<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!isDisconnect(error)) throw error;
      await this.awaitStorage(error);
      throw error;
    }
  }

  private awaitStorage(lost: TunekitError): Promise<void> {
    if (this.waiting) return this.waiting;
    this.options.onLost?.(lost);
    const wait = this.poll(lost).finally(() => {
      if (this.waiting === wait) this.waiting = null;
    });
    return (this.waiting = wait);
  }

  private async poll(lost: TunekitError): Promise<void> {
    const { waitMs, probe } = this.options;
    const giveUpAt = Date.now() + waitMs;
    for (let pauseMs = 250; ; pauseMs = Math.min(2 * pauseMs, 2000)) {
      if (Date.now() >= giveUpAt) throw this.unreachable(lost);
      await new Promise((resolve) => setTimeout(resolve, Math.min(pauseMs, giveUpAt - Date.now())));
      try {
        await probe();
        return;
      } catch (error) {
        if (!isDisconnect(error)) throw error;
      }
    }
  }

  private unreachable(lost: TunekitError): TunekitError {
    return new TunekitError(
      'storage_unreachable',
      `${lost.message}; storage did not answer again within ${this.options.waitMs} ms (storageOutageMs)`,
      lost.details,
    );
  }
}

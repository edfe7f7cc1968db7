// A cache of a study's trials. Finished trials are immutable, so only the part from the first unfinished
// trial on is read again: each refresh costs O(unfinished + new), not O(all trials). And the pruner's view
// of it, read ahead while the objective trains.
import type { StudyStorage } from './storage.js';
import type { PruneHistory } from './trial.js';
import { isFinished } from './types.js';
import type { TrialRecord } from './types.js';

export class TrialSnapshot {
  private finishedPrefix: TrialRecord[] = [];

  constructor(
    private readonly storage: StudyStorage,
    private readonly studyId: number,
  ) {}

  /** All trials, ordered by number, as storage holds them now. */
  async load(): Promise<readonly TrialRecord[]> {
    const fresh = await this.storage.getTrials(this.studyId, { fromNumber: this.finishedPrefix.length });
    const all = this.finishedPrefix.concat(fresh);
    let end = this.finishedPrefix.length;
    while (end < all.length && all[end]!.number === end && isFinished(all[end]!.state)) end++;
    this.finishedPrefix = all.slice(0, end);
    return all;
  }
}

/** Pruning history read ahead of the decisions that use it (PruneHistory in trial.ts). */
export class ReadAhead implements PruneHistory {
  constructor(
    private readonly load: () => Promise<readonly TrialRecord[]>,
    /** A read already made or under way (the sampler's, at the trial's start), or null. */
    private read: Promise<readonly TrialRecord[]> | null,
    /** Brings a read up to date with what this process did since it was made. */
    private readonly upToDate: (read: readonly TrialRecord[]) => readonly TrialRecord[],
  ) {
    this.read?.catch(() => {});
  }

  async latest(): Promise<readonly TrialRecord[]> {
    return this.upToDate(await (this.read ??= this.load()));
  }

  refresh(): void {
    const next = this.load();
    // Nobody may ask again (the trial ends): a failed read-ahead must not be an unhandled rejection.
    next.catch(() => {});
    this.read = next;
  }
}

/** A history that does not change while the trial runs (reproducible mode: fixed by the trial's place). */
export function fixedHistory(trials: readonly TrialRecord[]): PruneHistory {
  return { latest: () => Promise.resolve(trials), refresh: () => {} };
}

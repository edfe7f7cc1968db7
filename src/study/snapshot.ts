// A cache of a study's trials. Finished trials are immutable, so only the part from the first unfinished
// trial on is read again: each refresh costs O(unfinished + new), not O(all trials).
import type { StudyStorage } from './storage.js';
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

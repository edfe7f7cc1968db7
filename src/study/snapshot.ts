// What a process knows of its study's trials: the last reads of storage, merged with what the process itself
// stored since. Finished trials are immutable, so only the part from the first unfinished trial on is read
// again: each refresh costs O(unfinished + new), not O(all trials). And the pruner's view of it, read ahead
// while the objective trains.
import type { StudyStorage } from './storage.js';
import type { PruneHistory } from './trial.js';
import { isFinished } from './types.js';
import type { TrialRecord } from './types.js';

export class TrialSnapshot {
  /** By trial number (numbers are dense); a hole is a trial no read has shown yet. */
  private readonly known: Array<TrialRecord | undefined> = [];
  /** Which read set each unfinished trial, so a read that started earlier and ended later loses. */
  private readonly readOf: number[] = [];
  private reads = 0;
  private finishedPrefix = 0;

  constructor(
    private readonly storage: StudyStorage,
    private readonly studyId: number,
  ) {}

  /** All trials, ordered by number, as storage holds them now (or newer, where this process stored them). */
  async load(): Promise<readonly TrialRecord[]> {
    const read = ++this.reads;
    for (const trial of await this.storage.getTrials(this.studyId, { fromNumber: this.finishedPrefix }))
      this.merge(trial, read);
    return this.view([]);
  }

  /** A trial as this process stored it (a finish): known before any read shows it. */
  stored(trial: TrialRecord): void {
    this.merge(trial, Infinity);
  }

  /** What is known, with `live` (this process's running trials as they are now) in their places. */
  view(live: readonly TrialRecord[]): TrialRecord[] {
    const trials = this.known.slice();
    for (const t of live) if (!trials[t.number] || !isFinished(trials[t.number]!.state)) trials[t.number] = t;
    return trials.filter((t): t is TrialRecord => t !== undefined);
  }

  private merge(trial: TrialRecord, read: number): void {
    const n = trial.number;
    const had = this.known[n];
    // A finished trial never changes; between two unfinished versions the later read wins.
    if (had && (isFinished(had.state) || (!isFinished(trial.state) && (this.readOf[n] ?? 0) > read))) return;
    this.known[n] = trial;
    this.readOf[n] = read;
    while (this.known[this.finishedPrefix] && isFinished(this.known[this.finishedPrefix]!.state))
      this.finishedPrefix++;
  }
}

/** Pruning history read ahead of the decisions that use it (PruneHistory in trial.ts). */
export class ReadAhead implements PruneHistory {
  private readAt = -Infinity;

  constructor(
    private readonly load: () => Promise<readonly TrialRecord[]>,
    /** A read already made or under way (the sampler's, at the trial's start), or null. */
    private read: Promise<readonly TrialRecord[]> | null,
    /** The study as this process knows it once the read is in (see TrialSnapshot.view). */
    private readonly current: () => readonly TrialRecord[],
    /** The least time between two reads. */
    private readonly intervalMs: number,
  ) {
    if (read) {
      this.readAt = Date.now();
      read.catch(() => {});
    }
  }

  async latest(): Promise<readonly TrialRecord[]> {
    if (this.read === null) this.start();
    await this.read;
    return this.current();
  }

  refresh(): void {
    if (Date.now() - this.readAt >= this.intervalMs) this.start();
  }

  private start(): void {
    const next = this.load();
    // Nobody may ask again (the trial ends): a failed read-ahead must not be an unhandled rejection.
    next.catch(() => {});
    this.read = next;
    this.readAt = Date.now();
  }
}

/** A history that does not change while the trial runs (reproducible mode: fixed by the trial's place). */
export function fixedHistory(trials: readonly TrialRecord[]): PruneHistory {
  return { latest: () => Promise.resolve(trials), refresh: () => {} };
}

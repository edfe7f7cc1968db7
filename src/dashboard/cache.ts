// Keeps each study's trials in memory between requests. Finished trials never change (the storage contract),
// so only trials from the first unfinished one on are read again: a 10,000-trial study costs one full read,
// then a few rows per refresh. Plot results are memoised per study revision.
import type { StudyInfo, StudyStorage, TrialRecord } from '../index.js';

interface Entry {
  trials: TrialRecord[];
  revision: string;
  loadedAt: number;
  pending: Promise<Snapshot> | null;
  memo: Map<string, { revision: string; at: number; value: unknown }>;
}

export interface Snapshot {
  readonly trials: readonly TrialRecord[];
  /** Changes whenever any trial is added, finishes, or a running trial reports or beats. */
  readonly revision: string;
}

const FINISHED = new Set(['complete', 'pruned', 'fail']);

export class TrialCache {
  private readonly entries = new Map<number, Entry>();

  /** `freshMs`: requests within this window share one storage read (the page asks for ~10 plots at once). */
  constructor(
    private readonly storage: StudyStorage,
    private readonly freshMs = 300,
  ) {}

  async load(study: StudyInfo): Promise<Snapshot> {
    let entry = this.entries.get(study.id);
    if (!entry)
      this.entries.set(
        study.id,
        (entry = { trials: [], revision: '', loadedAt: 0, pending: null, memo: new Map() }),
      );
    if (entry.pending) return entry.pending;
    if (Date.now() - entry.loadedAt < this.freshMs) return entry;
    const current = entry;
    current.pending = this.refresh(study, current).finally(() => (current.pending = null));
    return current.pending;
  }

  /** `compute` runs once per revision; with `maxAgeMs`, a result that old or newer is reused even across revisions. */
  async memo<T>(
    study: StudyInfo,
    key: string,
    compute: (trials: readonly TrialRecord[]) => T,
    maxAgeMs = 0,
  ): Promise<T> {
    const snapshot = await this.load(study);
    const entry = this.entries.get(study.id) as Entry;
    const hit = entry.memo.get(key);
    if (hit && (hit.revision === snapshot.revision || Date.now() - hit.at < maxAgeMs)) return hit.value as T;
    const value = compute(snapshot.trials);
    // Bounded: keys include user-chosen parameter pairs, so drop the oldest beyond a few hundred.
    if (entry.memo.size > 256) entry.memo.delete(entry.memo.keys().next().value as string);
    entry.memo.set(key, { revision: snapshot.revision, at: Date.now(), value });
    return value;
  }

  private async refresh(study: StudyInfo, entry: Entry): Promise<Snapshot> {
    const firstOpen = entry.trials.findIndex((t) => !FINISHED.has(t.state));
    const keep = firstOpen < 0 ? entry.trials.length : firstOpen;
    const fresh = await this.storage.getTrials(study.id, { fromNumber: keep });
    entry.trials = [...entry.trials.slice(0, keep), ...fresh];
    // A study deleted and re-created under the same id would break the prefix: start over if numbers jump.
    if (entry.trials.some((t, i) => t.number !== i)) entry.trials = await this.storage.getTrials(study.id);
    entry.revision = revisionOf(entry.trials);
    entry.loadedAt = Date.now();
    return entry;
  }
}

function revisionOf(trials: readonly TrialRecord[]): string {
  let finished = 0;
  let open = '';
  for (const t of trials) {
    if (FINISHED.has(t.state)) finished++;
    else open += `|${t.number}:${t.state}:${t.heartbeatAt ?? ''}:${Object.keys(t.intermediateValues).length}`;
  }
  return `${trials.length}:${finished}${open}`;
}

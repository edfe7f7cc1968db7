// Where a study stands, read from its storage so every worker's trials count alike (this process's,
// `tune --workers` children's, a `worker` on another machine): trials done of the budget, by state, the
// best so far, elapsed time and an estimate of the time left. Formatting for one line is here too, so the
// CLI and `optimize({ showProgress })` print the same thing.
import type { StudyStorage } from './storage.js';
import type { Direction, TrialRecord } from './types.js';

export interface ProgressSnapshot {
  /** Finished trials (complete, pruned, failed) in the study, from every worker. */
  readonly done: number;
  /** The study's trial budget, when it has one. */
  readonly total: number | null;
  readonly running: number;
  readonly complete: number;
  readonly pruned: number;
  readonly failed: number;
  /** The best complete trial (single objective only). */
  readonly best: { readonly trial: number; readonly value: number } | null;
  /** Since the watch began. */
  readonly elapsedMs: number;
  /** Time left, from the pace since the watch began and the budget (trials or deadline); null before any pace. */
  readonly etaMs: number | null;
}

export interface ProgressBudget {
  /** The number of finished trials the study should reach (counting every worker). */
  readonly total?: number;
  /** Epoch ms after which no trial starts. */
  readonly deadline?: number;
}

interface Tally {
  complete: number;
  pruned: number;
  failed: number;
  best: ProgressSnapshot['best'];
}

/**
 * Reads a study's progress incrementally: finished trials are immutable, so each read asks only for trials
 * numbered from the first one that was still open (waiting or running) at the last read.
 */
export class ProgressWatch {
  private readonly startedAt: number;
  private doneAtStart: number | null = null;
  private fromNumber = 0;
  /** Trials below `fromNumber`, all finished: counted once, never read again. */
  private settled: Tally = { complete: 0, pruned: 0, failed: 0, best: null };
  /** Finished trials at or above `fromNumber` already reported as finished. */
  private readonly reported = new Set<number>();

  constructor(
    private readonly storage: StudyStorage,
    private readonly studyId: number,
    private readonly directions: readonly Direction[],
    private readonly budget: ProgressBudget = {},
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** The study now, and the trials that finished since the last read (in finishing order). */
  async read(): Promise<{ snapshot: ProgressSnapshot; finished: TrialRecord[] }> {
    const trials = await this.storage.getTrials(this.studyId, { fromNumber: this.fromNumber });
    const open = trials.filter((t) => t.state === 'running' || t.state === 'waiting');
    const next =
      open.length > 0
        ? Math.min(...open.map((t) => t.number))
        : Math.max(this.fromNumber, ...trials.map((t) => t.number + 1));
    const settled = { ...this.settled };
    const now = { ...this.settled };
    const finished: TrialRecord[] = [];
    for (const t of trials) {
      if (t.state === 'running' || t.state === 'waiting') continue;
      this.add(now, t);
      if (t.number < next) this.add(settled, t);
      if (!this.reported.has(t.number)) finished.push(t);
      this.reported.add(t.number);
    }
    for (const n of this.reported) if (n < next) this.reported.delete(n);
    this.settled = settled;
    this.fromNumber = next;

    const done = now.complete + now.pruned + now.failed;
    this.doneAtStart ??= done;
    const at = this.now();
    const elapsedMs = at - this.startedAt;
    finished.sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
    const { best, complete, pruned, failed } = now;
    return {
      finished,
      snapshot: {
        done,
        total: this.budget.total ?? null,
        running: open.filter((t) => t.state === 'running').length,
        complete,
        pruned,
        failed,
        best,
        elapsedMs,
        etaMs: this.eta(done, elapsedMs, at),
      },
    };
  }

  private add(tally: Tally, t: TrialRecord): void {
    tally[t.state === 'fail' ? 'failed' : t.state === 'pruned' ? 'pruned' : 'complete']++;
    const value = t.state === 'complete' && this.directions.length === 1 ? t.values?.[0] : undefined;
    if (value === undefined) return;
    const best = tally.best;
    if (best === null || (this.directions[0] === 'maximize' ? value > best.value : value < best.value))
      tally.best = { trial: t.number, value };
  }

  private eta(done: number, elapsedMs: number, now: number): number | null {
    const left = this.budget.deadline === undefined ? null : Math.max(0, this.budget.deadline - now);
    const { total } = this.budget;
    const paced = done - (this.doneAtStart ?? done);
    if (total === undefined || paced <= 0) return left;
    const byTrials = ((total - done) * elapsedMs) / paced;
    return Math.max(0, left === null ? byTrials : Math.min(left, byTrials));
  }
}

/** 1:05 for 65 s; 12.3s under a minute; 1:02:05 past an hour. */
export function formatClock(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/** Six significant digits at most: 0.981234, 4.03908e-6. */
export function formatValue(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e9))
    return Number(value.toPrecision(6)).toExponential().replace('e+', 'e');
  return String(Number(value.toPrecision(6)));
}

/**
 * The study on one line: `[#####.......] 37/100 · 32 complete, 4 pruned, 1 failed · 2 running · best 0.9812
 * (trial 31) · 12.0s elapsed, ETA 21s`. `bar` draws the bar (a terminal); off a terminal it is left out.
 */
export function formatProgress(s: ProgressSnapshot, options: { bar?: boolean } = {}): string {
  const width = 20;
  const count = s.total === null ? `${s.done} trials` : `${s.done}/${s.total}`;
  const bar =
    options.bar && s.total !== null && s.total > 0
      ? `[${'#'.repeat(Math.round((Math.min(s.done, s.total) / s.total) * width)).padEnd(width, '.')}] `
      : '';
  const parts = [
    `${bar}${count}`,
    `${s.complete} complete, ${s.pruned} pruned, ${s.failed} failed`,
    ...(s.running > 0 ? [`${s.running} running`] : []),
    ...(s.best ? [`best ${formatValue(s.best.value)} (trial ${s.best.trial})`] : []),
    `${formatClock(s.elapsedMs)} elapsed${s.etaMs === null || s.done === s.total ? '' : `, ETA ${formatClock(s.etaMs)}`}`,
  ];
  return parts.join(' · ');
}

/** One finished trial, as the line printed for it: `Trial 7 complete: 0.93`, `Trial 8 failed: why`. */
export function formatFinished(trial: TrialRecord): string {
  const at = `Trial ${trial.number}`;
  if (trial.state === 'fail') return `${at} failed: ${trial.failReason ?? 'no reason given'}`;
  if (trial.state === 'pruned') {
    const steps = Object.keys(trial.intermediateValues).map(Number);
    return `${at} pruned${steps.length > 0 ? ` at step ${Math.max(...steps)}` : ''}`;
  }
  const values = trial.values ?? [];
  return `${at} complete: ${values.length === 1 ? formatValue(values[0]!) : `[${values.map(formatValue).join(', ')}]`}`;
}

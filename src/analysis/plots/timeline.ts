// Timeline: which worker ran which trial when, one bar per started trial (running ones end "now").
import type { TrialRecord, TrialState } from '../../index.js';

export interface TimelinePlot {
  readonly workers: string[];
  /** Columns, one entry per drawn trial in trial order. */
  readonly numbers: number[];
  readonly worker: number[];
  readonly start: number[];
  readonly end: number[];
  readonly states: TrialState[];
  /** Started trials; beyond `maxBars` only the most recent are drawn. */
  readonly totalTrials: number;
  readonly now: number;
}

export function timelinePlot(
  trials: readonly TrialRecord[],
  options: { now?: number; maxBars?: number } = {},
): TimelinePlot {
  const now = options.now ?? Date.now();
  const started = trials.filter((t) => t.startedAt !== null).sort((a, b) => a.number - b.number);
  const drawn = started.slice(-(options.maxBars ?? 3000));
  const workers = [...new Set(drawn.map((t) => t.worker ?? '(unknown)'))].sort();
  return {
    workers,
    numbers: drawn.map((t) => t.number),
    worker: drawn.map((t) => workers.indexOf(t.worker ?? '(unknown)')),
    start: drawn.map((t) => t.startedAt as number),
    end: drawn.map(
      (t) => t.finishedAt ?? (t.state === 'running' ? now : (t.heartbeatAt ?? (t.startedAt as number))),
    ),
    states: drawn.map((t) => t.state),
    totalTrials: started.length,
    now,
  };
}

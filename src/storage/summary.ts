// Builds the study list entry (counts by state, best feasible value, last activity) from trial records, for
// storages that do not compute it in their query language.
import type { StudySummary } from '../study/storage.js';
import { isFeasible } from '../study/types.js';
import type { StudyInfo, TrialRecord, TrialState } from '../study/types.js';

export function emptyCounts(): Record<TrialState, number> {
  return { waiting: 0, running: 0, complete: 0, pruned: 0, fail: 0 };
}

export function summarizeStudy(study: StudyInfo, trials: readonly TrialRecord[]): StudySummary {
  const trialCounts = emptyCounts();
  let bestValue: number | null = null;
  let lastActivityAt = study.createdAt;
  const single = study.directions.length === 1;
  const sign = study.directions[0] === 'maximize' ? -1 : 1;
  for (const t of trials) {
    trialCounts[t.state]++;
    lastActivityAt = Math.max(lastActivityAt, t.finishedAt ?? 0, t.startedAt ?? 0, t.createdAt);
    const value = t.values?.[0];
    if (
      single &&
      t.state === 'complete' &&
      value !== undefined &&
      isFeasible(t) &&
      (bestValue === null || sign * value < sign * bestValue)
    )
      bestValue = value;
  }
  return { study, trialCounts, bestValue, lastActivityAt };
}

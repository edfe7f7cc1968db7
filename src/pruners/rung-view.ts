// The sampler's history under BOHB's rule (Falkner et al. 2018): model the trials at the highest rung
// enough of them reached, each valued at that rung, whatever its bracket. Plain records in, plain records out.
import type { TrialRecord } from '../study/types.js';
import { reportedSteps } from './common.js';

/**
 * Every trial that reported at or past `rungEnds[k]`, for the highest k with at least `minTrials` such
 * trials (the lowest rung if none has), presented as complete with its value at that rung: the first
 * value it reported at or past the rung's end. Failed and waiting trials are left out; `trial` (the one
 * being sampled) is kept as it is; a NaN value makes the trial pruned at that rung. Values reported at a step are final, so trials still running count.
 */
export function highestRungView(
  trials: readonly TrialRecord[],
  trial: TrialRecord,
  rungEnds: readonly number[],
  minTrials: number,
): TrialRecord[] {
  const usable = trials.filter(
    (t) => t.id !== trial.id && (t.state === 'complete' || t.state === 'pruned' || t.state === 'running'),
  );
  const stepsOf = new Map(usable.map((t) => [t.id, reportedSteps(t)]));
  const reached = (end: number) =>
    usable.filter((t) => (stepsOf.get(t.id) as number[]).some((s) => s >= end));
  let end = rungEnds[0] as number;
  for (const candidate of rungEnds) if (reached(candidate).length >= minTrials) end = candidate;
  const view: TrialRecord[] = reached(end).map((t) => {
    const at = (stepsOf.get(t.id) as number[]).find((s) => s >= end) as number;
    const value = t.intermediateValues[at] as number;
    // A NaN cannot be ranked as a value; as a pruned trial it ranks last, as samplers rank such trials.
    return Number.isNaN(value)
      ? { ...t, state: 'pruned', values: null, intermediateValues: { [at]: value } }
      : { ...t, state: 'complete', values: [value] };
  });
  // Trial order, as in the study (samplers weight recent trials more).
  view.push(trial);
  return view.sort((a, b) => a.number - b.number);
}

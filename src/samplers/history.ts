// How model-based samplers read a study's history: losses (every objective turned into one to minimise)
// and the ranking of trials from best to worst, pruned and running trials included where they inform.
import { violation } from '../study/types.js';
import type { Direction, TrialRecord } from '../study/types.js';

/** The tier of trials that break a constraint: after every pruned trial, before the constant liar's. */
const INFEASIBLE = Number.MAX_VALUE;
import { nondominatedRanks } from './pareto-rank.js';

/** The trial's values as losses (maximised objectives negated). */
export function lossOf(values: readonly number[], directions: readonly Direction[]): number[] {
  return values.map((v, i) => (directions[i] === 'maximize' ? -v : v));
}

/** Complete and pruned trials: those that count as finished observations. */
export function countObserved(trials: readonly TrialRecord[]): number {
  let n = 0;
  for (const t of trials) if (t.state === 'complete' || t.state === 'pruned') n++;
  return n;
}

/**
 * Trials from best to worst. Complete trials come first, by loss; then pruned ones (single objective),
 * those that got further first, each by its last intermediate value; then complete or pruned trials that
 * break a constraint, by total violation (Optuna's constrained TPE: they fill the good group only when too
 * few feasible trials do); then, as a constant liar, trials still running (other than `current`), so
 * parallel workers do not pile onto the same region.
 */
export function rankTrials(
  trials: readonly TrialRecord[],
  directions: readonly Direction[],
  options: { constantLiar: boolean; current: number },
): TrialRecord[] {
  const single = directions.length === 1;
  const sign = directions[0] === 'maximize' ? -1 : 1;
  const keyed: Array<{ trial: TrialRecord; tier: number; loss: number }> = [];
  const complete: TrialRecord[] = [];
  const infeasible: Array<{ trial: TrialRecord; tier: number; loss: number }> = [];
  for (const t of trials) {
    const broken = violation(t);
    if (broken > 0 && (t.state === 'complete' || (t.state === 'pruned' && single))) {
      infeasible.push({ trial: t, tier: INFEASIBLE, loss: broken });
    } else if (t.state === 'complete' && t.values) {
      if (single) keyed.push({ trial: t, tier: -Infinity, loss: sign * (t.values[0] as number) });
      else complete.push(t);
    } else if (t.state === 'pruned' && single) {
      const steps = Object.keys(t.intermediateValues).map(Number);
      if (steps.length === 0) keyed.push({ trial: t, tier: 1, loss: 0 });
      else {
        const last = Math.max(...steps);
        const v = t.intermediateValues[last] as number;
        keyed.push({ trial: t, tier: -last, loss: Number.isNaN(v) ? Infinity : sign * v });
      }
    } else if (t.state === 'running' && options.constantLiar && t.number !== options.current && single) {
      keyed.push({ trial: t, tier: Infinity, loss: Infinity });
    }
  }
  if (!single) {
    // Several objectives: by non-dominated front, then by the sum of per-objective ranks within a front.
    const losses = complete.map((t) => lossOf(t.values as number[], directions));
    const fronts = nondominatedRanks(losses);
    const rankSum = new Float64Array(complete.length);
    for (let k = 0; k < directions.length; k++) {
      const order = complete.map((_, i) => i).sort((a, b) => losses[a]![k]! - losses[b]![k]!);
      order.forEach((i, r) => (rankSum[i]! += r));
    }
    const ranked = complete
      .map((t, i) => ({ t, f: fronts[i]!, s: rankSum[i]! }))
      .sort((a, b) => a.f - b.f || a.s - b.s || a.t.number - b.t.number)
      .map((e) => e.t);
    infeasible.sort((a, b) => a.loss - b.loss || a.trial.number - b.trial.number);
    return [...ranked, ...infeasible.map((e) => e.trial)];
  }
  keyed.push(...infeasible);
  keyed.sort((a, b) => a.tier - b.tier || a.loss - b.loss || a.trial.number - b.trial.number);
  return keyed.map((e) => e.trial);
}

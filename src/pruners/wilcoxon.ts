// WilcoxonPruner (Optuna's semantics): for objectives that aggregate many evaluations (folds, instances),
// each reported under its own step (the instance id). A trial stops once a one-sided Wilcoxon signed-rank
// test on its per-step differences from the best trial says, at p < pThreshold, that it is worse.
import { TunekitError } from '../errors.js';
import type { Pruner, PrunerContext } from '../study/pruner.js';
import { bestOf } from '../study/pareto.js';
import { isFeasible } from '../study/types.js';
import type { TrialRecord } from '../study/types.js';
import { normCdf } from '../samplers/special.js';
import { checkInt } from './common.js';

export interface WilcoxonPrunerOptions {
  /** Prune when the test's p-value is below this (default 0.1); larger prunes more. */
  pThreshold?: number;
  /** No pruning before this many steps are shared with the best trial (default 0). */
  nStartupSteps?: number;
}

export class WilcoxonPruner implements Pruner {
  readonly pThreshold: number;
  readonly nStartupSteps: number;

  constructor(options: WilcoxonPrunerOptions = {}) {
    this.pThreshold = options.pThreshold ?? 0.1;
    if (!(this.pThreshold >= 0 && this.pThreshold <= 1))
      throw new TunekitError(
        'invalid_argument',
        `WilcoxonPruner: pThreshold must be in [0, 1], got ${String(options.pThreshold)}`,
        { option: 'pThreshold' },
      );
    this.nStartupSteps = checkInt('WilcoxonPruner', 'nStartupSteps', options.nStartupSteps ?? 0, 0);
  }

  prune(ctx: PrunerContext, trial: TrialRecord): boolean {
    const mine = Object.entries(trial.intermediateValues);
    // Infinite or NaN values: the test means nothing, and Optuna never prunes such a trial.
    if (mine.length === 0 || mine.some(([, v]) => !Number.isFinite(v))) return false;
    const direction = ctx.study.directions[0]!;
    if (ctx.study.directions.length !== 1) return false;
    const best = bestOf(
      ctx.trials.filter((t) => t.id !== trial.id && isFeasible(t)),
      direction,
    );
    if (!best) return false;
    const theirs = best.intermediateValues;
    if (Object.values(theirs).some((v) => !Number.isFinite(v))) return false;
    const diffs: number[] = [];
    for (const [step, v] of mine) if (Object.hasOwn(theirs, step)) diffs.push(v - theirs[Number(step)]!);
    if (diffs.length === 0 || diffs.length < this.nStartupSteps) return false;
    const sign = direction === 'maximize' ? -1 : 1;
    // Worse means larger differences when minimising; test for that (scipy's alternative "greater").
    const p = wilcoxonGreater(diffs.map((d) => sign * d));
    // Optuna's safety: never prune a trial whose own mean is already at least as good as the best value.
    const mean = mine.reduce((s, [, v]) => s + v, 0) / mine.length;
    const meanIsBest = sign * (best.values![0]! - mean) >= 0;
    return p < this.pThreshold && !meanIsBest;
  }
}

/**
 * The p-value of the one-sided Wilcoxon signed-rank test that the differences are centred above 0, with
 * zero differences split between both signs (scipy's `zero_method="zsplit"`), chosen as scipy's
 * `method="auto"` does: exact (the rank-sum distribution) for up to 50 differences without zeros or ties;
 * with them, every sign pattern of the actual ranks while there are at most 2^13 (scipy's permutation
 * test takes them all); otherwise the normal approximation with the tie correction.
 */
export function wilcoxonGreater(diffs: readonly number[]): number {
  const n = diffs.length;
  if (n === 0) return 1;
  const order = diffs.map((_, i) => i).sort((a, b) => Math.abs(diffs[a]!) - Math.abs(diffs[b]!));
  const ranks = new Float64Array(n);
  let ties = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && Math.abs(diffs[order[j + 1]!]!) === Math.abs(diffs[order[i]!]!)) j++;
    for (let k = i; k <= j; k++) ranks[order[k]!] = (i + j) / 2 + 1;
    const t = j - i + 1;
    ties += t * t * t - t;
    i = j + 1;
  }
  let plus = 0;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    if (diffs[i]! > 0) plus += ranks[i]!;
    else if (diffs[i] === 0) {
      plus += ranks[i]! / 2;
      zeros++;
    }
  }
  if (n <= 50 && zeros === 0 && ties === 0) return exactUpperTail(n, plus);
  if (n <= 13) return permutationUpperTail(diffs, ranks, plus);
  const mean = (n * (n + 1)) / 4;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - ties / 48;
  if (!(variance > 0)) return 1;
  return 1 - normCdf((plus - mean) / Math.sqrt(variance));
}

/** P(W+ >= observed) over every sign pattern of the differences (zeros always count half their rank). */
function permutationUpperTail(diffs: readonly number[], ranks: Float64Array, observed: number): number {
  const n = diffs.length;
  let half = 0;
  for (let i = 0; i < n; i++) if (diffs[i] === 0) half += ranks[i]! / 2;
  let atLeast = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let sum = half;
    for (let i = 0; i < n; i++) if (diffs[i] !== 0 && mask & (1 << i)) sum += ranks[i]!;
    // A relative tolerance, as scipy's, so that equal sums of average ranks compare equal.
    if (sum >= observed * (1 - 1e-14) - 1e-12) atLeast++;
  }
  return atLeast / 2 ** n;
}

/** P(W+ >= w) for ranks 1..n with independent fair signs: counts of each rank sum by dynamic programming. */
function exactUpperTail(n: number, w: number): number {
  const max = (n * (n + 1)) / 2;
  let counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) {
    const next = Float64Array.from(counts);
    for (let s = r; s <= max; s++) next[s]! += counts[s - r]!;
    counts = next;
  }
  let tail = 0;
  for (let s = Math.ceil(w - 1e-9); s <= max; s++) tail += counts[s]!;
  return tail / 2 ** n;
}

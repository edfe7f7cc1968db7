// A terminator stops a study when further improvement is unlikely (Optuna's Terminator, with a simpler,
// documented rule in place of its GP regret bound): once `minTrials` feasible trials are complete, the
// study stops when the last `patience` of them did not beat the best before them by more than
// `minImprovement`. Use it as an optimize callback: `callbacks: [terminatorCallback(new Terminator())]`.
import { TunekitError } from '../errors.js';
import type { Study, StudyCallback } from './study.js';
import { isFeasible } from './types.js';
import type { Direction, TrialRecord } from './types.js';

export interface TerminatorOptions {
  /** Complete trials without enough improvement before the study stops (default 20). */
  patience?: number;
  /** What counts as an improvement of the best value, in the objective's units (default 0: any). */
  minImprovement?: number;
  /** Never stop before this many complete trials (default 20, as Optuna's min_n_trials). */
  minTrials?: number;
}

export class Terminator {
  readonly patience: number;
  readonly minImprovement: number;
  readonly minTrials: number;

  constructor(options: TerminatorOptions = {}) {
    this.patience = count('patience', options.patience ?? 20, 1);
    this.minTrials = count('minTrials', options.minTrials ?? 20, 1);
    this.minImprovement = options.minImprovement ?? 0;
    if (!(this.minImprovement >= 0) || !Number.isFinite(this.minImprovement))
      throw new TunekitError(
        'invalid_argument',
        `Terminator: minImprovement must be a finite number >= 0, got ${String(options.minImprovement)}`,
      );
  }

  /** Whether a single-objective study with these trials should stop. */
  shouldTerminate(trials: readonly TrialRecord[], direction: Direction): boolean {
    const sign = direction === 'maximize' ? -1 : 1;
    const losses = trials
      .filter((t) => t.state === 'complete' && t.values && isFeasible(t))
      .sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0) || a.number - b.number)
      .map((t) => sign * t.values![0]!);
    if (losses.length < Math.max(this.minTrials, this.patience + 1)) return false;
    const split = losses.length - this.patience;
    const before = Math.min(...losses.slice(0, split));
    const recent = Math.min(...losses.slice(split));
    return before - recent <= this.minImprovement;
  }
}

/** An optimize callback that stops the study (in every process: `requestStop`) when the terminator says so. */
export function terminatorCallback(terminator: Terminator): StudyCallback {
  return async (study: Study) => {
    if (terminator.shouldTerminate(await study.trials({ states: ['complete'] }), study.direction))
      await study.requestStop();
  };
}

function count(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new TunekitError(
      'invalid_argument',
      `Terminator: ${name} must be an integer >= ${min}, got ${String(value)}`,
    );
  return value;
}

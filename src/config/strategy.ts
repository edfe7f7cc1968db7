// The strategy interface: a driver that runs ordinary studies (one, or one per step) over a declared space
// and returns the best trial it found. Coarse-to-fine rounds and staged tuning (staged.ts) both implement it.
import { isTunekitError } from '../errors.js';
import { bestOf } from '../study/pareto.js';
import type { Objective, Study } from '../study/study.js';
import type { Direction, TrialRecord } from '../study/types.js';
import { narrowSpace } from './coarse-to-fine.js';
import type { SpaceEntry } from './space.js';

export interface StrategyContext {
  /** The space as declared (with the entries' defaults). */
  readonly space: readonly SpaceEntry[];
  readonly direction: Direction;
  /**
   * Opens the study of one step, creating it or resuming it if it exists: `null` is the strategy's own
   * study (the one the caller names), a suffix a child study (`<name>.<suffix>`) in the same storage.
   */
  openStudy(suffix: string | null): Promise<Study>;
  /** The objective over a space (the trainer or a command, built for that space). */
  objective(space: readonly SpaceEntry[]): Objective;
  /** Called before each step with what it tunes; for progress lines. */
  onStep?(label: string, space: readonly SpaceEntry[]): void;
  /** Passed to every study's optimize call. */
  readonly callbacks?: readonly ((study: Study, trial: TrialRecord) => void | Promise<void>)[];
  /** Milliseconds since the epoch after which no step starts a trial. */
  readonly deadline?: number;
}

export interface StrategyResult {
  /** The best complete trial over every study the strategy ran; null when none completed. */
  readonly best: TrialRecord | null;
  /** The studies the strategy ran, in order (for coarse-to-fine: the one study). */
  readonly studies: readonly Study[];
}

export interface Strategy {
  readonly kind: string;
  run(ctx: StrategyContext): Promise<StrategyResult>;
}

/** optimize's time budget for a step that starts now (none when the strategy has no deadline). */
export function remainingTime(ctx: StrategyContext): { timeoutMs?: number } {
  return ctx.deadline === undefined ? {} : { timeoutMs: Math.max(1, ctx.deadline - Date.now()) };
}

/** The best complete trial of a study, or null. */
export async function bestOfStudy(study: Study): Promise<TrialRecord | null> {
  try {
    return await study.bestTrial();
  } catch (error) {
    if (isTunekitError(error, 'no_completed_trials')) return null;
    throw error;
  }
}

export interface CoarseToFineOptions {
  readonly rounds: number;
  readonly trialsPerRound: number;
  /** Trials whose ranges define the next round. */
  readonly top: number;
  /** Widening of each narrowed range, as a fraction of its width (log-aware). */
  readonly margin: number;
}

/** Rounds in one study, each narrowing every range to the span of the best trials so far. */
export function coarseToFine(options: CoarseToFineOptions): Strategy {
  return {
    kind: 'coarse-to-fine',
    async run(ctx) {
      const study = await ctx.openStudy(null);
      let space = ctx.space;
      const history: Array<{ round: number; space: Record<string, unknown> }> = [];
      for (let round = 1; round <= options.rounds; round++) {
        if (ctx.deadline !== undefined && Date.now() >= ctx.deadline) break;
        ctx.onStep?.(`round ${round}`, space);
        history.push({ round, space: Object.fromEntries(space.map((e) => [e.name, e.distribution])) });
        await study.setUserAttr('coarse_to_fine', history as never);
        const roundObjective = ctx.objective(space);
        await study.optimize(
          async (trial) => {
            await trial.setUserAttr('round', round);
            return roundObjective(trial);
          },
          {
            nTrials: options.trialsPerRound,
            ...remainingTime(ctx),
            callbacks: ctx.callbacks ?? [],
            catch: true,
          },
        );
        space = narrowSpace(space, await study.trials({ states: ['complete'] }), ctx.direction, options);
      }
      return { best: bestOf(await study.trials({ states: ['complete'] }), ctx.direction), studies: [study] };
    },
  };
}

// The strategy interface: a driver that runs ordinary studies (one, or one per step) over a declared space
// and returns the best trial it found. Coarse-to-fine rounds and staged tuning (staged.ts) both implement it.
import { TunekitError, isTunekitError } from '../errors.js';
import { distributionsEqual } from '../search-space/index.js';
import type { Distribution } from '../search-space/index.js';
import { bestOf } from '../study/pareto.js';
import type { Objective, Study } from '../study/study.js';
import type { Direction, JsonValue, TrialRecord } from '../study/types.js';
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
  /**
   * Runs one step's trials on its study, after `onStep`, and returns once the step's budget is spent (or
   * the deadline passed). Absent: `runStepHere`, in this process. The CLI's `tune --workers N` runs the step
   * in N worker processes instead; the step must then be plain data, readable by a process that has only
   * the storage.
   */
  runStep?(step: Step): Promise<void>;
}

/** One step of a strategy: a budget of trials on one study over one space. */
export interface Step {
  /** The step's study, as `openStudy` returned it. */
  readonly study: Study;
  /** What it is, for humans ("round 2", "stage 1 (learning_rate)"). */
  readonly label: string;
  readonly space: readonly SpaceEntry[];
  /**
   * The trials the study should hold at the step's end, counting every worker's and a killed run's, so a
   * rerun or a late worker does not overshoot it.
   */
  readonly maxTrials: number;
  /** User attributes every trial of the step carries (coarse-to-fine: its round). */
  readonly trialAttrs?: Readonly<Record<string, JsonValue>>;
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

/** Runs a step through the context's `runStep`, or in this process. */
export function runStep(ctx: StrategyContext, step: Step): Promise<void> {
  return ctx.runStep ? ctx.runStep(step) : runStepHere(ctx, step);
}

/** A step's trials in this process: `optimize` with the context's objective, callbacks and deadline. */
export async function runStepHere(ctx: StrategyContext, step: Step): Promise<void> {
  const objective = withTrialAttrs(ctx.objective(step.space), step.trialAttrs);
  await step.study.optimize(objective, {
    maxTrials: step.maxTrials,
    ...remainingTime(ctx),
    callbacks: ctx.callbacks ?? [],
    catch: true, // a failed trial is logged with its reason and the step goes on
  });
}

/** The objective, setting `attrs` on each trial before it runs. */
export function withTrialAttrs(
  objective: Objective,
  attrs: Readonly<Record<string, JsonValue>> | undefined,
): Objective {
  if (attrs === undefined) return objective;
  return async (trial) => {
    for (const [key, value] of Object.entries(attrs)) await trial.setUserAttr(key, value);
    return objective(trial);
  };
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

/** One round as recorded on the study (`userAttrs.coarse_to_fine`): the space it tuned and where it began. */
export interface RoundRecord {
  readonly round: number;
  /** The study's trial count when the round began: the round's trials are numbered from here. */
  readonly from: number;
  readonly space: Readonly<Record<string, Distribution>>;
}

/**
 * Rounds in one study, each narrowing every range to the span of the best trials so far. Each round is
 * recorded on the study before it runs, so rerunning a killed run resumes at the round it was in: a
 * finished round runs nothing, and the next round's ranges come from the same trials as before.
 */
export function coarseToFine(options: CoarseToFineOptions): Strategy {
  return {
    kind: 'coarse-to-fine',
    async run(ctx) {
      const study = await ctx.openStudy(null);
      const recorded = recordedRounds((await study.userAttrs()).coarse_to_fine);
      let space = ctx.space;
      const history: RoundRecord[] = [];
      for (let round = 1; round <= options.rounds; round++) {
        if (ctx.deadline !== undefined && Date.now() >= ctx.deadline) break;
        const label = `round ${round}`;
        const here = Object.fromEntries(space.map((e) => [e.name, e.distribution]));
        const before = recorded[round - 1];
        if (before && !sameSpace(before.space, here))
          throw new TunekitError(
            'config_invalid',
            `study ${study.name} holds a coarse-to-fine run whose ${label} tuned another space than this config gives ` +
              `(the space, top or margin changed since it started); resume it with the config it started with, or ` +
              `give study.name a new name`,
            { path: 'strategy', study: study.name, round },
          );
        ctx.onStep?.(label, space);
        history.push({ round, from: before?.from ?? (await study.trials()).length, space: here });
        if (!before) await study.setUserAttr('coarse_to_fine', history as unknown as JsonValue);
        const end = history[round - 1]!.from + options.trialsPerRound;
        await runStep(ctx, { study, label, space, maxTrials: end, trialAttrs: { round } });
        // The trials of this round and the earlier ones, as on the first run however many rounds followed.
        const complete = (await study.trials({ states: ['complete'] })).filter((t) => t.number < end);
        space = narrowSpace(space, complete, ctx.direction, options);
      }
      return { best: bestOf(await study.trials({ states: ['complete'] }), ctx.direction), studies: [study] };
    },
  };
}

function sameSpace(a: RoundRecord['space'], b: RoundRecord['space']): boolean {
  const names = Object.keys(b);
  return (
    Object.keys(a).length === names.length &&
    names.every((name) => a[name] !== undefined && distributionsEqual(a[name], b[name]!))
  );
}

/** The rounds a study records; an older record without `from` (it could not resume) counts as none. */
function recordedRounds(value: JsonValue | undefined): RoundRecord[] {
  if (!Array.isArray(value)) return [];
  const rounds = value as unknown as Partial<RoundRecord>[];
  return rounds.every((r) => typeof r.from === 'number') ? (rounds as RoundRecord[]) : [];
}

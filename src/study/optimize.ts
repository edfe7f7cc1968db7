// The optimize loop, Optuna's `_optimize` in small: start a trial, run the objective, finish the trial,
// until the budget is spent. What the loop needs of a study is the `TrialRunner` port below, so the loop
// reads top-down: budget, one trial, then what ends the run.
import { TrialFailed, TrialPruned, TunekitError, isTunekitError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { isDisconnect } from '../storage/outage.js';
import type { StartOptions } from './storage.js';
import type { Trial } from './trial.js';
import type { TrialRecord } from './types.js';

export type ObjectiveResult = number | readonly number[];
export type Objective = (trial: Trial) => ObjectiveResult | Promise<ObjectiveResult>;
export type TellResult = ObjectiveResult | 'pruned' | 'fail';
/** Errors `optimize` records as a failed trial and goes on past: by code (a TunekitError's, or Node's `error.code`) or class. */
export type CatchRule =
  boolean | readonly (ErrorCode | string | ErrorClass)[] | ((error: unknown) => boolean);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any constructor, whatever its parameters
type ErrorClass = abstract new (...args: any[]) => unknown;

export interface OptimizeOptions<S = unknown> {
  /** Trials to run in this call (not counting trials of other workers). Unbounded if omitted. */
  nTrials?: number;
  /**
   * Stop once the study holds this many trials, counting every worker's (any state). Restarted workers
   * do not overshoot: storage refuses a trial beyond it. Enqueued trials and retries still run.
   */
  maxTrials?: number;
  /** Start no trial after this many milliseconds. */
  timeoutMs?: number;
  /** Trials run at once in this process (for async objectives). Default 1. */
  concurrency?: number;
  /**
   * Whether the study goes on after an objective throws. The trial is recorded as failed with the error as
   * its reason either way. Default false: `optimize` then rethrows the error, so a bug in the objective is
   * seen at once (Optuna's default). true goes on past every error; a list goes on past the errors with
   * those codes (`'ECONNRESET'`, `'command_failed'`) or of those classes; a function decides per error.
   * An objective that returns no valid value (NaN, undefined, the wrong count), or throws `TrialFailed`,
   * fails its trial and the study goes on, with a warning logged.
   */
  catch?: CatchRule;
  /**
   * Draws the study's progress on stderr when it is a terminal: trials done of the budget by state, the
   * best so far, elapsed time and ETA, counting every worker's trials. Default false.
   */
  showProgress?: boolean;
  /** Called after each trial finishes, with the record as stored. */
  callbacks?: readonly ((study: S, trial: TrialRecord) => void | Promise<void>)[];
}

/** A finished trial as stored, and the next trial if storage started one in the same write. */
export interface Settled {
  readonly record: TrialRecord;
  /** Absent when no next start was asked for; null when storage may start none (budget, exhausted grid). */
  readonly started?: TrialRecord | null;
  /** Storage refused the finish: another worker had failed the trial as stale, and `record` is that verdict. */
  readonly refused?: boolean;
}

/** What the loop needs of a study. */
export interface TrialRunner<S> {
  readonly study: S;
  /** A trial for the objective: `pending` is one storage started with the last finish. Null: none may start. */
  begin(pending: TrialRecord | null | undefined, maxTrials: number | undefined): Promise<Trial | null>;
  /** Set when a start must never ride in the same write as a finish. */
  readonly separateStarts?: boolean;
  /** Readies a start in the same write as a finish (stale check, sampler preparation); its options. */
  prepareStart(maxTrials: number | undefined): Promise<StartOptions>;
  finish(trial: Trial, result: TellResult, failReason?: string, next?: StartOptions): Promise<Settled>;
  /** Gives a trial up without finishing it: the stale-trial check will fail it. */
  abandon(trial: Trial): void;
  /** With the budget spent: whether to try again later, since another worker's trial may be dead. */
  linger(): Promise<boolean>;
  /** How many stops were ever requested on the study, by any process. */
  stopRequests(): Promise<number>;
  /** Whether `stop()` was called in this process. */
  stopped(): boolean;
}

const STOP_POLL_MS = 1000;
// A server that drops every connection as soon as it is back is not coming back: stop after this many.
const MAX_OUTAGES_IN_A_ROW = 5;

/** Runs the objective on new trials until `nTrials`, the timeout, a stop or an exhausted search space. */
export async function optimize<S>(
  runner: TrialRunner<S>,
  objective: Objective,
  options: OptimizeOptions<S>,
): Promise<void> {
  const { maxTrials, concurrency = 1, callbacks = [] } = options;
  checkPositive('concurrency', concurrency, false);
  if (maxTrials !== undefined) checkPositive('maxTrials', maxTrials, false);
  const keepGoing = catchRule(options.catch ?? false);
  const budget = new Budget(options, runner);
  await budget.begin();

  /** Finishes a trial, starting the next in the same write when nothing must run between the two. */
  const finish = async (trial: Trial, result: TellResult, failReason?: string): Promise<Settled> => {
    if (runner.separateStarts || !budget.allowsAnother() || callbacks.length > 0)
      return runner.finish(trial, result, failReason);
    budget.take();
    let next: StartOptions;
    try {
      next = await runner.prepareStart(maxTrials);
    } catch (error) {
      budget.giveBack();
      const settled = await runner.finish(trial, result, failReason);
      // The sampler found nothing left to run (brute force): this trial is the last.
      if (isTunekitError(error, 'search_space_exhausted')) {
        budget.halt();
        return settled;
      }
      throw error;
    }
    // A finish refused (or whose connection dropped, a write held back until the end) started nothing.
    const settled = await runner.finish(trial, result, failReason, next).catch((error: unknown) => {
      budget.giveBack();
      throw error;
    });
    if (settled.started === undefined) budget.giveBack();
    return settled;
  };

  const work = async (): Promise<void> => {
    let pending: TrialRecord | null | undefined; // started together with the previous trial's finish
    let outages = 0; // in a row, without a trial finishing between them
    while (pending !== undefined || budget.allowsAnother()) {
      let trial: Trial | null = null;
      try {
        const taken = pending === undefined;
        if (taken) budget.take();
        trial = await runner.begin(pending, maxTrials);
        pending = undefined;
        if (trial === null) {
          if (taken) budget.giveBack();
          if (await runner.linger()) continue;
          return budget.halt();
        }
        const ran = await runObjective(objective, trial);
        // The objective's own write (a report) lost its connection: the trial is given up, not failed.
        if (isDisconnect(ran.error)) throw ran.error;
        const settled =
          'error' in ran
            ? await runner.finish(trial, 'fail', ran.failReason)
            : await finish(trial, ran.result, ran.failReason);
        // A write refused because another worker failed the trial as stale meanwhile (its heartbeats stopped
        // past the grace period) is no bug in the objective: the trial keeps that verdict and the worker
        // goes on, as after a refused finish.
        const takenOver = settled.refused === true && isTunekitError(ran.error, 'trial_finished');
        if ('error' in ran && !keepGoing(ran.error) && !takenOver) throw ran.error;
        outages = 0;
        pending = settled.started;
        for (const callback of callbacks) await callback(runner.study, settled.record);
      } catch (error) {
        if (!isDisconnect(error) || ++outages > MAX_OUTAGES_IN_A_ROW) throw error;
        // Storage answers again (the guard waited for it), but whether the last write arrived is unknown:
        // the trial, and any trial storage may have started with it, are left to the stale-trial check.
        if (trial) runner.abandon(trial);
        pending = undefined;
      }
    }
  };

  budget.watchStops();
  const results = await Promise.allSettled(
    Array.from({ length: concurrency }, () =>
      work().catch((error: unknown) => {
        budget.halt();
        throw error;
      }),
    ),
  ).finally(() => budget.unwatchStops());
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}

/**
 * This call's limits: trials started, time, stop requests from this process or any other. Other processes'
 * requests are looked up once a second in the background, while trials train, so no trial waits for the
 * lookup; a worker sees a request within about a second and then starts no trial but one it had already
 * started.
 */
class Budget {
  private readonly nTrials: number;
  private readonly deadline: number;
  private started = 0;
  private halted = false;
  private stopsAtStart = 0;
  private stopsSeen = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    options: { nTrials?: number; timeoutMs?: number },
    private readonly runner: TrialRunner<unknown>,
  ) {
    this.nTrials = options.nTrials ?? Infinity;
    checkPositive('nTrials', this.nTrials, true);
    if (options.timeoutMs !== undefined) checkPositive('timeoutMs', options.timeoutMs, true);
    this.deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  }

  /** Notes the stop requests made before this call, so only later ones stop it. */
  async begin(): Promise<void> {
    this.stopsAtStart = this.stopsSeen = await this.runner.stopRequests();
  }

  allowsAnother(): boolean {
    return (
      !this.halted &&
      !this.runner.stopped() &&
      !this.stopSeen() &&
      this.started < this.nTrials &&
      Date.now() < this.deadline
    );
  }

  take(): void {
    this.started++;
  }

  giveBack(): void {
    this.started--;
  }

  halt(): void {
    this.halted = true;
  }

  /** Whether a stop was requested since this call began, as last looked up. */
  stopSeen(): boolean {
    return this.stopsSeen !== this.stopsAtStart;
  }

  /** Looks the study's stop requests up once a second until `unwatchStops`. */
  watchStops(): void {
    let looking = false;
    this.timer = setInterval(() => {
      if (looking) return;
      looking = true;
      this.runner
        .stopRequests()
        .then(
          (n) => (this.stopsSeen = n),
          // A lookup that failed (storage down) is made again a second later; the trials' own storage
          // calls report the outage.
          () => {},
        )
        .finally(() => (looking = false));
    }, STOP_POLL_MS);
    // unref (Node only; a browser's timers have none): the lookups never keep a process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  unwatchStops(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

/** What running the objective on a trial gave: what to tell, and the error it threw, if it threw one. */
type Ran =
  | { result: TellResult; failReason?: string; error?: undefined }
  | { result: 'fail'; failReason: string; error: unknown };

async function runObjective(objective: Objective, trial: Trial): Promise<Ran> {
  let returned: unknown;
  try {
    returned = await objective(trial);
  } catch (error) {
    if (error instanceof TrialPruned) return { result: 'pruned' };
    if (error instanceof TrialFailed) return { result: 'fail', failReason: error.message };
    return { result: 'fail', failReason: describeError(error), error };
  }
  if (typeof returned === 'number') return { result: returned };
  if (Array.isArray(returned) && returned.every((v) => typeof v === 'number')) return { result: returned };
  // Not a bug that throws: the trial fails with the reason (tell checks NaN and the count) and the study goes on.
  const shown = returned === undefined ? 'undefined' : JSON.stringify(returned);
  return {
    result: 'fail',
    failReason: `the objective returned ${shown}; return a number or an array of numbers`,
  };
}

/** `catch` as a predicate: does optimize go on past this error? */
function catchRule(rule: CatchRule): (error: unknown) => boolean {
  if (typeof rule === 'boolean') return () => rule;
  if (typeof rule === 'function') return rule;
  if (!Array.isArray(rule))
    throw new TunekitError(
      'invalid_argument',
      `optimize: catch must be a boolean, a list of error codes or classes, or a function; got ${String(rule)}`,
    );
  return (error) =>
    rule.some((entry) =>
      typeof entry === 'string'
        ? (error as { code?: unknown } | null)?.code === entry
        : error instanceof (entry as ErrorClass),
    );
}

function checkPositive(name: string, value: number, allowInfinity: boolean): void {
  const ok =
    typeof value === 'number' &&
    value > 0 &&
    (Number.isInteger(value) || (allowInfinity && value === Infinity) || name === 'timeoutMs');
  if (!ok)
    throw new TunekitError(
      'invalid_argument',
      `optimize: ${name} must be a positive ${name === 'timeoutMs' ? 'number' : 'integer'}, got ${String(value)}`,
    );
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

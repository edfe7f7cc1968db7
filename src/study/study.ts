// A study: a named optimisation task in a storage. `optimize` is just a loop over ask / objective / tell;
// any number of Study objects in any number of processes may work on the same study through its storage.
import { TrialPruned, TunekitError, isTunekitError } from '../errors.js';
import type { ParamValue } from '../search-space/index.js';
import { bestOf, paretoFront } from './pareto.js';
import type { Pruner } from './pruner.js';
import { Heartbeat } from './heartbeat.js';
import type { Sampler, SamplerContext } from './sampler.js';
import { TrialSnapshot } from './snapshot.js';
import { requestStop, stopRequests } from './stop.js';
import type { StartOptions, StudyStorage, TrialQuery, TrialResult } from './storage.js';
import { Trial, toJson } from './trial.js';
import type { Direction, JsonValue, StudyInfo, TrialRecord } from './types.js';

export type ObjectiveResult = number | readonly number[];
export type Objective = (trial: Trial) => ObjectiveResult | Promise<ObjectiveResult>;
export type TellResult = ObjectiveResult | 'pruned' | 'fail';
export type StudyCallback = (study: Study, trial: TrialRecord) => void | Promise<void>;

const STOP_POLL_MS = 1000;
// A server that drops every connection as soon as it is back is not coming back: stop after this many.
const MAX_OUTAGES_IN_A_ROW = 5;

/** A finished trial as stored, and the next trial if storage started one in the same write. */
interface Settled {
  readonly record: TrialRecord;
  readonly started?: TrialRecord | null;
}

export interface OptimizeOptions {
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
   * Whether the study goes on after an objective throws (the trial is recorded as failed either way).
   * Default true; false stops and rethrows; a function decides per error.
   */
  catch?: boolean | ((error: unknown) => boolean);
  /** Called after each trial finishes, with the record as stored. */
  callbacks?: readonly StudyCallback[];
  /**
   * How long to wait for storage whose connection dropped (a database server restarting) before giving up
   * with `storage_unreachable`. Default 60,000; 0 gives up at once. The trial that was running is left to
   * the stale-trial check (failed, and retried with `retries`); writes are never blindly repeated.
   */
  storageOutageMs?: number;
}

export interface StudyParts {
  readonly info: StudyInfo;
  readonly storage: StudyStorage;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  /** Identifies this process in the trials it runs. */
  readonly worker: string;
  /** Heartbeats, stale-trial failing and retries; off when omitted. */
  readonly failures?: { heartbeatIntervalMs: number; gracePeriodMs: number; retries: number };
}

export class Study {
  readonly storage: StudyStorage;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  private readonly info: StudyInfo;
  private readonly worker: string;
  private readonly snapshot: TrialSnapshot;
  private readonly heartbeat: Heartbeat;
  private readonly live = new Map<number, { trial: Trial; context: SamplerContext }>();
  private stopRequested = false;

  constructor(parts: StudyParts) {
    this.info = parts.info;
    this.storage = parts.storage;
    this.sampler = parts.sampler;
    this.pruner = parts.pruner;
    this.worker = parts.worker;
    this.snapshot = new TrialSnapshot(parts.storage, parts.info.id);
    this.heartbeat = new Heartbeat(
      parts.storage,
      parts.info.id,
      parts.failures ?? { heartbeatIntervalMs: 0, gracePeriodMs: 0, retries: 0 },
    );
  }

  get id(): number {
    return this.info.id;
  }

  get name(): string {
    return this.info.name;
  }

  get directions(): readonly Direction[] {
    return this.info.directions;
  }

  /** The direction of a single-objective study. */
  get direction(): Direction {
    if (this.info.directions.length !== 1)
      throw new TunekitError(
        'invalid_argument',
        `study "${this.name}" has ${this.info.directions.length} objectives; use directions`,
      );
    return this.info.directions[0] as Direction;
  }

  /**
   * Starts a trial: claims an enqueued one if any is waiting, otherwise creates one for the sampler to fill
   * (with `maxTrials`, only while the study holds fewer trials; else throws `max_trials_reached`). First
   * fails (and retries) trials whose worker stopped sending heartbeats.
   */
  async ask(options: { maxTrials?: number } = {}): Promise<Trial> {
    await this.beforeStart();
    const start = this.startOptions(options);
    return this.open(await this.storage.startTrial(this.info.id, this.worker, start), start);
  }

  /** Before a trial starts: fail dead workers' trials (at most once per heartbeat interval); a grid enqueues. */
  private async beforeStart(): Promise<void> {
    await this.heartbeat.failStale();
    await this.sampler.prepare?.(this.info, this.storage);
  }

  private startOptions(options: { maxTrials?: number }): StartOptions {
    return { onlyWaiting: this.sampler.onlyEnqueued ?? false, ...options };
  }

  /** Turns a trial storage just started into a Trial for the objective (null: storage started none). */
  private async open(record: TrialRecord | null, start: StartOptions): Promise<Trial> {
    if (record === null && start.onlyWaiting)
      throw new TunekitError(
        'search_space_exhausted',
        `study "${this.name}": every point of the sampler's search space has been run`,
      );
    if (record === null)
      throw new TunekitError(
        'max_trials_reached',
        `study "${this.name}" already holds ${start.maxTrials} trials`,
      );
    this.heartbeat.track(record.id);
    try {
      const view = this.sampler.ignoresHistory ? null : await this.samplerView(record);
      const context: SamplerContext = {
        study: this.info,
        get trials() {
          if (view === null)
            throw new TunekitError(
              'invalid_argument',
              'the sampler sets ignoresHistory but read ctx.trials; drop the flag to get them',
            );
          return view;
        },
        trial: record,
        setMemo: (key, value) => this.storage.setTrialSystemAttr(record.id, `sampler:${key}`, value),
      };
      const relative = (await this.sampler.sampleRelative?.(context)) ?? null;
      const trial = new Trial(record, {
        storage: this.storage,
        sampler: this.sampler,
        pruner: this.pruner,
        study: this.info,
        context,
        relative,
        loadTrials: () => this.snapshot.load(),
      });
      this.live.set(record.number, { trial, context });
      return trial;
    } catch (error) {
      this.heartbeat.untrack(record.id);
      await this.storage.finishTrial(record.id, {
        state: 'fail',
        failReason: `sampler failed: ${describeError(error)}`,
      });
      throw error;
    }
  }

  /**
   * Finishes a trial with its objective value(s), or as pruned or failed. Invalid values (NaN, Infinity,
   * the wrong count) fail the trial with the reason stored; the returned record says what was stored.
   */
  async tell(
    trialOrNumber: Trial | number,
    result: TellResult,
    options: { failReason?: string } = {},
  ): Promise<TrialRecord> {
    return (await this.finish(trialOrNumber, result, options.failReason)).record;
  }

  /**
   * tell's work. With `next` (and a storage that can), this worker's next trial starts in the same write as
   * the finish: one commit between two trials instead of two. `started` is what storage started, if it tried.
   */
  private async finish(
    trialOrNumber: Trial | number,
    result: TellResult,
    failReason?: string,
    next?: StartOptions,
  ): Promise<Settled> {
    const number = typeof trialOrNumber === 'number' ? trialOrNumber : trialOrNumber.number;
    const live = this.live.get(number);
    let writeError: unknown = null;
    if (live) await live.trial.flush().catch((error: unknown) => (writeError = error));
    const id = live?.trial.id ?? (await this.trialByNumber(number)).id;
    const outcome =
      writeError !== null
        ? ({ state: 'fail', failReason: `could not store the trial: ${describeError(writeError)}` } as const)
        : await this.outcome(id, result, failReason);
    const chained = next && this.storage.finishAndStartTrial;
    const settled: Settled = await (
      chained
        ? this.storage.finishAndStartTrial!(id, outcome, this.info.id, this.worker, next).then(
            ({ finished, started }) => ({ record: finished, started }),
          )
        : this.storage.finishTrial(id, outcome).then((record) => ({ record }))
    ).finally(() => this.heartbeat.untrack(id));
    this.live.delete(number);
    try {
      if (live) await this.sampler.afterTrial?.(live.context, settled.record);
    } catch (error) {
      // The next trial will not run: fail it as a sampler failure in ask would.
      if (settled.started)
        await this.storage.finishTrial(settled.started.id, {
          state: 'fail',
          failReason: `sampler failed: ${describeError(error)}`,
        });
      throw error;
    }
    return settled;
  }

  /** Runs the objective on new trials until `nTrials`, the timeout, `stop()` or an exhausted search space. */
  async optimize(objective: Objective, options: OptimizeOptions = {}): Promise<void> {
    const {
      nTrials = Infinity,
      maxTrials,
      timeoutMs,
      concurrency = 1,
      callbacks = [],
      storageOutageMs = 60_000,
    } = options;
    checkPositive('nTrials', nTrials, true);
    if (!(storageOutageMs >= 0))
      throw new TunekitError(
        'invalid_argument',
        `storageOutageMs must be a number >= 0, got ${String(storageOutageMs)}`,
      );
    if (maxTrials !== undefined) checkPositive('maxTrials', maxTrials, false);
    checkPositive('concurrency', concurrency, false);
    if (timeoutMs !== undefined) checkPositive('timeoutMs', timeoutMs, true);
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    const keepGoing = options.catch ?? true;
    let started = 0;
    let halted = false;
    this.stopRequested = false;
    const stopsAtStart = stopRequests(await this.storage.getStudy(this.name));
    let lastStopCheck = Date.now();
    // Another process may ask the study to stop (see stop.ts); look at most once a second.
    const stopAsked = async (): Promise<boolean> => {
      if (Date.now() - lastStopCheck < STOP_POLL_MS) return false;
      lastStopCheck = Date.now();
      return stopRequests(await this.storage.getStudy(this.name)) !== stopsAtStart;
    };

    const askOptions = maxTrials === undefined ? {} : { maxTrials };
    // Settles a trial; when nothing has to run before the next one starts (no callbacks, no stop poll due)
    // and the loop goes on anyway, storage starts the next trial in the same write.
    const settleAndGo = async (trial: Trial, result: TellResult): Promise<Settled> => {
      const goOn = !halted && !this.stopRequested && started < nTrials && Date.now() < deadline;
      if (
        !goOn ||
        callbacks.length > 0 ||
        Date.now() - lastStopCheck >= STOP_POLL_MS ||
        !this.storage.finishAndStartTrial
      )
        return this.settle(trial, result);
      started++;
      try {
        await this.beforeStart();
      } catch (error) {
        started--;
        await this.settle(trial, result);
        throw error;
      }
      const settled = await this.settle(trial, result, undefined, this.startOptions(askOptions));
      if (settled.started === undefined) started--;
      return settled;
    };

    const loop = async (): Promise<void> => {
      let next: TrialRecord | null | undefined; // started together with the previous trial's finish
      let outages = 0; // in a row, without a trial finishing between them
      while (
        next !== undefined ||
        (!halted && !this.stopRequested && started < nTrials && Date.now() < deadline)
      ) {
        let trial: Trial | undefined;
        try {
          try {
            if (next === undefined) {
              started++;
              trial = await this.ask(askOptions);
            } else {
              const record = next;
              next = undefined;
              trial = await this.open(record, this.startOptions(askOptions));
            }
          } catch (error) {
            if (
              isTunekitError(error, 'search_space_exhausted') ||
              isTunekitError(error, 'max_trials_reached')
            )
              return void (halted = true);
            throw error;
          }
          let settled: Settled;
          try {
            settled = await settleAndGo(trial, checkResult(await objective(trial)));
          } catch (error) {
            if (error instanceof TrialPruned) settled = await settleAndGo(trial, 'pruned');
            else {
              settled = await this.settle(trial, 'fail', describeError(error));
              if (!(typeof keepGoing === 'function' ? keepGoing(error) : keepGoing)) throw error;
            }
          }
          outages = 0;
          next = settled.started;
          for (const callback of callbacks) await callback(this, settled.record);
          if (next === undefined && (await stopAsked())) halted = true;
        } catch (error) {
          if (!isOutage(error) || ++outages > MAX_OUTAGES_IN_A_ROW) throw error;
          // Whether the last write reached storage is unknown: the trial (and any trial storage may have
          // started with it) is left running, so the stale-trial check fails it, as if its worker had died.
          if (trial) this.abandon(trial);
          next = undefined;
          await this.awaitStorage(error, storageOutageMs);
        }
      }
    };

    const results = await Promise.allSettled(
      Array.from({ length: concurrency }, () =>
        loop().catch((error: unknown) => {
          halted = true;
          throw error;
        }),
      ),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /** Makes the running `optimize` call (in this process) start no new trial. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Asks every worker of the study, in any process, to finish its current trial and start no other. */
  async requestStop(): Promise<void> {
    this.stop();
    await requestStop(this.storage, this.name);
  }

  /** Manual search: the next trial a worker starts gets exactly these values. */
  async enqueueTrial(
    params: Record<string, ParamValue>,
    options: { userAttrs?: Record<string, JsonValue> } = {},
  ): Promise<void> {
    if (params === null || typeof params !== 'object' || Array.isArray(params))
      throw new TunekitError('invalid_argument', 'enqueueTrial: params must be an object of name → value');
    await this.storage.enqueueTrials(this.info.id, [
      { fixedParams: params, ...(options.userAttrs ? { userAttrs: options.userAttrs } : {}) },
    ]);
  }

  /** Immutable trial records, ordered by number. */
  async trials(query: TrialQuery = {}): Promise<TrialRecord[]> {
    return this.storage.getTrials(this.info.id, query);
  }

  /** The best complete trial of a single-objective study; throws `no_completed_trials` if there is none. */
  async bestTrial(): Promise<TrialRecord> {
    const best = bestOf(await this.trials({ states: ['complete'] }), this.direction);
    if (!best)
      throw new TunekitError('no_completed_trials', `study "${this.name}" has no complete trial yet`);
    return best;
  }

  async bestValue(): Promise<number> {
    return (await this.bestTrial()).values![0] as number;
  }

  async bestParams(): Promise<Readonly<Record<string, ParamValue>>> {
    return (await this.bestTrial()).params;
  }

  /** The Pareto front (for one objective: the best trial, or nothing). */
  async bestTrials(): Promise<TrialRecord[]> {
    return paretoFront(await this.trials({ states: ['complete'] }), this.info.directions);
  }

  async userAttrs(): Promise<Readonly<Record<string, JsonValue>>> {
    return (await this.storage.getStudy(this.name)).userAttrs;
  }

  async setUserAttr(key: string, value: JsonValue): Promise<void> {
    await this.storage.setStudyUserAttr(this.info.id, key, toJson(value, `study attribute "${key}"`));
  }

  /** Stops keeping a trial alive: its heartbeats end, so other workers fail it once the grace period passes. */
  private abandon(trial: Trial): void {
    this.heartbeat.untrack(trial.id);
    this.live.delete(trial.number);
  }

  /** Waits until storage answers again, for at most `limitMs`; throws `outage` if it does not. */
  private async awaitStorage(outage: unknown, limitMs: number): Promise<void> {
    const giveUpAt = Date.now() + limitMs;
    for (let pauseMs = 250; ; pauseMs = Math.min(2 * pauseMs, 2000)) {
      if (Date.now() >= giveUpAt) throw outage;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(pauseMs, Math.max(0, giveUpAt - Date.now()))),
      );
      try {
        await this.storage.getStudy(this.name);
        return;
      } catch (error) {
        if (!isOutage(error)) throw error;
      }
    }
  }

  /** `tell` for optimize: a trial another worker already failed as stale keeps that verdict. */
  private async settle(
    trial: Trial,
    result: TellResult,
    failReason?: string,
    next?: StartOptions,
  ): Promise<Settled> {
    try {
      return await this.finish(trial, result, failReason, next);
    } catch (error) {
      // Our heartbeats stopped for longer than the grace period (a blocked event loop, a paused machine).
      // Storage refused the finish, so it started no next trial either.
      if (!isTunekitError(error, 'trial_finished')) throw error;
      this.live.delete(trial.number);
      return { record: await this.storage.getTrial(trial.id) };
    }
  }

  /** The trials the sampler may model for a trial that just started. */
  private async samplerView(record: TrialRecord): Promise<readonly TrialRecord[]> {
    const all = await this.snapshot.load();
    // A pruner may choose what the sampler models (Hyperband: the trial's bracket, or one rung's values).
    return this.pruner.samplerView ? this.pruner.samplerView({ study: this.info, trials: all }, record) : all;
  }

  private async trialByNumber(number: number): Promise<TrialRecord> {
    const [record] = await this.storage.getTrials(this.info.id, { fromNumber: number });
    if (!record || record.number !== number)
      throw new TunekitError('trial_not_found', `study "${this.name}" has no trial number ${number}`);
    return record;
  }

  private async outcome(trialId: number, result: TellResult, failReason?: string): Promise<TrialResult> {
    if (result === 'fail') return { state: 'fail', failReason: failReason ?? 'failed by tell' };
    if (result === 'pruned') {
      // A pruned trial keeps its last intermediate value, so it can still be ranked (single objective).
      const reported = (await this.storage.getTrial(trialId)).intermediateValues;
      const steps = Object.keys(reported).map(Number);
      const last = steps.length > 0 ? reported[Math.max(...steps)] : undefined;
      const keep = this.info.directions.length === 1 && last !== undefined && Number.isFinite(last);
      return { state: 'pruned', values: keep ? [last] : null };
    }
    const values = typeof result === 'number' ? [result] : result;
    const problem = invalidValues(values, this.info.directions.length);
    // -0 is stored as 0 (JSON has no -0): the same value on every storage.
    return problem
      ? { state: 'fail', failReason: problem }
      : { state: 'complete', values: values.map((v) => (Object.is(v, -0) ? 0 : v)) };
  }
}

/** Storage lost its connection (a server restart, a network blip), as opposed to refusing the request. */
function isOutage(error: unknown): boolean {
  return (
    isTunekitError(error, 'storage_unreachable') &&
    (error.details as { transient?: boolean } | undefined)?.transient === true
  );
}

function invalidValues(values: readonly number[], expected: number): string | null {
  if (values.length !== expected)
    return `the objective returned ${values.length} value(s) but the study has ${expected} objective(s)`;
  const bad = values.find((v) => typeof v !== 'number' || !Number.isFinite(v));
  return bad === undefined ? null : `the objective returned ${String(bad)}; values must be finite numbers`;
}

function checkResult(result: unknown): ObjectiveResult {
  if (typeof result === 'number') return result;
  if (Array.isArray(result) && result.every((v) => typeof v === 'number')) return result as number[];
  throw new TunekitError(
    'invalid_result',
    `the objective returned ${result === undefined ? 'undefined' : JSON.stringify(result)}; return a number or an array of numbers`,
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

// A study: a named optimisation task in a storage. `optimize` is just a loop over ask / objective / tell;
// any number of Study objects in any number of processes may work on the same study through its storage.
import { TunekitError, isTunekitError } from '../errors.js';
import { validateDistribution } from '../search-space/index.js';
import type { Distribution, ParamValue } from '../search-space/index.js';
import { OutageGuard, isDisconnect } from '../storage/outage.js';
import { bestOf, paretoFront } from './pareto.js';
import { nopPruner } from './pruner.js';
import type { Pruner } from './pruner.js';
import { Heartbeat } from './heartbeat.js';
import { trialFinished } from './logger.js';
import { ProgressWatch } from './progress.js';
import { ProgressDisplay, stderrOutput } from './progress-display.js';
import type { Logger } from './logger.js';
import type { Sampler, SamplerContext } from './sampler.js';
import { ReproducibleHistory, checkReproducible } from './reproducible.js';
import type { Placed } from './reproducible.js';
import { ReadAhead, TrialSnapshot, fixedHistory } from './snapshot.js';
import { requestStop, stopRequests } from './stop.js';
import type { StartOptions, StudyStorage, TrialQuery, TrialResult } from './storage.js';
import { describeError, optimize as runOptimize } from './optimize.js';
import type {
  Objective,
  OptimizeOptions as LoopOptions,
  Settled,
  TellResult,
  TrialRunner,
} from './optimize.js';
import { addTrials, enqueueTrial } from './add-trial.js';
import type { NewTrial } from './add-trial.js';
import { trialResult } from './result.js';
import { Trial, toJson } from './trial.js';
import { isFeasible } from './types.js';
import type { Direction, JsonValue, ReproducibleMode, StudyInfo, TrialRecord } from './types.js';

export type { CatchRule, Objective, ObjectiveResult, TellResult } from './optimize.js';
export { describeError } from './optimize.js';
export type StudyCallback = (study: Study, trial: TrialRecord) => void | Promise<void>;
export type OptimizeOptions = LoopOptions<Study>;

export interface StudyParts {
  readonly info: StudyInfo;
  readonly storage: StudyStorage;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  /** Identifies this process in the trials it runs. */
  readonly worker: string;
  /** Heartbeats, stale-trial failing and retries; off when omitted. */
  readonly failures?: { heartbeatIntervalMs: number; gracePeriodMs: number; retries: number };
  /** How long to wait for storage whose connection dropped (see storage/outage.ts). Default 0: not at all. */
  readonly storageOutageMs?: number;
  /** Where the study's log events go (see logger.ts); nothing is logged when omitted or null. */
  readonly logger?: Logger | null;
  /**
   * How long a trial of a reproducible study (`info.reproducible`, whose lag every worker runs with) may
   * wait for the trials it must see; the default is reproducible.ts's.
   */
  readonly reproducibleWaitMs?: number;
  /** A running trial writes to storage, and reads it for the pruner, at most once per this many ms. Default 0. */
  readonly syncIntervalMs?: number;
}

export class Study {
  readonly storage: StudyStorage;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  private readonly info: StudyInfo;
  private readonly worker: string;
  private readonly syncIntervalMs: number;
  private readonly snapshot: TrialSnapshot;
  private readonly heartbeat: Heartbeat;
  /** Other workers' trials this process is waiting out at the end of a budget (logged once each). */
  private readonly suspects = new Set<number>();
  private readonly live = new Map<number, { trial: Trial; context: SamplerContext }>();
  /** Null for a quiet study: then no log event is even built. */
  private readonly log: Logger | null;
  /** The best complete trial this process has seen (single objective), for the log line. */
  private bestSeen: TrialRecord | null = null;
  private stopRequested = false;
  /** Whether an objective in this process asked the pruner (then trials read the history ahead for it). */
  private askedPruner = false;
  /** The waits and views of a reproducible study; null for any other. */
  private readonly placing: ReproducibleHistory | null;

  constructor(parts: StudyParts) {
    this.info = parts.info;
    // Every storage call of this study rides through a dropped connection the same way.
    this.storage = new OutageGuard(parts.storage, {
      waitMs: parts.storageOutageMs ?? 0,
      // By id and past the last trial: cheap, and still right if another process renames the study.
      probe: () => parts.storage.getTrials(parts.info.id, { fromNumber: Number.MAX_SAFE_INTEGER }),
      onLost: (error) =>
        this.log?.({
          level: 'warn',
          study: this.name,
          message: `${error.message}; waiting up to ${parts.storageOutageMs ?? 0} ms for storage to answer again`,
        }),
    });
    this.sampler = parts.sampler;
    this.pruner = parts.pruner;
    this.worker = parts.worker;
    this.syncIntervalMs = parts.syncIntervalMs ?? 0;
    if (!(this.syncIntervalMs >= 0 && this.syncIntervalMs < Infinity))
      throw new TunekitError(
        'invalid_argument',
        `syncIntervalMs must be a number >= 0, got ${String(parts.syncIntervalMs)}`,
      );
    this.snapshot = new TrialSnapshot(this.storage, parts.info.id);
    this.log = parts.logger ?? null;
    this.heartbeat = new Heartbeat(
      this.storage,
      parts.info.id,
      parts.failures ?? { heartbeatIntervalMs: 0, gracePeriodMs: 0, retries: 0 },
    );
    const mode = parts.info.reproducible;
    const waitMs = parts.reproducibleWaitMs;
    this.placing = mode
      ? new ReproducibleHistory(
          checkReproducible({ lag: mode.lag, ...(waitMs === undefined ? {} : { waitMs }) }),
          parts.info.name,
          () => this.snapshot.load(),
          () => this.failStale(),
        )
      : null;
  }

  /** Milliseconds this process's trials spent waiting for other workers' (reproducible mode; else 0). */
  get waitedMs(): number {
    return this.placing?.waitedMs ?? 0;
  }

  /** The study's reproducible mode, as stored with it (docs/reproducibility.md); null when it has none. */
  get reproducible(): ReproducibleMode | null {
    return this.info.reproducible;
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
    if (this.info.directions.length !== 1) throw this.notSingle('direction', 'directions');
    return this.info.directions[0] as Direction;
  }

  /**
   * Starts a trial: claims an enqueued one if any is waiting, otherwise creates one for the sampler to fill
   * (with `maxTrials`, only while the study holds fewer trials; else throws `max_trials_reached`). First
   * fails (and retries) trials whose worker stopped sending heartbeats. `fixedDistributions` are suggested
   * at once (Optuna's `ask(fixed_distributions)`), so an ask/tell loop can define its space up front.
   */
  async ask(
    options: { maxTrials?: number; fixedDistributions?: Record<string, Distribution> } = {},
  ): Promise<Trial> {
    const { fixedDistributions, ...limits } = options;
    const space = Object.entries(fixedDistributions ?? {}).map(
      ([n, d]) => [n, validateDistribution(n, d)] as const,
    );
    const start = await this.beforeStart(this.startOptions(limits));
    const trial = await this.open(await this.storage.startTrial(this.info.id, this.worker, start), start);
    try {
      for (const [name, distribution] of space) trial.suggest(name, distribution);
    } catch (error) {
      await this.tell(trial, 'fail', { failReason: describeError(error) });
      throw error;
    }
    return trial;
  }

  /**
   * Readies a start: fails dead workers' trials (at most once per heartbeat interval), lets the sampler
   * prepare (a grid enqueues); returns the start's options (a reproducible study's budget counts no retries).
   */
  private async beforeStart(start: StartOptions): Promise<StartOptions> {
    await this.failStale();
    await this.sampler.prepare?.(this.info, this.storage);
    return this.placing ? this.placing.waitForTurn(start) : start;
  }

  private async failStale(): Promise<void> {
    // Another worker's trial this process failed as stale is logged here: its own worker never will.
    for (const failed of await this.heartbeat.failStale())
      this.log?.(trialFinished(this.name, this.info.directions, failed, null));
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
      const placed = this.placing && (await this.placing.place(record));
      const seen = placed ? placed.dress(record) : record;
      // The study as the sampler sees it. For a sampler that ignores history it is read in the background,
      // for the pruner, once this process's objective has asked the pruner anything.
      const readAhead = this.askedPruner && this.pruner !== nopPruner;
      const loaded = placed || (this.sampler.ignoresHistory && !readAhead) ? null : this.snapshot.load();
      const view = this.sampler.ignoresHistory ? null : await this.samplerView(seen, placed, loaded);
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
        trial: seen,
        setMemo: (key, value) => this.storage.writeTrial(record.id, { samplerMemo: { [key]: value } }),
      };
      const relative = (await this.sampler.sampleRelative?.(context)) ?? null;
      const trial = new Trial(record, {
        storage: this.storage,
        sampler: this.sampler,
        pruner: this.pruner,
        study: this.info,
        context,
        relative,
        history: placed
          ? fixedHistory(placed.history)
          : new ReadAhead(
              () => {
                this.askedPruner = true;
                return this.snapshot.load();
              },
              loaded,
              () => this.snapshot.view([...this.live.values()].map(({ trial }) => trial.asStored())),
              this.syncIntervalMs,
            ),
        syncIntervalMs: this.syncIntervalMs,
        ...(placed ? { dress: placed.dress, markFirstWrite: true } : {}),
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
   * tell's work. With `next`, this worker's next trial starts in the same write as
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
    // A write that lost its connection may or may not have arrived: the trial is given up, not finished
    // (optimize leaves it to the stale-trial check), as when the objective itself saw the lost write.
    if (isDisconnect(writeError)) throw writeError;
    const id = live?.trial.id ?? (await this.trialByNumber(number)).id;
    const outcome =
      writeError !== null
        ? ({ state: 'fail', failReason: `could not store the trial: ${describeError(writeError)}` } as const)
        : await this.outcome(id, result, failReason, live?.trial.intermediateValues);
    const settled: Settled = await this.storage
      .finishTrial(id, outcome, next && { worker: this.worker, options: next })
      .then(({ finished, started }) => ({ record: finished, started }))
      .finally(() => this.heartbeat.untrack(id));
    this.live.delete(number);
    this.snapshot.stored(settled.record);
    this.logFinished(settled.record);
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
    this.stopRequested = false;
    const terminal = options.showProgress ? stderrOutput() : null;
    if (!terminal?.isTTY) return runOptimize(this.runner(), objective, options);
    const { nTrials, maxTrials, timeoutMs } = options;
    const watch = await this.progress({
      ...(maxTrials === undefined && nTrials === undefined ? {} : { trials: maxTrials ?? nTrials }),
      ...(maxTrials === undefined && nTrials !== undefined ? { more: true } : {}),
      ...(timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs }),
    });
    // The default logger's trial lines go above the bar; the bar adds the study's counts, best and ETA.
    const display = new ProgressDisplay(watch, 'bar', terminal).start();
    const refresh = () => void display.refresh();
    try {
      await runOptimize(this.runner(), objective, {
        ...options,
        callbacks: [...(options.callbacks ?? []), refresh],
      });
    } finally {
      await display.stop();
    }
  }

  /**
   * A watch on this study's progress as stored, counting every worker. `trials` is the budget: the study's
   * total, or with `more` that many beyond the trials finished now.
   */
  async progress(
    budget: { trials?: number; more?: boolean; deadline?: number } = {},
  ): Promise<ProgressWatch> {
    let total = budget.trials;
    if (total !== undefined && budget.more) {
      const finished = await this.storage.getTrials(this.id, { states: ['complete', 'pruned', 'fail'] });
      total += finished.length;
    }
    return new ProgressWatch(this.storage, this.id, this.directions, {
      ...(total === undefined ? {} : { total }),
      ...(budget.deadline === undefined ? {} : { deadline: budget.deadline }),
    });
  }

  /** What the optimize loop may do with this study (see optimize.ts). */
  private runner(): TrialRunner<Study> {
    const limit = (maxTrials: number | undefined) => (maxTrials === undefined ? {} : { maxTrials });
    return {
      study: this,
      begin: async (pending, maxTrials) => {
        try {
          return pending === undefined
            ? await this.ask(limit(maxTrials))
            : await this.open(pending, this.startOptions(limit(maxTrials)));
        } catch (error) {
          if (isTunekitError(error, 'search_space_exhausted') || isTunekitError(error, 'max_trials_reached'))
            return null;
          throw error;
        }
      },
      prepareStart: (maxTrials) => this.beforeStart(this.startOptions(limit(maxTrials))),
      // A reproducible start may wait for the trial being finished: the two cannot share a write.
      separateStarts: this.placing !== null,
      finish: (trial, result, failReason, next) => this.settle(trial, result, failReason, next),
      abandon: (trial) => this.abandon(trial),
      linger: () =>
        this.heartbeat.lingers((suspect, quietMs) => {
          if (this.suspects.has(suspect.id)) return;
          this.suspects.add(suspect.id);
          this.log?.({
            level: 'info',
            study: this.name,
            trial: suspect,
            message:
              `the budget is spent, but trial ${suspect.number} (worker ${suspect.worker ?? '?'}) has sent no heartbeat ` +
              `for ${Math.round(quietMs / 1000)} s: waiting for it, to fail it after the grace period ` +
              `(${Math.round(this.heartbeat.gracePeriodMs / 1000)} s) and run its retry if there is one`,
          });
        }),
      stopRequests: async () => stopRequests(await this.storage.getStudy(this.name)),
      stopped: () => this.stopRequested,
    };
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

  /**
   * Manual search: the next trial a worker starts gets exactly these values. With `skipIfExists`, nothing
   * is enqueued when a trial with exactly these params exists or waits (Optuna's `skip_if_exists`); the
   * params double as a once-key, so workers enqueueing the same params together add one trial. Returns
   * whether a trial was enqueued.
   */
  async enqueueTrial(
    params: Record<string, ParamValue>,
    options: { userAttrs?: Record<string, JsonValue>; skipIfExists?: boolean } = {},
  ): Promise<boolean> {
    return enqueueTrial(this.storage, this.info.id, params, options);
  }

  /** Adds a finished trial from known results (Optuna's `add_trial`), validated; returns it as stored. */
  async addTrial(trial: NewTrial): Promise<TrialRecord> {
    return (await this.addTrials([trial]))[0]!;
  }

  /** Adds finished trials (all or none), numbered after the study's trials in the given order. */
  async addTrials(trials: readonly NewTrial[]): Promise<TrialRecord[]> {
    return addTrials(this.storage, this.info, trials);
  }

  /** Immutable trial records, ordered by number. */
  async trials(query: TrialQuery = {}): Promise<TrialRecord[]> {
    return this.storage.getTrials(this.info.id, query);
  }

  /**
   * The best complete, feasible trial of a single-objective study (constraints set by `setConstraint` all
   * <= 0, or none set); throws `no_completed_trials` if there is none.
   */
  async bestTrial(): Promise<TrialRecord> {
    if (this.info.directions.length !== 1) throw this.notSingle('bestTrial()', 'bestTrials()');
    const complete = await this.trials({ states: ['complete'] });
    const best = bestOf(complete.filter(isFeasible), this.direction);
    if (!best)
      throw new TunekitError(
        'no_completed_trials',
        `study "${this.name}" has no complete trial${complete.length > 0 ? ' that meets its constraints' : ''} yet`,
      );
    return best;
  }

  async bestValue(): Promise<number> {
    return (await this.bestTrial()).values![0] as number;
  }

  async bestParams(): Promise<Readonly<Record<string, ParamValue>>> {
    return (await this.bestTrial()).params;
  }

  /** The Pareto front of the complete, feasible trials (for one objective: the best trial, or nothing). */
  async bestTrials(): Promise<TrialRecord[]> {
    return paretoFront(
      (await this.trials({ states: ['complete'] })).filter(isFeasible),
      this.info.directions,
    );
  }

  /** The error for a single-objective query on a study with several objectives, naming the one to use. */
  private notSingle(asked: string, instead: string): TunekitError {
    return new TunekitError(
      'invalid_argument',
      `${asked} is for a study with one objective; study "${this.name}" has ${this.info.directions.length}: use ${instead}`,
    );
  }

  async userAttrs(): Promise<Readonly<Record<string, JsonValue>>> {
    return (await this.storage.getStudy(this.name)).userAttrs;
  }

  async setUserAttr(key: string, value: JsonValue): Promise<void> {
    await this.storage.writeStudy(this.info.id, {
      userAttrs: { [key]: toJson(value, `study attribute "${key}"`) },
    });
  }

  /** Stops keeping a trial alive: its heartbeats end, so other workers fail it once the grace period passes. */
  private abandon(trial: Trial): void {
    trial.discard();
    this.heartbeat.untrack(trial.id);
    this.live.delete(trial.number);
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
      return { record: await this.storage.getTrial(trial.id), refused: true };
    }
  }

  /** The trials the sampler may model for a trial that just started. */
  private async samplerView(
    record: TrialRecord,
    placed: Placed | null,
    loaded: Promise<readonly TrialRecord[]> | null,
  ): Promise<readonly TrialRecord[]> {
    const all = placed ? [...placed.history, record] : await (loaded ?? this.snapshot.load());
    if (this.log && this.info.directions.length === 1) this.bestSeen = bestOf(all, this.info.directions[0]!);
    // A pruner may choose what the sampler models (Hyperband: the trial's bracket, or one rung's values).
    return this.pruner.samplerView ? this.pruner.samplerView({ study: this.info, trials: all }, record) : all;
  }

  /** One log line per finished trial, naming the best trial this process has seen. */
  private logFinished(record: TrialRecord): void {
    if (!this.log) return;
    const single = this.info.directions.length === 1;
    // bestOf keeps only complete trials, so a pruned or failed record leaves the best as it was.
    if (single) this.bestSeen = bestOf(this.bestSeen ? [this.bestSeen, record] : [record], this.direction);
    this.log(trialFinished(this.name, this.info.directions, record, single ? this.bestSeen : null));
  }

  private async trialByNumber(number: number): Promise<TrialRecord> {
    const [record] = await this.storage.getTrials(this.info.id, { fromNumber: number });
    if (!record || record.number !== number)
      throw new TunekitError('trial_not_found', `study "${this.name}" has no trial number ${number}`);
    return record;
  }

  private async outcome(
    trialId: number,
    result: TellResult,
    failReason?: string,
    known?: Readonly<Record<number, number>>,
  ): Promise<TrialResult> {
    // Only a pruned trial needs what it reported: its last value is kept. A live trial knows its values.
    const reported =
      result !== 'pruned' ? {} : (known ?? (await this.storage.getTrial(trialId)).intermediateValues);
    return trialResult(result, this.info.directions.length, reported, failReason);
  }
}

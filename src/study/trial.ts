// A running trial, define-by-run: the objective asks for hyperparameters as it goes (`suggest*`), reports
// intermediate values and asks whether to stop. Storage writes are queued in order and sent in the background,
// at most one per sync interval, so a worker far from its database waits no round trip per report and a
// study of many workers costs its storage a bounded rate of writes; writes the objective makes in one go
// (its suggestions, then a report) reach storage together, in one write. The trial's end waits for them.
import { TrialPruned, TunekitError } from '../errors.js';
import {
  categoricalDistribution,
  contains,
  describeDistribution,
  distributionsEqual,
  floatDistribution,
  intDistribution,
  isSingle,
} from '../search-space/index.js';
import type { CategoricalChoice, Distribution, ParamValue, RangeOptions } from '../search-space/index.js';
import type { Pruner } from './pruner.js';
import { FIRST_WRITE_MEMO } from './reproducible.js';
import type { RelativeSample, Sampler, SamplerContext } from './sampler.js';
import type { StudyStorage, TrialParam } from './storage.js';
import type { JsonValue, StudyInfo, TrialRecord } from './types.js';

export interface TrialDeps {
  readonly storage: StudyStorage;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  readonly study: StudyInfo;
  readonly context: SamplerContext;
  readonly relative: RelativeSample | null;
  /** The other trials the pruner judges this one against (see PruneHistory). */
  readonly history: PruneHistory;
  /** At most one write to storage per this many milliseconds; writes queued meanwhile go together. */
  readonly syncIntervalMs: number;
  /** The trial as the pruner sees it (reproducible mode numbers it by its place); identity by default. */
  readonly dress?: (self: TrialRecord) => TrialRecord;
  /** Reproducible mode: the first write names the params it carries (what other trials' placeholders show). */
  readonly markFirstWrite?: boolean;
}

/**
 * The study's trials for pruning decisions. `latest` gives the newest read at hand, waiting only for a read
 * in flight, brought up to date with what this process did since (see Study); `refresh` starts the next read
 * in the background, unless the last one started less than a sync interval ago. A trial refreshes after each
 * decision, so a decision sees other processes' trials as they were at most one report or one sync interval
 * earlier, and a worker far from its storage waits no round trip per decision: the read overlaps training.
 */
export interface PruneHistory {
  latest(): Promise<readonly TrialRecord[]>;
  refresh(): void;
}

export class Trial {
  readonly id: number;
  readonly number: number;
  private readonly paramValues: Record<string, ParamValue> = {};
  private readonly paramDistributions: Record<string, Distribution> = {};
  private readonly reported = new Map<number, number>();
  private readonly attrs: Record<string, JsonValue> = {};
  private constraintValues: readonly number[] | null;
  private readonly fixed: Readonly<Record<string, ParamValue>>;
  private pending: Promise<void> = Promise.resolve();
  /** Writes queued but not yet sent; one send takes all of them. */
  private unsent: Unsent | null = null;
  private writeError: unknown = null;
  private sentOnce = false;
  /** A send of `unsent` is chained after the writes in flight. */
  private chained = false;
  /** The send of `unsent` waits for the sync interval to pass. */
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastSentAt = -Infinity;

  constructor(
    private readonly record: TrialRecord,
    private readonly deps: TrialDeps,
  ) {
    this.id = record.id;
    this.number = record.number;
    this.fixed = record.fixedParams ?? {};
    this.constraintValues = record.constraints;
    Object.assign(this.attrs, record.userAttrs);
  }

  /** Hyperparameters suggested so far. */
  get params(): Readonly<Record<string, ParamValue>> {
    return { ...this.paramValues };
  }

  get distributions(): Readonly<Record<string, Distribution>> {
    return { ...this.paramDistributions };
  }

  get userAttrs(): Readonly<Record<string, JsonValue>> {
    return { ...this.attrs };
  }

  /** The constraint values set so far (`setConstraint`), or null. */
  get constraints(): readonly number[] | null {
    return this.constraintValues === null ? null : [...this.constraintValues];
  }

  /** Intermediate values reported so far, by step. */
  get intermediateValues(): Readonly<Record<number, number>> {
    return Object.fromEntries(this.reported);
  }

  suggestFloat(name: string, low: number, high: number, options: RangeOptions = {}): number {
    return this.suggest(name, floatDistribution(name, low, high, options)) as number;
  }

  suggestInt(name: string, low: number, high: number, options: RangeOptions = {}): number {
    return this.suggest(name, intDistribution(name, low, high, options)) as number;
  }

  suggestCategorical<const T extends CategoricalChoice>(name: string, choices: readonly T[]): T {
    return this.suggest(name, categoricalDistribution(name, choices)) as T;
  }

  /**
   * Suggests a value from any distribution. Asking again for the same name with the same distribution
   * returns the same value; with another distribution it is an error.
   */
  suggest(name: string, distribution: Distribution): ParamValue {
    if (typeof name !== 'string' || name.length === 0)
      throw new TunekitError('invalid_argument', 'parameter name must be a non-empty string');
    // Own keys only: a parameter may be called toString or __proto__.
    if (Object.hasOwn(this.paramDistributions, name)) {
      const previous = this.paramDistributions[name] as Distribution;
      if (!distributionsEqual(previous, distribution))
        throw new TunekitError(
          'incompatible_distribution',
          `parameter "${name}" was already suggested as ${describeDistribution(previous)} in this trial; ` +
            `it cannot also be ${describeDistribution(distribution)}`,
          { param: name },
        );
      return this.paramValues[name] as ParamValue;
    }
    const value = this.choose(name, distribution);
    this.paramValues[name] = value;
    this.paramDistributions[name] = distribution;
    // Sent when the objective next awaits: the usual burst of suggestions, and a report that follows it at
    // once, reach storage in one write.
    this.queue().params.push({ name, distribution, value });
    return value;
  }

  /**
   * Records an intermediate value (e.g. validation loss after an epoch). A step is reported once. Resolves
   * once the value is queued: it reaches storage in the background, and before the trial finishes; a write
   * that failed is thrown by the next report, `shouldPrune` or the trial's end (`flush` waits for storage).
   */
  report(value: number, step: number): Promise<void> {
    if (typeof value !== 'number')
      throw new TunekitError('invalid_argument', `report: value must be a number, got ${typeof value}`);
    // Safe integers only: a step is a key in storage and must read back as the same number.
    if (!Number.isSafeInteger(step) || step < 0)
      throw new TunekitError(
        'invalid_argument',
        `report: step must be a non-negative integer below 2^53, got ${String(step)}`,
      );
    if (!this.reported.has(step)) {
      // -0 is stored as 0 (JSON has no -0): the same value on every storage.
      if (Object.is(value, -0)) value = 0;
      this.reported.set(step, value);
      this.queue().intermediateValues[step] = value;
    }
    return this.raiseWriteError();
  }

  /**
   * Asks the study's pruner whether this trial should stop, given what it reported so far, against the
   * study's trials: this process's as they are, other processes' as read a little earlier (PruneHistory).
   */
  async shouldPrune(): Promise<boolean> {
    await this.raiseWriteError();
    if (this.reported.size === 0) return false;
    const self = this.dressed();
    const history = await this.deps.history.latest();
    // This trial as it is now, in its place in the history (or last, if the read predates it).
    const trials = history.some((t) => t.id === this.id)
      ? history.map((t) => (t.id === this.id ? self : t))
      : [...history, self];
    try {
      return await this.deps.pruner.prune({ study: this.deps.study, trials }, self);
    } finally {
      this.deps.history.refresh();
    }
  }

  /** The trial as the pruner sees it: as stored once its queued writes land, dressed in reproducible mode. */
  private dressed(): TrialRecord {
    const record = this.asStored();
    return this.deps.dress ? this.deps.dress(record) : record;
  }

  /** The trial's record as storage will hold it once the queued writes land. */
  asStored(): TrialRecord {
    return {
      ...this.record,
      params: this.params,
      distributions: this.distributions,
      intermediateValues: this.intermediateValues,
      userAttrs: this.userAttrs,
      constraints: this.constraints,
    };
  }

  /** Stops the objective as pruned (throws TrialPruned). */
  prune(message?: string): never {
    throw new TrialPruned(message ?? `trial ${this.number} pruned`);
  }

  /**
   * Sets the trial's constraint values (Optuna's `set_constraint`): each value <= 0 means that constraint
   * is met. Samplers steer away from infeasible trials and the "best" queries skip them. Setting again
   * replaces every value: they are one vector, the same length for every trial of a study.
   */
  setConstraint(values: number | readonly number[]): Promise<void> {
    const list = typeof values === 'number' ? [values] : values;
    if (!Array.isArray(list) || list.length === 0)
      throw new TunekitError(
        'invalid_argument',
        'setConstraint: pass a number or a non-empty array of numbers (each <= 0 when met)',
      );
    const bad = list.find((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad !== undefined)
      throw new TunekitError(
        'invalid_argument',
        `setConstraint: constraint values must be finite numbers, got ${String(bad)}`,
      );
    // -0 is stored as 0 (JSON has no -0): the same value on every storage.
    const copy = list.map((v) => (Object.is(v, -0) ? 0 : v));
    this.constraintValues = copy;
    this.queue().constraints = copy;
    return this.flush();
  }

  setUserAttr(key: string, value: JsonValue): Promise<void> {
    const copy = toJson(value, `user attribute "${key}"`);
    this.attrs[key] = copy;
    this.queue().userAttrs[key] = copy;
    return this.flush();
  }

  /** Sends the queued writes now and waits until every write reached storage; rethrows the first write error. */
  async flush(): Promise<void> {
    this.chainSend();
    await this.pending;
    return this.raiseWriteError();
  }

  /** Rethrows (once) the error of a queued write that failed, without waiting for the writes in flight. */
  private raiseWriteError(): Promise<void> {
    if (this.writeError === null) return Promise.resolve();
    const error = this.writeError;
    this.writeError = null;
    return Promise.reject(error);
  }

  private choose(name: string, distribution: Distribution): ParamValue {
    if (Object.hasOwn(this.fixed, name)) {
      const value = this.fixed[name] as ParamValue;
      if (!contains(distribution, value))
        throw new TunekitError(
          'fixed_param_out_of_range',
          `enqueued value ${JSON.stringify(value)} for parameter "${name}" is not in ${describeDistribution(distribution)}; ` +
            'enqueue a value inside the range or widen the range',
          { param: name },
        );
      return value;
    }
    if (isSingle(distribution))
      return distribution.kind === 'categorical' ? (distribution.choices[0] as ParamValue) : distribution.low;
    const relative = this.deps.relative;
    if (relative && Object.hasOwn(relative.params, name)) {
      const assumed = relative.space[name];
      const value = relative.params[name] as ParamValue;
      if (assumed && distributionsEqual(assumed, distribution) && contains(distribution, value)) return value;
    }
    const value = this.deps.sampler.sampleIndependent(this.deps.context, name, distribution);
    if (!contains(distribution, value))
      throw new TunekitError(
        'invalid_result',
        `the sampler returned ${JSON.stringify(value)} for "${name}", outside ${describeDistribution(distribution)}`,
      );
    return value;
  }

  /** The writes not yet sent; queues one send for them if there was none. */
  private queue(): Unsent {
    if (this.unsent !== null) return this.unsent;
    const write: Unsent = (this.unsent = { params: [], intermediateValues: {}, userAttrs: {} });
    // At most one send per sync interval; what is queued meanwhile goes along.
    const wait = this.lastSentAt + this.deps.syncIntervalMs - Date.now();
    if (wait <= 0) this.chainSend();
    else {
      this.timer = setTimeout(() => this.chainSend(), wait);
      // unref (Node only): a queued write never keeps a process alive; the trial's end sends it anyway.
      (this.timer as { unref?: () => void }).unref?.();
    }
    return write;
  }

  /**
   * Sends the queued writes once the writes in flight are done, in one write: what is queued until then
   * goes along (a burst of suggestions and the report after it; reports made faster than storage answers).
   */
  private chainSend(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.unsent === null || this.chained) return;
    this.chained = true;
    this.pending = this.pending.then(async () => {
      const write = this.unsent!;
      this.unsent = null; // what is added from now on goes in the next send
      this.chained = false;
      this.lastSentAt = Date.now();
      if (this.writeError !== null) return; // dropped, like everything queued after a failed write
      try {
        await this.send(write);
      } catch (error) {
        this.writeError = error;
      }
    });
  }

  /** Drops the writes not yet sent: the trial was given up (see Study.abandon). */
  discard(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (!this.chained) this.unsent = null;
  }

  private async send(write: Unsent): Promise<void> {
    const first = this.deps.markFirstWrite && !this.sentOnce;
    this.sentOnce = true;
    await this.deps.storage.writeTrial(
      this.id,
      first
        ? { ...write, samplerMemo: { [FIRST_WRITE_MEMO]: { params: write.params.map((p) => p.name) } } }
        : write,
    );
  }
}

interface Unsent {
  params: TrialParam[];
  intermediateValues: Record<number, number>;
  userAttrs: Record<string, JsonValue>;
  constraints?: readonly number[];
}

/** A JSON copy of an attribute value; `invalid_argument` naming `what` if it has none (a cycle, too deep, a BigInt). */
export function toJson(value: JsonValue, what: string): JsonValue {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) throw new Error('not representable');
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new TunekitError(
      'invalid_argument',
      `${what} must be JSON-serialisable: ${(error as Error).message}`,
    );
  }
}

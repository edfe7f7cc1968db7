// Reproducible parallel studies: the history a trial's sampler and pruner see is a function of the trial's
// place in the sequence alone, never of which worker happened to finish first (docs/reproducibility.md).
import { TunekitError } from '../errors.js';
import type { ReproducibleMode, TrialRecord } from './types.js';
import { isFinished } from './types.js';

/**
 * createStudy's `reproducible`: the study's mode (its lag, stored with the study; see create-study.ts for
 * how it meets a stored one) and this process's patience, which is its own.
 */
export interface ReproducibleOptions extends ReproducibleMode {
  /** How long one trial may wait for the trials it must see (default 600,000 ms); then `history_wait_timeout`. */
  readonly waitMs?: number;
}

/** The sampler-memo key under which a Trial's first write names the params it carried (what a placeholder shows). */
export const FIRST_WRITE_MEMO = '@reproducible';

const DEFAULT_WAIT_MS = 600_000;

export function checkReproducible(options: ReproducibleOptions): Required<ReproducibleOptions> {
  const { lag, waitMs = DEFAULT_WAIT_MS } = options ?? {};
  if (!Number.isInteger(lag) || lag < 0)
    throw new TunekitError(
      'invalid_argument',
      `reproducible.lag must be an integer >= 0 (workers - 1 lets every worker run), got ${String(lag)}`,
    );
  if (!(Number.isFinite(waitMs) && waitMs > 0))
    throw new TunekitError(
      'invalid_argument',
      `reproducible.waitMs must be a number of milliseconds > 0, got ${String(waitMs)}`,
    );
  return { lag, waitMs };
}

/**
 * A study's trials laid out by place. A retry takes the place of the trial it repeats, so the sequence a
 * killed worker leaves behind reads like the one an unbroken run writes.
 */
export class Sequence {
  /** Trial number → place. */
  readonly placeOf = new Map<number, number>();
  /** Per place, its trials in number order: the original first, then its retries. */
  readonly chains: TrialRecord[][] = [];

  constructor(trials: readonly TrialRecord[]) {
    for (const t of trials) {
      const place =
        t.retriedFrom === null ? this.chains.length : (this.placeOf.get(t.retriedFrom) ?? this.chains.length);
      this.placeOf.set(t.number, place);
      if (place === this.chains.length) this.chains.push([t]);
      else this.chains[place]!.push(t);
    }
  }

  /** The place the next new trial will take. */
  get next(): number {
    return this.chains.length;
  }

  /** The trial that holds a place now: the last of its chain. */
  occupant(place: number): TrialRecord {
    const chain = this.chains[place]!;
    return chain[chain.length - 1]!;
  }

  /** What place `place` still waits for (a sentence naming a trial), or null when its history is settled. */
  awaited(place: number, lag: number): string | null {
    for (let p = 0; p < Math.min(place, this.chains.length); p++) {
      const occupant = this.occupant(p);
      if (p < place - lag) {
        if (!isFinished(occupant.state)) return `trial ${occupant.number} to finish`;
      } else if (!isFinished(occupant.state) && firstWrite(this.chains[p]!) === null)
        return `trial ${occupant.number} to choose its parameters`;
    }
    return null;
  }

  /**
   * The history of the trial in `place`, without the trial itself: places below place − lag as stored,
   * the others as placeholders. Call only once `awaited` is null; records carry their place as number.
   */
  history(place: number, lag: number): TrialRecord[] {
    const out: TrialRecord[] = [];
    for (let p = 0; p < place; p++)
      out.push(p < place - lag ? this.asPlaced(this.occupant(p), p) : this.placeholder(p));
    return out;
  }

  /** A trial as the sequence shows it: numbered by place, a retry dressed as the original it stands for. */
  asPlaced(record: TrialRecord, place: number): TrialRecord {
    const original = this.chains[place]![0]!;
    return {
      ...record,
      number: place,
      fixedParams: original.fixedParams,
      retriedFrom: null,
      retriedBy: null,
      retryCount: 0,
    };
  }

  /** A running trial with the params of its first write and nothing that depends on timing. */
  private placeholder(place: number): TrialRecord {
    const chain = this.chains[place]!;
    const first = firstWrite(chain);
    const source = first?.record ?? chain[0]!;
    const pick = <T>(from: Readonly<Record<string, T>>): Record<string, T> =>
      Object.fromEntries(
        (first?.params ?? []).filter((n) => Object.hasOwn(from, n)).map((n) => [n, from[n]!]),
      );
    return {
      ...this.asPlaced(source, place),
      state: 'running',
      values: null,
      params: pick(source.params),
      distributions: pick(source.distributions),
      intermediateValues: {},
      userAttrs: {},
      samplerMemo: {},
      failReason: null,
      finishedAt: null,
    };
  }
}

/** The first record of a chain whose first write is stored, with the names of the params it carried. */
function firstWrite(chain: readonly TrialRecord[]): { record: TrialRecord; params: string[] } | null {
  for (const record of chain) {
    const memo = record.samplerMemo[FIRST_WRITE_MEMO] as { params?: unknown } | undefined;
    if (memo && Array.isArray(memo.params)) return { record, params: memo.params as string[] };
  }
  return null;
}

/**
 * Polls `ready` (which returns what is still awaited, or null) until it is null, calling `idle` between
 * polls; throws `history_wait_timeout` after `waitMs`. Returns the milliseconds spent waiting.
 */
export async function waitUntil(
  ready: () => Promise<string | null>,
  idle: () => Promise<void>,
  options: { waitMs: number; what: string },
): Promise<number> {
  const started = Date.now();
  let delay = 5;
  for (;;) {
    const awaited = await ready();
    if (awaited === null) return Date.now() - started;
    if (Date.now() - started >= options.waitMs)
      throw new TunekitError(
        'history_wait_timeout',
        `${options.what} waited ${options.waitMs} ms for ${awaited}; its worker may be stuck or dead: turn ` +
          "heartbeats on (heartbeatIntervalMs, retries) so a dead worker's trial is failed and retried, or raise reproducible.waitMs",
      );
    await idle();
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
  }
}

/** A trial's place and the history its sampler and pruner see (`history` excludes the trial itself). */
export interface Placed {
  readonly place: number;
  readonly history: readonly TrialRecord[];
  /** The trial itself as the sequence shows it (numbered by place). */
  readonly dress: (self: TrialRecord) => TrialRecord;
}

/** The waits of a reproducible study, over a loader of its trials and what to do while idle. */
export class ReproducibleHistory {
  /** Milliseconds this process spent waiting for other workers' trials (the cost of the mode). */
  waitedMs = 0;

  constructor(
    private readonly options: Required<ReproducibleOptions>,
    private readonly study: string,
    private readonly load: () => Promise<readonly TrialRecord[]>,
    private readonly idle: () => Promise<void>,
  ) {}

  /**
   * Before a trial starts: waits until the trial storage will hand out next can be placed, so a worker
   * waits holding no trial and stays free to claim a dead worker's retry when one is enqueued.
   */
  async waitForTurn<S extends { onlyWaiting?: boolean; maxTrials?: number }>(start: S): Promise<S> {
    let retries = 0;
    await this.wait(`the next trial of study "${this.study}"`, async () => {
      const all = await this.load();
      const sequence = new Sequence(all);
      retries = all.length - sequence.next;
      const waiting = all.find((t) => t.state === 'waiting');
      if (waiting) return sequence.awaited(sequence.placeOf.get(waiting.number)!, this.options.lag);
      // Storage will start none: nothing to wait for.
      if (start.onlyWaiting || (start.maxTrials !== undefined && sequence.next >= start.maxTrials))
        return null;
      return sequence.awaited(sequence.next, this.options.lag);
    });
    // maxTrials counts places: a retry stands in for its dead trial, so it does not use up the budget.
    return start.maxTrials === undefined ? start : { ...start, maxTrials: start.maxTrials + retries };
  }

  /** A started trial's place and history, once every trial it must see is there. */
  async place(record: TrialRecord): Promise<Placed> {
    let sequence = new Sequence([]);
    await this.wait(`trial ${record.number} of study "${this.study}"`, async () => {
      sequence = new Sequence(await this.load());
      return sequence.awaited(sequence.placeOf.get(record.number) ?? 0, this.options.lag);
    });
    const place = sequence.placeOf.get(record.number)!;
    return {
      place,
      history: sequence.history(place, this.options.lag),
      dress: (self) => sequence.asPlaced(self, place),
    };
  }

  private async wait(what: string, ready: () => Promise<string | null>): Promise<void> {
    this.waitedMs += await waitUntil(ready, this.idle, {
      waitMs: this.options.waitMs,
      what: `${what} (reproducible, lag ${this.options.lag})`,
    });
  }
}

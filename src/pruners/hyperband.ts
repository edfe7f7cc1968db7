// HyperbandPruner: several ASHA brackets, each starting its first rung later (min early-stopping rate
// 0, 1, ...). A trial's bracket follows from its number (Li et al.'s order, most exploratory bracket
// first) or from a hash of (study name, trial number) as in Optuna; either way it is known before the
// trial is sampled. The pruner compares a trial only with trials of its bracket; the sampler (through
// `samplerView`) models that bracket too (Optuna), or the highest rung reached across brackets (BOHB),
// or by default the highest rung until the bracket has enough trials of its own, and then the bracket.
import { TunekitError } from '../errors.js';
import type { Pruner, PrunerContext } from '../study/pruner.js';
import type { TrialRecord } from '../study/types.js';
import { checkInt, checkOneOf, lastStep } from './common.js';
import { highestRungView } from './rung-view.js';
import { SuccessiveHalvingPruner, firstComplete } from './successive-halving.js';

export interface HyperbandPrunerOptions {
  /** Steps before the first rung of the most aggressive bracket ends (r). Default 1. */
  minResource?: number;
  /**
   * The most steps a trial reports (R). 'auto' (default) takes the last step + 1 of the first trial to
   * complete; until then every trial counts as bracket 0 and nothing is pruned. Give it to have brackets
   * from the first trial on.
   */
  maxResource?: number | 'auto';
  /** η. Default 3. */
  reductionFactor?: number;
  bootstrapCount?: number;
  /**
   * What the sampler models for a new trial.
   * - 'warm-bracket' (default): the trials of its bracket once the bracket has `minRungTrials` finished
   *   trials; until then the 'highest-rung' view, so a young bracket starts from what the others learnt
   *   instead of sampling at random.
   * - 'bracket' (as Optuna): the trials of its bracket, always; each bracket has its own start-up.
   * - 'highest-rung' (BOHB, Falkner et al. 2018): every trial that reached the highest rung end
   *   (r, rη, rη², …) that at least `minRungTrials` trials reached, valued at that rung, from all brackets;
   *   one model serves every bracket.
   */
  samplerHistory?: SamplerHistory;
  /** Finished trials a bracket or a rung needs before the sampler models it (default 10, TPE's start-up). */
  minRungTrials?: number;
  /**
   * Which bracket a trial joins. 'exploratory-first' (default): of every Σ consecutive trial numbers,
   * bracket 0 takes the first n₀, bracket 1 the next n₁, … (Li et al. run the most exploratory bracket
   * first, so a short study gets its cheapest look at many configurations first). 'hash': the CRC-32 of
   * "<study name>_<trial number>" picks it, as Optuna does (brackets interleaved at random).
   */
  bracketOrder?: BracketOrder;
}

export type SamplerHistory = 'warm-bracket' | 'bracket' | 'highest-rung';
export type BracketOrder = 'exploratory-first' | 'hash';

export interface Brackets {
  /** R, as given or read from the history. */
  readonly maxResource: number;
  readonly pruners: readonly SuccessiveHalvingPruner[];
  /** How many of every `total` trials each bracket gets. */
  readonly budgets: readonly number[];
  readonly total: number;
}

export class HyperbandPruner implements Pruner {
  readonly minResource: number;
  readonly maxResource: number | 'auto';
  readonly reductionFactor: number;
  readonly bootstrapCount: number;
  readonly samplerHistory: SamplerHistory;
  readonly minRungTrials: number;
  readonly bracketOrder: BracketOrder;
  private readonly fixed: Brackets | null = null;

  constructor(options: HyperbandPrunerOptions = {}) {
    const owner = 'HyperbandPruner';
    this.minResource = checkInt(owner, 'minResource', options.minResource ?? 1, 1);
    const max = options.maxResource ?? 'auto';
    this.maxResource = max === 'auto' ? 'auto' : checkInt(owner, 'maxResource', max, this.minResource);
    this.reductionFactor = checkInt(owner, 'reductionFactor', options.reductionFactor ?? 3, 2);
    this.bootstrapCount = checkInt(owner, 'bootstrapCount', options.bootstrapCount ?? 0, 0);
    this.samplerHistory = checkOneOf(owner, 'samplerHistory', options.samplerHistory ?? 'warm-bracket', [
      'warm-bracket',
      'bracket',
      'highest-rung',
    ] as const);
    this.bracketOrder = checkOneOf(owner, 'bracketOrder', options.bracketOrder ?? 'exploratory-first', [
      'exploratory-first',
      'hash',
    ] as const);
    this.minRungTrials = checkInt(owner, 'minRungTrials', options.minRungTrials ?? 10, 1);
    if (this.bootstrapCount > 0 && this.maxResource === 'auto')
      throw new TunekitError(
        'invalid_argument',
        `${owner}: bootstrapCount needs an explicit maxResource, not 'auto'`,
        {
          option: 'bootstrapCount',
        },
      );
    if (this.maxResource !== 'auto') this.fixed = this.makeBrackets(this.maxResource);
  }

  /** Brackets once R is known (null before the first trial completes, with maxResource 'auto'). */
  brackets(trials: readonly TrialRecord[]): Brackets | null {
    if (this.fixed) return this.fixed;
    // Derived from the history each time (not cached), so one pruner object can serve several studies.
    const first = firstComplete(trials);
    return first === null
      ? null
      : this.makeBrackets(Math.max((lastStep(first) as number) + 1, this.minResource));
  }

  /** Number of brackets: ⌊log_η(R/r)⌋ + 1, in integers (floating-point logs misround at exact powers). */
  nBrackets(maxResource: number): number {
    let n = 1;
    while (this.minResource * this.reductionFactor ** n <= maxResource) n++;
    return n;
  }

  /** The bracket of trial `number` in study `studyName` (see `bracketOrder`). */
  bracketOf(studyName: string, number: number, brackets: Brackets): number {
    let n = (this.bracketOrder === 'hash' ? crc32(`${studyName}_${number}`) : number) % brackets.total;
    for (let id = 0; id < brackets.budgets.length; id++) {
      n -= brackets.budgets[id] as number;
      if (n < 0) return id;
    }
    throw new TunekitError('internal', 'bracket budgets do not add up');
  }

  prune(ctx: PrunerContext, trial: TrialRecord): boolean {
    const brackets = this.brackets(ctx.trials);
    if (brackets === null) return false;
    const id = this.bracketOf(ctx.study.name, trial.number, brackets);
    const trials = ctx.trials.filter((t) => this.bracketOf(ctx.study.name, t.number, brackets) === id);
    return (brackets.pruners[id] as SuccessiveHalvingPruner).prune({ study: ctx.study, trials }, trial);
  }

  samplerView(ctx: PrunerContext, trial: TrialRecord): readonly TrialRecord[] {
    const brackets = this.brackets(ctx.trials);
    if (brackets === null) return ctx.trials;
    const highestRung = () =>
      highestRungView(ctx.trials, trial, this.rungEnds(brackets.maxResource), this.minRungTrials);
    if (this.samplerHistory === 'highest-rung') return highestRung();
    const id = this.bracketOf(ctx.study.name, trial.number, brackets);
    const bracket = ctx.trials.filter((t) => this.bracketOf(ctx.study.name, t.number, brackets) === id);
    if (this.samplerHistory === 'bracket') return bracket;
    const finished = bracket.filter((t) => t.state === 'complete' || t.state === 'pruned').length;
    return finished >= this.minRungTrials ? bracket : highestRung();
  }

  /** Every rung end of every bracket, up to R: r, rη, rη², …, R. */
  rungEnds(maxResource: number): number[] {
    const ends: number[] = [];
    for (let end = this.minResource; end < maxResource; end *= this.reductionFactor) ends.push(end);
    return [...ends, maxResource];
  }

  private makeBrackets(maxResource: number): Brackets {
    const n = this.nBrackets(maxResource);
    const pruners: SuccessiveHalvingPruner[] = [];
    const budgets: number[] = [];
    for (let id = 0; id < n; id++) {
      // Hyperband's n_i: brackets that start later get fewer trials, as each trial costs more.
      const s = n - 1 - id;
      budgets.push(Math.ceil((n * this.reductionFactor ** s) / (s + 1)));
      pruners.push(
        new SuccessiveHalvingPruner({
          minResource: this.minResource,
          reductionFactor: this.reductionFactor,
          minEarlyStoppingRate: id,
          bootstrapCount: this.bootstrapCount,
        }),
      );
    }
    return { maxResource, pruners, budgets, total: budgets.reduce((a, b) => a + b, 0) };
  }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (zlib's) of the UTF-8 bytes of `text`. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of new TextEncoder().encode(text))
    crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

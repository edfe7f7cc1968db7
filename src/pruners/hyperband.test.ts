import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { RandomSampler } from '../samplers/random.js';
import { TpeSampler } from '../samplers/tpe/sampler.js';
import type { Sampler } from '../study/sampler.js';
import type { StudyInfo, TrialRecord } from '../study/types.js';
import { HyperbandPruner, crc32 } from './hyperband.js';
import { prunerContract, record } from './pruner.contract.js';
import { studyRecord } from '../testing/records.js';

const info: StudyInfo = studyRecord({ name: 'hb', directions: ['maximize'] });

prunerContract('hyperband', {
  make: () => new HyperbandPruner({ minResource: 1, maxResource: 9, reductionFactor: 2 }),
});
prunerContract('hyperband with hashed brackets, each its own sampler history (Optuna)', {
  make: () =>
    new HyperbandPruner({
      minResource: 1,
      maxResource: 9,
      reductionFactor: 2,
      bracketOrder: 'hash',
      samplerHistory: 'bracket',
    }),
});
prunerContract('hyperband with the highest rung as sampler history (BOHB)', {
  make: () =>
    new HyperbandPruner({
      minResource: 1,
      maxResource: 9,
      reductionFactor: 2,
      samplerHistory: 'highest-rung',
    }),
});

describe('Hyperband brackets', () => {
  it('counts ⌊log_η(R/r)⌋ + 1 brackets, exactly at powers of η', () => {
    const p = (r: number, R: number, eta: number) =>
      new HyperbandPruner({ minResource: r, maxResource: R, reductionFactor: eta });
    expect(p(1, 27, 3).brackets([])!.budgets.length).toBe(4);
    expect(p(1, 26, 3).brackets([])!.budgets.length).toBe(3);
    expect(p(1, 243, 3).brackets([])!.budgets.length).toBe(6); // log(243)/log(3) rounds down to 4.99…
    expect(p(2, 16, 2).brackets([])!.budgets.length).toBe(4);
    expect(p(5, 5, 3).brackets([])!.budgets.length).toBe(1);
  });

  it('gives each bracket ⌈n·η^s/(s+1)⌉ trials of every Σ (Hyperband’s n_i)', () => {
    // R/r = 81, η = 3: 5 brackets; s = 4…0 → ⌈5·81/5⌉, ⌈5·27/4⌉, ⌈5·9/3⌉, ⌈5·3/2⌉, ⌈5·1/1⌉.
    expect(new HyperbandPruner({ maxResource: 81 }).brackets([])!.budgets).toEqual([81, 34, 15, 8, 5]);
  });

  it('by default gives each bracket its n_i consecutive trial numbers, most exploratory first', () => {
    const p = new HyperbandPruner({ maxResource: 27 });
    const brackets = p.brackets([])!;
    expect(brackets.budgets).toEqual([27, 12, 6, 4]);
    const ids = (name: string) => Array.from({ length: 98 }, (_, n) => p.bracketOf(name, n, brackets));
    const cycle = [...Array(27).fill(0), ...Array(12).fill(1), ...Array(6).fill(2), ...Array(4).fill(3)];
    expect(ids('study-x')).toEqual([...cycle, ...cycle]);
    expect(ids('study-y')).toEqual(ids('study-x'));
  });

  it("with bracketOrder 'hash', assigns brackets from (study name, trial number), whatever the history", () => {
    const a = new HyperbandPruner({ maxResource: 27, bracketOrder: 'hash' });
    const b = new HyperbandPruner({ maxResource: 27, bracketOrder: 'hash' });
    const ba = a.brackets([])!;
    const bb = b.brackets([record(0, 'complete', [1, 2])])!;
    const ids = (p: HyperbandPruner, name: string, brackets: typeof ba) =>
      Array.from({ length: 100 }, (_, n) => p.bracketOf(name, n, brackets));
    expect(ids(a, 'study-x', ba)).toEqual(ids(b, 'study-x', bb));
    expect(ids(a, 'study-y', ba)).not.toEqual(ids(a, 'study-x', ba));
    expect(ids(a, 'study-x', ba).slice(0, 27)).not.toEqual(Array(27).fill(0));
  });

  it("with bracketOrder 'hash', is balanced: each bracket gets its share of trials (±4σ over 20,000 trials)", () => {
    const p = new HyperbandPruner({ maxResource: 81, bracketOrder: 'hash' });
    const brackets = p.brackets([])!;
    const n = 20_000;
    const counts = new Array(brackets.budgets.length).fill(0) as number[];
    for (let i = 0; i < n; i++) counts[p.bracketOf('balance', i, brackets)]!++;
    brackets.budgets.forEach((budget, id) => {
      const share = budget / brackets.total;
      expect(Math.abs(counts[id]! / n - share)).toBeLessThan(4 * Math.sqrt((share * (1 - share)) / n));
    });
  });

  it('refuses an unknown bracketOrder, naming the choices', () => {
    expect(() => new HyperbandPruner({ bracketOrder: 'random' as 'hash' })).toThrow(
      /bracketOrder must be 'exploratory-first' or 'hash', got random/,
    );
  });

  it("with maxResource 'auto', puts everyone in bracket 0 and prunes nothing until a trial completes", () => {
    const p = new HyperbandPruner({ reductionFactor: 2 });
    const running = record(0, 'running', [1, 2, 3]);
    expect(p.brackets([running])).toBeNull();
    const done = record(1, 'complete', Array(16).fill(1)); // last step 15: R = 16
    expect(p.brackets([running, done])!.maxResource).toBe(16);
    expect(p.brackets([running, done])!.budgets.length).toBe(5);
  });

  it('uses zlib’s CRC-32', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
  });
});

describe('Hyperband and the sampler', () => {
  it("with samplerHistory 'bracket', lets the sampler see only trials of the new trial’s bracket (applied by study.ask)", async () => {
    const pruner = new HyperbandPruner({ minResource: 1, maxResource: 27, samplerHistory: 'bracket' });
    const seen = new Map<number, number[]>();
    const random = new RandomSampler({ seed: 3 });
    const spy: Sampler = {
      sampleIndependent(ctx, name, distribution) {
        seen.set(
          ctx.trial.number,
          ctx.trials.map((t) => t.number),
        );
        return random.sampleIndependent(ctx, name, distribution);
      },
    };
    const study = await createStudy({ studyName: 'hb-view', sampler: spy, pruner });
    await study.optimize(
      async (trial) => {
        const x = trial.suggestFloat('x', 0, 1);
        for (let step = 0; step < 27; step++) {
          await trial.report(x + 1 / (step + 1), step);
          if (await trial.shouldPrune()) trial.prune();
        }
        return x;
      },
      { nTrials: 40, catch: false },
    );
    const brackets = pruner.brackets([])!;
    const bracket = (n: number) => pruner.bracketOf('hb-view', n, brackets);
    expect(new Set(Array.from({ length: 40 }, (_, n) => bracket(n))).size).toBeGreaterThan(1);
    for (const [number, view] of seen) {
      expect(view).toContain(number);
      expect(view.every((n) => bracket(n) === bracket(number))).toBe(true);
      // Nothing of its bracket is hidden from it.
      expect(view).toEqual(
        Array.from({ length: number + 1 }, (_, n) => n).filter((n) => bracket(n) === bracket(number)),
      );
    }
    expect((await study.trials()).some((t) => t.state === 'pruned')).toBe(true);
  });
});

describe("Hyperband with samplerHistory: 'warm-bracket' (the default)", () => {
  // r = 1, R = 9, η = 3: brackets 0, 1, 2 take 9, 5 and 3 of every 17 trial numbers.
  const pruner = new HyperbandPruner({ minResource: 1, maxResource: 9, minRungTrials: 3 });
  const numbers = (view: readonly TrialRecord[]) => view.map((t) => t.number);

  it('shows a young bracket the highest rung of all brackets, and its own trials once it has minRungTrials', () => {
    expect(pruner.samplerHistory).toBe('warm-bracket');
    expect(pruner.brackets([])!.budgets).toEqual([9, 5, 3]);
    const trials = [
      record(0, 'pruned', { 1: 0.1 }),
      record(1, 'complete', { 1: 0.5, 3: 0.6, 9: 0.7 }),
      record(2, 'complete', { 1: 0.4, 3: 0.5, 9: 0.6 }),
      record(3, 'pruned', { 1: 0.2, 3: 0.3 }),
      record(9, 'complete', { 3: 0.8, 9: 0.9 }), // bracket 1
      record(10, 'running', {}), // bracket 1, being sampled
    ];
    // Bracket 1 has one finished trial of its own: the sampler sees the highest rung three trials of any
    // bracket reached (R = 9: trials 1, 2 and 9), each valued there.
    const young = pruner.samplerView({ study: info, trials }, trials[5]!);
    expect(numbers(young)).toEqual([1, 2, 9, 10]);
    expect(young.slice(0, 3).map((t) => t.values)).toEqual([[0.7], [0.6], [0.9]]);
    // Bracket 0 has four finished trials (at least 3): its own history, as it is.
    const next = record(4, 'running', {});
    expect(pruner.samplerView({ study: info, trials: [...trials, next] }, next)).toEqual([
      ...trials.slice(0, 4),
      next,
    ]);
    // Once bracket 1 has three finished trials, it too sees only its own.
    const grown = [
      ...trials.slice(0, 5),
      record(11, 'pruned', { 3: 0.1 }),
      record(12, 'complete', { 3: 0.2, 9: 0.3 }),
    ];
    const last = record(13, 'running', {});
    expect(numbers(pruner.samplerView({ study: info, trials: [...grown, last] }, last))).toEqual([
      9, 11, 12, 13,
    ]);
  });
});

describe("Hyperband with samplerHistory: 'highest-rung' (BOHB)", () => {
  const pruner = new HyperbandPruner({
    minResource: 1,
    maxResource: 9,
    samplerHistory: 'highest-rung',
    minRungTrials: 3,
  });
  const countFinished = (view: readonly TrialRecord[]) =>
    view.filter((t) => t.state === 'complete' || t.state === 'pruned').length;
  const numbers = (view: readonly TrialRecord[]) => view.map((t) => t.number);

  it('has rung ends r, rη, …, R', () => {
    expect(pruner.rungEnds(9)).toEqual([1, 3, 9]);
    expect(new HyperbandPruner({ minResource: 1, maxResource: 20 }).rungEnds(20)).toEqual([1, 3, 9, 20]);
  });

  it('models the highest rung that enough trials reached, each trial valued there, from every bracket', () => {
    const trials = [
      record(0, 'pruned', { 1: 0.1 }),
      record(1, 'pruned', { 1: 0.2, 2: 0.3, 3: 0.4 }),
      record(2, 'complete', { 1: 0.5, 3: 0.6, 9: 0.7 }),
      record(3, 'running', { 1: 0.8, 2: 0.9, 4: 1.0 }), // passed 3 without reporting at it: judged at 4
      record(4, 'fail', { 1: 0.5, 3: 0.5, 9: 0.5 }),
      record(5, 'running', {}),
    ];
    const ctx = { study: info, trials };
    const view = pruner.samplerView(ctx, trials[5]!);
    expect(numbers(view)).toEqual([1, 2, 3, 5]); // three trials reached step 3, only one step 9
    expect(view.map((t) => t.state)).toEqual(['complete', 'complete', 'complete', 'running']);
    expect(view.slice(0, 3).map((t) => t.values)).toEqual([[0.4], [0.6], [1.0]]);
    expect(view[3]).toBe(trials[5]);
    // Once three trials reach R, the model moves up to R.
    const more = [...trials, record(6, 'complete', { 9: 0.2 }), record(7, 'complete', { 9: 0.3 })];
    expect(numbers(pruner.samplerView({ study: info, trials: more }, trials[5]!))).toEqual([2, 5, 6, 7]);
  });

  it('falls back to the lowest rung, and turns a NaN there into a pruned trial', () => {
    const trials = [record(0, 'pruned', { 1: NaN }), record(1, 'running', {})];
    const view = pruner.samplerView({ study: info, trials }, trials[1]!);
    expect(view.map((t) => [t.number, t.state])).toEqual([
      [0, 'pruned'],
      [1, 'running'],
    ]);
  });

  it('refuses an unknown samplerHistory', () => {
    expect(() => new HyperbandPruner({ samplerHistory: 'all' as 'bracket' })).toThrow(/samplerHistory/);
  });

  it('gives TPE one model for all brackets in a real study, with no trial of a bracket left out', async () => {
    // Hashed brackets interleave from the start, so per bracket TPE would model only from trial 18 on.
    const bohb = new HyperbandPruner({
      minResource: 1,
      maxResource: 27,
      samplerHistory: 'highest-rung',
      bracketOrder: 'hash',
    });
    const seen = new Map<number, readonly TrialRecord[]>();
    const tpe = new TpeSampler({ seed: 1 });
    const spy: Sampler = {
      sampleIndependent(ctx, name, distribution) {
        seen.set(ctx.trial.number, ctx.trials);
        return tpe.sampleIndependent(ctx, name, distribution);
      },
    };
    const study = await createStudy({
      studyName: 'bohb-view',
      direction: 'maximize',
      sampler: spy,
      pruner: bohb,
    });
    await study.optimize(
      async (trial) => {
        const x = trial.suggestFloat('x', 0, 1);
        for (let step = 1; step <= 27; step++) {
          await trial.report(x * (1 - 1 / (step + 1)), step);
          if (await trial.shouldPrune()) trial.prune();
        }
        return x * (1 - 1 / 28);
      },
      { nTrials: 60, catch: false },
    );
    const all = await study.trials();
    const last = seen.get(59)!;
    const brackets = bohb.brackets([])!;
    const bracketsSeen = new Set(last.map((t) => bohb.bracketOf('bohb-view', t.number, brackets)));
    expect(bracketsSeen.size).toBeGreaterThan(1);
    // Every trial shown reached the chosen rung, and carries its value there.
    const shown = last.filter((t) => t.number !== 59);
    const end = Math.min(...shown.map((t) => Math.max(...Object.keys(t.intermediateValues).map(Number))));
    expect(shown.length).toBeGreaterThanOrEqual(10);
    for (const t of shown) expect(t.values).toEqual([all[t.number]!.intermediateValues[end]]);
    // TPE models from the 10th trial on (its start-up), not from the 10th trial of each bracket.
    const firstModelled = Math.min(...[...seen].filter(([, v]) => countFinished(v) >= 10).map(([n]) => n));
    expect(firstModelled).toBe(10); // per bracket (Optuna) it is 18 here
  });
});

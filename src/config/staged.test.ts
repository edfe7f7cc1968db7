// Staged tuning on a cheap objective in memory: what each stage holds still and where, the stage links and
// the stages derived from them, resuming at the stage a run stopped in, auto ordering, and the config's
// defaults check.
import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { isTunekitError } from '../errors.js';
import { stagesOf } from '../study/stages.js';
import { TpeSampler } from '../samplers/tpe/sampler.js';
import { InMemoryStorage } from '../storage/memory.js';
import type { StudyStorage } from '../study/storage.js';
import type { Study } from '../study/study.js';
import { byPriority } from './priority.js';
import { parseConfig } from './schema.js';
import { parseSpace, suggestSpace } from './space.js';
import type { SpaceEntry } from './space.js';
import { packStages, runStaged } from './staged.js';
import type { StagedOptions } from './staged.js';
import type { StrategyContext } from './strategy.js';

const SPACE = parseSpace({
  learning_rate: { type: 'float', low: 1e-4, high: 1, log: true, default: 0.01 },
  units: { type: 'int', low: 4, high: 64, default: 16 },
  activation: { type: 'categorical', choices: ['relu', 'tanh'], default: 'tanh' },
});

/** Minimised; learning_rate matters most, activation little. */
const loss = (p: Record<string, unknown>): number =>
  (Math.log10(p.learning_rate as number) + 2.5) ** 2 +
  ((p.units as number) - 40) ** 2 / 400 +
  (p.activation === 'relu' ? 0 : 0.05);

function context(
  storage: StudyStorage = new InMemoryStorage(),
  calls = { n: 0 },
): StrategyContext & { calls: { n: number } } {
  return {
    calls,
    space: SPACE,
    direction: 'minimize',
    openStudy: (suffix) =>
      createStudy({
        storage,
        studyName: suffix === null ? 'p' : `p.${suffix}`,
        loadIfExists: true,
        quiet: true,
        sampler: new TpeSampler({ seed: 3, nStartupTrials: 4 }),
      }),
    objective: (space: readonly SpaceEntry[]) => (trial) => {
      calls.n++;
      return loss(suggestSpace(trial, space));
    },
  };
}

const hand: StagedOptions = {
  stages: [
    { params: ['learning_rate'], trials: 8 },
    { params: ['units', 'activation'], trials: 8 },
  ],
};

describe('runStaged', () => {
  it('holds untuned knobs at their defaults, then earlier winners fixed; links each stage to its parent', async () => {
    const storage = new InMemoryStorage();
    const ctx = context(storage);
    const { best, studies } = await runStaged(ctx, hand);
    const [first, second] = studies as [Study, Study];
    expect([first.name, second.name]).toEqual(['p.stage-1', 'p.stage-2']);
    const one = await first.trials();
    expect(one).toHaveLength(8);
    for (const t of one) expect([t.params.units, t.params.activation]).toEqual([16, 'tanh']);
    const winner = (await first.bestTrial()).params.learning_rate;
    const two = await second.trials();
    for (const t of two) expect(t.params.learning_rate).toBe(winner);
    expect(new Set(two.map((t) => t.params.units)).size).toBeGreaterThan(1);
    expect((await storage.getStudy('p.stage-2')).stage).toEqual({
      parent: 'p',
      index: 2,
      label: 'units+activation',
      params: ['units', 'activation'],
      fixed: { learning_rate: winner },
    });
    // The parent keeps nothing about its stages: they are the studies whose link names it.
    const parent = await storage.getStudy('p');
    expect([parent.stage, parent.userAttrs]).toEqual([null, {}]);
    const stages = stagesOf(await storage.listStudies(), 'p');
    expect(stages.map((s) => [s.index, s.study, s.label, s.params, s.fixed])).toEqual([
      [1, 'p.stage-1', 'learning_rate', ['learning_rate'], { units: 16, activation: 'tanh' }],
      [2, 'p.stage-2', 'units+activation', ['units', 'activation'], { learning_rate: winner }],
    ]);
    expect(stages.map((s) => s.bestValue)).toEqual([await first.bestValue(), await second.bestValue()]);
    expect(stagesOf(await storage.listStudies(), 'p.stage-1')).toEqual([]);
    expect(best!.values![0]).toBeLessThanOrEqual((await first.bestValue()) + 1e-12);
  });

  it('narrow: a later stage tunes the earlier knobs on within their narrowed range; final tunes all', async () => {
    const ctx = context();
    const { studies } = await runStaged(ctx, {
      stages: [
        { params: ['learning_rate'], trials: 8, then: 'narrow' },
        { params: ['units'], trials: 6 },
      ],
      final: { trials: 5 },
    });
    const lrs = (await studies[1]!.trials()).map((t) => t.params.learning_rate as number);
    expect(new Set(lrs).size).toBeGreaterThan(1);
    const narrowed = (await studies[1]!.trials())[0]!.distributions.learning_rate!;
    expect(narrowed.kind === 'float' && narrowed.high - narrowed.low).toBeLessThan(1 - 1e-4);
    const final = await studies[2]!.trials();
    expect(final).toHaveLength(5);
    expect(new Set(final.map((t) => t.params.activation)).size).toBeGreaterThanOrEqual(1);
  });

  it('a rerun resumes at the stage the first run stopped in', async () => {
    const storage = new InMemoryStorage();
    const calls = { n: 0 };
    const short: StagedOptions = {
      stages: [
        { params: ['learning_rate'], trials: 8 },
        { params: ['units', 'activation'], trials: 3 },
      ],
    };
    await runStaged(context(storage, calls), short);
    expect(calls.n).toBe(11);
    calls.n = 0;
    const { studies } = await runStaged(context(storage, calls), hand);
    expect(calls.n).toBe(5); // stage 1 was done; stage 2 ran its last 5
    expect(await studies[1]!.trials()).toHaveLength(8);
  });

  it('auto: a small exploration falls back on the built-in order; a larger one ranks by fANOVA', async () => {
    const small = context();
    await runStaged(small, { stages: { kind: 'auto', explore: 4, trialsPerStage: 3, paramsPerStage: 1 } });
    const plan = async (ctx: StrategyContext) =>
      (
        (await (await ctx.openStudy(null)).userAttrs()).staged as {
          order: { source: string; order: string[] };
        }
      ).order;
    expect(await plan(small)).toMatchObject({
      source: 'prior',
      order: ['learning_rate', 'units', 'activation'],
    });
    const storage = new InMemoryStorage();
    const big = context(storage);
    const { studies } = await runStaged(big, {
      stages: { kind: 'auto', explore: 24, trialsPerStage: 4, paramsPerStage: 1, minRankTrials: 10 },
    });
    const ranked = await plan(big);
    expect(ranked.source).toBe('fanova');
    expect(ranked.order[0]).toBe('learning_rate');
    // Explore, then every knob tuned in exactly one ordered stage (a strongly interacting pair shares one).
    const stages = stagesOf(await storage.listStudies(), 'p');
    expect(stages.map((s) => s.study)).toEqual(studies.map((s) => s.name));
    expect(stages[0]!.label).toBe('explore');
    expect(
      stages
        .slice(1)
        .flatMap((s) => s.params)
        .sort(),
    ).toEqual(['activation', 'learning_rate', 'units']);
  });

  it('refuses a knob held at its default that has none, naming it', async () => {
    const space = parseSpace({
      a: { type: 'float', low: 0, high: 1 },
      b: { type: 'float', low: 0, high: 1 },
    });
    const ctx = { ...context(), space };
    const error = await runStaged(ctx, { stages: [{ params: ['a'], trials: 2 }] }).catch((e: unknown) => e);
    expect(isTunekitError(error, 'config_invalid')).toBe(true);
    expect((error as Error).message).toContain('space.b.default');
  });
});

describe('stage planning', () => {
  it('packs knobs in order and keeps interacting pairs together', () => {
    expect(packStages(['a', 'b', 'c', 'd', 'e'], [['a', 'e']], 2)).toEqual([['a', 'e'], ['b', 'c'], ['d']]);
  });

  it('orders the trainer knobs by the built-in priority', () => {
    expect(
      byPriority(['activation', 'dropout', 'lr_decay', 'momentum', 'batch_size', 'augment_flip', 'lr']),
    ).toEqual(['batch_size', 'lr', 'momentum', 'dropout', 'activation', 'augment_flip', 'lr_decay']);
  });

  it('parses strategy staged from a config and checks defaults there', () => {
    const base = {
      study: { name: 's' },
      space: { x: { type: 'float', low: 0, high: 1, default: 0.5 }, y: { type: 'int', low: 1, high: 3 } },
      objective: { command: ['true'] },
    };
    const ok = parseConfig({
      ...base,
      strategy: {
        kind: 'staged',
        stages: [
          { params: ['y'], trials: 4 },
          { params: ['x'], trials: 4 },
        ],
        final: 3,
      },
    });
    expect(ok.strategy).toMatchObject({ kind: 'staged', final: { trials: 3 } });
    expect(() =>
      parseConfig({ ...base, strategy: { kind: 'staged', stages: [{ params: ['x'], trials: 4 }] } }),
    ).toThrow(/space\.y\.default/);
    expect(() => parseConfig({ ...base, strategy: { kind: 'staged', stages: 'auto' } })).toThrow(
      /space\.y\.default/,
    );
    expect(() =>
      parseConfig({
        ...base,
        space: { x: { type: 'float', low: 0, high: 1, default: 2 } },
        strategy: 'optimize',
      }),
    ).toThrow(/space\.x\.default/);
  });
});

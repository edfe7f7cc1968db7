// Staged tuning by priority: each stage is an ordinary study (`<name>.stage-<k>`) that tunes a few knobs while
// the rest sit at their defaults or at earlier stages' winners; `auto` orders the stages by fANOVA importance
// after an exploratory stage. Each stage study holds its link to the run's study (`StudyInfo.stage`), from
// which `stagesOf` derives the run's stages. Rerunning a killed run resumes at the stage it was in (each
// stage has a budget).
import { importance, interactions } from '../analysis/index.js';
import { TunekitError, isTunekitError } from '../errors.js';
import { categoricalDistribution, floatDistribution, intDistribution } from '../search-space/index.js';
import type { Distribution, ParamValue } from '../search-space/index.js';
import { bestOf } from '../study/pareto.js';
import type { Study } from '../study/study.js';
import type { TrialRecord } from '../study/types.js';
import { configError } from './check.js';
import { narrowSpace } from './coarse-to-fine.js';
import { byPriority } from './priority.js';
import type { SpaceEntry } from './space.js';
import { runStep } from './strategy.js';
import type { Strategy, StrategyContext, StrategyResult } from './strategy.js';

/** What later stages do with the knobs a stage tuned: hold them at its winner, or tune them on, narrowed. */
export type StageCarry = 'fix' | 'narrow';

export interface StageSpec {
  readonly params: readonly string[];
  readonly trials: number;
  /** Default 'fix'. */
  readonly then?: StageCarry;
}

export interface AutoStages {
  readonly kind: 'auto';
  /** Trials of the exploratory stage over every knob. */
  readonly explore: number;
  /** Trials of each ordered stage; ignored when `trials` is given. */
  readonly trialsPerStage: number;
  /** Trials of all the ordered stages together, split evenly once the ranking decides how many there are. */
  readonly trials?: number;
  /** Knobs per ordered stage (default 3); a group of interacting knobs stays together even if larger. */
  readonly paramsPerStage?: number;
  /** Pairs whose fANOVA interaction share exceeds this are tuned in one stage (default 0.1). */
  readonly interactionThreshold?: number;
  /** Complete exploratory trials needed to rank by importance; with fewer, the built-in order (default 10). */
  readonly minRankTrials?: number;
  readonly then?: StageCarry;
}

export interface StagedOptions {
  readonly stages: readonly StageSpec[] | AutoStages;
  /** A last stage that tunes every knob jointly, within the ranges earlier stages narrowed. */
  readonly final?: { readonly trials: number };
  /** Best trials of a stage whose span narrows its knobs' ranges (default 5). */
  readonly top?: number;
  /** Widening of a narrowed range, as a fraction of its width (default 0.1). */
  readonly margin?: number;
}

/** Staged tuning as a strategy (see strategy.ts). */
export function staged(options: StagedOptions): Strategy {
  return { kind: 'staged', run: (ctx) => runStaged(ctx, options) };
}

/**
 * Runs (or resumes) the stages, each in its own study linked to the context's own study (the parent); an
 * auto ranking is stored on the parent as `userAttrs.staged.order`.
 */
export async function runStaged(ctx: StrategyContext, options: StagedOptions): Promise<StrategyResult> {
  checkStaged(ctx.space, options);
  const { top = 5, margin = 0.1 } = options;
  const parent = await ctx.openStudy(null);
  const studies: Study[] = [];
  // Per knob, once a stage tuned it: its winner, its narrowed range, and what later stages do with it.
  const tuned = new Map<string, { winner: ParamValue; narrowed: Distribution; then: StageCarry }>();

  const runStage = async (label: string, params: readonly string[], trials: number, then: StageCarry) => {
    const index = studies.length + 1;
    const space = ctx.space.map((entry) => stageEntry(entry, params, tuned));
    const fixed = Object.fromEntries(
      space
        .filter((e) => !params.includes(e.name) && isPoint(e.distribution))
        .map((e) => [e.name, pointOf(e)]),
    );
    const study = await ctx.openStudy(`stage-${index}`);
    studies.push(study);
    const stage = { parent: parent.name, index, label, params: [...params], fixed };
    await study.storage.writeStudy(study.id, { stage });
    const step = `stage ${index} (${label})`;
    ctx.onStep?.(step, space);
    // maxTrials counts the trials a killed run already made: a rerun resumes here.
    if (ctx.deadline === undefined || Date.now() < ctx.deadline)
      await runStep(ctx, { study, label: step, space, maxTrials: trials });
    const complete = await study.trials({ states: ['complete'] });
    const best = bestOf(complete, ctx.direction);
    const narrowed = narrowSpace(space, complete, ctx.direction, { top, margin });
    for (const entry of narrowed) {
      const tunedHere = params.includes(entry.name) || tuned.get(entry.name)?.then === 'narrow';
      if (!tunedHere || !best || best.params[entry.name] === undefined) continue;
      const carry = params.includes(entry.name) ? then : tuned.get(entry.name)!.then;
      tuned.set(entry.name, { winner: best.params[entry.name]!, narrowed: entry.distribution, then: carry });
    }
    return complete;
  };

  if ('kind' in options.stages) {
    const auto = options.stages;
    const explored = await runStage('explore', names(ctx.space), auto.explore, 'narrow');
    tuned.clear(); // exploring ranks the knobs; it fixes and narrows nothing
    const order = rankKnobs(explored, ctx, auto);
    await parent.setUserAttr('staged', { order });
    const then = auto.then ?? 'fix';
    const groups = packStages(order.order, order.pairs, auto.paramsPerStage ?? 3);
    for (const [i, group] of groups.entries()) {
      const share =
        auto.trials === undefined
          ? auto.trialsPerStage
          : Math.floor(auto.trials / groups.length) + (i < auto.trials % groups.length ? 1 : 0);
      await runStage(group.join('+'), group, Math.max(1, share), then);
    }
  } else
    for (const stage of options.stages)
      await runStage(stage.params.join('+'), stage.params, stage.trials, stage.then ?? 'fix');
  if (options.final) {
    for (const [name, t] of tuned) tuned.set(name, { ...t, then: 'narrow' });
    await runStage('final', names(ctx.space), options.final.trials, 'narrow');
  }
  const all: TrialRecord[] = [];
  for (const study of studies) all.push(...(await study.trials({ states: ['complete'] })));
  return { best: bestOf(all, ctx.direction), studies };
}

/** A stage's view of one knob: tuned (possibly narrowed), tuned on within a narrowed range, or held still. */
function stageEntry(
  entry: SpaceEntry,
  params: readonly string[],
  tuned: ReadonlyMap<string, { winner: ParamValue; narrowed: Distribution; then: StageCarry }>,
): SpaceEntry {
  const earlier = tuned.get(entry.name);
  if (params.includes(entry.name) || earlier?.then === 'narrow')
    return earlier ? { ...entry, distribution: earlier.narrowed } : entry;
  if (earlier) return { ...entry, distribution: point(entry.name, entry.distribution, earlier.winner) };
  return { ...entry, distribution: point(entry.name, entry.distribution, entry.default!) };
}

/** A distribution holding only `value` (a trial takes it without asking the sampler). */
function point(name: string, d: Distribution, value: ParamValue): Distribution {
  if (d.kind === 'categorical') return categoricalDistribution(name, [value as never]);
  const v = value as number;
  return d.kind === 'int'
    ? intDistribution(name, v, v, d.log ? { log: true } : {})
    : floatDistribution(name, v, v, d.log ? { log: true } : {});
}

function isPoint(d: Distribution): boolean {
  return d.kind === 'categorical' ? d.choices.length === 1 : d.low === d.high;
}

function pointOf(e: SpaceEntry): ParamValue {
  const d = e.distribution;
  return d.kind === 'categorical' ? (d.choices[0] as ParamValue) : d.low;
}

const names = (space: readonly SpaceEntry[]): string[] => space.map((e) => e.name);

/** The knobs most important first (fANOVA on the exploratory trials, or the built-in order), and strong pairs. */
export function rankKnobs(
  explored: readonly TrialRecord[],
  ctx: Pick<StrategyContext, 'space' | 'direction'>,
  auto: AutoStages,
): { source: string; order: string[]; pairs: string[][] } {
  const all = names(ctx.space);
  const prior = byPriority(all);
  if (explored.length < (auto.minRankTrials ?? 10)) return { source: 'prior', order: prior, pairs: [] };
  try {
    const ranked = importance(explored, { direction: ctx.direction, evaluator: 'fanova' }).params;
    // Knobs the exploration never varied have no importance: they follow, in the built-in order.
    const order = [
      ...ranked.filter((p) => p.importance > 0).map((p) => p.param),
      ...prior.filter((n) => !ranked.some((p) => p.param === n && p.importance > 0)),
    ].filter((n) => all.includes(n));
    const threshold = auto.interactionThreshold ?? 0.1;
    const pairs = interactions(explored, { top: all.length * all.length })
      .pairs.filter((p) => p.share > threshold)
      .map((p) => [...p.params]);
    return { source: 'fanova', order, pairs };
  } catch (error) {
    if (
      isTunekitError(error, 'no_variance') ||
      isTunekitError(error, 'invalid_argument') ||
      isTunekitError(error, 'no_completed_trials')
    )
      return { source: 'prior', order: prior, pairs: [] };
    throw error;
  }
}

/** Stages of up to `size` knobs in order; knobs joined by a strong pair land in the same stage. */
export function packStages(order: readonly string[], pairs: readonly string[][], size: number): string[][] {
  const group = new Map(order.map((n) => [n, n]));
  const root = (n: string): string => (group.get(n) === n ? n : root(group.get(n)!));
  for (const [a, b] of pairs) if (group.has(a!) && group.has(b!)) group.set(root(b!), root(a!));
  const clusters: string[][] = [];
  for (const n of order) {
    const existing = clusters.find((c) => root(c[0]!) === root(n));
    if (existing) existing.push(n);
    else clusters.push([n]);
  }
  const stages: string[][] = [];
  for (const cluster of clusters) {
    const last = stages[stages.length - 1];
    if (last && last.length + cluster.length <= size) last.push(...cluster);
    else stages.push([...cluster]);
  }
  return stages;
}

/** Names exist, budgets are positive, and every knob a stage holds untuned has a default. */
export function checkStaged(space: readonly SpaceEntry[], options: StagedOptions): void {
  const known = new Set(names(space));
  const held = new Map<string, string>(); // knob → the first stage that holds it at its default
  if ('kind' in options.stages) {
    for (const e of space) held.set(e.name, 'the ordered stages');
  } else {
    if (options.stages.length === 0) throw configError('strategy.stages', 'at least one stage', []);
    const seen = new Set<string>();
    options.stages.forEach((stage, i) => {
      for (const p of stage.params)
        if (!known.has(p))
          throw configError(
            `strategy.stages[${i}].params`,
            `names of the space (${[...known].join(', ')})`,
            p,
          );
      for (const name of known)
        if (!seen.has(name) && !stage.params.includes(name) && !held.has(name))
          held.set(name, `stage ${i + 1}`);
      stage.params.forEach((p) => seen.add(p));
    });
  }
  for (const e of space)
    if (held.has(e.name) && e.default === undefined)
      throw new TunekitError(
        'config_invalid',
        `space.${e.name}.default: staged tuning holds ${e.name} at its default in ${held.get(e.name)} (no stage has tuned it yet); give space.${e.name}.default`,
        { path: `space.${e.name}.default` },
      );
}

// Which hyperparameters matter: normalised importances (fANOVA, or PED-ANOVA for big studies) and the
// pairs that interact (fANOVA). Pure functions of trial records; the Study methods are thin wrappers.
import { TunekitError } from '../errors.js';
import { Rng } from '../random.js';
import type { Direction, TrialRecord } from '../study/types.js';
import { trialData } from './dataset.js';
import type { ExcludedParam, TargetOptions, TrialData } from './dataset.js';
import { fanova } from './fanova.js';
import { fitForest } from './forest.js';
import { pedAnova } from './ped-anova.js';

export type ImportanceEvaluator = 'fanova' | 'ped-anova';

/**
 * The one importance configuration: `tunekit importance`, the dashboard, the report and the demo all fit
 * with these, so one study gives one answer wherever it is read.
 */
export const IMPORTANCE_DEFAULTS = {
  nTrees: 64,
  maxDepth: 64,
  seed: 0,
  quantile: 0.1,
  /** Interactions fit a forest on at most this many trials (seeded subsample): pairs cost far more than main effects. */
  interactionTrials: 300,
} as const;

/**
 * fANOVA while a study is small enough to fit a forest quickly; PED-ANOVA above. The threshold is where
 * fANOVA on 64 trees starts to take seconds on one core (docs/importance.md has the timings).
 */
export const FANOVA_MAX_TRIALS = 1000;

export interface ImportanceOptions extends TargetOptions {
  /** 'auto' (default): fANOVA up to FANOVA_MAX_TRIALS complete trials, PED-ANOVA beyond. */
  evaluator?: ImportanceEvaluator | 'auto';
  /** Which end is good; PED-ANOVA compares the best trials with all. Default 'minimize'. */
  direction?: Direction;
  /** Seeds the forest. Default 0, so the same trials give the same answer. */
  seed?: number;
  /** Forest size. Default 64 trees. */
  nTrees?: number;
  /** Default 64. */
  maxDepth?: number;
  /** PED-ANOVA's share of best trials. Default 0.1. */
  quantile?: number;
}

export interface ParamImportance {
  readonly param: string;
  /** Normalised: the importances of a result sum to 1. */
  readonly importance: number;
  /** fANOVA only: spread of the share over the trees. */
  readonly std?: number;
}

export interface ImportanceResult {
  readonly evaluator: ImportanceEvaluator;
  /** Complete trials the estimate is based on. */
  readonly nTrials: number;
  /** Most important first; parameters with a single possible value come last with 0. */
  readonly params: readonly ParamImportance[];
  /** Parameters not ranked, with why: conditional ones (absent from some trials) cannot enter one forest. */
  readonly excluded: readonly ExcludedParam[];
}

export function chooseEvaluator(
  nTrials: number,
  requested: ImportanceOptions['evaluator'] = 'auto',
): ImportanceEvaluator {
  if (requested === 'fanova' || requested === 'ped-anova') return requested;
  if (requested !== 'auto')
    throw new TunekitError(
      'invalid_argument',
      `evaluator must be 'auto', 'fanova' or 'ped-anova', got ${JSON.stringify(requested)}`,
    );
  return nTrials <= FANOVA_MAX_TRIALS ? 'fanova' : 'ped-anova';
}

export function importance(
  trials: readonly TrialRecord[],
  options: ImportanceOptions = {},
): ImportanceResult {
  const data = load(trials, options);
  const evaluator = chooseEvaluator(data.y.length, options.evaluator);
  let raw: { value: number; std?: number }[];
  if (evaluator === 'fanova') {
    const result = fanova(forestFor(data, options), data, []);
    raw = result.main.map((s) => ({ value: s.mean, std: s.std }));
  } else {
    const sign = (options.direction ?? 'minimize') === 'maximize' ? -1 : 1;
    raw = pedAnova(
      { ...data, y: data.y.map((v) => sign * v) },
      { quantile: options.quantile ?? IMPORTANCE_DEFAULTS.quantile },
    ).map((value) => ({ value }));
  }
  const total = raw.reduce((a, r) => a + r.value, 0);
  if (!(total > 0))
    throw new TunekitError(
      'no_variance',
      `the ${data.y.length} complete trials cannot tell the parameters apart (the model of the objective is constant)`,
    );
  const params: ParamImportance[] = data.params.map((param, i) => ({
    param,
    importance: raw[i]!.value / total,
    ...(raw[i]!.std === undefined ? {} : { std: raw[i]!.std / total }),
  }));
  params.sort((a, b) => b.importance - a.importance);
  return {
    evaluator,
    nTrials: data.y.length,
    params: [...params, ...data.constant.map((param) => ({ param, importance: 0 }))],
    excluded: data.excluded,
  };
}

export interface InteractionOptions extends Omit<ImportanceOptions, 'evaluator' | 'quantile' | 'direction'> {
  /** Pairs to return, strongest first. Default 5. */
  top?: number;
  /** Trials the forest is fitted on; a bigger study is subsampled (seeded). Default IMPORTANCE_DEFAULTS.interactionTrials. */
  maxTrials?: number;
}

export interface Interaction {
  readonly params: readonly [string, string];
  /** Share of the variance of the objective explained by the pair jointly, beyond both main effects. */
  readonly share: number;
  readonly std: number;
}

export interface InteractionResult {
  readonly nTrials: number;
  /** Main effects as shares of the variance (not renormalised), in the parameters' order. */
  readonly main: readonly { readonly param: string; readonly share: number; readonly std: number }[];
  readonly pairs: readonly Interaction[];
  /** Main effects plus all pairwise interactions; what is left (to 1) is higher-order interaction. */
  readonly explained: number;
}

/** fANOVA's pairwise interactions, strongest first. */
export function interactions(
  trials: readonly TrialRecord[],
  options: InteractionOptions = {},
): InteractionResult {
  const { top = 5, maxTrials = IMPORTANCE_DEFAULTS.interactionTrials } = options;
  let data = load(trials, options);
  if (data.y.length > maxTrials) data = subsample(data, maxTrials, options.seed ?? IMPORTANCE_DEFAULTS.seed);
  const result = fanova(forestFor(data, options), data);
  const pairs: Interaction[] = result.pairs.map((p) => ({
    params: [data.params[p.features[0]]!, data.params[p.features[1]]!] as const,
    share: p.share.mean,
    std: p.share.std,
  }));
  const main = result.main.map((s, i) => ({ param: data.params[i]!, share: s.mean, std: s.std }));
  const explained = main.reduce((a, m) => a + m.share, 0) + pairs.reduce((a, p) => a + p.share, 0);
  pairs.sort((a, b) => b.share - a.share);
  return { nTrials: data.y.length, main, pairs: pairs.slice(0, top), explained };
}

function load(trials: readonly TrialRecord[], options: TargetOptions): TrialData {
  const data = trialData(trials, options);
  if (data.y.length < 2)
    throw new TunekitError(
      'no_completed_trials',
      `importance needs at least 2 complete trials, got ${data.y.length}`,
    );
  if (data.params.length === 0)
    throw new TunekitError('invalid_argument', 'no parameter varies across the complete trials');
  return data;
}

function forestFor(data: TrialData, options: ImportanceOptions) {
  return fitForest(data, {
    nTrees: options.nTrees ?? IMPORTANCE_DEFAULTS.nTrees,
    maxDepth: options.maxDepth ?? IMPORTANCE_DEFAULTS.maxDepth,
    seed: options.seed ?? IMPORTANCE_DEFAULTS.seed,
  });
}

function subsample(data: TrialData, size: number, seed: number): TrialData {
  const rows = Rng.derive(seed, 'subsample')
    .shuffle(Array.from({ length: data.y.length }, (_, i) => i))
    .slice(0, size);
  return {
    ...data,
    x: rows.map((r) => data.x[r]!),
    y: rows.map((r) => data.y[r]!),
    rows: rows.map((r) => data.rows[r]!),
  };
}

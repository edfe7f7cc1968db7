// Turns complete trials into the rows the estimators read: which parameters to use, one target per trial,
// numeric parameters as unit positions (log ranges in log space) and categorical ones as choice indices.
import { TunekitError } from '../errors.js';
import { distributionsEqual, isSingle, toUnit } from '../search-space/index.js';
import type { Distribution } from '../search-space/index.js';
import type { TrialRecord } from '../study/types.js';
import type { Dataset, Feature } from './forest.js';

export interface TargetOptions {
  /** Parameters to analyse; by default every parameter all complete trials share with one distribution. */
  params?: readonly string[];
  /** What to explain, for multi-objective studies or anything else (a user attribute, a duration). Default: the only value. */
  target?: (trial: TrialRecord) => number;
}

export interface TrialData extends Dataset {
  readonly params: readonly string[];
  /** The trial behind each row. */
  readonly rows: readonly TrialRecord[];
  readonly distributions: readonly Distribution[];
  /** Parameters left out because they have a single possible value (their importance is 0). */
  readonly constant: readonly string[];
  /** Parameters some complete trials have and others lack (a conditional space), or drawn from several distributions. */
  readonly excluded: readonly ExcludedParam[];
}

export interface ExcludedParam {
  readonly param: string;
  /** Complete trials that have it. */
  readonly trials: number;
  readonly reason: 'conditional' | 'several_distributions';
}

export function trialData(trials: readonly TrialRecord[], options: TargetOptions = {}): TrialData {
  const complete = trials.filter((t) => t.state === 'complete' && t.values !== null);
  const names = options.params ?? sharedParams(complete);
  const used = complete.filter((t) => names.every((name) => name in t.params));
  if (used.length === 0)
    throw new TunekitError(
      'no_completed_trials',
      `no complete trial has all of the parameters ${JSON.stringify(names)}`,
    );
  const distributions = new Map<string, Distribution>();
  for (const name of names) {
    const d = used[0]!.distributions[name];
    if (d === undefined)
      throw new TunekitError(
        'invalid_argument',
        `parameter "${name}" has no distribution in trial ${used[0]!.number}`,
      );
    if (used.some((t) => !distributionsEqual(t.distributions[name]!, d)))
      throw new TunekitError(
        'incompatible_distribution',
        `parameter "${name}" was drawn from different distributions; analyse trials with one search space`,
        { param: name },
      );
    distributions.set(name, d);
  }
  const varying = names.filter((n) => !isSingle(distributions.get(n)!));
  const target = options.target ?? singleValue;
  const y = used.map((t) => {
    const v = target(t);
    if (!Number.isFinite(v))
      throw new TunekitError(
        'invalid_argument',
        `target of trial ${t.number} is ${v}; it must be a finite number`,
      );
    return v;
  });
  const features: Feature[] = varying.map((name) => {
    const d = distributions.get(name)!;
    return d.kind === 'categorical'
      ? { name, kind: 'categorical', choices: d.choices.length }
      : { name, kind: 'numeric' };
  });
  const x = used.map((t) =>
    varying.map((name) => {
      const d = distributions.get(name)!;
      const value = t.params[name]!;
      return d.kind === 'categorical'
        ? d.choices.findIndex((c) => Object.is(c, value) || c === value)
        : toUnit(d, value);
    }),
  );
  return {
    features,
    x,
    y,
    params: varying,
    rows: used,
    distributions: varying.map((n) => distributions.get(n)!),
    constant: names.filter((n) => !varying.includes(n)),
    excluded: options.params ? [] : excludedParams(complete, names),
  };
}

/** Why each parameter of the complete trials is not among `shared`: it is missing from some, or its distribution differs. */
function excludedParams(complete: readonly TrialRecord[], shared: readonly string[]): ExcludedParam[] {
  const seen = new Map<string, number>();
  for (const t of complete)
    for (const name of Object.keys(t.distributions)) seen.set(name, (seen.get(name) ?? 0) + 1);
  return [...seen]
    .filter(([name]) => !shared.includes(name))
    .map(([param, trials]) => ({
      param,
      trials,
      reason: trials < complete.length ? 'conditional' : 'several_distributions',
    }));
}

function singleValue(trial: TrialRecord): number {
  if (trial.values!.length !== 1)
    throw new TunekitError(
      'invalid_argument',
      `trial ${trial.number} has ${trial.values!.length} objective values; pass target to choose what to explain`,
    );
  return trial.values![0]!;
}

/** Parameters present in every trial with the same distribution, in first-seen order. */
export function sharedParams(trials: readonly TrialRecord[]): string[] {
  if (trials.length === 0) return [];
  const first = trials[0]!;
  return Object.keys(first.distributions).filter((name) =>
    trials.every(
      (t) =>
        t.distributions[name] !== undefined &&
        distributionsEqual(t.distributions[name]!, first.distributions[name]!),
    ),
  );
}

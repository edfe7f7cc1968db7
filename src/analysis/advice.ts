// What to tune next: the range each numeric hyperparameter spans among the best trials (measured in log
// space for log ranges), the categorical choices that never reach them, and a sentence saying so.
import { TunekitError } from '../errors.js';
import {
  categoricalDistribution,
  floatDistribution,
  intDistribution,
  toUnit,
} from '../search-space/index.js';
import type { CategoricalChoice, Distribution } from '../search-space/index.js';
import type { Direction, TrialRecord } from '../study/types.js';
import { trialData } from './dataset.js';
import type { TargetOptions } from './dataset.js';
import type { ImportanceResult } from './importance.js';

export interface AdviceOptions extends TargetOptions {
  /** Which end is good. Default 'minimize'. */
  direction?: Direction;
  /** Share of the trials that count as the best. Default 0.1. */
  quantile?: number;
  /** Fewest trials that count as the best, so a small study is not judged on one or two. Default 5. */
  minTop?: number;
  /** Importances to rank the advice by and to call parameters negligible. */
  importance?: ImportanceResult;
  /** Importance under which a parameter "barely matters". Default 0.05. */
  negligible?: number;
  /** A range is worth narrowing when the best trials span at most this share of it (in unit space). Default 0.6. */
  narrowBelow?: number;
}

export interface NumericAdvice {
  readonly param: string;
  readonly kind: 'float' | 'int';
  readonly log: boolean;
  /** Smallest and largest value among the best trials. */
  readonly low: number;
  readonly high: number;
  /** Share of the full range (log space for log ranges) the best trials span. */
  readonly span: number;
  /** The range narrowed to [low, high], same scale and step: the next, finer search space. */
  readonly distribution: Distribution;
  readonly importance?: number;
}

export interface CategoricalAdvice {
  readonly param: string;
  readonly kind: 'categorical';
  /** Choices among the best trials, most frequent first, with how many best trials used each. */
  readonly top: readonly { readonly choice: CategoricalChoice; readonly count: number }[];
  /** Choices that were tried but never reached the best trials. */
  readonly never: readonly CategoricalChoice[];
  /** Choices no complete trial used: nothing is known about them. */
  readonly untried: readonly CategoricalChoice[];
  /** Every choice but `never`: the next search space. */
  readonly distribution: Distribution;
  readonly importance?: number;
}

export type ParamAdvice = NumericAdvice | CategoricalAdvice;

export interface Advice {
  readonly nTrials: number;
  /** How many trials counted as the best. */
  readonly nTop: number;
  /** Most important first when importances were given, else in the study's order. */
  readonly params: readonly ParamAdvice[];
  /** For people: "narrow learning_rate to 3e-4 .. 2e-3; drop optimizer sgd; batch_size barely matters". */
  readonly summary: string;
}

export function advice(trials: readonly TrialRecord[], options: AdviceOptions = {}): Advice {
  const {
    direction = 'minimize',
    quantile = 0.1,
    minTop = 5,
    negligible = 0.05,
    narrowBelow = 0.6,
  } = options;
  if (!(quantile > 0 && quantile <= 1))
    throw new TunekitError('invalid_argument', `quantile must be in (0, 1], got ${quantile}`);
  const data = trialData(trials, options);
  const n = data.y.length;
  const nTop = Math.min(n, Math.max(minTop, Math.ceil(quantile * n)));
  const sign = direction === 'maximize' ? -1 : 1;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => sign * (data.y[a]! - data.y[b]!));
  const best = order.slice(0, nTop);
  const importanceOf = new Map(options.importance?.params.map((p) => [p.param, p.importance]));

  const params: ParamAdvice[] = data.params.map((param, f) => {
    const d = data.distributions[f]!;
    const imp = importanceOf.has(param) ? { importance: importanceOf.get(param)! } : {};
    const column = (rows: readonly number[]): number[] => rows.map((r) => data.x[r]![f]!);
    if (d.kind === 'categorical') {
      const counts = new Array<number>(d.choices.length).fill(0);
      for (const c of column(best)) counts[c]!++;
      const tried = new Set(column(order));
      const never = d.choices.filter((_, c) => tried.has(c) && counts[c] === 0);
      const top = d.choices
        .map((choice, c) => ({ choice, count: counts[c]! }))
        .filter((t) => t.count > 0)
        .sort((a, b) => b.count - a.count);
      const untried = d.choices.filter((_, c) => !tried.has(c));
      const kept = d.choices.filter((c) => !never.includes(c));
      return {
        param,
        kind: 'categorical',
        top,
        never,
        untried,
        distribution: categoricalDistribution(param, kept),
        ...imp,
      };
    }
    // Raw values, not unit positions: an int or stepped parameter's best values are grid points already.
    const values = best.map((r) => data.rows[r]!.params[param] as number);
    const low = Math.min(...values);
    const high = Math.max(...values);
    const span = toUnit(d, high) - toUnit(d, low) + cellShare(d);
    const distribution =
      d.kind === 'int'
        ? intDistribution(param, low, high, d.log ? { log: true } : { step: d.step })
        : floatDistribution(
            param,
            low,
            high,
            d.log ? { log: true } : d.step === null ? {} : { step: d.step },
          );
    return { param, kind: d.kind, log: d.log, low, high, span: Math.min(1, span), distribution, ...imp };
  });
  if (options.importance) params.sort((a, b) => (b.importance ?? 0) - (a.importance ?? 0));
  return { nTrials: n, nTop, params, summary: summarise(params, { negligible, narrowBelow }) };
}

/** The search space the advice points to, for a coarse-to-fine second round. */
export function narrowedSpace(result: Advice): Record<string, Distribution> {
  return Object.fromEntries(result.params.map((p) => [p.param, p.distribution]));
}

// A grid point owns a cell of the unit interval, so a single best value of a 5-point range spans 1/5 of it.
function cellShare(d: Exclude<Distribution, { kind: 'categorical' }>): number {
  if (d.step === null || d.log || d.high === d.low) return 0;
  return d.step / (d.high - d.low + d.step);
}

function summarise(
  params: readonly ParamAdvice[],
  limits: { negligible: number; narrowBelow: number },
): string {
  const parts: string[] = [];
  const minor: string[] = [];
  for (const p of params) {
    if (p.importance !== undefined && p.importance < limits.negligible) {
      minor.push(p.param);
      continue;
    }
    if (p.kind === 'categorical') {
      if (p.never.length > 0) parts.push(`drop ${p.param} ${p.never.map(String).join(', ')}`);
      else if (p.top.length === 1 && p.untried.length === 0)
        parts.push(`${p.param}: keep ${String(p.top[0]!.choice)}`);
    } else if (p.span <= limits.narrowBelow)
      parts.push(`narrow ${p.param} to ${formatRange(p.low, p.high, p.log)}`);
  }
  if (minor.length > 0) parts.push(`${joinNames(minor)} barely ${minor.length === 1 ? 'matters' : 'matter'}`);
  return parts.length === 0
    ? 'no clear advice yet: the best trials cover most of every range'
    : parts.join('; ');
}

function joinNames(names: readonly string[]): string {
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Two significant digits; exponent form for very small or large magnitudes ("3e-4"). */
export function formatValue(v: number, exponent = needsExponent(v)): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e6 && !exponent) return String(v);
  if (exponent) return v.toExponential(1).replace(/\.0e/, 'e').replace('e+', 'e');
  return String(Number(v.toPrecision(2)));
}

/**
 * Both ends in one notation, so a range reads "1e-3 .. 1e-2", not "1e-3 .. 0.01". Exponents only for log
 * ranges (or extreme magnitudes): a linear range reads better as "0.0021 .. 0.11".
 */
export function formatRange(low: number, high: number, log = true): string {
  const exponent = log
    ? needsExponent(low) || needsExponent(high)
    : [low, high].some((v) => v !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e6));
  return `${formatValue(low, exponent)} .. ${formatValue(high, exponent)}`;
}

function needsExponent(v: number): boolean {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-2 || a >= 1e5) && !(Number.isInteger(v) && a < 1e6);
}

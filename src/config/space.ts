// A search space declared as data (from a config file): each hyperparameter with its distribution and an
// optional condition on earlier ones. `suggestSpace` asks a trial for every parameter whose condition holds.
import { TunekitError, isTunekitError } from '../errors.js';
import {
  categoricalDistribution,
  contains,
  floatDistribution,
  intDistribution,
} from '../search-space/index.js';
import type { CategoricalChoice, Distribution, ParamValue } from '../search-space/index.js';
import type { Trial } from '../study/trial.js';
import * as check from './check.js';

export interface SpaceEntry {
  readonly name: string;
  readonly distribution: Distribution;
  /** Suggested only when each named earlier parameter has one of the listed values. */
  readonly when?: Readonly<Record<string, readonly ParamValue[]>>;
  /** Where a staged strategy holds the parameter while no stage tunes it; must lie in the distribution. */
  readonly default?: ParamValue;
}

const FIELDS = ['type', 'low', 'high', 'log', 'step', 'choices', 'when', 'default'];

export function parseSpace(raw: unknown, path = 'space'): SpaceEntry[] {
  const entries: SpaceEntry[] = [];
  for (const [name, spec] of Object.entries(check.object(raw, path))) {
    const at = check.join(path, name);
    const s = check.object(spec, at, FIELDS);
    const type = check.oneOf(s.type, check.join(at, 'type'), ['float', 'int', 'categorical'] as const);
    let distribution: Distribution;
    try {
      if (type === 'categorical') {
        const choices = check.array(s.choices, check.join(at, 'choices'));
        distribution = categoricalDistribution(name, choices as CategoricalChoice[]);
      } else {
        const low = check.number(s.low, check.join(at, 'low'));
        const high = check.number(s.high, check.join(at, 'high'));
        const log = check.optional(s.log, (v) => check.boolean(v, check.join(at, 'log'))) ?? false;
        const step = check.optional(s.step, (v) => check.positive(v, check.join(at, 'step')));
        const options = step === undefined ? { log } : { log, step };
        distribution =
          type === 'float'
            ? floatDistribution(name, low, high, options)
            : intDistribution(name, low, high, options);
      }
    } catch (error) {
      if (isTunekitError(error, 'invalid_distribution'))
        throw new TunekitError(
          'config_invalid',
          `${at}: ${error.message.replace(/^parameter "[^"]*": /, '')}`,
          { path: at },
        );
      throw error;
    }
    const when = s.when === undefined ? undefined : parseWhen(s.when, check.join(at, 'when'), entries);
    if (s.default !== undefined && !contains(distribution, s.default as ParamValue))
      throw check.configError(check.join(at, 'default'), `a value of ${name}'s distribution`, s.default);
    entries.push({
      name,
      distribution,
      ...(when ? { when } : {}),
      ...(s.default === undefined ? {} : { default: s.default as ParamValue }),
    });
  }
  if (entries.length === 0) throw check.configError(path, 'at least one hyperparameter', raw);
  return entries;
}

function parseWhen(raw: unknown, path: string, earlier: readonly SpaceEntry[]): Record<string, ParamValue[]> {
  const when: Record<string, ParamValue[]> = {};
  for (const [parent, value] of Object.entries(check.object(raw, path))) {
    const at = check.join(path, parent);
    const declared = earlier.find((e) => e.name === parent);
    if (!declared)
      throw check.configError(at, 'the name of a hyperparameter declared above this one', parent);
    const values = (Array.isArray(value) ? value : [value]) as ParamValue[];
    for (const v of values)
      if (!contains(declared.distribution, v)) throw check.configError(at, `a value of ${parent}`, v);
    when[parent] = values;
  }
  return when;
}

/** What suggestSpace asks: a Trial, or anything that answers the same three questions (fixed params). */
export type Suggester = Pick<Trial, 'suggestFloat' | 'suggestInt' | 'suggestCategorical'>;

function suggestOne(source: Suggester, name: string, d: Distribution): ParamValue {
  if (d.kind === 'categorical') return source.suggestCategorical(name, d.choices);
  const options = d.log ? { log: true } : d.step === null ? {} : { step: d.step };
  return d.kind === 'int'
    ? source.suggestInt(name, d.low, d.high, options)
    : source.suggestFloat(name, d.low, d.high, options);
}

/** Suggests every parameter of the space whose condition holds, in declaration order. */
export function suggestSpace(source: Suggester, space: readonly SpaceEntry[]): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  for (const entry of space) {
    const active = Object.entries(entry.when ?? {}).every(
      ([parent, values]) => Object.hasOwn(params, parent) && values.some((v) => Object.is(v, params[parent])),
    );
    if (active) params[entry.name] = suggestOne(source, entry.name, entry.distribution);
  }
  return params;
}

/** The space as a name → distribution map (conditions dropped), e.g. for a grid. */
export function spaceDistributions(space: readonly SpaceEntry[]): Record<string, Distribution> {
  return Object.fromEntries(space.map((e) => [e.name, e.distribution]));
}

// Builds samplers and pruners named in a config file. This is a lookup table for configs only: the
// library itself takes plug-in objects (`createStudy({ sampler, pruner })`) and registers nothing.
import { TunekitError, isTunekitError } from '../errors.js';
import { HyperbandPruner } from '../pruners/hyperband.js';
import { PatientPruner } from '../pruners/patient.js';
import { MedianPruner, PercentilePruner } from '../pruners/percentile.js';
import { SuccessiveHalvingPruner } from '../pruners/successive-halving.js';
import { ThresholdPruner } from '../pruners/threshold.js';
import { WilcoxonPruner } from '../pruners/wilcoxon.js';
import { BruteForceSampler } from '../samplers/brute-force.js';
import { GridSampler } from '../samplers/grid.js';
import { QmcSampler } from '../samplers/qmc/qmc.js';
import { RandomSampler } from '../samplers/random.js';
import { TpeSampler } from '../samplers/tpe/sampler.js';
import { GpSampler } from '../samplers/gp/sampler.js';
import { CmaEsSampler } from '../samplers/cmaes/sampler.js';
import { NsgaIISampler } from '../samplers/nsga2/sampler.js';
import { AutoSampler } from '../samplers/auto.js';
import type { Pruner } from '../study/pruner.js';
import type { Sampler } from '../study/sampler.js';
import * as check from './check.js';
import type { SpaceEntry } from './space.js';
import { spaceDistributions } from './space.js';

/** A plug-in named in a config: `tpe`, or `{ kind: tpe, nStartupTrials: 10 }`. */
export interface PluginSpec {
  readonly kind: string;
  readonly options: Readonly<Record<string, unknown>>;
}

interface SamplerEntry {
  options: readonly string[];
  make(options: Record<string, unknown>, space: readonly SpaceEntry[]): Sampler;
}

interface PrunerEntry {
  options: readonly string[];
  make(options: Record<string, unknown>, path: string): Pruner | null;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- options are validated by each constructor */
const SAMPLERS: Record<string, SamplerEntry> = {
  random: { options: ['seed'], make: (o) => new RandomSampler(o as any) },
  qmc: { options: ['seed', 'scramble'], make: (o) => new QmcSampler(o as any) },
  grid: {
    options: ['seed', 'shuffle', 'pointsPerRange', 'grid'],
    make: (o, space) =>
      new GridSampler({ ...(o as any), ...(o.grid ? {} : { space: spaceDistributions(space) }) }),
  },
  tpe: {
    options: [
      'seed',
      'nStartupTrials',
      'nEiCandidates',
      'priorWeight',
      'considerMagicClip',
      'considerEndpoints',
      'multivariate',
      'group',
      'constantLiar',
    ],
    make: (o) => new TpeSampler(o as any),
  },
  gp: {
    options: ['seed', 'nStartupTrials', 'deterministicObjective', 'nCandidates', 'nLocalSearches'],
    make: (o) => new GpSampler(o as any),
  },
  cmaes: {
    options: ['seed', 'nStartupTrials', 'sigma0', 'populationSize', 'restart', 'separable'],
    make: (o) => new CmaEsSampler(o as any),
  },
  nsga2: {
    options: ['seed', 'populationSize', 'crossoverProb', 'swappingProb', 'sbxEta', 'mutationProb'],
    make: (o) => new NsgaIISampler(o as any),
  },
  auto: { options: ['seed', 'gpMaxTrials', 'gpMaxDims'], make: (o) => new AutoSampler(o as any) },
  'brute-force': { options: ['seed'], make: (o) => new BruteForceSampler(o as any) },
};

const PRUNERS: Record<string, PrunerEntry> = {
  none: { options: [], make: () => null },
  median: {
    options: ['nStartupTrials', 'nWarmupSteps', 'intervalSteps', 'nMinTrials'],
    make: (o) => new MedianPruner(o as any),
  },
  percentile: {
    options: ['percentile', 'nStartupTrials', 'nWarmupSteps', 'intervalSteps', 'nMinTrials'],
    make: ({ percentile, ...o }) => new PercentilePruner(percentile as number, o as any),
  },
  threshold: {
    options: ['lower', 'upper', 'nWarmupSteps', 'intervalSteps'],
    make: (o) => new ThresholdPruner(o as any),
  },
  'successive-halving': {
    options: ['minResource', 'reductionFactor', 'minEarlyStoppingRate', 'bootstrapCount'],
    make: (o) => new SuccessiveHalvingPruner(o as any),
  },
  hyperband: {
    options: [
      'minResource',
      'maxResource',
      'reductionFactor',
      'bootstrapCount',
      'samplerHistory',
      'minRungTrials',
      'bracketOrder',
    ],
    make: (o) => new HyperbandPruner(o as any),
  },
  wilcoxon: {
    options: ['pThreshold', 'nStartupSteps'],
    make: (o) => new WilcoxonPruner(o as any),
  },
  patient: {
    options: ['patience', 'minDelta', 'wrapped'],
    make: ({ wrapped, ...o }, path) =>
      new PatientPruner(
        wrapped === undefined ? null : makePruner(parsePlugin(wrapped, `${path}.wrapped`), `${path}.wrapped`),
        o as any,
      ),
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

export const SAMPLER_KINDS = Object.keys(SAMPLERS);
export const PRUNER_KINDS = Object.keys(PRUNERS);

export function parsePlugin(raw: unknown, path: string): PluginSpec {
  if (typeof raw === 'string') return { kind: raw, options: {} };
  const { kind, ...options } = check.object(raw, path);
  return { kind: check.string(kind, `${path}.kind`), options };
}

function build<T, E extends { options: readonly string[] }>(
  table: Record<string, E>,
  spec: PluginSpec,
  path: string,
  make: (entry: E) => T,
): T {
  // Own keys only: a kind such as "toString" or "__proto__" must not reach Object.prototype.
  const entry = Object.hasOwn(table, spec.kind) ? table[spec.kind] : undefined;
  if (!entry) throw check.configError(`${path}.kind`, `one of ${Object.keys(table).join(', ')}`, spec.kind);
  check.object(spec.options, path, ['kind', ...entry.options]);
  try {
    return make(entry);
  } catch (error) {
    if (isTunekitError(error) && error.code !== 'config_invalid')
      throw new TunekitError('config_invalid', `${path}: ${error.message}`, { path });
    throw error;
  }
}

export function makeSampler(
  spec: PluginSpec,
  path: string,
  space: readonly SpaceEntry[],
  seed?: number,
): Sampler {
  if (spec.options.seed !== undefined) check.seed(spec.options.seed, `${path}.seed`);
  const options =
    seed !== undefined && !('seed' in spec.options) ? { ...spec.options, seed } : { ...spec.options };
  return build(SAMPLERS, spec, path, (entry) => entry.make(options, space));
}

/** null means "no pruning". */
export function makePruner(spec: PluginSpec, path: string): Pruner | null {
  return build(PRUNERS, spec, path, (entry) => entry.make({ ...spec.options }, path));
}

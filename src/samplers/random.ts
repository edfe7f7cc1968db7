// Random search: each parameter drawn uniformly (log-uniformly on log ranges), independently.
// Draws come from a stream keyed by (seed, trial number, parameter name), so a seed fixes every trial
// whatever order workers run them in.
import { Rng, randomSeed } from '../random.js';
import { fromUnit } from '../search-space/index.js';
import type { Distribution, ParamValue } from '../search-space/index.js';
import type { Sampler, SamplerContext } from '../study/sampler.js';

export interface RandomSamplerOptions {
  seed?: number;
}

export class RandomSampler implements Sampler {
  readonly seed: number;
  readonly ignoresHistory = true;

  constructor(options: RandomSamplerOptions = {}) {
    this.seed = options.seed ?? randomSeed();
  }

  sampleIndependent(ctx: SamplerContext, name: string, distribution: Distribution): ParamValue {
    return sampleUniform(this.seed, ctx.trial.number, name, distribution);
  }
}

/** One uniform draw for (seed, trial, parameter); shared by samplers that fall back to random. */
export function sampleUniform(
  seed: number,
  trialNumber: number,
  name: string,
  distribution: Distribution,
): ParamValue {
  return fromUnit(distribution, Rng.derive(seed, 'uniform', trialNumber, name).next());
}

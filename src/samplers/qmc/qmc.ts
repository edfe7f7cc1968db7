// Quasi-Monte Carlo search: trial n takes point n of a scrambled Sobol sequence, so trials cover the space
// more evenly than random draws. The space is the first complete trial's; until one exists (and for
// parameters outside it) values are drawn at random.
import { randomSeed } from '../../random.js';
import { isSingle } from '../../search-space/index.js';
import type { Distribution, ParamValue } from '../../search-space/index.js';
import { fromUnit } from '../../search-space/index.js';
import type { RelativeSample, Sampler, SamplerContext } from '../../study/sampler.js';
import { sampleUniform } from '../random.js';
import { Sobol } from './sobol.js';

export interface QmcSamplerOptions {
  seed?: number;
  /** Scrambling (default true) randomises the sequence while keeping its evenness; off, point 0 is skipped. */
  scramble?: boolean;
}

export class QmcSampler implements Sampler {
  readonly seed: number;
  readonly scramble: boolean;
  private sobol: { key: string; sequence: Sobol } | null = null;

  constructor(options: QmcSamplerOptions = {}) {
    this.seed = options.seed ?? randomSeed();
    this.scramble = options.scramble ?? true;
  }

  sampleRelative(ctx: SamplerContext): RelativeSample | null {
    const first = ctx.trials.find((t) => t.state === 'complete');
    if (!first) return null;
    const space: Record<string, Distribution> = {};
    for (const name of Object.keys(first.distributions).sort()) {
      const d = first.distributions[name] as Distribution;
      if (!isSingle(d)) space[name] = d;
    }
    const names = Object.keys(space);
    if (names.length === 0) return null;
    const point = this.sequence(names).point(ctx.trial.number + (this.scramble ? 0 : 1));
    const params: Record<string, ParamValue> = {};
    names.forEach((name, i) => (params[name] = fromUnit(space[name] as Distribution, point[i] as number)));
    return { space, params };
  }

  sampleIndependent(ctx: SamplerContext, name: string, distribution: Distribution): ParamValue {
    return sampleUniform(this.seed, ctx.trial.number, name, distribution);
  }

  private sequence(names: string[]): Sobol {
    const key = names.join('\u0000');
    if (this.sobol?.key !== key)
      this.sobol = { key, sequence: new Sobol(names.length, { scramble: this.scramble, seed: this.seed }) };
    return this.sobol.sequence;
  }
}

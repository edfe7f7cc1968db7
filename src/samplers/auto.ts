// The default sampler, so users need not choose: Gaussian-process BO while the budget is small and the
// space low-dimensional (where it is most sample-efficient), multivariate TPE beyond (cheap per trial,
// handles conditional spaces), NSGA-II when there are several objectives.
import { randomSeed } from '../random.js';
import type { Distribution, ParamValue } from '../search-space/index.js';
import type { RelativeSample, Sampler, SamplerContext } from '../study/sampler.js';
import { GpSampler } from './gp/sampler.js';
import { NsgaIISampler } from './nsga2/sampler.js';
import { intersectionSearchSpace } from './search-space.js';
import { TpeSampler } from './tpe/sampler.js';

export interface AutoSamplerOptions {
  seed?: number;
  /** Complete trials after which the GP hands over to TPE (default 250). */
  gpMaxTrials?: number;
  /** Largest number of jointly modelled parameters the GP takes on (default 16). */
  gpMaxDims?: number;
}

export class AutoSampler implements Sampler {
  readonly seed: number;
  private readonly gpMaxTrials: number;
  private readonly gpMaxDims: number;
  private readonly gp: GpSampler;
  private readonly tpe: TpeSampler;
  private readonly nsga2: NsgaIISampler;
  // Which sampler took each trial, by snapshot: sampleIndependent must follow sampleRelative's choice.
  private readonly chosen = new WeakMap<readonly unknown[], Sampler>();

  constructor(options: AutoSamplerOptions = {}) {
    this.seed = options.seed ?? randomSeed();
    this.gpMaxTrials = options.gpMaxTrials ?? 250;
    this.gpMaxDims = options.gpMaxDims ?? 16;
    this.tpe = new TpeSampler({ seed: this.seed, multivariate: true, group: true, constantLiar: true });
    // Parameters outside the GP's space (conditional branches) get univariate TPE rather than random draws.
    this.gp = new GpSampler({
      seed: this.seed,
      independent: new TpeSampler({ seed: this.seed, constantLiar: true }),
    });
    this.nsga2 = new NsgaIISampler({ seed: this.seed });
  }

  /** The sampler this trial is given to. */
  pick(ctx: SamplerContext): Sampler {
    let sampler = this.chosen.get(ctx.trials);
    if (sampler) return sampler;
    if (ctx.study.directions.length > 1) sampler = this.nsga2;
    else {
      const complete = ctx.trials.reduce((n, t) => n + (t.state === 'complete' ? 1 : 0), 0);
      const dims = Object.keys(intersectionSearchSpace(ctx.trials)).length;
      sampler = complete < this.gpMaxTrials && dims <= this.gpMaxDims ? this.gp : this.tpe;
    }
    this.chosen.set(ctx.trials, sampler);
    return sampler;
  }

  sampleRelative(ctx: SamplerContext): Promise<RelativeSample | null> | RelativeSample | null {
    return this.pick(ctx).sampleRelative?.(ctx) ?? null;
  }

  sampleIndependent(ctx: SamplerContext, name: string, distribution: Distribution): ParamValue {
    return this.pick(ctx).sampleIndependent(ctx, name, distribution);
  }
}

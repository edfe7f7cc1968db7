import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { defaults } from '../defaults.js';
import { AutoSampler } from './auto.js';
import { GpSampler } from './gp/sampler.js';
import { NsgaIISampler } from './nsga2/sampler.js';
import { samplerContract } from './sampler.contract.js';
import { TpeSampler } from './tpe/sampler.js';
import { studyRecord } from '../testing/records.js';

samplerContract('auto', { make: (seed) => new AutoSampler({ seed }), trials: 20 });

describe('AutoSampler', () => {
  it('is the default sampler', () => {
    expect(defaults.sampler(['minimize'], 3)).toBeInstanceOf(AutoSampler);
  });

  it('uses the GP for small budgets, TPE past gpMaxTrials or gpMaxDims, NSGA-II for several objectives', async () => {
    const seen: string[] = [];
    const sampler = new AutoSampler({ seed: 1, gpMaxTrials: 12 });
    const study = await createStudy({ sampler });
    await study.optimize(
      (t) => {
        const x = t.suggestFloat('x', 0, 1);
        return x * x;
      },
      { nTrials: 14, catch: false, callbacks: [] },
    );
    const ctx = (
      trials: Awaited<ReturnType<typeof study.trials>>,
      directions: ('minimize' | 'maximize')[] = ['minimize'],
    ) => ({
      study: studyRecord({ id: 0, name: 's', directions }),
      trials,
      trial: trials[trials.length - 1]!,
      setMemo: async () => {},
    });
    const all = await study.trials();
    seen.push(sampler.pick(ctx(all.slice(0, 5))).constructor.name);
    seen.push(sampler.pick(ctx(all)).constructor.name);
    seen.push(new AutoSampler({ seed: 1, gpMaxDims: 0 }).pick(ctx(all)).constructor.name);
    seen.push(sampler.pick(ctx(all.slice(0, 3), ['minimize', 'maximize'])).constructor.name);
    expect(seen).toEqual([GpSampler.name, TpeSampler.name, TpeSampler.name, NsgaIISampler.name]);
  });
});

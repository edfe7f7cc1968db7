import { describe, expect, it } from 'vitest';
import { HyperbandPruner } from '../pruners/hyperband.js';
import { makePruner, makeSampler, parsePlugin } from './plugins.js';

describe('pruners named in a config', () => {
  it('passes every HyperbandPruner option through', () => {
    const spec = parsePlugin(
      {
        kind: 'hyperband',
        maxResource: 27,
        samplerHistory: 'highest-rung',
        minRungTrials: 5,
        bracketOrder: 'hash',
      },
      'study.pruner',
    );
    const pruner = makePruner(spec, 'study.pruner') as HyperbandPruner;
    expect(pruner).toBeInstanceOf(HyperbandPruner);
    expect([pruner.maxResource, pruner.samplerHistory, pruner.minRungTrials, pruner.bracketOrder]).toEqual([
      27,
      'highest-rung',
      5,
      'hash',
    ]);
  });

  it('names the field and the choices for a bad value', () => {
    const spec = parsePlugin({ kind: 'hyperband', bracketOrder: 'random' }, 'study.pruner');
    expect(() => makePruner(spec, 'study.pruner')).toThrow(
      "study.pruner: HyperbandPruner: bracketOrder must be 'exploratory-first' or 'hash', got random",
    );
  });
});

describe('samplers named in a config', () => {
  it('takes seed 0 and refuses a negative seed naming the field', () => {
    expect(() =>
      makeSampler(parsePlugin({ kind: 'random', seed: 0 }, 'study.sampler'), 'study.sampler', []),
    ).not.toThrow();
    expect(() =>
      makeSampler(parsePlugin({ kind: 'tpe', seed: -1 }, 'study.sampler'), 'study.sampler', []),
    ).toThrow(
      expect.objectContaining({
        code: 'config_invalid',
        message: expect.stringContaining('study.sampler.seed: expected a seed'),
      }),
    );
  });
});

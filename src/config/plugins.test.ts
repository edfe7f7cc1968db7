import { describe, expect, it } from 'vitest';
import { HyperbandPruner } from '../pruners/hyperband.js';
import { makePruner, parsePlugin } from './plugins.js';

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

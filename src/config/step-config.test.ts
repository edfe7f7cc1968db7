// A strategy step's stored config: its space reads back as the step's own (narrowed, held, conditions kept),
// it names the step's study and budget, drops the strategy and the run's timeout, and tags the trials.
import { describe, expect, it } from 'vitest';
import { isTunekitError } from '../errors.js';
import { intDistribution } from '../search-space/index.js';
import { narrowSpace } from './coarse-to-fine.js';
import { parseConfig } from './schema.js';
import { parseSpace } from './space.js';
import type { SpaceEntry } from './space.js';
import { spaceSource, stepConfig } from './step-config.js';

const SOURCE = {
  study: { name: 'p', storage: 'sqlite:./p.db', sampler: { kind: 'tpe', seed: 1 }, trials: 99, timeout: 60 },
  space: {
    lr: { type: 'float', low: 1e-4, high: 1, log: true, default: 0.01 },
    units: { type: 'int', low: 8, high: 64, step: 8, default: 16 },
    layers: { type: 'int', low: 1, high: 8, log: true },
    dropout: { type: 'float', low: 0, high: 0.5, step: 0.05 },
    optimizer: { type: 'categorical', choices: ['sgd', 'adam'], default: 'adam' },
    momentum: { type: 'float', low: 0, high: 0.99, when: { optimizer: 'sgd' } },
  },
  objective: { command: ['true'] },
  strategy: { kind: 'coarse-to-fine', rounds: 2, trialsPerRound: 3 },
};

const record = (params: Record<string, unknown>, value: number) =>
  ({ state: 'complete', params, values: [value] }) as never;

describe('spaceSource', () => {
  it('reads back as the same entries, declared or narrowed', () => {
    const space = parseSpace(SOURCE.space);
    expect(parseSpace(spaceSource(space))).toEqual(space);
    const narrowed = narrowSpace(
      space,
      [
        record({ lr: 0.002, units: 24, layers: 2, dropout: 0.1, optimizer: 'adam' }, 1),
        record({ lr: 0.03, units: 40, layers: 5, dropout: 0.25, optimizer: 'adam' }, 2),
      ],
      'minimize',
      { top: 2, margin: 0.1 },
    );
    const back = parseSpace(spaceSource(narrowed));
    // A narrowed range that leaves a default out drops it (a step runs no stages, so it needs none).
    const withoutDefaults = (s: readonly SpaceEntry[]) => s.map(({ default: _d, ...e }) => e);
    expect(withoutDefaults(back)).toEqual(
      withoutDefaults(narrowed).map((e) =>
        // sgd is gone, so momentum's condition can no longer hold: it keeps no value, and is never asked.
        e.name === 'momentum' ? { ...e, when: { optimizer: [] } } : e,
      ),
    );
    expect(back.find((e) => e.name === 'optimizer')!.distribution).toEqual({
      kind: 'categorical',
      choices: ['adam'],
    });
  });
});

describe('stepConfig', () => {
  it("names the step's study and budget, drops the strategy and timeout, and marks the step", () => {
    const config = parseConfig(SOURCE);
    const held = { name: 'layers', distribution: intDistribution('layers', 3, 3) };
    const step = stepConfig(config, {
      study: { name: 'p.stage-1' },
      label: 'stage 1 (lr)',
      space: [config.space[0]!, held],
      maxTrials: 3,
      trialAttrs: { round: 1 },
    });
    expect(step.study).toMatchObject({ name: 'p.stage-1', trials: 3, storage: 'sqlite:./p.db' });
    expect(step.study.timeoutSeconds).toBeUndefined();
    expect(step.study.sampler).toEqual(config.study.sampler);
    expect(step.strategy).toEqual({ kind: 'optimize' });
    expect(step.step).toEqual({ label: 'stage 1 (lr)', trialAttrs: { round: 1 } });
    expect(step.space.map((e) => [e.name, e.distribution])).toEqual([
      ['lr', config.space[0]!.distribution],
      ['layers', { kind: 'int', low: 3, high: 3, log: false, step: 1 }],
    ]);
    // Plain data, as stored: parsing it again gives the same config.
    expect(parseConfig(JSON.parse(JSON.stringify(step.source)))).toEqual(step);
  });

  it('refuses a step field beside a strategy, naming the fix', () => {
    const error = (() => {
      try {
        parseConfig({ ...SOURCE, step: { label: 'round 1' } });
      } catch (e) {
        return e;
      }
    })();
    expect(isTunekitError(error, 'config_invalid')).toBe(true);
    expect((error as Error).message).toMatch(/^strategy\.kind: expected optimize in the config of one step/);
  });
});

import { describe, expect, it } from 'vitest';
import { TunekitError } from '../errors.js';
import { parseConfigText } from './load.js';
import { parseConfig } from './schema.js';

const base = {
  study: {
    name: 's',
    direction: 'maximize',
    sampler: { kind: 'tpe', seed: 1 },
    pruner: 'median',
    trials: 20,
    retries: 1,
  },
  space: {
    lr: { type: 'float', low: 1e-5, high: 0.1, log: true },
    optimizer: { type: 'categorical', choices: ['sgd', 'adam'] },
    momentum: { type: 'float', low: 0, high: 0.99, when: { optimizer: 'sgd' } },
    units: { type: 'int', low: 16, high: 256, step: 16 },
  },
  objective: { command: { argv: ['python3', 'train.py', '--lr', '{lr}'], timeout: 30, env: { A: 'b' } } },
};

function errorOf(raw: unknown): TunekitError {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(TunekitError);
    expect((error as TunekitError).code).toBe('config_invalid');
    return error as TunekitError;
  }
  throw new Error('expected a config error');
}

const edit = (path: string[], value: unknown) => {
  const copy = structuredClone(base) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  if (value === undefined) delete node[path.at(-1)!];
  else node[path.at(-1)!] = value;
  return copy;
};

describe('parseConfig', () => {
  it('parses a complete config into plain data', () => {
    const config = parseConfig(base);
    expect(config.study).toMatchObject({
      name: 's',
      directions: ['maximize'],
      trials: 20,
      retries: 1,
    });
    // Not filled in: $TUNEKIT_STORAGE must still be able to win over an absent study.storage.
    expect(config.study.storage).toBeUndefined();
    expect(config.study.sampler).toEqual({ kind: 'tpe', options: { seed: 1 } });
    expect(config.study.pruner).toEqual({ kind: 'median', options: {} });
    expect(config.space.map((e) => e.name)).toEqual(['lr', 'optimizer', 'momentum', 'units']);
    expect(config.space[2]!.when).toEqual({ optimizer: ['sgd'] });
    expect(config.objective).toEqual({
      kind: 'command',
      argv: ['python3', 'train.py', '--lr', '{lr}'],
      env: { A: 'b' },
      timeoutMs: 30000,
    });
    expect(config.strategy).toEqual({ kind: 'optimize' });
  });

  it('reads heartbeat settings in seconds', () => {
    const config = parseConfig(edit(['study', 'heartbeat'], { interval: 0.5, grace: 3 }));
    expect(config.study.heartbeat).toEqual({ intervalMs: 500, graceMs: 3000 });
    expect(parseConfig(edit(['study', 'heartbeat'], { interval: 0 })).study.heartbeat).toEqual({
      intervalMs: 0,
    });
  });

  it.each([
    [['study', 'name'], undefined, 'study.name: expected a non-empty string, got nothing'],
    [['study', 'direction'], 'up', 'study.direction: expected one of minimize, maximize, got "up"'],
    [['study', 'trials'], 2.5, 'study.trials: expected a positive integer, got 2.5'],
    [['study', 'heartbeat'], { interval: -1 }, 'study.heartbeat.interval: expected a number >= 0, got -1'],
    [
      ['study', 'heartbeat'],
      { every: 5 },
      'study.heartbeat.every: unknown field; expected one of interval, grace',
    ],
    [
      ['study', 'heartbeat'],
      { interval: 10, grace: 5 },
      'study.heartbeat.grace: expected more seconds than study.heartbeat.interval (10)',
    ],
    [['study', 'colour'], 'red', 'study.colour: unknown field; expected one of name, storage'],
    [['space', 'lr', 'low'], 'abc', 'space.lr.low: expected a finite number, got "abc"'],
    [
      ['space', 'lr', 'type'],
      'double',
      'space.lr.type: expected one of float, int, categorical, got "double"',
    ],
    [['space', 'lr', 'high'], 1e-6, 'space.lr: low (0.00001) is greater than high (0.000001); swap them'],
    [
      ['space', 'units', 'step'],
      100,
      'space.units: step 100 does not fit the range [16, 256]; use high = 216',
    ],
    [['space', 'optimizer', 'choices'], ['sgd', 'sgd'], 'space.optimizer: duplicate choice "sgd"'],
    [
      ['space', 'momentum', 'when'],
      { optimiser: 'sgd' },
      'space.momentum.when.optimiser: expected the name of a hyperparameter declared above this one',
    ],
    [
      ['space', 'momentum', 'when'],
      { optimizer: 'rmsprop' },
      'space.momentum.when.optimizer: expected a value of optimizer, got "rmsprop"',
    ],
    [['objective', 'command'], 'python3 train.py', 'objective.command: expected an argv array'],
    [['objective', 'command', 'argv'], [], 'objective.command.argv: expected the program and its arguments'],
    [['objective', 'command', 'timeout'], 0, 'objective.command.timeout: expected a positive number, got 0'],
    [
      ['strategy'],
      { kind: 'coarse-to-fine', rounds: 0 },
      'strategy.rounds: expected a positive integer, got 0',
    ],
  ])('names the field: %j = %j', (path, value, message) => {
    expect(errorOf(edit(path as string[], value)).message).toContain(message);
  });

  it('refuses a missing section and an unknown top-level field', () => {
    expect(errorOf({ ...base, space: undefined }).message).toContain(
      'space: expected an object, got nothing',
    );
    expect(errorOf({ ...base, extra: 1 }).message).toContain('extra: unknown field');
    expect(errorOf(null).message).toContain('config: expected an object, got null');
  });

  it('reads YAML and reports syntax errors with the line', () => {
    const yaml =
      'study:\n  name: y\nspace:\n  lr: {type: float, low: 1e-5, high: 1e-1, log: true}\nobjective:\n  command: [sh, -c, "echo"]\n';
    expect(parseConfig(parseConfigText(yaml, 'c.yaml')).space[0]!.distribution).toEqual({
      kind: 'float',
      low: 1e-5,
      high: 0.1,
      log: true,
      step: null,
    });
    expect(() => parseConfigText('study:\n  name: [unclosed\n', 'c.yaml')).toThrow(
      /c.yaml is not valid YAML at line \d/,
    );
    expect(() => parseConfigText('{"a":', 'c.json')).toThrow(/c.json is not valid JSON/);
  });
});

describe('seeds in a config', () => {
  const withSeeds = (study: Record<string, unknown>, split?: Record<string, unknown>) => ({
    study: { name: 's', ...study },
    space: { lr: { type: 'float', low: 1e-3, high: 0.1 } },
    objective: {
      trainer: {
        data: 'iris',
        ...(split ? { split } : {}),
        model: { mlp: { hidden: [4] } },
        fit: { epochs: 1, optimizer: { kind: 'adam', lr: '$lr' } },
        monitor: 'val_accuracy',
      },
    },
  });

  it('accepts 0 everywhere a seed is given', () => {
    const config = parseConfig({
      ...withSeeds({ seed: 0, sampler: { kind: 'random', seed: 0 } }, { seed: 0 }),
    });
    expect(config.study.seed).toBe(0);
    const trainer = { ...withSeeds({}).objective.trainer, seed: 0 };
    expect(parseConfig({ ...withSeeds({}), objective: { trainer } }).objective).toMatchObject({ seed: 0 });
  });

  it('refuses a negative, fractional or non-numeric seed by one rule, naming the field', () => {
    const bad: Array<[unknown, string]> = [
      [withSeeds({ seed: -1 }), 'study.seed: expected a seed'],
      [withSeeds({ seed: 1.5 }), 'study.seed: expected a seed'],
      [withSeeds({}, { seed: -2 }), 'objective.trainer.split.seed: expected a seed'],
      [withSeeds({}, { seed: 0.5 }), 'objective.trainer.split.seed: expected a seed'],
      [
        { ...withSeeds({}), objective: { trainer: { ...withSeeds({}).objective.trainer, seed: '3' } } },
        'objective.trainer.seed: expected a seed',
      ],
    ];
    for (const [raw, message] of bad) expect(errorOf(raw).message).toContain(message);
  });
});

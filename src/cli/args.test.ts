import { describe, expect, it } from 'vitest';
import { defineCommand, didYouMean, editDistance, helpText, parseCommandLine } from './args.js';
import type { CommandSpec } from './args.js';
import { commands } from './commands/index.js';

const spec = {
  name: 'demo-cmd',
  summary: 'a command for the tests',
  positionals: [{ name: 'study', description: "the study's name" }],
  options: {
    storage: { type: 'string', value: 'URL', description: 'the storage' },
    state: {
      type: 'string',
      value: 'STATE',
      description: 'a state',
      choices: ['complete', 'pruned', 'fail'],
    },
    trials: { type: 'int', value: 'N', description: 'trials', default: 10 },
    index: { type: 'int', value: 'N', description: 'an index', min: 0 },
    timeout: { type: 'number', value: 'S', description: 'seconds' },
    seed: { type: 'seed', value: 'N', description: 'a seed' },
    to: { type: 'string', value: 'URL', description: 'target', required: true },
    quiet: { type: 'boolean', short: 'q', description: 'quiet' },
  },
} as const satisfies CommandSpec;

const parse = (...argv: string[]) => parseCommandLine(spec, ['s', '--to', 'memory:', ...argv]);
const refused = (argv: string[]) => {
  try {
    parseCommandLine(spec, argv);
  } catch (error) {
    expect(error).toMatchObject({ code: 'invalid_argument' });
    return (error as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

describe('parseCommandLine', () => {
  it('parses declared options, converts numbers and fills in defaults', () => {
    const args = parse(
      '--storage=sqlite:./a.db',
      '--state',
      'pruned',
      '-q',
      '--index',
      '0',
      '--timeout',
      '1.5',
    );
    expect(args.positionals).toEqual(['s']);
    expect(args.options).toEqual({
      storage: 'sqlite:./a.db',
      state: 'pruned',
      trials: 10,
      index: 0,
      timeout: 1.5,
      to: 'memory:',
      quiet: true,
    });
    expect(parse('--seed', '0').options.seed).toBe(0);
  });

  it('refuses unknown long options with the closest declared name', () => {
    expect(refused(['s', '--stroage', 'x'])).toBe('unknown option --stroage; did you mean --storage?');
    expect(refused(['s', '--stat', 'fail'])).toBe('unknown option --stat; did you mean --state?');
    expect(refused(['s', '--hepl'])).toBe('unknown option --hepl; did you mean --help?');
    expect(refused(['s', '--zzzzzz'])).toBe('unknown option --zzzzzz; see tunekit demo-cmd --help');
  });

  it('refuses unknown short flags, and reads -storage as a mistyped --storage', () => {
    expect(refused(['s', '-n', '3'])).toBe('unknown option -n; see tunekit demo-cmd --help');
    expect(refused(['s', '-x'])).toMatch(/^unknown option -x/);
    expect(refused(['s', '-storage', 'x'])).toBe('unknown option -storage; did you mean --storage?');
  });

  it('refuses extra and missing positionals', () => {
    expect(refused(['s', 'extra', '--to', 'x'])).toBe(
      'unexpected argument "extra"; tunekit demo-cmd takes <study> (see tunekit demo-cmd --help)',
    );
    expect(refused(['--to', 'x'])).toBe("give the study's name: tunekit demo-cmd <study>");
  });

  it('refuses missing, misplaced and malformed values', () => {
    expect(refused(['s', '--to'])).toBe('--to needs a value (URL): target');
    expect(refused(['s', '--to', 'x', '--quiet=yes'])).toBe('--quiet takes no value, got "yes"');
    expect(refused(['s', '--to', '-1'])).toBe(
      '--to -1: a value starting with "-" must be attached, as --to=-1',
    );
    expect(refused(['s'])).toBe('--to URL is required: target');
    expect(refused(['s', '--to', 'x', '--trials', '0'])).toBe('--trials must be an integer >= 1, got "0"');
    expect(refused(['s', '--to', 'x', '--trials', '2.5'])).toMatch(/--trials must be an integer/);
    expect(refused(['s', '--to', 'x', '--index', '-1'])).toMatch(/attached/);
    expect(refused(['s', '--to', 'x', '--index=-1'])).toBe('--index must be an integer >= 0, got "-1"');
    expect(refused(['s', '--to', 'x', '--timeout', '0'])).toBe(
      '--timeout must be a positive number, got "0"',
    );
    expect(refused(['s', '--to', 'x', '--seed', 'abc'])).toMatch(/^--seed: expected a seed .*got "abc"$/);
    expect(refused(['s', '--to', 'x', '--seed', '1.5'])).toMatch(/^--seed: expected a seed/);
  });

  it('checks enumerated values and names the allowed ones', () => {
    expect(refused(['s', '--to', 'x', '--state', 'complet'])).toBe(
      '--state must be one of complete, pruned, fail, got "complet"; did you mean complete?',
    );
    expect(refused(['s', '--to', 'x', '--state', 'done'])).toBe(
      '--state must be one of complete, pruned, fail, got "done"',
    );
  });
});

describe('didYouMean', () => {
  it('suggests within a small edit distance only', () => {
    expect(editDistance('stroage', 'storage')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(didYouMean('complet', ['complete', 'pruned'])).toBe('; did you mean complete?');
    expect(didYouMean('trails', ['trials', 'tune'])).toBe('; did you mean trials?');
    expect(didYouMean('xyz', ['trials', 'tune'])).toBe('');
  });
});

describe('help', () => {
  it('describes every positional and option of every command', () => {
    for (const [name, command] of Object.entries(commands)) {
      expect(command.spec.name).toBe(name);
      expect(command.help).toContain(`Usage: tunekit ${name}`);
      for (const p of command.spec.positionals) expect(command.help).toContain(`<${p.name}>`);
      for (const [option, o] of Object.entries(command.spec.options)) {
        expect(command.help).toContain(`--${option}`);
        expect(command.help).toContain(o.description);
        for (const choice of o.choices ?? []) expect(command.help).toContain(choice);
      }
    }
  });

  it('lists required options in the usage line, choices and defaults beside each option', () => {
    const text = helpText(spec);
    expect(text).toMatch(/^Usage: tunekit demo-cmd <study> --to URL \[options\]/);
    expect(text).toContain('--state STATE  a state (one of complete, pruned, fail)');
    expect(text).toContain('--trials N     trials (default 10)');
    expect(text).toContain('-q, --quiet');
    expect(defineCommand({ ...spec, run: async () => 0 }).help).toBe(text);
  });
});

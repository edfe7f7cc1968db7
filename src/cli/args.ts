// Command-line parsing on Node's util.parseArgs in strict mode. A command declares its options once (type,
// value name, description, allowed values, default); that declaration drives parsing, checks and --help.
import { parseArgs as nodeParseArgs } from 'node:util';
import { TunekitError, checkSeed } from '../index.js';

export interface OptionSpec {
  /** int: an integer >= `min` (default 1); number: a finite number > 0; seed: by checkSeed's rule. */
  readonly type: 'boolean' | 'string' | 'int' | 'number' | 'seed';
  /** One line for --help. */
  readonly description: string;
  readonly short?: string;
  /** The value's name in --help and in errors (URL, N, FILE); not for booleans. */
  readonly value?: string;
  /** A closed set of values: anything else is refused with a did-you-mean. */
  readonly choices?: readonly string[];
  readonly default?: string | number;
  readonly min?: number;
  readonly max?: number;
  /** The command cannot run without it (shown in the usage line). */
  readonly required?: boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  readonly optional?: boolean;
}

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  readonly summary: string;
  readonly positionals: readonly PositionalSpec[];
  readonly options: O;
  /** Paragraphs printed after the options in --help. */
  readonly notes?: readonly string[];
}

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['type'] extends 'string'
    ? S extends { choices: readonly (infer C)[] }
      ? C
      : string
    : number;

/** Booleans, required options and those with a default always have a value; the others may be absent. */
export type OptionValues<O extends OptionSpecs> = {
  -readonly [K in keyof O]: O[K] extends
    { type: 'boolean' } | { default: string | number } | { required: true }
    ? ValueOf<O[K]>
    : ValueOf<O[K]> | undefined;
};

export interface ParsedArgs<O extends OptionSpecs = OptionSpecs> {
  /** Every required positional is present; optional ones may be missing. */
  readonly positionals: readonly string[];
  readonly options: OptionValues<O>;
}

const usage = (message: string) => new TunekitError('invalid_argument', message);

export function parseCommandLine<O extends OptionSpecs>(
  spec: CommandSpec<O>,
  argv: readonly string[],
): ParsedArgs<O> {
  const nodeOptions = Object.fromEntries(
    Object.entries(spec.options).map(([name, o]) => [
      name,
      {
        type: o.type === 'boolean' ? ('boolean' as const) : ('string' as const),
        ...(o.short ? { short: o.short } : {}),
      },
    ]),
  );
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = nodeParseArgs({ args: [...argv], options: nodeOptions, strict: true, allowPositionals: true });
  } catch (error) {
    throw explain(spec, argv, nodeOptions, error);
  }

  const most = spec.positionals.length;
  const least = spec.positionals.filter((p) => !p.optional).length;
  if (parsed.positionals.length > most)
    throw usage(
      `unexpected argument ${JSON.stringify(parsed.positionals[most])}; tunekit ${spec.name} takes ${
        most === 0 ? 'no arguments' : spec.positionals.map(positionalUsage).join(' ')
      } (see tunekit ${spec.name} --help)`,
    );
  if (parsed.positionals.length < least) {
    const missing = spec.positionals[parsed.positionals.length]!;
    throw usage(
      `give ${missing.description}: tunekit ${spec.name} ${spec.positionals.map(positionalUsage).join(' ')}`,
    );
  }

  const options: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    const raw = parsed.values[name];
    if (o.type === 'boolean') options[name] = raw === true;
    else if (typeof raw === 'string') options[name] = convert(name, o, raw);
    else if (o.required) throw usage(`--${name} ${o.value ?? 'VALUE'} is required: ${o.description}`);
    else if (o.default !== undefined) options[name] = o.default;
  }
  return { positionals: parsed.positionals, options: options as OptionValues<O> };
}

function convert(name: string, o: OptionSpec, raw: string): unknown {
  if (o.type === 'seed') return checkSeed(/^\d+$/.test(raw) ? Number(raw) : raw, `--${name}`);
  if (o.type === 'int') {
    const min = o.min ?? 1;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > (o.max ?? Infinity))
      throw usage(
        `--${name} must be an integer ${o.max === undefined ? `>= ${min}` : `from ${min} to ${o.max}`}, got ${JSON.stringify(raw)}`,
      );
    return value;
  }
  if (o.type === 'number') {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value <= 0)
      throw usage(`--${name} must be a positive number, got ${JSON.stringify(raw)}`);
    return value;
  }
  if (o.choices && !o.choices.includes(raw))
    throw usage(
      `--${name} must be one of ${o.choices.join(', ')}, got ${JSON.stringify(raw)}${didYouMean(raw, o.choices)}`,
    );
  return raw;
}

/** Turns parseArgs' refusal into a message naming the option, with a did-you-mean when one is close. */
function explain(
  spec: CommandSpec,
  argv: readonly string[],
  nodeOptions: Record<string, { type: 'string' | 'boolean'; short?: string }>,
  error: unknown,
): TunekitError {
  const known = [...Object.keys(spec.options), 'help'];
  const help = `see tunekit ${spec.name} --help`;
  const { tokens } = nodeParseArgs({
    args: [...argv],
    options: nodeOptions,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const declared = spec.options[token.name];
    if (!declared) {
      const arg = argv[token.index]!;
      // `-storage` is read as the short flags -s -t -o ...; the user meant a long option.
      const word = token.rawName.startsWith('--')
        ? token.name
        : arg.length > 2
          ? arg.slice(1).split('=')[0]!
          : '';
      const hint = word ? didYouMean(word, known, '--') : '';
      return usage(
        `unknown option ${token.rawName.startsWith('--') ? token.rawName : arg}${hint || `; ${help}`}`,
      );
    }
    if (declared.type === 'boolean' && token.value !== undefined)
      return usage(`--${token.name} takes no value, got ${JSON.stringify(token.value)}`);
    if (declared.type !== 'boolean' && token.value === undefined)
      return usage(`--${token.name} needs a value (${declared.value ?? 'VALUE'}): ${declared.description}`);
    if (declared.type !== 'boolean' && !token.inlineValue && token.value!.startsWith('-'))
      return usage(
        `--${token.name} ${token.value}: a value starting with "-" must be attached, as --${token.name}=${token.value}`,
      );
  }
  return usage(`${(error as Error).message.split('\n')[0]} (${help})`);
}

/** "; did you mean X?" for the closest candidate within a small edit distance, else "". */
export function didYouMean(word: string, candidates: readonly string[], prefix = ''): string {
  const limit = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  // A prefix of a longer name ("stor" for "storage") is a likely slip too.
  const prefixed = candidates.find((c) => word.length >= 3 && c.startsWith(word));
  if (bestDistance > limit && prefixed) best = prefixed;
  else if (bestDistance > limit) return '';
  return `; did you mean ${prefix}${best}?`;
}

/** Levenshtein distance counting a swap of two neighbours as one edit ("stroage" is 1 from "storage"). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

const positionalUsage = (p: PositionalSpec) => (p.optional ? `[<${p.name}>]` : `<${p.name}>`);

function optionLabel(name: string, o: OptionSpec): string {
  const long = `--${name}${o.type === 'boolean' ? '' : ` ${o.value ?? 'VALUE'}`}`;
  return o.short ? `-${o.short}, ${long}` : `    ${long}`;
}

/** The --help text, generated from the declaration so it cannot drift from what is parsed. */
export function helpText(spec: CommandSpec): string {
  const required = Object.entries(spec.options)
    .filter(([, o]) => o.required)
    .map(([name, o]) => `--${name} ${o.value ?? 'VALUE'}`);
  const rows: Array<[string, string]> = [
    ...spec.positionals.map((p): [string, string] => [`<${p.name}>`, p.description]),
    ...Object.entries(spec.options).map(([name, o]): [string, string] => {
      const extra = [
        o.choices ? `one of ${o.choices.join(', ')}` : '',
        o.default !== undefined ? `default ${o.default}` : '',
        o.required ? 'required' : '',
      ].filter(Boolean);
      return [optionLabel(name, o), `${o.description}${extra.length ? ` (${extra.join('; ')})` : ''}`];
    }),
    ['-h, --help', 'show this help'],
  ];
  const width = Math.min(28, Math.max(...rows.map(([label]) => label.length)));
  const line = ([label, text]: [string, string]) =>
    label.length > width ? `  ${label}\n  ${''.padEnd(width)}  ${text}` : `  ${label.padEnd(width)}  ${text}`;
  return [
    `Usage: tunekit ${[spec.name, ...spec.positionals.map(positionalUsage), ...required, '[options]'].join(' ')}`,
    '',
    `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`,
    '',
    ...(spec.positionals.length
      ? ['Arguments:', ...rows.slice(0, spec.positionals.length).map(line), '']
      : []),
    'Options:',
    ...rows.slice(spec.positionals.length).map(line),
    ...(spec.notes?.length ? ['', ...spec.notes] : []),
  ].join('\n');
}

export interface Command {
  readonly summary: string;
  readonly help: string;
  /** The declaration the help and the parser come from. */
  readonly spec: CommandSpec;
  run(argv: readonly string[]): Promise<number>;
}

/** A command from its declaration: `run` gets arguments already parsed and checked against it. */
export function defineCommand<const O extends OptionSpecs>(
  spec: CommandSpec<O> & { run(args: ParsedArgs<O>): Promise<number> },
): Command {
  return {
    summary: spec.summary,
    help: helpText(spec),
    spec,
    run: (argv) => spec.run(parseCommandLine(spec, argv)),
  };
}

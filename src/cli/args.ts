// A small argument parser: --name value, --name=value, boolean --flags, positionals; errors name the flag.
import { TunekitError } from '../index.js';

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | true>;
}

export function parseArgs(
  argv: readonly string[],
  spec: { booleans?: readonly string[]; values?: readonly string[] },
): ParsedArgs {
  const booleans = new Set(spec.booleans ?? []);
  const values = new Set(spec.values ?? []);
  const parsed: ParsedArgs = { positionals: [], options: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      parsed.positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (booleans.has(name)) parsed.options[name] = true;
    else if (values.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new TunekitError('invalid_argument', `--${name} needs a value`);
      parsed.options[name] = value;
    } else throw new TunekitError('invalid_argument', `unknown option --${name}`);
  }
  return parsed;
}

export function intOption(args: ParsedArgs, name: string, fallback: number): number {
  const raw = args.options[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw === true || !Number.isInteger(value) || value <= 0)
    throw new TunekitError(
      'invalid_argument',
      `--${name} must be a positive integer, got ${JSON.stringify(raw)}`,
    );
  return value;
}

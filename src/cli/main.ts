#!/usr/bin/env node
// The tunekit command line: a thin shell that parses arguments, calls the library and formats the result.
// One file per command under commands/; this file only dispatches.
import { readFileSync } from 'node:fs';
import { TunekitError } from '../index.js';
import { didYouMean } from './args.js';
import { commands } from './commands/index.js';
import { EXIT } from './exit-codes.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function help(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'tunekit: hyperparameter tuning for TypeScript',
    '',
    'Usage: tunekit <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  --help, -h     show help (also: tunekit <command> --help)',
    '  --version, -v  print the version',
    '',
    'Options of every command are checked: an unknown option or value is refused (exit 2).',
    'Exit codes: 0 ok, 1 error (or a tune/worker run in which no trial completed), 2 bad usage or config,',
    '3 storage unreachable (or a read-only command given a database that does not exist), 4 study not found.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    console.log(help());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '--version' || first === '-v') {
    console.log(version());
    return EXIT.ok;
  }
  const command = commands[first];
  if (!command) {
    const hint = didYouMean(first, Object.keys(commands));
    console.error(`tunekit: unknown command "${first}"${hint || '; run tunekit --help for the list'}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof TunekitError) {
      console.error(`tunekit ${first}: ${error.message} [${error.code}]`);
      return EXIT.forCode(error.code);
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = EXIT.error;
  },
);

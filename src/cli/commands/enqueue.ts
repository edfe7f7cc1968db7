// `tunekit enqueue <study> --params '{...}'`: manual search; the next trial a worker starts uses exactly these values.
import { TunekitError, loadStudy } from '../../index.js';
import type { ParamValue } from '../../index.js';
import { parseArgs } from '../args.js';
import { storageUrl, studyArg } from '../common.js';
import type { Command } from './index.js';

export function parseJsonOption(raw: string | true | undefined, name: string): unknown {
  if (typeof raw !== 'string') throw new TunekitError('invalid_argument', `--${name} needs a JSON value`);
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new TunekitError('invalid_argument', `--${name} is not valid JSON: ${(error as Error).message}`);
  }
}

export const enqueue: Command = {
  summary: 'enqueue a configuration to run next (manual search)',
  help: `Usage: tunekit enqueue <study> --params '{"lr": 0.01, "units": 64}' [--storage URL]`,
  async run(argv) {
    const args = parseArgs(argv, { values: ['storage', 'params'], booleans: ['quiet'] });
    const name = studyArg(args, 'enqueue');
    const params = parseJsonOption(args.options.params, 'params');
    if (params === null || typeof params !== 'object' || Array.isArray(params))
      throw new TunekitError('invalid_argument', '--params must be a JSON object of name → value');
    const study = await loadStudy({ studyName: name, storage: storageUrl(args) });
    try {
      await study.enqueueTrial(params as Record<string, ParamValue>);
    } finally {
      await study.storage.close();
    }
    if (!args.options.quiet) console.log(`enqueued ${JSON.stringify(params)} in study "${name}"`);
    return 0;
  },
};

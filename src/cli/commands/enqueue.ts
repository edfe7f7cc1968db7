// `tunekit enqueue <study> --params '{...}'`: manual search; the next trial a worker starts uses exactly these values.
import { TunekitError, loadStudy } from '../../index.js';
import type { ParamValue } from '../../index.js';
import { defineCommand } from '../args.js';
import { QUIET, STORAGE, STUDY, storageUrl, withStorage } from '../common.js';

export function parseJsonOption(raw: string, name: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new TunekitError('invalid_argument', `--${name} is not valid JSON: ${(error as Error).message}`);
  }
}

export const enqueue = defineCommand({
  name: 'enqueue',
  summary: 'enqueue a configuration to run next (manual search)',
  positionals: [STUDY],
  options: {
    params: {
      type: 'string',
      value: 'JSON',
      description: `the values, e.g. '{"lr": 0.01, "units": 64}'`,
      required: true,
    },
    storage: STORAGE,
    quiet: QUIET,
  },
  run: async ({ positionals: [name], options }) => {
    const params = parseJsonOption(options.params, 'params');
    if (params === null || typeof params !== 'object' || Array.isArray(params))
      throw new TunekitError('invalid_argument', '--params must be a JSON object of name → value');
    await withStorage(storageUrl(options.storage), async (storage) => {
      const study = await loadStudy({ studyName: name!, storage });
      await study.enqueueTrial(params as Record<string, ParamValue>);
    });
    if (!options.quiet) console.log(`enqueued ${JSON.stringify(params)} in study "${name}"`);
    return 0;
  },
});

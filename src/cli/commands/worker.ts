// `tunekit worker`: joins a study from any machine that reaches its storage, and works until the study's
// budget is spent. Give the config file, or the storage and study name (the config is read from the study).
import { loadConfigFile, loadStudyConfig, runTune } from '../../config/index.js';
import { TunekitError } from '../../index.js';
import { parseArgs } from '../args.js';
import { useFastKernels } from '../common.js';
import type { Command } from './index.js';
import { TUNE_VALUES, overridesFrom, printSummary } from './tune.js';

export const worker: Command = {
  summary: 'join a running study as a worker (from any machine)',
  help: [
    'Usage: tunekit worker <config.yaml|json> [--trials N] [--timeout SECONDS] [--storage URL] [--seed N] [--quiet]',
    '       tunekit worker --storage URL --study NAME [--trials N] [--timeout SECONDS]',
  ].join('\n'),
  async run(argv) {
    const args = parseArgs(argv, { values: [...TUNE_VALUES, 'study'], booleans: ['json', 'quiet'] });
    const overrides = overridesFrom(args);
    const path = args.positionals[0];
    let config;
    if (path !== undefined) config = loadConfigFile(path);
    else if (typeof args.options.study === 'string' && overrides.storage)
      config = await loadStudyConfig(overrides.storage, args.options.study);
    else throw new TunekitError('invalid_argument', 'give a config file, or --storage URL and --study NAME');
    await useFastKernels();
    const study = await runTune(config, overrides);
    try {
      if (!args.options.quiet) await printSummary(study, Boolean(args.options.json));
    } finally {
      await study.storage.close();
    }
    return 0;
  },
};

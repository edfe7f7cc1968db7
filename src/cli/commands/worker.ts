// `tunekit worker`: joins a study from any machine that reaches its storage, and works until the study's
// budget is spent. Give the config file, or the study name (the config is read from the study).
import { loadConfigFile, loadStudyConfig, runTune } from '../../config/index.js';
import { TunekitError } from '../../index.js';
import { defineCommand } from '../args.js';
import { CONFIG_FILE, storageUrl, useFastKernels } from '../common.js';
import { RUN_NOTES, RUN_OPTIONS, finish, noTrialCompleted, overridesFrom, runWatch } from './tune.js';

export const worker = defineCommand({
  name: 'worker',
  summary: 'join a running study as a worker (from any machine)',
  positionals: [{ ...CONFIG_FILE, optional: true }],
  options: {
    ...RUN_OPTIONS,
    study: {
      type: 'string',
      value: 'NAME',
      description: 'join this study with the config stored in it by tune (instead of a config file)',
    },
  },
  notes: [
    'Give the config file, or --study NAME (with the storage by --storage or $TUNEKIT_STORAGE).',
    ...RUN_NOTES,
  ],
  async run({ positionals: [path], options }) {
    if ((path === undefined) === (options.study === undefined))
      throw new TunekitError(
        'invalid_argument',
        path === undefined
          ? 'give a config file, or --study NAME, e.g. tunekit worker --storage sqlite:./tunekit.db --study my-study'
          : 'give a config file or --study NAME, not both',
      );
    const overrides = overridesFrom(options);
    let config;
    if (path !== undefined) config = loadConfigFile(path);
    else {
      // The stored config's own study.storage may name another path; the study is where it was found.
      overrides.storage = storageUrl(options.storage);
      config = await loadStudyConfig(overrides.storage, options.study!);
    }
    await useFastKernels();
    const watch = runWatch(options.quiet);
    const study = await runTune(config, { ...overrides, ...watch.logging }, { onTrial: watch.onTrial });
    const { complete, lastFailure } = watch.seen;
    return finish(
      complete === 0 && lastFailure !== undefined
        ? { study, error: noTrialCompleted(lastFailure) }
        : { study },
      options,
    );
  },
});

// `tunekit worker`: joins a study from any machine that reaches its storage, and works until the study's
// budget is spent. Give the config file, or the study name (the config is read from the study).
import { loadConfigFile, loadStudyConfig } from '../../config/index.js';
import { TunekitError } from '../../index.js';
import { defineCommand } from '../args.js';
import { CONFIG_FILE, storageUrl, useFastKernels } from '../common.js';
import { RUN_NOTES, RUN_OPTIONS, finish, overridesFrom, printStep, progressMode, runHere } from '../run.js';

export const worker = defineCommand({
  name: 'worker',
  summary: 'join a running study as a worker (from any machine)',
  positionals: [{ ...CONFIG_FILE, optional: true }],
  options: {
    ...RUN_OPTIONS,
    study: {
      type: 'string',
      value: 'NAME',
      description:
        'join this study with the config stored in it by tune or create (instead of a config file)',
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
    const progress = progressMode(options.progress, options.quiet);
    // The study is one step of a strategy (tune stored the step's config on it): say which.
    if (config.step && progress !== null && !options.quiet && !options.json)
      printStep(config.step.label, config.space);
    const run = await runHere(config, overrides, { progress });
    if (run.ran === 0 && progress !== null && !options.json) {
      const budget = overrides.trials ?? config.study.trials;
      const held = (await run.study.trials()).length;
      console.error(
        `tunekit worker: nothing left to do: study "${run.study.name}" holds ${held} trials${
          budget === undefined ? ' and its time is up' : ` of its budget of ${budget}`
        }`,
      );
    }
    return finish(run, options);
  },
});

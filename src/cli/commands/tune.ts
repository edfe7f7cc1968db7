// `tunekit tune <config>`: runs the study a config describes, in this process or in N local worker
// processes, with progress on stderr (every worker's trials), each failed trial's reason, and the best trial.
import { loadConfigFile } from '../../config/index.js';
import type { SpaceEntry } from '../../config/index.js';
import { defineCommand } from '../args.js';
import { CONFIG_FILE, useFastKernels } from '../common.js';
import {
  RUN_NOTES,
  RUN_OPTIONS,
  finish,
  overridesFrom,
  printStep,
  progressMode,
  requireBudget,
  runHere,
  runWorkers,
} from '../run.js';

export const tune = defineCommand({
  name: 'tune',
  summary: 'run the study a config file describes',
  positionals: [CONFIG_FILE],
  options: {
    ...RUN_OPTIONS,
    workers: {
      type: 'int',
      value: 'N',
      description: "run N local worker processes on the study (a strategy's: on each step's study in turn)",
      default: 1,
    },
  },
  notes: RUN_NOTES,
  async run({ positionals: [path], options }) {
    const config = loadConfigFile(path!);
    const overrides = overridesFrom(options);
    requireBudget(config, overrides, 'study.trials or study.timeout in the config, or --trials / --timeout');
    await useFastKernels();
    const progress = progressMode(options.progress, options.quiet);
    const onStep = (label: string, space: readonly SpaceEntry[]) => {
      if (!options.quiet && !options.json) printStep(label, space);
    };
    const run =
      options.workers > 1
        ? await runWorkers(config, overrides, options.workers, { progress, onStep })
        : await runHere(config, overrides, { progress, onStep });
    return finish(run, options);
  },
});

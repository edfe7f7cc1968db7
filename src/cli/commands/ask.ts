// `tunekit ask <study> --space '{...}'`: starts a trial and prints its number and parameters as JSON, for
// shell loops (`tunekit tell` finishes it). Creates the study (and its storage) on first use.
import { parseSpace, suggestSpace } from '../../config/index.js';
import { createStudy } from '../../index.js';
import { defineCommand } from '../args.js';
import { STORAGE, STUDY, storageUrl } from '../common.js';
import { parseJsonOption } from './enqueue.js';

export const ask = defineCommand({
  name: 'ask',
  summary: 'start a trial and print its parameters as JSON (for shell loops)',
  positionals: [STUDY],
  options: {
    space: {
      type: 'string',
      value: 'JSON',
      description: `the search space, e.g. '{"lr": {"type": "float", "low": 1e-5, "high": 0.1, "log": true}}'`,
      required: true,
    },
    direction: {
      type: 'string',
      value: 'DIR',
      description: 'the direction of a new study',
      choices: ['minimize', 'maximize'],
      default: 'minimize',
    },
    storage: STORAGE,
  },
  notes: [
    'Prints {"number": N, "params": {...}}; finish the trial with: tunekit tell <study> --trial N --value V',
  ],
  async run({ positionals: [name], options }) {
    const space = parseSpace(parseJsonOption(options.space, 'space'), 'space');
    const study = await createStudy({
      studyName: name!,
      storage: storageUrl(options.storage),
      direction: options.direction,
      loadIfExists: true,
    });
    try {
      const trial = await study.ask();
      const params = suggestSpace(trial, space);
      await trial.flush();
      console.log(JSON.stringify({ number: trial.number, params }));
    } finally {
      await study.storage.close();
    }
    return 0;
  },
});

// `tunekit ask <study> --space '{...}'`: starts a trial and prints its number and parameters as JSON, for
// shell loops (`tunekit tell` finishes it). Creates the study on first use.
import { parseSpace, suggestSpace } from '../../config/index.js';
import { TunekitError, createStudy } from '../../index.js';
import type { Direction } from '../../index.js';
import { parseArgs } from '../args.js';
import { storageUrl, studyArg } from '../common.js';
import { parseJsonOption } from './enqueue.js';
import type { Command } from './index.js';

export const ask: Command = {
  summary: 'start a trial and print its parameters as JSON (for shell loops)',
  help: [
    `Usage: tunekit ask <study> --space '{"lr": {"type": "float", "low": 1e-5, "high": 0.1, "log": true}}'`,
    '                   [--direction minimize|maximize] [--storage URL]',
    '',
    'Prints {"number": N, "params": {...}}; finish the trial with: tunekit tell <study> --trial N --value V',
  ].join('\n'),
  async run(argv) {
    const args = parseArgs(argv, { values: ['storage', 'space', 'direction'] });
    const name = studyArg(args, 'ask');
    const space = parseSpace(parseJsonOption(args.options.space, 'space'), 'space');
    const direction = (args.options.direction ?? 'minimize') as Direction;
    if (direction !== 'minimize' && direction !== 'maximize')
      throw new TunekitError(
        'invalid_argument',
        `--direction must be minimize or maximize, got ${JSON.stringify(direction)}`,
      );
    const study = await createStudy({
      studyName: name,
      storage: storageUrl(args),
      direction,
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
};

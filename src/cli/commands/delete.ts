// `tunekit delete <study>`: removes a study and all its trials.
import { parseArgs } from '../args.js';
import { studyArg, withStorage } from '../common.js';
import type { Command } from './index.js';

export const deleteCommand: Command = {
  summary: 'delete a study and its trials',
  help: 'Usage: tunekit delete <study> [--storage URL] [--quiet]',
  run: (argv) => {
    const args = parseArgs(argv, { values: ['storage'], booleans: ['quiet'] });
    const name = studyArg(args, 'delete');
    return withStorage(args, async (storage) => {
      const study = await storage.getStudy(name);
      await storage.deleteStudy(study.id);
      if (!args.options.quiet) console.log(`deleted study "${name}"`);
      return 0;
    });
  },
};

// `tunekit rename <study> <new-name>`: renames a study in place (its trials keep their numbers).
import { TunekitError } from '../../index.js';
import { parseArgs } from '../args.js';
import { studyArg, withStorage } from '../common.js';
import type { Command } from './index.js';

export const rename: Command = {
  summary: 'rename a study',
  help: 'Usage: tunekit rename <study> <new-name> [--storage URL] [--quiet]',
  run: (argv) => {
    const args = parseArgs(argv, { values: ['storage'], booleans: ['quiet'] });
    const name = studyArg(args, 'rename');
    const next = args.positionals[1];
    if (next === undefined || next.trim() === '')
      throw new TunekitError('invalid_argument', 'give the new name, e.g. tunekit rename old-name new-name');
    return withStorage(args, async (storage) => {
      const study = await storage.getStudy(name);
      await storage.renameStudy(study.id, next);
      if (!args.options.quiet) console.log(`renamed study "${name}" to "${next}"`);
      return 0;
    });
  },
};

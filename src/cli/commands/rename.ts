// `tunekit rename <study> <new-name>`: renames a study in place; its trials keep their numbers.
import { TunekitError } from '../../index.js';
import { defineCommand } from '../args.js';
import { QUIET, STORAGE, STUDY, storageUrl, withStorage } from '../common.js';

export const rename = defineCommand({
  name: 'rename',
  summary: 'rename a study',
  positionals: [STUDY, { name: 'new-name', description: 'the new name' }],
  options: { storage: STORAGE, quiet: QUIET },
  run: ({ positionals: [name, next], options }) => {
    if (next!.trim() === '')
      throw new TunekitError('invalid_argument', 'give the new name, e.g. tunekit rename old-name new-name');
    return withStorage(storageUrl(options.storage), async (storage) => {
      const study = await storage.getStudy(name!);
      await storage.renameStudy(study.id, next!);
      if (!options.quiet) console.log(`renamed study "${name}" to "${next}"`);
      return 0;
    });
  },
});

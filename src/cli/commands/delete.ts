// `tunekit delete <study>`: removes a study and all its trials.
import { defineCommand } from '../args.js';
import { QUIET, STORAGE, STUDY, storageUrl, withStorage } from '../common.js';

export const deleteCommand = defineCommand({
  name: 'delete',
  summary: 'delete a study and its trials',
  positionals: [STUDY],
  options: { storage: STORAGE, quiet: QUIET },
  run: ({ positionals: [name], options }) =>
    withStorage(storageUrl(options.storage), async (storage) => {
      const study = await storage.getStudy(name!);
      await storage.deleteStudy(study.id);
      if (!options.quiet) console.log(`deleted study "${name}"`);
      return 0;
    }),
});

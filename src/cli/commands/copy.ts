// `tunekit copy <study> --to URL`: copies a study with all its trials to another storage (e.g. a SQLite
// file to PostgreSQL when a study outgrows one machine, or between tunekit's schema and Optuna's with an
// optuna+sqlite: or optuna+postgres:// URL on either side), optionally under a new name.
import { copyStudy } from '../../index.js';
import { defineCommand } from '../args.js';
import { QUIET, STORAGE, STUDY, storageUrl, withStorage } from '../common.js';

export const copy = defineCommand({
  name: 'copy',
  summary: 'copy a study and its trials to another storage',
  positionals: [STUDY],
  options: {
    to: {
      type: 'string',
      value: 'URL',
      description:
        'the target storage, e.g. postgres://user@host:5432/db, or optuna+sqlite:FILE for Optuna to read (created if needed)',
      required: true,
    },
    storage: { ...STORAGE, description: `the source storage (never created); ${STORAGE.description}` },
    name: { type: 'string', value: 'NEW-NAME', description: 'the name in the target (default: the same)' },
    quiet: QUIET,
  },
  run: ({ positionals: [name], options }) =>
    // The source is opened here so that a mistyped source path is refused, not created empty.
    withStorage(storageUrl(options.storage), async (source) => {
      const info = await copyStudy(source, name!, options.to, options.name ? { toName: options.name } : {});
      if (!options.quiet) console.log(`copied study "${name}" to ${options.to} as "${info.name}"`);
      return 0;
    }),
});

// `tunekit copy <study> --to URL`: copies a study with all its trials to another storage (e.g. a SQLite
// file to PostgreSQL when a study outgrows one machine), optionally under a new name.
import { TunekitError, copyStudy } from '../../index.js';
import { parseArgs } from '../args.js';
import { storageUrl, studyArg } from '../common.js';
import type { Command } from './index.js';

export const copy: Command = {
  summary: 'copy a study and its trials to another storage',
  help: 'Usage: tunekit copy <study> --to URL [--storage URL] [--name NEW-NAME] [--quiet]\n\n--storage is the source (default $TUNEKIT_STORAGE or sqlite:./tunekit.db).',
  async run(argv) {
    const args = parseArgs(argv, { values: ['storage', 'to', 'name'], booleans: ['quiet'] });
    const name = studyArg(args, 'copy');
    const to = args.options.to;
    if (typeof to !== 'string')
      throw new TunekitError(
        'invalid_argument',
        '--to needs the target storage URL, e.g. --to postgres://user@host:5432/db',
      );
    const newName = typeof args.options.name === 'string' ? args.options.name : undefined;
    const info = await copyStudy(
      storageUrl(args),
      name,
      to,
      newName === undefined ? {} : { toName: newName },
    );
    if (!args.options.quiet) console.log(`copied study "${name}" to ${to} as "${info.name}"`);
    return 0;
  },
};

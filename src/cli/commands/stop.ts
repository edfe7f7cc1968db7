// `tunekit stop <study>`: asks every worker of a study, on any machine, to finish its current trial and
// start no other. The request is a counter on the study in storage; a worker started later runs as usual.
import { requestStop } from '../../index.js';
import { defineCommand } from '../args.js';
import { QUIET, STORAGE, STUDY, storageUrl, withStorage } from '../common.js';

export const stop = defineCommand({
  name: 'stop',
  summary: 'ask every worker of a study to finish its current trial and stop',
  positionals: [STUDY],
  options: { storage: STORAGE, quiet: QUIET },
  notes: [
    'Workers look for the request between trials, at most once a second, and exit as if the budget',
    'were spent; a worker started after the request runs as usual (so a stopped study can be resumed).',
  ],
  run: ({ positionals: [name], options }) =>
    withStorage(storageUrl(options.storage), async (storage) => {
      await requestStop(storage, name!);
      if (!options.quiet)
        console.log(`asked the workers of study "${name}" to stop after their current trial`);
      return 0;
    }),
});

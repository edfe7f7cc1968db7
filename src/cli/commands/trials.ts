// `tunekit trials <study>`: a table of a study's trials (number, state, value, params, duration).
import type { TrialState } from '../../index.js';
import { defineCommand } from '../args.js';
import { JSON_OUTPUT, STORAGE, STUDY, printJson, storageUrl, withStorage } from '../common.js';
import { formatDuration, formatNumber, formatParams, table } from '../format.js';

// Every state a trial can be in; `satisfies` fails the build if the library's states change under it.
const STATES = ['complete', 'pruned', 'fail', 'running', 'waiting'] as const satisfies readonly TrialState[];

export const trials = defineCommand({
  name: 'trials',
  summary: 'list the trials of a study',
  positionals: [STUDY],
  options: {
    storage: STORAGE,
    state: { type: 'string', value: 'STATE', description: 'only the trials in this state', choices: STATES },
    json: JSON_OUTPUT,
  },
  run: ({ positionals: [name], options }) =>
    withStorage(storageUrl(options.storage), async (storage) => {
      const study = await storage.getStudy(name!);
      const records = await storage.getTrials(study.id, options.state ? { states: [options.state] } : {});
      if (options.json) return (printJson(records), 0);
      const rows = records.map((t) => [
        String(t.number),
        t.state,
        t.values ? t.values.map(formatNumber).join(',') : '-',
        formatDuration(t),
        formatParams(t.params),
      ]);
      console.log(table(['#', 'state', 'value', 'duration', 'params'], rows));
      return 0;
    }),
});

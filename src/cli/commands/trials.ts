// `tunekit trials <study>`: a table of a study's trials (number, state, value, params, duration).
import { parseArgs } from '../args.js';
import { printJson, studyArg, withStorage } from '../common.js';
import { formatDuration, formatNumber, formatParams, table } from '../format.js';
import type { Command } from './index.js';

export const trials: Command = {
  summary: 'list the trials of a study',
  help: 'Usage: tunekit trials <study> [--storage URL] [--state complete|pruned|fail|running|waiting] [--json]',
  run: (argv) => {
    const args = parseArgs(argv, { values: ['storage', 'state'], booleans: ['json'] });
    const name = studyArg(args, 'trials');
    return withStorage(args, async (storage) => {
      const study = await storage.getStudy(name);
      const state = args.options.state;
      const records = await storage.getTrials(
        study.id,
        typeof state === 'string' ? { states: [state as never] } : {},
      );
      if (args.options.json) return (printJson(records), 0);
      const rows = records.map((t) => [
        String(t.number),
        t.state,
        t.values ? t.values.map(formatNumber).join(',') : '-',
        formatDuration(t),
        formatParams(t.params),
      ]);
      console.log(table(['#', 'state', 'value', 'duration', 'params'], rows));
      return 0;
    });
  },
};

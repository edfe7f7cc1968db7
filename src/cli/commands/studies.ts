// `tunekit studies`: the studies in a storage with their trial counts, best values and last activity.
import { parseArgs } from '../args.js';
import { printJson, withStorage } from '../common.js';
import { formatNumber, table } from '../format.js';
import type { Command } from './index.js';

export const studies: Command = {
  summary: 'list the studies in a storage',
  help: 'Usage: tunekit studies [--storage URL] [--json]\n\nStorage defaults to $TUNEKIT_STORAGE or sqlite:./tunekit.db.',
  run: (argv) => {
    const args = parseArgs(argv, { values: ['storage'], booleans: ['json'] });
    return withStorage(args, async (storage) => {
      const list = await storage.listStudies();
      if (args.options.json) return (printJson(list), 0);
      if (list.length === 0) return (console.log('no studies yet'), 0);
      const rows = list.map((s) => {
        const c = s.trialCounts;
        return [
          s.study.name,
          s.study.directions.join(','),
          String(c.complete),
          String(c.pruned),
          String(c.fail),
          String(c.running + c.waiting),
          formatNumber(s.bestValue),
          new Date(s.lastActivityAt).toISOString().replace('T', ' ').slice(0, 19),
        ];
      });
      console.log(
        table(
          ['study', 'directions', 'complete', 'pruned', 'fail', 'running', 'best', 'last activity'],
          rows,
        ),
      );
      return 0;
    });
  },
};

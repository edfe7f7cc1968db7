// `tunekit studies`: the studies in a storage with their trial counts, best values and last activity, which
// stage of which staged run a study is, and a reproducible study's lag (each column shown only when some
// study has one).
import { defineCommand } from '../args.js';
import { JSON_OUTPUT, STORAGE, printJson, storageUrl, withStorage } from '../common.js';
import type { StudySummary } from '../../index.js';
import { formatNumber, table } from '../format.js';

export const studies = defineCommand({
  name: 'studies',
  summary: 'list the studies in a storage',
  positionals: [],
  options: { storage: STORAGE, json: JSON_OUTPUT },
  run: ({ options }) =>
    withStorage(storageUrl(options.storage), async (storage) => {
      const list = await storage.listStudies();
      if (options.json) return (printJson(list), 0);
      if (list.length === 0) return (console.log('no studies yet'), 0);
      // Columns only some studies fill: shown when at least one does.
      const optional: Array<[string, (s: StudySummary) => string]> = [
        ['stage', ({ study: { stage } }) => (stage ? `${stage.index} of ${stage.parent}` : '')],
        ['reproducible', ({ study: { reproducible } }) => (reproducible ? `lag ${reproducible.lag}` : '')],
      ];
      const shown = optional.filter(([, cell]) => list.some((s) => cell(s) !== ''));
      const rows = list.map((s) => {
        const c = s.trialCounts;
        return [
          s.study.name,
          ...shown.map(([, cell]) => cell(s)),
          s.study.directions.join(','),
          String(c.complete),
          String(c.pruned),
          String(c.fail),
          String(c.running + c.waiting),
          formatNumber(s.bestValue),
          new Date(s.lastActivityAt).toISOString().replace('T', ' ').slice(0, 19),
        ];
      });
      const header = [
        'study',
        ...shown.map(([name]) => name),
        'directions',
        'complete',
        'pruned',
        'fail',
        'running',
        'best',
        'last activity',
      ];
      console.log(table(header, rows));
      return 0;
    }),
});

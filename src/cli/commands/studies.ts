// `tunekit studies`: the studies in a storage with their trial counts, best values and last activity, which
// stage of which staged run a study is, and a reproducible study's lag (each column shown only when some
// study has one).
import { defineCommand } from '../args.js';
import { JSON_OUTPUT, STORAGE, printJson, storageUrl, withStorage } from '../common.js';
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
      const staged = list.some((s) => s.study.stage !== null);
      const reproducible = list.some((s) => s.study.reproducible !== null);
      const rows = list.map((s) => {
        const c = s.trialCounts;
        const { stage, reproducible: mode } = s.study;
        return [
          s.study.name,
          ...(staged ? [stage ? `${stage.index} of ${stage.parent}` : ''] : []),
          ...(reproducible ? [mode ? `lag ${mode.lag}` : ''] : []),
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
        ...(staged ? ['stage'] : []),
        ...(reproducible ? ['reproducible'] : []),
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

// `tunekit best <study>`: the best trial (or the Pareto front of a multi-objective study).
import { TunekitError, bestOf, paretoFront } from '../../index.js';
import { defineCommand } from '../args.js';
import { JSON_OUTPUT, STORAGE, STUDY, printJson, storageUrl, withStorage } from '../common.js';
import { formatNumber, formatParam } from '../format.js';

export const best = defineCommand({
  name: 'best',
  summary: 'show the best trial of a study (the Pareto front for several objectives)',
  positionals: [STUDY],
  options: { storage: STORAGE, json: JSON_OUTPUT },
  run: ({ positionals: [name], options }) =>
    withStorage(storageUrl(options.storage), async (storage) => {
      const study = await storage.getStudy(name!);
      const complete = await storage.getTrials(study.id, { states: ['complete'] });
      const winners =
        study.directions.length === 1
          ? [bestOf(complete, study.directions[0]!)].filter((t) => t !== null)
          : paretoFront(complete, study.directions);
      if (winners.length === 0)
        throw new TunekitError('no_completed_trials', `study "${name}" has no complete trial yet`);
      if (options.json) return (printJson(study.directions.length === 1 ? winners[0] : winners), 0);
      for (const t of winners) {
        console.log(
          `trial ${t.number}: ${t.values!.map(formatNumber).join(', ')} (${study.directions.join(', ')})`,
        );
        for (const [k, v] of Object.entries(t.params)) console.log(`  ${k} = ${formatParam(v)}`);
      }
      return 0;
    }),
});

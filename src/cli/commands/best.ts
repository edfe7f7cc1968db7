// `tunekit best <study>`: the best trial (or the Pareto front of a multi-objective study).
import { bestOf, paretoFront } from '../../index.js';
import { TunekitError } from '../../index.js';
import { parseArgs } from '../args.js';
import { printJson, studyArg, withStorage } from '../common.js';
import { formatNumber, formatParam } from '../format.js';
import type { Command } from './index.js';

export const best: Command = {
  summary: 'show the best trial of a study',
  help: 'Usage: tunekit best <study> [--storage URL] [--json]',
  run: (argv) => {
    const args = parseArgs(argv, { values: ['storage'], booleans: ['json'] });
    const name = studyArg(args, 'best');
    return withStorage(args, async (storage) => {
      const study = await storage.getStudy(name);
      const complete = await storage.getTrials(study.id, { states: ['complete'] });
      const winners =
        study.directions.length === 1
          ? [bestOf(complete, study.directions[0]!)].filter((t) => t !== null)
          : paretoFront(complete, study.directions);
      if (winners.length === 0)
        throw new TunekitError('no_completed_trials', `study "${name}" has no complete trial yet`);
      if (args.options.json) return (printJson(study.directions.length === 1 ? winners[0] : winners), 0);
      for (const t of winners) {
        console.log(
          `trial ${t.number}: ${t.values!.map(formatNumber).join(', ')} (${study.directions.join(', ')})`,
        );
        for (const [k, v] of Object.entries(t.params)) console.log(`  ${k} = ${formatParam(v)}`);
      }
      return 0;
    });
  },
};

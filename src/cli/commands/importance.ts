// `tunekit importance <study>`: which hyperparameters matter (a table with bars), which pairs interact,
// and the advice on what to tune next.
import { TunekitError, advice, importance, interactions } from '../../index.js';
import type { Direction, ExcludedParam, ImportanceOptions, TrialRecord } from '../../index.js';
import { defineCommand } from '../args.js';
import type { ParsedArgs } from '../args.js';
import { JSON_OUTPUT, STORAGE, STUDY, printJson, storageUrl, withStorage } from '../common.js';
import { bold, dim, table } from '../format.js';

const BAR_WIDTH = 30;

const OPTIONS = {
  storage: STORAGE,
  evaluator: {
    type: 'string',
    value: 'NAME',
    description: 'force an evaluator (auto: fANOVA up to 1000 complete trials, PED-ANOVA beyond)',
    choices: ['auto', 'fanova', 'ped-anova'],
    default: 'auto',
  },
  top: { type: 'int', value: 'N', description: 'how many interacting pairs to show', default: 5 },
  objective: {
    type: 'int',
    value: 'N',
    description: 'the objective of a multi-objective study (0-based)',
    min: 0,
  },
  seed: { type: 'seed', value: 'N', description: "the random forest's seed", default: 0 },
  json: JSON_OUTPUT,
} as const;

export const importanceCommand = defineCommand({
  name: 'importance',
  summary: 'show which hyperparameters matter, which pairs interact, and what to tune next',
  positionals: [STUDY],
  options: OPTIONS,
  notes: [
    'Importances are normalised to sum to 1. Interactions come from fANOVA (a random forest, decomposed).',
  ],
  run: ({ positionals: [name], options }) =>
    withStorage(storageUrl(options.storage), async (storage) => {
      const study = await storage.getStudy(name!);
      const trials = await storage.getTrials(study.id, { states: ['complete'] });
      const analysis = analysisOptions(options, study.directions);
      const imp = importance(trials, analysis);
      const pairs =
        imp.params.filter((p) => p.importance > 0).length > 1
          ? interactions(trials, { ...analysis, top: options.top })
          : null;
      const tips = advice(trials, { ...analysis, importance: imp });
      if (options.json)
        return (printJson({ study: name, importance: imp, interactions: pairs, advice: tips }), 0);
      console.log(
        `study "${name}": ${imp.nTrials} complete trials, ${imp.evaluator === 'fanova' ? 'fANOVA' : 'PED-ANOVA'}`,
      );
      console.log('');
      // The spread over the forest's trees: a 6-trial study's ranking is a guess, and this says so.
      console.log(
        table(
          ['param', 'importance', '± over trees', ''],
          imp.params.map((p) => [
            p.param,
            p.importance.toFixed(3),
            p.std === undefined ? '' : p.std.toFixed(3),
            bar(p.importance, imp.params[0]!.importance),
          ]),
        ),
      );
      for (const e of imp.excluded)
        console.log(dim(`not ranked: ${e.param} (${excludedReason(e, imp.nTrials)})`));
      if (pairs && pairs.pairs.length > 0) {
        console.log('');
        const top = pairs.pairs[0]!.share;
        console.log(
          table(
            ['interaction', 'share', ''],
            pairs.pairs.map((p) => [
              `${p.params[0]} × ${p.params[1]}`,
              p.share.toFixed(3),
              bar(p.share, top),
            ]),
          ),
        );
        console.log(
          dim(
            `main effects and pairs explain ${(100 * pairs.explained).toFixed(1)}% of the variance of the forest's prediction`,
          ),
        );
      }
      console.log('');
      console.log(`${bold('advice')}: ${tips.summary}`);
      return 0;
    }),
});

function analysisOptions(
  options: ParsedArgs<typeof OPTIONS>['options'],
  directions: readonly Direction[],
): ImportanceOptions {
  const { evaluator, seed, objective: index } = options;
  if (index === undefined) {
    if (directions.length > 1)
      throw new TunekitError(
        'invalid_argument',
        `the study has ${directions.length} objectives; choose one with --objective 0..${directions.length - 1}`,
      );
    return { evaluator, seed, direction: directions[0]! };
  }
  if (index >= directions.length)
    throw new TunekitError(
      'invalid_argument',
      `--objective must be an integer in 0..${directions.length - 1}, got ${index}`,
    );
  return { evaluator, seed, direction: directions[index]!, target: (t: TrialRecord) => t.values![index]! };
}

function excludedReason(e: ExcludedParam, complete: number): string {
  return e.reason === 'conditional'
    ? `set in ${e.trials} of ${complete} complete trials; importance compares trials that all have it`
    : 'drawn from several distributions';
}

/** A bar proportional to `value`, the largest value filling the width. */
function bar(value: number, largest: number): string {
  const cells = largest > 0 ? (value / largest) * BAR_WIDTH : 0;
  const full = Math.floor(cells);
  // Eighth blocks make small differences visible without a wider table.
  const part = ' ▏▎▍▌▋▊▉'[Math.floor((cells - full) * 8)] ?? '';
  return ('█'.repeat(full) + (full < BAR_WIDTH ? part : '')).trimEnd();
}

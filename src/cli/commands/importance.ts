// `tunekit importance <study>`: which hyperparameters matter (a table with bars), which pairs interact,
// and the advice on what to tune next.
import { TunekitError, advice, importance, interactions } from '../../index.js';
import type { Direction, ImportanceOptions, TrialRecord } from '../../index.js';
import { intOption, parseArgs } from '../args.js';
import type { ParsedArgs } from '../args.js';
import { printJson, studyArg, withStorage } from '../common.js';
import { bold, dim, table } from '../format.js';
import type { Command } from './index.js';

const BAR_WIDTH = 30;

export const importanceCommand: Command = {
  summary: 'show which hyperparameters matter, which pairs interact, and what to tune next',
  help: [
    'Usage: tunekit importance <study> [--storage URL] [--evaluator auto|fanova|ped-anova] [--top N]',
    '                          [--objective N] [--seed N] [--json]',
    '',
    'Importances are normalised to sum to 1. fANOVA (a random forest, decomposed) is used up to 1000 complete',
    'trials, PED-ANOVA (best 10% against all) beyond; --evaluator forces one. Interactions come from fANOVA.',
    '--objective picks the objective of a multi-objective study (0-based); --top how many pairs to show.',
  ].join('\n'),
  run: (argv) => {
    const args = parseArgs(argv, {
      values: ['storage', 'evaluator', 'top', 'objective', 'seed'],
      booleans: ['json'],
    });
    const name = studyArg(args, 'importance');
    return withStorage(args, async (storage) => {
      const study = await storage.getStudy(name);
      const trials = await storage.getTrials(study.id, { states: ['complete'] });
      const options = analysisOptions(args, study.directions);
      const imp = importance(trials, options);
      const pairs =
        imp.params.filter((p) => p.importance > 0).length > 1
          ? interactions(trials, { ...options, top: intOption(args, 'top', 5) })
          : null;
      const tips = advice(trials, { ...options, importance: imp });
      if (args.options.json)
        return (printJson({ study: name, importance: imp, interactions: pairs, advice: tips }), 0);
      console.log(
        `study "${name}": ${imp.nTrials} complete trials, ${imp.evaluator === 'fanova' ? 'fANOVA' : 'PED-ANOVA'}`,
      );
      console.log('');
      console.log(
        table(
          ['param', 'importance', ''],
          imp.params.map((p) => [
            p.param,
            p.importance.toFixed(3),
            bar(p.importance, imp.params[0]!.importance),
          ]),
        ),
      );
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
    });
  },
};

function analysisOptions(args: ParsedArgs, directions: readonly Direction[]): ImportanceOptions {
  const evaluator = args.options.evaluator ?? 'auto';
  if (evaluator !== 'auto' && evaluator !== 'fanova' && evaluator !== 'ped-anova')
    throw new TunekitError(
      'invalid_argument',
      `--evaluator must be auto, fanova or ped-anova, got ${JSON.stringify(evaluator)}`,
    );
  const seed = args.options.seed === undefined ? 0 : intOption(args, 'seed', 0);
  if (args.options.objective === undefined) {
    if (directions.length > 1)
      throw new TunekitError(
        'invalid_argument',
        `the study has ${directions.length} objectives; choose one with --objective 0..${directions.length - 1}`,
      );
    return { evaluator, seed, direction: directions[0]! };
  }
  const index = Number(args.options.objective);
  if (!Number.isInteger(index) || index < 0 || index >= directions.length)
    throw new TunekitError(
      'invalid_argument',
      `--objective must be an integer in 0..${directions.length - 1}, got ${JSON.stringify(args.options.objective)}`,
    );
  return { evaluator, seed, direction: directions[index]!, target: (t: TrialRecord) => t.values![index]! };
}

/** A bar proportional to `value`, the largest value filling the width. */
function bar(value: number, largest: number): string {
  const cells = largest > 0 ? (value / largest) * BAR_WIDTH : 0;
  const full = Math.floor(cells);
  // Eighth blocks make small differences visible without a wider table.
  const part = ' ▏▎▍▌▋▊▉'[Math.floor((cells - full) * 8)] ?? '';
  return ('█'.repeat(full) + (full < BAR_WIDTH ? part : '')).trimEnd();
}

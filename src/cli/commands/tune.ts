// `tunekit tune <config>`: runs the study a config describes, in this process or in N local worker
// processes, with a progress line on a TTY and the best trial at the end.
import { spawn } from 'node:child_process';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, resolveStorageUrl, runTune } from '../../config/index.js';
import type { TuneConfig, TuneOverrides } from '../../config/index.js';
import { TunekitError, loadStudy } from '../../index.js';
import type { Study, TrialRecord } from '../../index.js';
import { intOption, parseArgs } from '../args.js';
import type { ParsedArgs } from '../args.js';
import { printJson, useFastKernels } from '../common.js';
import { endProgress, formatNumber, formatParam, progress } from '../format.js';
import type { Command } from './index.js';

export const TUNE_VALUES = ['trials', 'timeout', 'storage', 'seed', 'workers'];

export function overridesFrom(args: ParsedArgs): TuneOverrides {
  const o: TuneOverrides = {};
  if (args.options.trials !== undefined) o.trials = intOption(args, 'trials', 1);
  if (args.options.timeout !== undefined) {
    const t = Number(args.options.timeout);
    if (!(t > 0))
      throw new TunekitError(
        'invalid_argument',
        `--timeout must be a positive number of seconds, got ${JSON.stringify(args.options.timeout)}`,
      );
    o.timeoutSeconds = t;
  }
  if (typeof args.options.storage === 'string') o.storage = args.options.storage;
  if (args.options.seed !== undefined) o.seed = intOption(args, 'seed', 1);
  return o;
}

function configArg(args: ParsedArgs, command: string): TuneConfig {
  const path = args.positionals[0];
  if (path === undefined)
    throw new TunekitError('invalid_argument', `give a config file, e.g. tunekit ${command} study.yaml`);
  return loadConfigFile(path);
}

/** Prints the outcome of a study: best value and parameters, counts by state. */
export async function printSummary(study: Study, json: boolean): Promise<void> {
  const trials = await study.trials();
  const counts = Object.fromEntries(
    ['complete', 'pruned', 'fail'].map((s) => [s, trials.filter((t) => t.state === s).length]),
  );
  const best = study.directions.length === 1 ? await study.bestTrial().catch(() => null) : null;
  if (json) return printJson({ study: study.name, trials: trials.length, counts, best });
  console.log(
    `study "${study.name}": ${trials.length} trials (${counts.complete} complete, ${counts.pruned} pruned, ${counts.fail} failed)`,
  );
  if (!best) return;
  console.log(`best: trial ${best.number}, value ${formatNumber(best.values![0])}`);
  for (const [k, v] of Object.entries(best.params)) console.log(`  ${k} = ${formatParam(v)}`);
}

function runWorkers(count: number, argv: string[]): Promise<void> {
  const here = fileURLToPath(import.meta.url);
  const main = join(dirname(here), '..', `main${extname(here)}`);
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, [...process.execArgv, main, 'worker', ...argv, '--quiet'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  return Promise.all(
    children.map(
      (child, i) =>
        new Promise<void>((resolve, reject) =>
          child.on('exit', (code) =>
            code === 0
              ? resolve()
              : reject(new TunekitError('worker_failed', `worker ${i} exited with code ${code}`)),
          ),
        ),
    ),
  ).then(() => undefined);
}

export const tune: Command = {
  summary: 'run the study a config file describes',
  help: [
    'Usage: tunekit tune <config.yaml|json> [--trials N] [--timeout SECONDS] [--workers N] [--storage URL] [--seed N] [--json] [--quiet]',
    '',
    '--trials is the total the study should reach (counting every worker); --workers N runs N local worker processes.',
  ].join('\n'),
  async run(argv) {
    const args = parseArgs(argv, { values: TUNE_VALUES, booleans: ['json', 'quiet'] });
    const config = configArg(args, 'tune');
    const overrides = overridesFrom(args);
    const total = overrides.trials ?? config.study.trials;
    if (
      config.strategy.kind === 'optimize' &&
      total === undefined &&
      (overrides.timeoutSeconds ?? config.study.timeoutSeconds) === undefined
    )
      throw new TunekitError(
        'config_invalid',
        'study.trials: give a budget (study.trials or study.timeout in the config, or --trials / --timeout)',
      );
    await useFastKernels();
    const workers = intOption(args, 'workers', 1);
    let study: Study;
    if (workers > 1) {
      if (config.strategy.kind !== 'optimize')
        throw new TunekitError(
          'invalid_argument',
          '--workers needs strategy optimize; coarse-to-fine rounds run in one process',
        );
      const forwarded = argv.filter(
        (a, i) =>
          a !== '--workers' && argv[i - 1] !== '--workers' && !a.startsWith('--workers=') && a !== '--json',
      );
      await runWorkers(workers, forwarded);
      study = await loadStudy({
        studyName: config.study.name,
        storage: resolveStorageUrl({ flag: overrides.storage, config: config.study.storage }),
      });
    } else {
      let done = 0;
      let best: number | undefined;
      const sign = config.study.directions[0] === 'maximize' ? -1 : 1;
      const onTrial = (record: TrialRecord) => {
        done++;
        const value = record.state === 'complete' ? record.values?.[0] : undefined;
        if (
          value !== undefined &&
          config.study.directions.length === 1 &&
          (best === undefined || sign * value < sign * best)
        )
          best = value;
        if (!args.options.quiet)
          progress(done, total, best === undefined ? '' : `best ${formatNumber(best)}`);
      };
      const onRound = (round: number, space: readonly { name: string; distribution: unknown }[]) => {
        if (args.options.quiet || args.options.json) return;
        endProgress();
        console.log(
          `round ${round}: ${space.map((e) => `${e.name} ${JSON.stringify(e.distribution)}`).join('; ')}`,
        );
      };
      study = await runTune(config, overrides, { onTrial, onRound });
      if (!args.options.quiet) endProgress();
    }
    try {
      if (!args.options.quiet) await printSummary(study, Boolean(args.options.json));
    } finally {
      await study.storage.close?.();
    }
    return 0;
  },
};

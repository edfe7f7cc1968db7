// `tunekit tune <config>`: runs the study a config describes, in this process or in N local worker
// processes, with a progress line on a TTY, each failed trial's reason on stderr and the best trial at the end.
import { spawn } from 'node:child_process';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STORAGE_PRECEDENCE, configObjective, loadConfigFile, runTune } from '../../config/index.js';
import type { TuneConfig, TuneOverrides } from '../../config/index.js';
import { TunekitError, loadStudy } from '../../index.js';
import type { LoggingOptions, Study, TrialRecord } from '../../index.js';
import { defineCommand } from '../args.js';
import type { ParsedArgs } from '../args.js';
import {
  CONFIG_FILE,
  CONFIG_STORAGE,
  JSON_OUTPUT,
  QUIET,
  printJson,
  storageUrl,
  useFastKernels,
  withStorage,
} from '../common.js';
import { ProgressLine, formatNumber, formatParam } from '../format.js';

/** The options tune and worker share. */
export const RUN_OPTIONS = {
  trials: {
    type: 'int',
    value: 'N',
    description: 'the total the study should reach, counting every worker (default: study.trials)',
  },
  timeout: {
    type: 'number',
    value: 'SECONDS',
    description: 'start no trial after this many seconds (default: study.timeout)',
  },
  storage: CONFIG_STORAGE,
  seed: {
    type: 'seed',
    value: 'N',
    description: "the sampler's seed; wins over study.sampler.seed and study.seed",
  },
  reproducible: {
    type: 'int',
    value: 'LAG',
    min: 0,
    description:
      'same trials for any number of workers: trial n sees the trials below n - LAG (default: study.reproducible)',
  },
  json: JSON_OUTPUT,
  quiet: {
    ...QUIET,
    description: 'print no progress, trial lines or summary; failed trials are still printed',
  },
} as const;

export const RUN_NOTES = [
  'Precedence: the seed is --seed, else study.sampler.seed, else study.seed, else random;',
  `the storage is ${STORAGE_PRECEDENCE}.`,
  'Failed trials are logged with their reason on stderr and the run goes on; it exits 1 if it ran trials',
  'and none completed.',
];

type RunValues = ParsedArgs<typeof RUN_OPTIONS>['options'];

export function overridesFrom(options: RunValues): TuneOverrides {
  return {
    ...(options.trials !== undefined ? { trials: options.trials } : {}),
    ...(options.timeout !== undefined ? { timeoutSeconds: options.timeout } : {}),
    ...(options.storage !== undefined ? { storage: options.storage } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.reproducible !== undefined ? { reproducible: options.reproducible } : {}),
  };
}

/**
 * What a run did, counted from its finished trials, and the study logger's lines routed above the progress
 * line: every trial at level info, only failures with --quiet (a failure is never silent).
 */
export function runWatch(quiet: boolean, progress = new ProgressLine(false)) {
  const seen = { ran: 0, complete: 0, lastFailure: undefined as string | undefined };
  const logging: LoggingOptions = {
    logLevel: quiet ? 'warn' : 'info',
    logger: (event) => progress.log(`[tunekit ${event.level}] ${event.message}`),
  };
  const onTrial = (record: TrialRecord) => {
    seen.ran++;
    if (record.state === 'complete') seen.complete++;
    if (record.state === 'fail') seen.lastFailure = record.failReason ?? 'no reason given';
  };
  return { seen, logging, onTrial };
}

/** The error of a run whose trials all failed: exit 1, naming the last reason. */
export function noTrialCompleted(lastFailure: string): TunekitError {
  return new TunekitError('no_completed_trials', `no trial completed; the last failure: ${lastFailure}`);
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

/** Complete trials and the last failure's reason, as stored (0 and none when the study is not there yet). */
async function outcome(url: string, name: string): Promise<{ complete: number; lastFailure?: string }> {
  try {
    return await withStorage(url, async (storage) => {
      const study = await storage.getStudy(name);
      const trials = await storage.getTrials(study.id, { states: ['complete', 'fail'] });
      const failed = trials
        .filter((t) => t.state === 'fail')
        .sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
      const last = failed.at(-1);
      return {
        complete: trials.length - failed.length,
        ...(last ? { lastFailure: last.failReason ?? 'no reason given' } : {}),
      };
    });
  } catch (error) {
    if (
      error instanceof TunekitError &&
      (error.code === 'study_not_found' || error.code === 'storage_unreachable')
    )
      return { complete: 0 };
    throw error;
  }
}

/** Runs `tunekit worker` N times as child processes; their stderr (each failed trial's line) is ours. */
function runWorkers(count: number, argv: readonly string[]): Promise<number[]> {
  const here = fileURLToPath(import.meta.url);
  const main = join(dirname(here), '..', `main${extname(here)}`);
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<number>((resolve) =>
          spawn(process.execPath, [...process.execArgv, main, 'worker', ...argv, '--quiet'], {
            stdio: ['ignore', 'ignore', 'inherit'],
          }).on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))),
        ),
    ),
  );
}

/** A finished run: its study (open; the caller closes it) and the error to exit with once it is summarised. */
interface Run {
  study: Study;
  error?: TunekitError;
}

async function tuneWithWorkers(
  config: TuneConfig,
  path: string,
  options: RunValues,
  workers: number,
): Promise<Run> {
  if (config.strategy.kind !== 'optimize')
    throw new TunekitError(
      'invalid_argument',
      '--workers needs strategy optimize; coarse-to-fine rounds run in one process',
    );
  configObjective(config); // the dry run: a config that cannot train is refused before any worker starts
  // Every child gets the storage resolved here, so parent and children cannot disagree on it.
  const url = storageUrl(options.storage, config.study.storage);
  const before = await outcome(url, config.study.name);
  const forwarded = [path, '--storage', url];
  if (options.trials !== undefined) forwarded.push('--trials', String(options.trials));
  if (options.timeout !== undefined) forwarded.push('--timeout', String(options.timeout));
  if (options.seed !== undefined) forwarded.push('--seed', String(options.seed));
  if (options.reproducible !== undefined) forwarded.push('--reproducible', String(options.reproducible));
  const codes = await runWorkers(workers, forwarded);
  const after = await outcome(url, config.study.name);
  const failed = codes.findIndex((c) => c !== 0);
  const workerFailed =
    failed >= 0
      ? new TunekitError('worker_failed', `worker ${failed} exited with code ${codes[failed]}`)
      : undefined;
  // Workers that died before creating the study leave nothing to summarise: their exit is the error.
  const study = await loadStudy({ studyName: config.study.name, storage: url }).catch((error: unknown) => {
    throw workerFailed ?? error;
  });
  if (after.complete === before.complete && after.lastFailure !== undefined)
    return { study, error: noTrialCompleted(after.lastFailure) };
  return workerFailed ? { study, error: workerFailed } : { study };
}

async function tuneHere(config: TuneConfig, overrides: TuneOverrides, options: RunValues): Promise<Run> {
  const total = overrides.trials ?? config.study.trials;
  const progress = new ProgressLine(!options.quiet && Boolean(process.stderr.isTTY));
  const watch = runWatch(options.quiet, progress);
  let best: number | undefined;
  const sign = config.study.directions[0] === 'maximize' ? -1 : 1;
  const onTrial = (record: TrialRecord) => {
    watch.onTrial(record);
    const value = record.state === 'complete' ? record.values?.[0] : undefined;
    if (
      value !== undefined &&
      config.study.directions.length === 1 &&
      (best === undefined || sign * value < sign * best)
    )
      best = value;
    progress.update(watch.seen.ran, total, best === undefined ? '' : `best ${formatNumber(best)}`);
  };
  const onStep = (label: string, space: readonly { name: string; distribution: unknown }[]) => {
    if (options.quiet || options.json) return;
    progress.end();
    console.log(`${label}: ${space.map((e) => `${e.name} ${JSON.stringify(e.distribution)}`).join('; ')}`);
  };
  const study = await runTune(config, { ...overrides, ...watch.logging }, { onTrial, onStep });
  progress.end();
  const { complete, lastFailure } = watch.seen;
  return complete === 0 && lastFailure !== undefined
    ? { study, error: noTrialCompleted(lastFailure) }
    : { study };
}

/** Prints the summary, closes the study, and exits with the run's error if it has one. */
export async function finish(run: Run, options: { quiet: boolean; json: boolean }): Promise<number> {
  try {
    if (!options.quiet) await printSummary(run.study, options.json);
  } finally {
    await run.study.storage.close?.();
  }
  if (run.error) throw run.error;
  return 0;
}

export const tune = defineCommand({
  name: 'tune',
  summary: 'run the study a config file describes',
  positionals: [CONFIG_FILE],
  options: {
    ...RUN_OPTIONS,
    workers: {
      type: 'int',
      value: 'N',
      description: 'run N local worker processes on one study',
      default: 1,
    },
  },
  notes: RUN_NOTES,
  async run({ positionals: [path], options }) {
    const config = loadConfigFile(path!);
    const overrides = overridesFrom(options);
    if (
      config.strategy.kind === 'optimize' &&
      (overrides.trials ?? config.study.trials) === undefined &&
      (overrides.timeoutSeconds ?? config.study.timeoutSeconds) === undefined
    )
      throw new TunekitError(
        'config_invalid',
        'study.trials: give a budget (study.trials or study.timeout in the config, or --trials / --timeout)',
      );
    await useFastKernels();
    const run =
      options.workers > 1
        ? await tuneWithWorkers(config, path!, options, options.workers)
        : await tuneHere(config, overrides, options);
    return finish(run, options);
  },
});

// What `tune`, `worker` and `demo` share: the run options, the progress display (read from storage, so one
// process or N worker processes show the same), local worker processes, and the summary at the end.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STORAGE_PRECEDENCE, configObjective, openConfigStudy, runTune } from '../config/index.js';
import type { SpaceEntry, TuneConfig, TuneHooks, TuneOverrides } from '../config/index.js';
import { ProgressDisplay, TunekitError, stderrOutput, writeAboveProgress } from '../index.js';
import type { LoggingOptions, ProgressMode, Study, TrialRecord } from '../index.js';
import type { ParsedArgs } from './args.js';
import { CONFIG_STORAGE, JSON_OUTPUT, QUIET, printJson, storageUrl } from './common.js';
import { formatNumber, formatParam } from './format.js';

export const PROGRESS = {
  type: 'string',
  value: 'MODE',
  choices: ['auto', 'bar', 'lines', 'none'],
  default: 'auto',
  description:
    'progress on stderr: auto (a bar on a terminal, else a line per trial), bar, lines, or none (print no trial lines)',
} as const;

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
  progress: PROGRESS,
  reproducible: {
    type: 'int',
    value: 'LAG',
    min: 0,
    description:
      "same trials for any number of workers: trial n sees the trials below n - LAG (default: study.reproducible); stored with the study, so a worker without it runs with the study's lag",
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
  'Progress counts every worker of the study (it is read from storage): trials done of the budget,',
  'complete / pruned / failed, the best so far, elapsed time and ETA.',
  'Failed trials are printed with their reason and the run goes on; it exits 1 if it ran trials',
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
 * Refuses an optimize config without a budget (total trials or a timeout): its workers would never stop.
 * `where` says where the caller can give one.
 */
export function requireBudget(config: TuneConfig, overrides: TuneOverrides, where: string): void {
  if (
    config.strategy.kind === 'optimize' &&
    (overrides.trials ?? config.study.trials) === undefined &&
    (overrides.timeoutSeconds ?? config.study.timeoutSeconds) === undefined
  )
    throw new TunekitError('config_invalid', `study.trials: give a budget (${where})`);
}

/** A strategy step's line (tune before each step, a worker joining one): its label and its ranges. */
export function printStep(label: string, space: readonly SpaceEntry[]): void {
  const ranges = space.map((e) => `${e.name} ${JSON.stringify(e.distribution)}`).join('; ');
  writeAboveProgress(`${label}: ${ranges}`);
}

/** What the display shows: none, only failures (--quiet), a bar on a terminal, or a line per trial. */
export function progressMode(flag: string, quiet: boolean): ProgressMode | null {
  if (flag === 'none') return null;
  if (quiet) return 'failures';
  if (flag === 'auto') return stderrOutput()?.isTTY ? 'bar' : 'lines';
  return flag as ProgressMode;
}

/**
 * The study's logger in the CLI: finished trials are printed by the display from storage (every worker's
 * alike), so only the other events (storage trouble) are logged here, above the bar.
 */
const LOGGING: LoggingOptions = {
  logLevel: 'info',
  logger: (event) => {
    if (!event.trial) writeAboveProgress(`[tunekit ${event.level}] ${event.message}`);
  },
};

/** The study's budget as the display counts it: the study's total trials, and the deadline. */
function budgetOf(config: TuneConfig, overrides: TuneOverrides) {
  const trials = overrides.trials ?? config.study.trials;
  const seconds = overrides.timeoutSeconds ?? config.study.timeoutSeconds;
  return {
    ...(trials !== undefined && config.strategy.kind === 'optimize' ? { trials } : {}),
    ...(seconds === undefined ? {} : { deadline: Date.now() + seconds * 1000 }),
  };
}

async function startDisplay(
  study: Study,
  mode: ProgressMode | null,
  budget: ReturnType<typeof budgetOf>,
): Promise<ProgressDisplay | null> {
  const out = stderrOutput();
  if (mode === null || out === null) return null;
  return new ProgressDisplay(await study.progress(budget), mode, out, { trialLines: true }).start();
}

/** A finished run: the study (open; `finish` closes it), and what this run's trials came to. */
export interface Run {
  study: Study;
  /** Trials this run finished, and how many of them completed. */
  ran: number;
  complete: number;
  lastFailure?: string;
  error?: TunekitError;
}

export interface RunOptions {
  progress: ProgressMode | null;
  /** Called before each strategy step (the CLI prints the step's ranges). */
  onStep?: (label: string, space: readonly SpaceEntry[]) => void;
}

/** Runs the config's study in this process, with the progress display. */
export async function runHere(
  config: TuneConfig,
  overrides: TuneOverrides,
  options: RunOptions & { runStep?: TuneHooks['runStep'] },
): Promise<Run> {
  let display: ProgressDisplay | null = null;
  const seen = { ran: 0, complete: 0, lastFailure: undefined as string | undefined };
  const study = await runTune(
    config,
    { ...overrides, ...LOGGING },
    {
      onOpen: async (opened) => {
        display = await startDisplay(opened, options.progress, budgetOf(config, overrides));
      },
      onTrial: (record: TrialRecord) => {
        count(seen, record);
        void display?.refresh();
      },
      ...(options.onStep ? { onStep: options.onStep } : {}),
      ...(options.runStep ? { runStep: options.runStep } : {}),
    },
  );
  await (display as ProgressDisplay | null)?.stop();
  return withOutcome({ study, ...seen });
}

function count(seen: { ran: number; complete: number; lastFailure?: string }, record: TrialRecord): void {
  seen.ran++;
  if (record.state === 'complete') seen.complete++;
  if (record.state === 'fail') seen.lastFailure = record.failReason ?? 'no reason given';
}

/** A run in which trials ran and none completed is an error (exit 1) naming the last failure's reason. */
function withOutcome(run: Run): Run {
  return run.complete === 0 && run.lastFailure !== undefined
    ? {
        ...run,
        error: new TunekitError(
          'no_completed_trials',
          `no trial completed; the last failure: ${run.lastFailure}`,
        ),
      }
    : run;
}

/**
 * Runs the study in `count` local worker processes (`tunekit worker --study`), this process only showing
 * progress. The study (with its config) is created here first, so every worker joins the same one. A
 * strategy is driven from here, each of its steps run by `count` workers on the step's study.
 */
export async function runWorkers(
  config: TuneConfig,
  overrides: TuneOverrides,
  count: number,
  options: RunOptions,
): Promise<Run> {
  // Every child gets the storage resolved here, so parent and children cannot disagree on it.
  const url = storageUrl(overrides.storage, config.study.storage);
  if (config.strategy.kind !== 'optimize')
    return runStepsInWorkers(config, { ...overrides, storage: url }, count, options);
  configObjective(config); // the dry run: a config that cannot train is refused before any worker starts
  const study = await openConfigStudy(config, { ...overrides, storage: url, ...LOGGING });
  const before = new Set((await finishedTrials(study)).map((t) => t.id));
  const display = await startDisplay(study, options.progress, budgetOf(config, overrides));
  const codes = await spawnWorkers(count, workerArgv(study.name, url, overrides));
  await display?.stop();
  const ran = (await finishedTrials(study)).filter((t) => !before.has(t.id));
  const failed = ran
    .filter((t) => t.state === 'fail')
    .sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
  const run = withOutcome({
    study,
    ran: ran.length,
    complete: ran.filter((t) => t.state === 'complete').length,
    ...(failed.length > 0 ? { lastFailure: failed.at(-1)!.failReason ?? 'no reason given' } : {}),
  });
  const bad = codes.findIndex((c) => c !== 0);
  // A worker whose trials all failed exits 1 too: the run's own outcome says that better.
  if (run.error || bad < 0) return run;
  return { ...run, error: new TunekitError('worker_failed', `worker ${bad} exited with code ${codes[bad]}`) };
}

/**
 * A strategy run as in one process (runHere: the same steps, lines and summary), except that each step's
 * trials run in `count` worker processes on the step's study, which read the step's config from storage.
 */
async function runStepsInWorkers(
  config: TuneConfig,
  overrides: TuneOverrides & { storage: string },
  count: number,
  options: RunOptions,
): Promise<Run> {
  let failure: TunekitError | undefined;
  const run = await runHere(config, overrides, {
    ...options,
    runStep: async (study, step, time) => {
      // A resumed run's finished steps: no process to start for a budget already spent.
      const held = await study.trials();
      if (held.length >= step.study.trials! && !held.some((t) => t.state === 'waiting')) return;
      // The budget is the step's (in its stored config), not --trials; the time is what the run has left.
      const { trials: _total, ...rest } = overrides;
      const timeoutSeconds = time.timeoutMs === undefined ? {} : { timeoutSeconds: time.timeoutMs / 1000 };
      const codes = await spawnWorkers(
        count,
        workerArgv(study.name, overrides.storage, { ...rest, ...timeoutSeconds }),
      );
      const bad = codes.findIndex((c) => c !== 0);
      if (bad < 0) return;
      const error = new TunekitError(
        'worker_failed',
        `worker ${bad} of study "${study.name}" exited with code ${codes[bad]}`,
      );
      // Workers that all failed before running a trial would fail every later step alike: stop here.
      if (codes.every((c) => c !== 0) && (await study.trials()).length === held.length) throw error;
      failure ??= error;
    },
  });
  // As with one study: a worker whose trials all failed exits 1 too, and the run's outcome says that better.
  return run.error || failure === undefined ? run : { ...run, error: failure };
}

/**
 * The argv of a `tunekit worker` child on one study: the parent's flags, no progress of its own. Not
 * --reproducible: the parent created the study with the mode, and a worker runs with the lag the study stores.
 */
function workerArgv(study: string, url: string, overrides: TuneOverrides): string[] {
  const argv = ['worker', '--study', study, '--storage', url, '--progress', 'none'];
  if (overrides.trials !== undefined) argv.push('--trials', String(overrides.trials));
  if (overrides.timeoutSeconds !== undefined) argv.push('--timeout', String(overrides.timeoutSeconds));
  if (overrides.seed !== undefined) argv.push('--seed', String(overrides.seed));
  return argv;
}

function spawnWorkers(count: number, argv: readonly string[]): Promise<number[]> {
  return Promise.all(Array.from({ length: count }, () => spawnWorker(argv)));
}

function finishedTrials(study: Study): Promise<TrialRecord[]> {
  return study.trials({ states: ['complete', 'pruned', 'fail'] });
}

/** One `tunekit worker` child; its stderr (warnings, a crash) is written above our progress bar. */
function spawnWorker(argv: readonly string[]): Promise<number> {
  const here = fileURLToPath(import.meta.url);
  const main = join(dirname(here), `main${extname(here)}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, main, ...argv], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // A child whose trials all failed says so, as does this process for the whole run: say it once.
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (!line.startsWith('tunekit worker: no trial completed')) writeAboveProgress(line);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
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

/** Prints the summary, closes the study, and exits with the run's error if it has one. */
export async function finish(run: Run, options: { quiet: boolean; json: boolean }): Promise<number> {
  try {
    if (!options.quiet) await printSummary(run.study, options.json);
  } finally {
    await run.study.storage.close();
  }
  if (run.error) throw run.error;
  return 0;
}

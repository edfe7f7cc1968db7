// What a study tells the person running it: one line per finished trial (as Optuna does), failures with
// their reason, storage trouble. A logger is a plain function of a plain event, so a CLI, a test or a
// browser page can route lines wherever it wants; the default writes to stderr through `console.error`.
import { TunekitError } from '../errors.js';
import { writeAboveProgress } from './progress-display.js';
import { formatValue } from './progress.js';
import type { Direction, TrialRecord } from './types.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEvent {
  readonly level: LogLevel;
  /** What happened, as one line: "Trial 7 finished with value 0.93; best is trial 4 with value 0.95". */
  readonly message: string;
  readonly study: string;
  /** The trial the event is about, as stored, when there is one. */
  readonly trial?: TrialRecord;
}

export type Logger = (event: LogEvent) => void;

export interface LoggingOptions {
  /** Where log events go. Default: one line each on stderr (`console.error`). */
  logger?: Logger;
  /** The least severe level passed to the logger. Default 'info'. */
  logLevel?: LogLevel;
  /** Logs nothing (the same as a logger that drops every event). */
  quiet?: boolean;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** One line per event on stderr (`console.error`), above the progress bar when one is drawn. */
export const stderrLogger: Logger = (event) =>
  writeAboveProgress(`[tunekit ${event.level}] ${event.message}`);

/** The logger a study uses: the options' logger filtered by level, or null when it logs nothing (quiet). */
export function resolveLogger(options: LoggingOptions): Logger | null {
  const level = options.logLevel ?? 'info';
  if (!Object.hasOwn(RANK, level))
    throw new TunekitError(
      'invalid_argument',
      `logLevel must be one of ${Object.keys(RANK).join(', ')}, got ${JSON.stringify(level)}`,
    );
  if (options.quiet) return null;
  const logger = options.logger ?? stderrLogger;
  const least = RANK[level];
  return (event) => {
    if (RANK[event.level] >= least) logger(event);
  };
}

/**
 * The event for a trial that just finished. `best` is the best complete trial this process has seen
 * (single objective), which the line names as Optuna's does.
 */
export function trialFinished(
  study: string,
  directions: readonly Direction[],
  trial: TrialRecord,
  best: TrialRecord | null,
): LogEvent {
  const at = `Trial ${trial.number}`;
  if (trial.state === 'fail')
    return { level: 'warn', study, trial, message: `${at} failed: ${trial.failReason ?? 'no reason given'}` };
  if (trial.state === 'pruned') {
    const steps = Object.keys(trial.intermediateValues).map(Number);
    const step = steps.length > 0 ? ` at step ${Math.max(...steps)}` : '';
    return { level: 'info', study, trial, message: `${at} pruned${step}` };
  }
  const values = trial.values ?? [];
  if (directions.length > 1)
    return {
      level: 'info',
      study,
      trial,
      message: `${at} finished with values [${values.map(formatValue).join(', ')}]`,
    };
  const bestPart = best ? `; best is trial ${best.number} with value ${formatValue(best.values![0]!)}` : '';
  return {
    level: 'info',
    study,
    trial,
    message: `${at} finished with value ${formatValue(values[0]!)}${bestPart}`,
  };
}

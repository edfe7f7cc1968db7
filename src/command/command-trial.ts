// Runs any program as a trial. Parameters reach it as argv placeholders, environment variables and a JSON
// file, never through a shell. It reports by printing metric lines (see metric-line.ts); tunekit prunes
// it (terminating its process group), kills it on timeout, and fails it on a non-zero exit or a missing
// final value, keeping the tail of its stderr.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrialPruned, TunekitError } from '../errors.js';
import type { ParamValue } from '../search-space/index.js';
import type { Trial } from '../study/trial.js';
import { parseMetricLine } from './metric-line.js';

export interface CommandSpec {
  /** Program and arguments; `{name}` is replaced by the value of parameter `name`, `{trial}` by the trial number. */
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Kill the program after this long (default: no limit). */
  readonly timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL when stopping a program (default 2 s). */
  readonly killGraceMs?: number;
}

const STDERR_TAIL = 4000;
const MAX_LINE = 1 << 20;

/** `lr` → `TUNEKIT_PARAM_LR`, `batch-size` → `TUNEKIT_PARAM_BATCH_SIZE`. */
export function paramEnvName(name: string): string {
  return `TUNEKIT_PARAM_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

function text(value: ParamValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function substitute(
  argv: readonly string[],
  params: Readonly<Record<string, ParamValue>>,
  trialNumber: number,
): string[] {
  return argv.map((arg) =>
    arg.replace(/\{([^{}]+)\}/g, (whole, name: string) =>
      name === 'trial'
        ? String(trialNumber)
        : Object.hasOwn(params, name)
          ? text(params[name] as ParamValue)
          : whole,
    ),
  );
}

/** Runs the command for one trial; resolves with its final value(s), or throws (TrialPruned or a failure). */
export async function runCommandTrial(
  spec: CommandSpec,
  trial: Trial,
  params: Readonly<Record<string, ParamValue>>,
): Promise<number | number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-trial-'));
  const paramsFile = join(dir, 'params.json');
  writeFileSync(paramsFile, JSON.stringify(params));
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...spec.env };
  for (const [name, value] of Object.entries(params)) env[paramEnvName(name)] = text(value);
  env.TUNEKIT_PARAMS_FILE = paramsFile;
  env.TUNEKIT_TRIAL_NUMBER = String(trial.number);
  const argv = substitute(spec.argv, params, trial.number);
  try {
    return await supervise(argv, env, spec, trial);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function supervise(
  argv: string[],
  env: Record<string, string>,
  spec: CommandSpec,
  trial: Trial,
): Promise<number | number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), {
      env,
      cwd: spec.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stderrTail = '';
    let pending = '';
    let final: number[] | null = null;
    let stopReason: Error | null = null;
    let chain: Promise<void> = Promise.resolve();
    let killTimer: NodeJS.Timeout | undefined;

    const stop = (reason: Error) => {
      if (stopReason) return;
      stopReason = reason;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), spec.killGraceMs ?? 2000);
    };
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // the group is already gone
      }
    };
    const timeout =
      spec.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              stop(
                new TunekitError(
                  'command_timeout',
                  `the command timed out after ${spec.timeoutMs} ms and was killed`,
                ),
              ),
            spec.timeoutMs,
          );

    const handle = (line: string) => {
      let metric;
      try {
        metric = parseMetricLine(line);
      } catch (error) {
        // After the lines before it are stored: a malformed line must not drop the values reported ahead of it.
        chain = chain.then(() => stop(error as Error));
        return;
      }
      if (!metric) return;
      if (metric.kind === 'final') final = metric.values;
      else
        chain = chain
          .then(async () => {
            if (stopReason) return;
            await trial.report(metric.value, metric.step);
            if (await trial.shouldPrune())
              stop(new TrialPruned(`trial ${trial.number} pruned at step ${metric.step}`));
          })
          .catch((error: unknown) => stop(error as Error));
    };

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let newline;
      while ((newline = pending.indexOf('\n')) >= 0) {
        handle(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
      }
      // A program that floods stdout without newlines must not exhaust memory.
      if (pending.length > MAX_LINE) pending = pending.slice(-MAX_LINE);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL)));

    child.on('error', (error) => {
      clearTimeout(timeout);
      reject(
        new TunekitError('command_failed', `could not start ${JSON.stringify(argv[0])}: ${error.message}`),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timeout);
      clearTimeout(killTimer);
      if (pending) handle(pending);
      void chain.then(() => {
        if (stopReason) return reject(stopReason);
        const tail = stderrTail.trim() ? `; stderr ends with:\n${stderrTail.trim()}` : '';
        if (signal)
          return reject(new TunekitError('command_failed', `the command was killed by ${signal}${tail}`));
        if (code !== 0)
          return reject(new TunekitError('command_failed', `the command exited with code ${code}${tail}`));
        if (final === null)
          return reject(
            new TunekitError(
              'command_failed',
              `the command exited without printing a final value (a line: tunekit: {"value": <number>})${tail}`,
            ),
          );
        resolve(final.length === 1 ? (final[0] as number) : final);
      });
    });
  });
}

// The config file of `tunekit tune` / `tunekit worker`, parsed from YAML or JSON into plain data with errors
// that name the field, what was expected and what was found.
import type { CommandSpec } from '../command/command-trial.js';
import type { Direction, JsonValue } from '../study/types.js';
import * as check from './check.js';
import { parsePlugin } from './plugins.js';
import type { PluginSpec } from './plugins.js';
import { parseSpace } from './space.js';
import { monitorDirection, parseTrainer } from './trainer.js';
import type { TrainerObjectiveConfig } from './trainer.js';
import type { SpaceEntry } from './space.js';
import { checkStaged } from './staged.js';
import type { StagedOptions } from './staged.js';

export interface StudyConfig {
  readonly name: string;
  /** As written; absent when the config names none (see resolveStorageUrl for the precedence). */
  readonly storage?: string;
  readonly directions: readonly Direction[];
  /** Absent: the library's default. */
  readonly sampler?: PluginSpec;
  readonly pruner?: PluginSpec;
  readonly seed?: number;
  /** Total trials the study should reach (not per worker). */
  readonly trials?: number;
  readonly timeoutSeconds?: number;
  /** Times a trial whose worker died is re-run. */
  readonly retries: number;
  /** How often running trials send heartbeats (0: off), and how long one may go silent; absent: defaults. */
  readonly heartbeat?: { readonly intervalMs?: number; readonly graceMs?: number };
  /** Reproducible parallel runs (see docs/reproducibility.md); absent: off. */
  readonly reproducible?: { readonly lag: number; readonly waitMs?: number };
}

export type ObjectiveConfig = ({ readonly kind: 'command' } & CommandSpec) | TrainerObjectiveConfig;

export type StrategyConfig =
  | { readonly kind: 'optimize' }
  | {
      readonly kind: 'coarse-to-fine';
      readonly rounds: number;
      readonly trialsPerRound: number;
      /** Trials whose ranges define the next round. */
      readonly top: number;
      /** Widening of each narrowed range, as a fraction of its width (log-aware). */
      readonly margin: number;
    }
  | ({ readonly kind: 'staged' } & StagedOptions);

/**
 * Marks the config `tune` stores on a strategy step's study (step-config.ts), so a worker that joins the
 * study runs exactly that step: its label, and the user attributes each of its trials carries.
 */
export interface StepMark {
  readonly label: string;
  readonly trialAttrs: Readonly<Record<string, JsonValue>>;
}

export interface TuneConfig {
  readonly study: StudyConfig;
  readonly space: readonly SpaceEntry[];
  readonly objective: ObjectiveConfig;
  readonly strategy: StrategyConfig;
  /** Present on a strategy step's config only. */
  readonly step?: StepMark;
  /** The config as written (plain data), stored with the study so `tunekit worker` can run it. */
  readonly source: unknown;
}

export function parseConfig(raw: unknown): TuneConfig {
  const root = check.object(raw, 'config', ['study', 'space', 'objective', 'strategy', 'step']);
  const space = parseSpace(root.space);
  const objective = parseObjective(root.objective, space);
  const config: TuneConfig = {
    study: withDirection(parseStudy(root.study), root.study as Record<string, unknown>, objective),
    space,
    objective,
    strategy: parseStrategy(root.strategy),
    ...(root.step === undefined ? {} : { step: parseStep(root.step) }),
    source: structuredClone(raw),
  };
  if (config.step && config.strategy.kind !== 'optimize')
    throw check.configError(
      'strategy.kind',
      'optimize in the config of one step (it has a step field; drop it to run the whole strategy)',
      config.strategy.kind,
    );
  if (config.strategy.kind !== 'optimize' && config.study.directions.length > 1)
    throw check.configError(
      'strategy.kind',
      `optimize for a study with several objectives (${config.strategy.kind} ranks by one value)`,
      config.strategy.kind,
    );
  if (config.strategy.kind === 'staged') checkStaged(space, config.strategy);
  return config;
}

function parseStudy(raw: unknown): StudyConfig {
  const s = check.object(raw, 'study', [
    'name',
    'storage',
    'direction',
    'directions',
    'sampler',
    'pruner',
    'seed',
    'trials',
    'timeout',
    'retries',
    'heartbeat',
    'reproducible',
  ]);
  if (s.direction !== undefined && s.directions !== undefined)
    throw check.configError('study.directions', 'either direction or directions, not both', s.directions);
  const directions =
    s.directions !== undefined
      ? check
          .array(s.directions, 'study.directions')
          .map((d, i) => check.oneOf(d, `study.directions[${i}]`, ['minimize', 'maximize'] as const))
      : [check.oneOf(s.direction ?? 'minimize', 'study.direction', ['minimize', 'maximize'] as const)];
  if (directions.length === 0)
    throw check.configError('study.directions', 'at least one direction', s.directions);
  const seed = check.optional(s.seed, (v) => check.seed(v, 'study.seed'));
  const storage = check.optional(s.storage, (v) => check.string(v, 'study.storage'));
  const trials = check.optional(s.trials, (v) => check.positiveInt(v, 'study.trials'));
  const timeoutSeconds = check.optional(s.timeout, (v) => check.positive(v, 'study.timeout'));
  return {
    name: check.string(s.name, 'study.name'),
    ...(storage === undefined ? {} : { storage }),
    directions,
    ...(s.sampler === undefined ? {} : { sampler: parsePlugin(s.sampler, 'study.sampler') }),
    ...(s.pruner === undefined ? {} : { pruner: parsePlugin(s.pruner, 'study.pruner') }),
    retries: check.optional(s.retries, (v) => nonNegativeInt(v, 'study.retries')) ?? 0,
    ...(seed === undefined ? {} : { seed }),
    ...(trials === undefined ? {} : { trials }),
    ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
    ...(s.reproducible === undefined ? {} : { reproducible: parseReproducible(s.reproducible) }),
    ...(s.heartbeat === undefined ? {} : { heartbeat: parseHeartbeat(s.heartbeat) }),
  };
}

/** `heartbeat: { interval: 10, grace: 60 }`, in seconds; interval 0 turns heartbeats and stale checks off. */
function parseHeartbeat(raw: unknown): { intervalMs?: number; graceMs?: number } {
  const h = check.object(raw, 'study.heartbeat', ['interval', 'grace']);
  const interval = check.optional(h.interval, (v) => check.nonNegative(v, 'study.heartbeat.interval'));
  const grace = check.optional(h.grace, (v) => check.positive(v, 'study.heartbeat.grace'));
  if (interval !== undefined && grace !== undefined && interval > 0 && grace <= interval)
    throw check.configError(
      'study.heartbeat.grace',
      `more seconds than study.heartbeat.interval (${interval}): a live trial would be failed between two heartbeats`,
      grace,
    );
  return {
    ...(interval === undefined ? {} : { intervalMs: interval * 1000 }),
    ...(grace === undefined ? {} : { graceMs: grace * 1000 }),
  };
}

/** `reproducible: 3` (the lag) or `reproducible: { lag: 3, wait: 600 }` (seconds). */
function parseReproducible(raw: unknown): { lag: number; waitMs?: number } {
  if (typeof raw === 'number') return { lag: nonNegativeInt(raw, 'study.reproducible') };
  const r = check.object(raw, 'study.reproducible', ['lag', 'wait']);
  if (r.lag === undefined)
    throw check.configError(
      'study.reproducible.lag',
      'an integer >= 0 (workers - 1 keeps every worker busy)',
      r.lag,
    );
  const wait = check.optional(r.wait, (v) => check.positive(v, 'study.reproducible.wait'));
  return {
    lag: nonNegativeInt(r.lag, 'study.reproducible.lag'),
    ...(wait === undefined ? {} : { waitMs: wait * 1000 }),
  };
}

/** A trainer objective's monitor decides the direction when the config gives none, and must agree with one it gives. */
function withDirection(
  study: StudyConfig,
  raw: Record<string, unknown>,
  objective: ObjectiveConfig,
): StudyConfig {
  if (objective.kind !== 'trainer') return study;
  const wanted = monitorDirection(objective.monitor);
  if (raw.direction === undefined && raw.directions === undefined) return { ...study, directions: [wanted] };
  if (study.directions.length !== 1 || study.directions[0] !== wanted)
    throw check.configError(
      raw.direction !== undefined ? 'study.direction' : 'study.directions',
      `${wanted} for monitor ${objective.monitor}`,
      raw.direction ?? raw.directions,
    );
  return study;
}

function nonNegativeInt(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw check.configError(path, 'a non-negative integer', value);
  return value;
}

function parseObjective(raw: unknown, space: readonly SpaceEntry[]): ObjectiveConfig {
  const o = check.object(raw, 'objective', ['command', 'trainer']);
  if (o.command !== undefined && o.trainer !== undefined)
    throw check.configError('objective', 'either command or trainer, not both', Object.keys(o));
  if (o.trainer !== undefined) return parseTrainer(o.trainer, 'objective.trainer', space);
  if (o.command === undefined)
    throw check.configError(
      'objective',
      'objective.command (any program) or objective.trainer (the built-in trainer)',
      raw,
    );
  if (typeof o.command === 'string')
    throw check.configError(
      'objective.command',
      'an argv array like ["python3", "train.py", "--lr", "{lr}"] (tunekit never runs a shell)',
      o.command,
    );
  const c = Array.isArray(o.command)
    ? { argv: o.command }
    : check.object(o.command, 'objective.command', ['argv', 'env', 'cwd', 'timeout']);
  const argv = check
    .array(c.argv, 'objective.command.argv')
    .map((a, i) => check.string(a, `objective.command.argv[${i}]`));
  if (argv.length === 0)
    throw check.configError('objective.command.argv', 'the program and its arguments', argv);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(
    check.optional(c.env, (v) => check.object(v, 'objective.command.env')) ?? {},
  )) {
    if (typeof v !== 'string' && typeof v !== 'number')
      throw check.configError(`objective.command.env.${k}`, 'a string', v);
    env[k] = String(v);
  }
  const cwd = check.optional(c.cwd, (v) => check.string(v, 'objective.command.cwd'));
  const timeout = check.optional(c.timeout, (v) => check.positive(v, 'objective.command.timeout'));
  return {
    kind: 'command',
    argv,
    env,
    ...(cwd === undefined ? {} : { cwd }),
    ...(timeout === undefined ? {} : { timeoutMs: timeout * 1000 }),
  };
}

function parseStep(raw: unknown): StepMark {
  const s = check.object(raw, 'step', ['label', 'trialAttrs']);
  // Read from YAML or JSON, so its values are JSON already.
  const attrs = check.optional(s.trialAttrs, (v) => check.object(v, 'step.trialAttrs')) ?? {};
  return { label: check.string(s.label, 'step.label'), trialAttrs: attrs as Record<string, JsonValue> };
}

function parseStrategy(raw: unknown): StrategyConfig {
  if (raw === undefined || raw === 'optimize') return { kind: 'optimize' };
  const s =
    typeof raw === 'string'
      ? { kind: raw }
      : check.object(raw, 'strategy', [
          'kind',
          'rounds',
          'trialsPerRound',
          'top',
          'margin',
          'stages',
          'final',
        ]);
  const kind = check.oneOf(s.kind, 'strategy.kind', ['optimize', 'coarse-to-fine', 'staged'] as const);
  if (kind === 'optimize') return { kind };
  if (kind === 'staged') return parseStaged(s);
  const margin = check.optional(s.margin, (v) => check.number(v, 'strategy.margin')) ?? 0.1;
  if (margin < 0) throw check.configError('strategy.margin', 'a number >= 0', margin);
  return {
    kind,
    rounds: check.optional(s.rounds, (v) => check.positiveInt(v, 'strategy.rounds')) ?? 3,
    trialsPerRound:
      check.optional(s.trialsPerRound, (v) => check.positiveInt(v, 'strategy.trialsPerRound')) ?? 20,
    top: check.optional(s.top, (v) => check.positiveInt(v, 'strategy.top')) ?? 5,
    margin,
  };
}

/** `strategy: {kind: staged, stages: [{params, trials, then}] | auto | {kind: auto, ...}, final, top, margin}`. */
function parseStaged(s: Record<string, unknown>): { kind: 'staged' } & StagedOptions {
  for (const key of ['rounds', 'trialsPerRound'])
    if (s[key] !== undefined)
      throw check.configError(`strategy.${key}`, 'nothing (it is a coarse-to-fine field)', s[key]);
  const top = check.optional(s.top, (v) => check.positiveInt(v, 'strategy.top'));
  const margin = check.optional(s.margin, (v) => check.number(v, 'strategy.margin'));
  if (margin !== undefined && margin < 0) throw check.configError('strategy.margin', 'a number >= 0', margin);
  const final =
    s.final === undefined
      ? undefined
      : typeof s.final === 'number'
        ? { trials: check.positiveInt(s.final, 'strategy.final') }
        : {
            trials: check.positiveInt(
              check.object(s.final, 'strategy.final', ['trials']).trials,
              'strategy.final.trials',
            ),
          };
  return {
    kind: 'staged',
    stages: parseStages(s.stages),
    ...(final ? { final } : {}),
    ...(top === undefined ? {} : { top }),
    ...(margin === undefined ? {} : { margin }),
  };
}

function parseStages(raw: unknown): StagedOptions['stages'] {
  const carry = (v: unknown, path: string) => check.oneOf(v, path, ['fix', 'narrow'] as const);
  if (raw === 'auto' || (raw !== null && typeof raw === 'object' && !Array.isArray(raw))) {
    const a =
      raw === 'auto'
        ? {}
        : check.object(raw, 'strategy.stages', [
            'kind',
            'explore',
            'trialsPerStage',
            'trials',
            'paramsPerStage',
            'interactionThreshold',
            'minRankTrials',
            'then',
          ]);
    if (a.kind !== undefined) check.oneOf(a.kind, 'strategy.stages.kind', ['auto'] as const);
    const int = (key: string, fallback: number) =>
      check.optional(a[key], (v) => check.positiveInt(v, `strategy.stages.${key}`)) ?? fallback;
    const threshold = check.optional(a.interactionThreshold, (v) =>
      check.number(v, 'strategy.stages.interactionThreshold'),
    );
    const then = check.optional(a.then, (v) => carry(v, 'strategy.stages.then'));
    const trials = check.optional(a.trials, (v) => check.positiveInt(v, 'strategy.stages.trials'));
    return {
      ...(trials === undefined ? {} : { trials }),
      kind: 'auto',
      explore: int('explore', 20),
      trialsPerStage: int('trialsPerStage', 10),
      paramsPerStage: int('paramsPerStage', 3),
      minRankTrials: int('minRankTrials', 10),
      ...(threshold === undefined ? {} : { interactionThreshold: threshold }),
      ...(then === undefined ? {} : { then }),
    };
  }
  return check.array(raw, 'strategy.stages').map((stage, i) => {
    const at = `strategy.stages[${i}]`;
    const st = check.object(stage, at, ['params', 'trials', 'then']);
    const params = check
      .array(st.params, `${at}.params`)
      .map((p, j) => check.string(p, `${at}.params[${j}]`));
    if (params.length === 0) throw check.configError(`${at}.params`, 'at least one hyperparameter', params);
    const then = check.optional(st.then, (v) => carry(v, `${at}.then`));
    return {
      params,
      trials: check.positiveInt(st.trials, `${at}.trials`),
      ...(then === undefined ? {} : { then }),
    };
  });
}

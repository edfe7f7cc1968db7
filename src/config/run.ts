// Runs the study a config describes: opens (or creates) it in its storage, builds the objective, and
// either optimizes or runs its strategy (coarse-to-fine rounds, stages), each step in this process or through
// a hook (the CLI's worker processes). The CLI's `tune` and `worker` commands call this.
import { runCommandTrial } from '../command/command-trial.js';
import { createStudy } from '../create-study.js';
import { nopPruner } from '../study/pruner.js';
import type { Objective, Study } from '../study/study.js';
import { planTrainer } from './trainer.js';
import type { Trial } from '../study/trial.js';
import type { JsonValue, TrialRecord } from '../study/types.js';
import { TunekitError } from '../errors.js';
import { resolveStorage } from '../storage/resolve.js';
import type { LoggingOptions } from '../study/logger.js';
import { staged } from './staged.js';
import { stepConfig } from './step-config.js';
import { coarseToFine, runStepHere, withTrialAttrs } from './strategy.js';
import type { StrategyContext } from './strategy.js';
import { makePruner, makeSampler } from './plugins.js';
import { parseConfig } from './schema.js';
import type { TuneConfig } from './schema.js';
import { suggestSpace } from './space.js';
import { resolveStorageUrl } from './storage-url.js';
import type { SpaceEntry } from './space.js';

/**
 * What a caller (the CLI's flags) puts above the config. `seed` wins over `study.sampler.seed` and
 * `study.seed`; `storage` over $TUNEKIT_STORAGE and `study.storage` (see resolveStorageUrl). The logging
 * options go to the study's logger: the CLI routes failure lines around its progress line.
 */
export interface TuneOverrides extends LoggingOptions {
  trials?: number;
  timeoutSeconds?: number;
  storage?: string;
  seed?: number;
  worker?: string;
  /** Reproducible mode's lag; wins over study.reproducible.lag. */
  reproducible?: number;
}

export interface TuneHooks {
  /** Called once the study is open, before its first trial (the CLI starts its progress display here). */
  onOpen?(study: Study): void | Promise<void>;
  onTrial?(record: TrialRecord, study: Study): void;
  /** Called before each coarse-to-fine round or stage with its label and the space it will sample. */
  onStep?(label: string, space: readonly SpaceEntry[]): void;
  /**
   * Runs one round's or stage's trials somewhere else than this process (the CLI: `tunekit worker --study`
   * processes). `config` is the step's own config, already stored on `study`: its space, its budget
   * (`study.trials`, a total). `timeoutMs` is what is left of the run's time. The trials the study gained
   * meanwhile, from any worker, are then passed to onTrial.
   */
  runStep?(study: Study, config: TuneConfig, time: { timeoutMs?: number }): Promise<void>;
}

export async function openConfigStudy(config: TuneConfig, overrides: TuneOverrides = {}): Promise<Study> {
  const opened = await createConfigStudy(config, overrides);
  await opened.storage.writeStudy(opened.id, { config: config.source as JsonValue });
  return opened;
}

/**
 * The config a study was started with (stored by `openConfigStudy`), for workers that join it by name. A
 * reproducible study's lag is the one it stores, which a flag may have set over the config's
 * (`tune --reproducible`): the worker asks for that one, so it joins without being refused or told the lag.
 */
export async function loadStudyConfig(storage: string, studyName: string): Promise<TuneConfig> {
  // Joining never creates a database: a mistyped path is an error, not a new empty file.
  const opened = await resolveStorage(storage, { create: false });
  try {
    const { config: source, reproducible: mode } = await opened.getStudy(studyName);
    if (source === null)
      throw new TunekitError(
        'config_missing',
        `study "${studyName}" was not started from a config; give the config file to tunekit worker`,
      );
    const config = parseConfig(source);
    if (mode === null) return config;
    const study = { ...config.study, reproducible: { ...config.study.reproducible, lag: mode.lag } };
    return { ...config, study };
  } finally {
    await opened.close();
  }
}

function createConfigStudy(config: TuneConfig, overrides: TuneOverrides): Promise<Study> {
  const { study } = config;
  const seed = overrides.seed ?? study.seed;
  // A seed given by the caller replaces the sampler's own; without one, study.sampler.seed beats study.seed.
  const sampler =
    study.sampler && overrides.seed !== undefined
      ? { ...study.sampler, options: { ...study.sampler.options, seed: overrides.seed } }
      : study.sampler;
  const pruner = study.pruner ? makePruner(study.pruner, 'study.pruner') : undefined;
  const { logger, logLevel, quiet } = overrides;
  const reproducible =
    overrides.reproducible === undefined
      ? study.reproducible
      : { ...study.reproducible, lag: overrides.reproducible };
  return createStudy({
    studyName: study.name,
    storage: resolveStorageUrl({ flag: overrides.storage, config: study.storage }),
    directions: study.directions,
    loadIfExists: true,
    retries: study.retries,
    ...(study.heartbeat?.intervalMs === undefined ? {} : { heartbeatIntervalMs: study.heartbeat.intervalMs }),
    ...(study.heartbeat?.graceMs === undefined ? {} : { gracePeriodMs: study.heartbeat.graceMs }),
    ...(sampler ? { sampler: makeSampler(sampler, 'study.sampler', config.space, seed) } : {}),
    ...(pruner === undefined ? {} : pruner === null ? { pruner: nopPruner } : { pruner }),
    ...(seed === undefined ? {} : { seed }),
    ...(overrides.worker ? { worker: overrides.worker } : {}),
    ...(reproducible ? { reproducible } : {}),
    ...(logger ? { logger } : {}),
    ...(logLevel ? { logLevel } : {}),
    ...(quiet ? { quiet } : {}),
  });
}

export function configObjective(config: TuneConfig, space: readonly SpaceEntry[] = config.space): Objective {
  const objective = config.objective;
  const run =
    objective.kind === 'trainer'
      ? planTrainer(objective, space).objective
      : (trial: Trial) => runCommandTrial(objective, trial, suggestSpace(trial, space));
  // A step's config (step-config.ts) tags its trials, as the strategy does in one process.
  return withTrialAttrs(run, config.step?.trialAttrs);
}

/** Runs the config's study to its budget (total trials and/or time); returns the study. */
export async function runTune(
  config: TuneConfig,
  overrides: TuneOverrides = {},
  hooks: TuneHooks = {},
): Promise<Study> {
  // The objective is built first: its dry run refuses a config that cannot train before storage is touched.
  const objective = configObjective(config);
  const study = await openConfigStudy(config, overrides);
  await hooks.onOpen?.(study);
  const total = overrides.trials ?? config.study.trials;
  const timeoutSeconds = overrides.timeoutSeconds ?? config.study.timeoutSeconds;
  const deadline = timeoutSeconds === undefined ? undefined : Date.now() + timeoutSeconds * 1000;
  const callbacks = hooks.onTrial ? [(s: Study, r: TrialRecord) => hooks.onTrial!(r, s)] : [];
  const remainingTime = () =>
    deadline === undefined ? {} : { timeoutMs: Math.max(1, deadline - Date.now()) };

  if (config.strategy.kind === 'optimize') {
    // The budget counts the study's trials from every worker, so restarted or extra workers do not overshoot.
    await study.optimize(objective, {
      ...(total ? { maxTrials: total } : {}),
      ...remainingTime(),
      callbacks,
      catch: true, // a failed trial is logged with its reason and the run goes on
    });
    return study;
  }

  const strategy =
    config.strategy.kind === 'staged' ? staged(config.strategy) : coarseToFine(config.strategy);
  const ctx: StrategyContext = {
    space: config.space,
    direction: config.study.directions[0]!,
    // A stage's study is an ordinary study in the same storage, named after the parent; its config is its
    // step's, stored when the step starts.
    openStudy: async (suffix) =>
      suffix === null
        ? study
        : createConfigStudy(
            { ...config, study: { ...config.study, name: `${config.study.name}.${suffix}` } },
            overrides,
          ),
    objective: (space) => configObjective(config, space),
    ...(hooks.onStep ? { onStep: hooks.onStep } : {}),
    callbacks,
    ...(deadline === undefined ? {} : { deadline }),
    runStep: async (step) => {
      // Stored first, whoever runs the step, so a worker on any machine can join it from storage alone.
      const own = stepConfig(config, step);
      await step.study.storage.writeStudy(step.study.id, { config: own.source as JsonValue });
      if (!hooks.runStep) return runStepHere(ctx, step);
      const before = new Set((await finishedTrials(step.study)).map((t) => t.id));
      await hooks.runStep(step.study, own, remainingTime());
      const ran = (await finishedTrials(step.study)).filter((t) => !before.has(t.id));
      ran.sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
      for (const record of ran) for (const callback of callbacks) await callback(step.study, record);
    },
  };
  const result = await strategy.run(ctx);
  // The study holding the best trial, so the caller's summary names it; the parent when nothing completed.
  const holder = result.studies.find((s) => result.best !== null && s.id === result.best.studyId) ?? study;
  // Each stage opened its own connection; only the one returned stays open (the caller closes it).
  for (const s of new Set([study, ...result.studies])) if (s !== holder) await s.storage.close();
  return holder;
}

function finishedTrials(study: Study): Promise<TrialRecord[]> {
  return study.trials({ states: ['complete', 'pruned', 'fail'] });
}

// createStudy / loadStudy: resolve the plug-ins (or their defaults) and open the study in storage. Also the
// one home of the rules for what an option must agree on with a stored study: directions, reproducible mode.
import { defaults } from './defaults.js';
import { TunekitError, isTunekitError } from './errors.js';
import { resolveStorage } from './storage/resolve.js';
import type { FailureOptions } from './study/heartbeat.js';
import { resolveLogger } from './study/logger.js';
import type { LoggingOptions } from './study/logger.js';
import type { Pruner } from './study/pruner.js';
import { FIRST_WRITE_MEMO, checkReproducible } from './study/reproducible.js';
import type { ReproducibleOptions } from './study/reproducible.js';
import type { Sampler } from './study/sampler.js';
import type { StudyStorage } from './study/storage.js';
import { Study } from './study/study.js';
import type { Direction, ReproducibleMode, StudyInfo, TrialRecord } from './study/types.js';

export interface CreateStudyOptions extends FailureOptions, LoggingOptions {
  studyName?: string;
  direction?: Direction;
  /** One direction per objective, for multi-objective studies. */
  directions?: readonly Direction[];
  sampler?: Sampler;
  pruner?: Pruner;
  /** A storage object, or a URL: 'memory:', 'sqlite:./tunekit.db', 'postgres://user@host:5432/db'. */
  storage?: StudyStorage | string;
  /** Open the study if one with this name exists instead of failing with `duplicate_study`. */
  loadIfExists?: boolean;
  /** Seed for the default sampler. */
  seed?: number;
  /** Names this process in the trials it runs. */
  worker?: string;
  /**
   * Same trials whatever the number of workers: trial n's sampler and pruner see the trials below n - lag.
   * The lag is the study's: stored when the study is created, and a study that stores one runs with it even
   * when this is absent (docs/reproducibility.md).
   */
  reproducible?: ReproducibleOptions;
}

export interface LoadStudyOptions extends FailureOptions, LoggingOptions {
  studyName: string;
  storage: StudyStorage | string;
  sampler?: Sampler;
  pruner?: Pruner;
  seed?: number;
  worker?: string;
  /** As createStudy's: the lag must be the study's own, or the study must hold no trials yet. */
  reproducible?: ReproducibleOptions;
}

export async function createStudy(options: CreateStudyOptions = {}): Promise<Study> {
  const directions = resolveDirections(options);
  const mode = askedMode(options);
  const name = options.studyName ?? defaults.studyName();
  if (typeof name !== 'string' || name.trim() === '')
    throw new TunekitError('invalid_argument', 'studyName must be a non-empty string');
  // Databases store text as UTF-8: a lone surrogate would come back changed, a NUL is refused by PostgreSQL.
  if (
    name.includes('\u0000') ||
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(name)
  )
    throw new TunekitError(
      'invalid_argument',
      `studyName ${JSON.stringify(name.slice(0, 80))} holds a NUL or an unpaired surrogate; use printable Unicode text`,
    );
  return withStorage(options.storage ?? defaults.storage(), async (storage) => {
    let info;
    try {
      // The mode rides in the creating write: a worker opening the study a moment later already sees it.
      info = await storage.createStudy(name, directions, { reproducible: mode });
    } catch (error) {
      if (!(options.loadIfExists && isTunekitError(error, 'duplicate_study'))) throw error;
      info = await storage.getStudy(name);
      if (info.directions.join() !== directions.join())
        throw new TunekitError(
          'invalid_argument',
          `study "${name}" exists with directions [${info.directions.join(', ')}], not [${directions.join(', ')}]; ` +
            'pass the same directions or another studyName',
        );
      info = await joinMode(info, storage, mode);
    }
    return openStudy(info, storage, options);
  });
}

export async function loadStudy(options: LoadStudyOptions): Promise<Study> {
  const mode = askedMode(options);
  return withStorage(options.storage, async (storage) => {
    const info = await joinMode(await storage.getStudy(options.studyName), storage, mode);
    return openStudy(info, storage, options);
  });
}

/** Opens a study on `given`; a storage opened here from a URL is closed again when that fails. */
async function withStorage(
  given: StudyStorage | string,
  open: (storage: StudyStorage) => Promise<Study>,
): Promise<Study> {
  const storage = await resolveStorage(given);
  try {
    return await open(storage);
  } catch (error) {
    // A refused study must not leave a connection pool keeping the caller's process alive.
    if (typeof given === 'string') await storage.close().catch(() => undefined);
    throw error;
  }
}

/** The mode the options ask for (null: none), checked before anything is opened or stored. */
function askedMode(options: { reproducible?: ReproducibleOptions }): ReproducibleMode | null {
  return options.reproducible ? { lag: checkReproducible(options.reproducible).lag } : null;
}

/**
 * An existing study as a worker asking for `mode` may run it. Without a mode asked for, the study runs as
 * stored. A stored lag is the study's: another one is refused. A study without a mode takes one only while it
 * holds no trials, since trials that ran without it cannot be placed in a reproducible sequence (or when its
 * trials ran in the mode before studies stored it).
 */
async function joinMode(
  info: StudyInfo,
  storage: StudyStorage,
  mode: ReproducibleMode | null,
): Promise<StudyInfo> {
  if (mode === null) return info;
  const stored = info.reproducible;
  if (stored !== null) {
    if (stored.lag === mode.lag) return info;
    throw new TunekitError(
      'invalid_argument',
      `study "${info.name}" is reproducible with lag ${stored.lag} (stored with the study), not ${mode.lag}; ` +
        `pass its lag (reproducible: { lag: ${stored.lag} }, --reproducible ${stored.lag}) or none, or another studyName`,
    );
  }
  const trials = await storage.getTrials(info.id);
  const held = trials.length;
  if (held > 0 && !ranReproducibly(trials))
    throw new TunekitError(
      'invalid_argument',
      `study "${info.name}" holds ${held} trials that ran without reproducible mode, so their sequence cannot be ` +
        `reproduced; run a reproducible study under another studyName (or this one without reproducible)`,
    );
  return storage.writeStudy(info.id, { reproducible: mode });
}

/**
 * Whether the trials ran in reproducible mode before the study stored it (a database from before schema 6,
 * when the mode was the process's option only): every trial that wrote params carries the first-write memo
 * that mode writes. The lag they ran with is not known; the one asked for is taken.
 */
function ranReproducibly(trials: readonly TrialRecord[]): boolean {
  const written = trials.filter((t) => Object.keys(t.params).length > 0);
  return written.length > 0 && written.every((t) => FIRST_WRITE_MEMO in t.samplerMemo);
}

/** The Study over a stored study: the options' plug-ins and settings, or their defaults. */
function openStudy(
  info: StudyInfo,
  storage: StudyStorage,
  options: LoadStudyOptions | CreateStudyOptions,
): Study {
  const logger = resolveLogger(options);
  if (info.reproducible && !options.reproducible)
    logger?.({
      level: 'info',
      study: info.name,
      message: `study "${info.name}" is reproducible with lag ${info.reproducible.lag} (stored with the study); this worker runs with it`,
    });
  const waitMs = options.reproducible?.waitMs;
  return new Study({
    info,
    storage,
    sampler: options.sampler ?? defaults.sampler(info.directions, options.seed),
    pruner: options.pruner ?? defaults.pruner(),
    worker: options.worker ?? defaults.worker(),
    failures: resolveFailures(options),
    storageOutageMs: options.storageOutageMs ?? defaults.storageOutageMs,
    syncIntervalMs: options.syncIntervalMs ?? defaults.syncIntervalMs,
    logger,
    ...(waitMs === undefined ? {} : { reproducibleWaitMs: waitMs }),
  });
}

function resolveFailures(options: FailureOptions): {
  heartbeatIntervalMs: number;
  gracePeriodMs: number;
  retries: number;
} {
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? defaults.heartbeatIntervalMs;
  return {
    heartbeatIntervalMs,
    gracePeriodMs: options.gracePeriodMs ?? defaults.gracePeriodMs(heartbeatIntervalMs),
    retries: options.retries ?? defaults.retries,
  };
}

function resolveDirections(options: CreateStudyOptions): Direction[] {
  if (options.direction !== undefined && options.directions !== undefined)
    throw new TunekitError('invalid_argument', 'give either direction or directions, not both');
  const directions = options.directions ?? [options.direction ?? defaults.direction];
  if (!Array.isArray(directions) || directions.length === 0)
    throw new TunekitError(
      'invalid_argument',
      'directions must be a non-empty array of "minimize" | "maximize"',
    );
  directions.forEach((d, i) => {
    if (d !== 'minimize' && d !== 'maximize')
      throw new TunekitError(
        'invalid_argument',
        `${options.directions ? `directions[${i}]` : 'direction'} must be "minimize" or "maximize", got ${JSON.stringify(d)}`,
      );
  });
  return [...directions];
}

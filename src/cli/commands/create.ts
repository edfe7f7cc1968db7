// `tunekit create <config>`: creates the study a config describes and stores the config with it, running
// no trial, so workers anywhere join it by name (`tunekit worker --study NAME`). Run again with the same
// config it changes nothing, so a cluster's set-up step may be retried or run by every worker.
import { isDeepStrictEqual } from 'node:util';
import { loadConfigFile, openConfigStudy } from '../../config/index.js';
import { TunekitError, isTunekitError } from '../../index.js';
import type { StudyStorage } from '../../index.js';
import { defineCommand } from '../args.js';
import { CONFIG_FILE, CONFIG_STORAGE, QUIET, storageUrl, withStorage } from '../common.js';
import { requireBudget } from '../run.js';

export const create = defineCommand({
  name: 'create',
  summary: 'create the study a config describes and store the config in it, running no trial',
  positionals: [CONFIG_FILE],
  options: {
    storage: CONFIG_STORAGE,
    replace: {
      type: 'boolean',
      description: 'store this config on a study that holds another (workers that join later run it)',
    },
    quiet: QUIET,
  },
  notes: [
    'Workers then join from any machine: tunekit worker --study NAME (see docs/distributed.md).',
    'The same config again changes nothing and exits 0; a study holding another config, or none,',
    'is refused [duplicate_study] unless --replace.',
  ],
  async run({ positionals: [path], options }) {
    const config = loadConfigFile(path!);
    if (config.strategy.kind !== 'optimize')
      throw new TunekitError(
        'config_invalid',
        `strategy.kind: optimize for a study run by workers; ${config.strategy.kind} rounds run in one process (tunekit tune)`,
      );
    requireBudget(config, {}, 'study.trials or study.timeout in the config: workers run until it is spent');
    const url = storageUrl(options.storage, config.study.storage);
    const name = config.study.name;
    const stored = await withStorage(url, (storage) => storedConfig(storage, name), { create: true });
    // Compared as JSON, as storage holds it (key order and -0 aside).
    if (stored !== undefined && isDeepStrictEqual(stored, asJson(config.source))) {
      if (!options.quiet) console.log(`study "${name}" already holds this config; nothing changed`);
      return 0;
    }
    if (stored !== undefined && !options.replace)
      throw new TunekitError(
        'duplicate_study',
        `study "${name}" exists and holds ${stored === null ? 'no config' : 'another config'}; --replace stores this one`,
      );
    const study = await openConfigStudy(config, { storage: url, quiet: true });
    await study.storage.close();
    if (!options.quiet)
      console.log(
        stored === undefined
          ? `created study "${name}" with its config; workers join it with: tunekit worker --study ${name}`
          : `stored the new config on study "${name}"; workers that join from now on run it`,
      );
    return 0;
  },
});

/** How long a new study without trials may take to get its config from the `create` that made it. */
const CREATOR_WRITE_MS = 5_000;

/**
 * The study's stored config (null: it has none), or undefined when there is no such study. A study that
 * holds neither config nor trials may be another `create`'s, between creating the study and storing its
 * config (every pod of a cluster runs `create` at once): its config is waited for, for a few seconds.
 */
async function storedConfig(storage: StudyStorage, name: string): Promise<unknown> {
  let info;
  try {
    info = await storage.getStudy(name);
  } catch (error) {
    if (isTunekitError(error, 'study_not_found')) return undefined;
    throw error;
  }
  if (info.config === null && (await storage.getTrials(info.id)).length === 0)
    for (const started = Date.now(); info.config === null && Date.now() - started < CREATOR_WRITE_MS;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      info = await storage.getStudy(name);
    }
  return asJson(info.config);
}

function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

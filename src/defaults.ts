// Every default tunekit chooses, in one place.
import { AutoSampler } from './samplers/auto.js';
import { InMemoryStorage } from './storage/memory.js';
import { MedianPruner } from './pruners/percentile.js';
import type { Pruner } from './study/pruner.js';
import type { Sampler } from './study/sampler.js';
import type { StudyStorage } from './study/storage.js';
import type { Direction } from './study/types.js';

export const defaults = {
  direction: 'minimize' as Direction,
  /** GP while the budget is small, TPE beyond, NSGA-II for several objectives (see samplers/auto.ts). */
  sampler: (_directions: readonly Direction[], seed?: number): Sampler =>
    new AutoSampler(seed === undefined ? {} : { seed }),
  // Optuna's default: inert until 5 trials complete, and only for objectives that ask shouldPrune().
  pruner: (): Pruner => new MedianPruner(),
  // The library keeps a study in memory (it runs in a browser and leaves nothing behind); a config run and
  // the CLI persist to a file instead, because their study must outlive the process that ran it.
  storage: (): StudyStorage => new InMemoryStorage(),
  fileStorage: 'sqlite:./tunekit.db',
  heartbeatIntervalMs: 10_000,
  // Generous: an objective that blocks the event loop (synchronous training) sends no heartbeat meanwhile.
  gracePeriodMs: (heartbeatIntervalMs: number): number => 6 * heartbeatIntervalMs,
  retries: 0,
  // Long enough for a database server to restart.
  storageOutageMs: 60_000,
  // A running trial writes and reads at most once a second: epochs that last seconds or more see no
  // difference, and a study of hundreds of workers whose steps take milliseconds costs its storage a few
  // statements per second per worker (docs/distributed.md).
  syncIntervalMs: 1000,
  studyName: (): string =>
    `study-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${Math.random().toString(36).slice(2, 8)}`,
  worker: (): string => {
    const pid = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;
    return `pid${pid}-${Math.random().toString(36).slice(2, 8)}`;
  },
};

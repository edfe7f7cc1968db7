// Builds trial records for the plot tests and the dashboard benchmark without running a study.
import { Rng, floatDistribution, intDistribution, categoricalDistribution } from '../../../index.js';
import type { Distribution, TrialRecord } from '../../../index.js';
import { trialRecord } from '../../../testing/records.js';

let nextId = 1;

export function trial(number: number, fields: Partial<TrialRecord> = {}): TrialRecord {
  return trialRecord({
    id: nextId++,
    number,
    worker: 'w0',
    createdAt: 1_000 + number * 10,
    startedAt: 1_000 + number * 10,
    finishedAt: 1_005 + number * 10,
    ...fields,
  });
}

export const SPACE: Record<string, Distribution> = {
  lr: floatDistribution('lr', 1e-5, 1, { log: true }),
  units: intDistribution('units', 8, 512, { log: true }),
  dropout: floatDistribution('dropout', 0, 0.5),
  optimizer: categoricalDistribution('optimizer', ['sgd', 'momentum', 'adam']),
};

/**
 * A study-shaped list of `n` trials over SPACE with seeded values: a few fail, some are pruned, the last few
 * run, and every one reports a learning curve of `steps` points.
 */
export function syntheticTrials(
  n: number,
  options: { seed?: number; steps?: number; workers?: number; objectives?: number } = {},
): TrialRecord[] {
  const rng = new Rng(options.seed ?? 1);
  const { steps = 20, workers = 4, objectives = 1 } = options;
  const out: TrialRecord[] = [];
  for (let i = 0; i < n; i++) {
    const lr = Math.exp(rng.uniform(Math.log(1e-5), 0));
    const units = Math.round(Math.exp(rng.uniform(Math.log(8), Math.log(512))));
    const dropout = rng.uniform(0, 0.5);
    const optimizer = ['sgd', 'momentum', 'adam'][rng.int(0, 2)] as string;
    const target =
      (Math.log10(lr) + 3) ** 2 / 4 + 1 / Math.sqrt(units) + dropout / 5 + (optimizer === 'sgd' ? 0.2 : 0);
    const state = i >= n - 2 ? 'running' : i % 17 === 5 ? 'fail' : i % 5 === 3 ? 'pruned' : 'complete';
    const reported =
      state === 'pruned' ? Math.ceil(steps / 3) : state === 'running' ? Math.ceil(steps / 2) : steps;
    const intermediateValues: Record<number, number> = {};
    for (let s = 0; s < (state === 'fail' ? 0 : reported); s++)
      intermediateValues[s] = target + 2 * Math.exp(-s / 4) + 0.02 * rng.normal();
    const last = intermediateValues[reported - 1] ?? target;
    const values =
      state === 'complete'
        ? Array.from({ length: objectives }, (_, k) =>
            k === 0 ? last : units / 512 + 0.1 * rng.uniform(0, 1),
          )
        : state === 'pruned'
          ? [last]
          : null;
    out.push(
      trial(i, {
        state,
        values,
        params: { lr, units, dropout, optimizer },
        distributions: SPACE,
        intermediateValues,
        worker: `host:${100 + (i % workers)}`,
        startedAt: 10_000 + i * 1000,
        finishedAt: state === 'running' ? null : 10_000 + i * 1000 + 3_500,
        failReason: state === 'fail' ? 'Error: diverged' : null,
      }),
    );
  }
  return out;
}

// Reproducible mode in one process: several Study objects on one storage, with objectives that finish in
// a random order, give the trials one worker gives, for every sampler and pruner; without the mode they do not.
import { trialRecord } from '../testing/records.js';
import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { isTunekitError } from '../errors.js';
import { HyperbandPruner } from '../pruners/hyperband.js';
import { MedianPruner } from '../pruners/percentile.js';
import { SuccessiveHalvingPruner } from '../pruners/successive-halving.js';
import { Rng } from '../random.js';
import { CmaEsSampler } from '../samplers/cmaes/sampler.js';
import { GpSampler } from '../samplers/gp/sampler.js';
import { QmcSampler } from '../samplers/qmc/qmc.js';
import { RandomSampler } from '../samplers/random.js';
import { TpeSampler } from '../samplers/tpe/sampler.js';
import { InMemoryStorage } from '../storage/memory.js';
import { nopPruner } from './pruner.js';
import type { Pruner } from './pruner.js';
import { Sequence } from './reproducible.js';
import type { Sampler } from './sampler.js';
import type { Trial } from './trial.js';
import type { TrialRecord } from './types.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Five epochs of a deterministic objective; `jitter` makes each call take a random time. */
function objective(jitter: Rng | null) {
  return async (trial: Trial): Promise<number> => {
    const x = trial.suggestFloat('x', -3, 3);
    const lr = trial.suggestFloat('lr', 1e-4, 1, { log: true });
    const act = trial.suggestCategorical('act', ['relu', 'tanh']);
    let value = 0;
    for (let epoch = 1; epoch <= 5; epoch++) {
      if (jitter) await sleep(jitter.int(0, 6));
      value = (x - 1) ** 2 + Math.abs(Math.log10(lr) + 2) / epoch + (act === 'relu' ? 0 : 0.3);
      await trial.report(value, epoch);
      if (await trial.shouldPrune()) trial.prune();
    }
    return value;
  };
}

/** What must match between runs, per place in the sequence. */
function fields(trials: readonly TrialRecord[]): unknown[] {
  const sequence = new Sequence(trials);
  return sequence.chains.map((_, place) => {
    const t = sequence.occupant(place);
    return { params: t.params, state: t.state, values: t.values, intermediate: t.intermediateValues };
  });
}

async function run(
  make: () => { sampler: Sampler; pruner: Pruner },
  workers: number,
  options: { lag: number | null; trials: number; seed: number; enqueue?: number },
): Promise<TrialRecord[]> {
  const storage = new InMemoryStorage();
  const jitter = new Rng(options.seed);
  const studies = [];
  for (let w = 0; w < workers; w++)
    studies.push(
      await createStudy({
        storage,
        studyName: 'r',
        loadIfExists: true,
        quiet: true,
        worker: `w${w}`,
        ...make(),
        ...(options.lag === null ? {} : { reproducible: { lag: options.lag } }),
      }),
    );
  for (let i = 0; i < (options.enqueue ?? 0); i++)
    await studies[0]!.enqueueTrial({ x: i - 1, lr: 0.01, act: 'tanh' });
  await Promise.all(
    studies.map((s) => s.optimize(objective(workers > 1 ? jitter : null), { maxTrials: options.trials })),
  );
  return storage.getTrials(studies[0]!.id);
}

const combos: Array<[string, () => { sampler: Sampler; pruner: Pruner }]> = [
  [
    'tpe + median',
    () => ({
      sampler: new TpeSampler({ seed: 1, nStartupTrials: 4 }),
      pruner: new MedianPruner({ nStartupTrials: 2 }),
    }),
  ],
  [
    'tpe (constant liar) + hyperband',
    () => ({
      sampler: new TpeSampler({ seed: 2, nStartupTrials: 4, constantLiar: true }),
      pruner: new HyperbandPruner({ minResource: 1, maxResource: 5 }),
    }),
  ],
  [
    'random + successive halving',
    () => ({
      sampler: new RandomSampler({ seed: 3 }),
      pruner: new SuccessiveHalvingPruner({ minResource: 1 }),
    }),
  ],
  ['cma-es', () => ({ sampler: new CmaEsSampler({ seed: 4, nStartupTrials: 3 }), pruner: nopPruner })],
  ['gp', () => ({ sampler: new GpSampler({ seed: 5, nStartupTrials: 4 }), pruner: nopPruner })],
  ['qmc + median', () => ({ sampler: new QmcSampler({ seed: 6 }), pruner: new MedianPruner() })],
];

describe('reproducible mode', () => {
  it.each(combos)('%s: 4 workers give what 1 worker gives, place by place', async (_name, make) => {
    const one = await run(make, 1, { lag: 3, trials: 24, seed: 11 });
    const four = await run(make, 4, { lag: 3, trials: 24, seed: 12 });
    expect(one).toHaveLength(24);
    expect(fields(four)).toEqual(fields(one));
    // Four really ran at once: more than one worker took trials.
    expect(new Set(four.map((t) => t.worker)).size).toBeGreaterThan(1);
  });

  it('without the mode the same runs differ (the comparison above can fail)', async () => {
    const make = combos[0]![1];
    const one = await run(make, 1, { lag: null, trials: 24, seed: 11 });
    const four = await run(make, 4, { lag: null, trials: 24, seed: 12 });
    expect(fields(four)).not.toEqual(fields(one));
  });

  it('enqueued trials keep their places', async () => {
    const make = combos[0]![1];
    const one = await run(make, 1, { lag: 2, trials: 16, seed: 1, enqueue: 3 });
    const three = await run(make, 3, { lag: 2, trials: 16, seed: 2, enqueue: 3 });
    expect(fields(three)).toEqual(fields(one));
    expect(three.slice(0, 3).map((t) => t.params.x)).toEqual([-1, 0, 1]);
  });

  it('lag 0 runs one objective at a time, whatever the number of workers', async () => {
    const storage = new InMemoryStorage();
    let active = 0;
    let most = 0;
    const body = async (trial: Trial): Promise<number> => {
      most = Math.max(most, ++active);
      await sleep(3);
      active--;
      return trial.suggestFloat('x', 0, 1);
    };
    const open = () =>
      createStudy({ storage, studyName: 'l', loadIfExists: true, quiet: true, reproducible: { lag: 0 } });
    const studies = [await open(), await open(), await open()];
    await Promise.all(studies.map((s) => s.optimize(body, { maxTrials: 9 })));
    expect(await storage.getTrials(studies[0]!.id)).toHaveLength(9);
    expect(most).toBe(1);
  });

  it('rejects a bad lag, naming the field', async () => {
    const error = await createStudy({ reproducible: { lag: -1 } }).catch((e: unknown) => e);
    expect(isTunekitError(error, 'invalid_argument')).toBe(true);
    expect((error as Error).message).toContain('reproducible.lag');
  });

  it('a worker that waits too long gives up with history_wait_timeout, naming the trial it waits for', async () => {
    const storage = new InMemoryStorage();
    const stuck = await createStudy({ storage, studyName: 's', quiet: true, reproducible: { lag: 0 } });
    await stuck.ask(); // trial 0 starts and never finishes
    const waiter = await createStudy({
      storage,
      studyName: 's',
      loadIfExists: true,
      quiet: true,
      reproducible: { lag: 0, waitMs: 150 },
    });
    const error = await waiter.ask().catch((e: unknown) => e);
    expect(isTunekitError(error, 'history_wait_timeout')).toBe(true);
    expect((error as Error).message).toContain('trial 0 to finish');
    expect(waiter.waitedMs).toBe(0); // a wait that timed out is not counted as one that ended
  });
});

describe('Sequence', () => {
  const record = (number: number, extra: Partial<TrialRecord> = {}): TrialRecord =>
    trialRecord({
      number,
      values: [number],
      params: { x: number },
      distributions: { x: { kind: 'float', low: 0, high: 100, log: false, step: null } },
      samplerMemo: { '@reproducible': { params: ['x'] } },
      worker: 'w',
      createdAt: 0,
      startedAt: 0,
      finishedAt: 1,
      heartbeatAt: 0,
      ...extra,
    });

  it('a retry takes the place of the trial it repeats, and the trials after keep theirs', () => {
    const trials = [
      record(0),
      record(1, { state: 'fail', values: null, retriedBy: 3 }),
      record(2),
      record(3, { retriedFrom: 1, retryCount: 1, fixedParams: { x: 1 } }),
      record(4),
    ];
    const sequence = new Sequence(trials);
    expect([...sequence.placeOf]).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 1],
      [4, 3],
    ]);
    const seen = sequence.history(sequence.placeOf.get(4)!, 0);
    expect(seen.map((t) => [t.number, t.state, t.retriedFrom, t.fixedParams])).toEqual([
      [0, 'complete', null, null],
      [1, 'complete', null, null],
      [2, 'complete', null, null],
    ]);
  });

  it('waits for a placeholder to choose its parameters, and shows only those', () => {
    const running = record(1, { state: 'running', values: null, samplerMemo: {} });
    expect(new Sequence([record(0), running]).awaited(2, 1)).toBe('trial 1 to choose its parameters');
    expect(new Sequence([record(0), running]).awaited(2, 0)).toBe('trial 1 to finish');
    const chosen = record(1, {
      state: 'running',
      values: null,
      params: { x: 1, y: 2 },
      samplerMemo: { '@reproducible': { params: ['x'] } },
    });
    const sequence = new Sequence([record(0), chosen]);
    expect(sequence.awaited(2, 1)).toBeNull();
    expect(sequence.history(2, 1)[1]).toMatchObject({ state: 'running', params: { x: 1 }, values: null });
  });
});

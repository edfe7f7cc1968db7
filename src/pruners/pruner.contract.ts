// The pruner contract suite: every pruner runs it (median, percentile, patient, threshold, successive
// halving, hyperband). It checks what any pruner owes a study, not how aggressive it is.
import { describe, expect, it } from 'vitest';
import { createStudy } from '../create-study.js';
import { RandomSampler } from '../samplers/random.js';
import type { Pruner } from '../study/pruner.js';
import type { Direction, StudyInfo, TrialRecord, TrialState } from '../study/types.js';
import { studyRecord, trialRecord } from '../testing/records.js';

export interface PrunerContractOptions {
  /** A fresh pruner, configured to stop the laggards of `laggardCurve` within 9 steps. */
  make(): Pruner;
  /** Whether decisions follow the study's direction (default true; ThresholdPruner has fixed bounds). */
  directional?: boolean;
}

/** A constructed trial record (test helper). */
export function record(
  number: number,
  state: TrialState,
  reports: readonly number[] | Record<number, number>,
  finishedAt = number,
): TrialRecord {
  const intermediateValues = Array.isArray(reports)
    ? Object.fromEntries(reports.map((v, step) => [step, v]))
    : { ...reports };
  const steps = Object.keys(intermediateValues).map(Number);
  const last = steps.length > 0 ? intermediateValues[Math.max(...steps)] : undefined;
  return trialRecord({
    number,
    state,
    values: state === 'complete' || (state === 'pruned' && last !== undefined) ? [last ?? 0] : null,
    intermediateValues,
    createdAt: number,
    startedAt: number,
    finishedAt: state === 'running' ? null : finishedAt,
  });
}

export function studyInfo(direction: Direction = 'minimize', name = 'contract'): StudyInfo {
  return studyRecord({ name, directions: [direction] });
}

/** Every third trial is a laggard: its loss starts high and rises (it also leaves [0, 2]). */
export function laggardCurve(number: number, step: number): number {
  return number % 3 === 2 ? 5 + 0.1 * step : 0.1 + 0.9 * Math.exp(-0.5 * step) + 0.01 * (number % 5);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A history of 12 finished trials and 3 running ones at different steps, frozen. */
function history(sign = 1): TrialRecord[] {
  const trials: TrialRecord[] = [];
  for (let n = 0; n < 15; n++) {
    const running = n >= 12;
    const steps = running ? 2 + (n % 4) : n % 3 === 2 ? 3 : 9;
    const reports = Array.from({ length: steps }, (_, s) => sign * laggardCurve(n, s));
    trials.push(record(n, running ? 'running' : n % 3 === 2 ? 'pruned' : 'complete', reports));
  }
  return deepFreeze(trials);
}

export function prunerContract(label: string, options: PrunerContractOptions): void {
  describe(`pruner contract: ${label}`, () => {
    it('never prunes a trial that has reported nothing', async () => {
      const trials = [...history(), record(15, 'running', [])];
      expect(await options.make().prune({ study: studyInfo(), trials }, trials[15]!)).toBe(false);
    });

    it('decides from its arguments only: same answer twice and from a fresh instance, records untouched', async () => {
      const trials = history();
      const a = options.make();
      const b = options.make();
      for (const t of trials) {
        const ctx = { study: studyInfo(), trials };
        const first = await a.prune(ctx, t);
        expect(typeof first).toBe('boolean');
        expect(await a.prune(ctx, t)).toBe(first);
        expect(await b.prune(ctx, t)).toBe(first);
      }
    });

    if (options.directional ?? true)
      it('mirrors the direction: maximising the negated values gives the same decisions', async () => {
        const min = history(1);
        const max = history(-1);
        const pruner = options.make();
        for (let i = 0; i < min.length; i++) {
          const a = await pruner.prune({ study: studyInfo('minimize'), trials: min }, min[i]!);
          const b = await pruner.prune({ study: studyInfo('maximize'), trials: max }, max[i]!);
          expect(b).toBe(a);
        }
      });

    it('takes a NaN report in its stride (no exception, a boolean answer)', async () => {
      const trials = [...history(), record(15, 'running', [1, NaN, NaN, NaN])];
      const ctx = { study: studyInfo(), trials };
      expect(typeof (await options.make().prune(ctx, trials[15]!))).toBe('boolean');
    });

    it('in a study, stops laggards at the step it says so; they are pruned and keep their last value', async () => {
      const study = await createStudy({ pruner: options.make(), sampler: new RandomSampler({ seed: 1 }) });
      const stoppedAt = new Map<number, number>();
      await study.optimize(
        async (trial) => {
          trial.suggestFloat('x', 0, 1);
          for (let step = 0; step < 9; step++) {
            await trial.report(laggardCurve(trial.number, step), step);
            if (await trial.shouldPrune()) {
              stoppedAt.set(trial.number, step);
              trial.prune();
            }
          }
          return laggardCurve(trial.number, 8);
        },
        { nTrials: 18, catch: false },
      );
      const trials = await study.trials();
      const pruned = trials.filter((t) => t.state === 'pruned');
      expect(pruned.length).toBeGreaterThan(0);
      for (const t of pruned) {
        const last = Math.max(...Object.keys(t.intermediateValues).map(Number));
        expect(last).toBe(stoppedAt.get(t.number));
        expect(t.values).toEqual([t.intermediateValues[last]]);
      }
      // How aggressive a pruner is, is its own business; but laggards go, and not every trial does.
      expect(pruned.some((t) => t.number % 3 === 2)).toBe(true);
      expect(trials.filter((t) => t.state === 'complete').length).toBeGreaterThan(0);
    });

    it('gives the sampler a view of the study’s own trials, once each, that keeps the trial being sampled', () => {
      const pruner = options.make();
      const trials = history();
      for (const t of trials) {
        const view = pruner.samplerView?.({ study: studyInfo(), trials }, t) ?? trials;
        expect(view).toContain(t);
        // A view may present a trial differently (BOHB's values it at a rung), but it is still that trial.
        expect(new Set(view.map((v) => v.id)).size).toBe(view.length);
        for (const v of view) {
          const original = trials.find((o) => o.id === v.id);
          expect(original).toBeDefined();
          expect([v.number, v.params]).toEqual([original!.number, original!.params]);
        }
      }
    });
  });
}

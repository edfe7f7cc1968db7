import { describe, expect, it } from 'vitest';
import type { Pruner } from '../study/pruner.js';
import { PatientPruner } from './patient.js';
import { MedianPruner } from './percentile.js';
import { prunerContract, record, studyInfo } from './pruner.contract.js';

prunerContract('patient (alone)', { make: () => new PatientPruner(null, { patience: 1 }) });
prunerContract('patient (wrapping median)', {
  make: () => new PatientPruner(new MedianPruner({ nStartupTrials: 2 }), { patience: 0 }),
});

const decide = (pruner: Pruner, reports: number[]) => {
  const t = record(0, 'running', reports);
  return pruner.prune({ study: studyInfo(), trials: [t] }, t);
};

describe('PatientPruner', () => {
  it('tolerates `patience` steps without improvement, then prunes', async () => {
    const p = new PatientPruner(null, { patience: 2 });
    expect(await decide(p, [1, 0.9, 0.95])).toBe(false); // too few steps to judge
    expect(await decide(p, [1, 0.9, 0.95, 0.92])).toBe(false); // 0.9 is among the last 3
    expect(await decide(p, [1, 0.9, 0.95, 0.92, 0.93])).toBe(true); // best of the last 3 (0.92) is worse than 0.9
    expect(await decide(p, [1, 0.9, 0.95, 0.92, 0.89])).toBe(false);
  });

  it('does not count improvements smaller than minDelta as stalling… and vice versa', async () => {
    expect(
      await decide(new PatientPruner(null, { patience: 2, minDelta: 0.05 }), [1, 0.9, 0.95, 0.92, 0.93]),
    ).toBe(false);
    expect(await decide(new PatientPruner(null, { patience: 1, minDelta: 0.05 }), [1, 0.9, 0.96, 0.97])).toBe(
      true,
    );
  });

  it('asks the wrapped pruner only once patience has run out', async () => {
    const calls: number[] = [];
    const wrapped: Pruner = { prune: (_ctx, t) => (calls.push(t.number), false) };
    const p = new PatientPruner(wrapped, { patience: 1 });
    expect(await decide(p, [1, 0.9, 0.8])).toBe(false);
    expect(calls).toEqual([]);
    expect(await decide(p, [1, 0.9, 0.95, 0.92])).toBe(false);
    expect(calls).toEqual([0]);
  });

  it('passes the wrapped pruner’s sampler view through', () => {
    const t = record(0, 'running', []);
    const inner: Pruner = { prune: () => false, samplerView: () => [t] };
    const ctx = { study: studyInfo(), trials: [record(1, 'complete', [1]), t] };
    expect(new PatientPruner(inner, { patience: 1 }).samplerView(ctx, t)).toEqual([t]);
    expect(() => new PatientPruner(null, { patience: -1 })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floatDistribution, intDistribution } from '../../search-space/index.js';
import type { Distribution } from '../../search-space/index.js';
import type { TrialRecord, TrialState } from '../../study/types.js';
import { EncodedColumn } from './encoded-column.js';
import { trialRecord } from '../../testing/records.js';

function trial(
  number: number,
  state: TrialState,
  x: number | null,
  d: Distribution = floatDistribution('x', 0, 10),
): TrialRecord {
  return trialRecord({
    id: number + 1,
    number,
    state,
    values: state === 'complete' ? [0] : null,
    params: x === null ? {} : { x },
    distributions: x === null ? {} : { x: d },
    startedAt: null,
    finishedAt: null,
  });
}

describe('EncodedColumn', () => {
  it('encodes values in the unit interval, NaN where the parameter is missing or from another range', () => {
    const d = floatDistribution('x', 0, 10);
    const trials = [
      trial(0, 'complete', 5),
      trial(1, 'complete', null),
      trial(2, 'complete', 3, intDistribution('x', 0, 10)),
      trial(3, 'running', 10),
    ];
    const column = new EncodedColumn(trials[0]!, 'x', d);
    expect([...column.read(trials)]).toEqual([0.5, NaN, NaN, 1]);
  });

  it('keeps finished trials only, so a trial read while running is read again once finished', () => {
    const d = floatDistribution('x', 0, 10);
    const running = [trial(0, 'complete', 1), trial(1, 'running', 2)];
    const column = new EncodedColumn(running[0]!, 'x', d);
    column.read(running);
    expect(column.orderWithin([Int32Array.of(0, 1)])).toBeNull();
    const finished = [running[0]!, trial(1, 'complete', 2)];
    expect([...column.read(finished)]).toEqual([0.1, 0.2]);
    expect(column.orderWithin([Int32Array.of(1, 0)])?.map((o) => [...o])).toEqual([[1, 0]]);
    const without = trial(2, 'complete', null);
    column.read([without]);
    expect(column.orderWithin([Int32Array.of(0, 2)])).toBeNull();
  });

  it('orders any groups of trials by value, ties by number, whatever order the trials arrived in', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 60 }),
        (xs, arrival, membership) => {
          const d = floatDistribution('x', 0, 20);
          const trials = xs.map((x, n) => trial(n, 'complete', x, d));
          const column = new EncodedColumn(trials[0]!, 'x', d);
          // Trials become known in batches, in an arbitrary order (as snapshots grow).
          const shuffled = [...trials].sort(
            (a, b) => (arrival[a.number] ?? 0) - (arrival[b.number] ?? 0) || a.number - b.number,
          );
          for (let i = 0; i < shuffled.length; i += 7) column.read(shuffled.slice(i, i + 7));
          const groups = [0, 1].map((g) =>
            Int32Array.from(
              trials
                .filter((t) => t.params.x !== undefined && (membership[t.number] ?? 0) === g)
                .map((t) => t.number),
            ),
          );
          const orders = column.orderWithin(groups)!;
          groups.forEach((group, g) => {
            const expected = [...group.keys()].sort(
              (i, j) => (xs[group[i]!] as number) - (xs[group[j]!] as number) || group[i]! - group[j]!,
            );
            expect([...orders[g]!]).toEqual(expected);
          });
        },
      ),
    );
  });
});

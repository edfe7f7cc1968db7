import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TunekitError } from '../errors.js';
import { parseMetricLine } from './metric-line.js';

describe('parseMetricLine', () => {
  it('reads intermediate and final values', () => {
    expect(parseMetricLine('tunekit: {"step": 3, "value": 0.91}')).toEqual({
      kind: 'intermediate',
      step: 3,
      value: 0.91,
    });
    expect(parseMetricLine('tunekit:{"value":0.93}\r')).toEqual({ kind: 'final', values: [0.93] });
    expect(parseMetricLine('tunekit: {"values": [1, 2]}')).toEqual({ kind: 'final', values: [1, 2] });
    expect(parseMetricLine('tunekit: {"step": 0, "value": "NaN"}')).toMatchObject({
      kind: 'intermediate',
      value: NaN,
    });
  });

  it('ignores other lines', () => {
    for (const line of ['', 'epoch 3 loss 0.2', ' tunekit: {"value": 1}', 'TUNEKIT: {"value": 1}'])
      expect(parseMetricLine(line)).toBeNull();
  });

  it.each([
    ['tunekit: 0.9', 'not a JSON object'],
    ['tunekit: {"value": 1', 'not JSON'],
    ['tunekit: {"step": -1, "value": 1}', 'step must be a non-negative integer'],
    ['tunekit: {"step": 1.5, "value": 1}', 'step must be a non-negative integer'],
    ['tunekit: {"value": "0.9"}', 'value must be a finite number'],
    ['tunekit: {"values": []}', 'values must be a non-empty array'],
    ['tunekit: {"loss": 1}', 'unexpected fields loss'],
  ])('rejects %s', (line, why) => {
    expect(() => parseMetricLine(line)).toThrow(why);
  });

  it('never crashes: any line gives null, a metric or a TunekitError (property)', () => {
    const lines = fc.oneof(
      fc.string(),
      fc.json().map((j) => `tunekit: ${j}`),
      fc.jsonValue().map((j) => `tunekit: ${JSON.stringify(j)}`),
    );
    fc.assert(
      fc.property(lines, (line) => {
        try {
          const result = parseMetricLine(line);
          if (result?.kind === 'final') expect(result.values.every((v) => typeof v === 'number')).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(TunekitError);
          expect((error as TunekitError).code).toBe('metric_line_invalid');
        }
      }),
      { numRuns: 3000, seed: 3 },
    );
  });
});

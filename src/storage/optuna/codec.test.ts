import { describe, expect, it } from 'vitest';
import { categoricalDistribution, floatDistribution, intDistribution } from '../../search-space/index.js';
import {
  distributionFromJson,
  distributionToJson,
  paramFromInternal,
  paramToInternal,
  parseAttr,
  timeFromOptuna,
  timeToOptuna,
  valueFromStored,
  valueToStored,
} from './codec.js';

describe('the Optuna codec', () => {
  it("writes distributions as Optuna's distribution_to_json does and reads them back", () => {
    // What python3-optuna 3.1's distribution_to_json printed for the same distributions.
    const optuna = {
      lr: '{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 1.0, "log": true}}',
      drop: '{"name": "FloatDistribution", "attributes": {"step": 0.25, "low": 0.0, "high": 1.0, "log": false}}',
      units: '{"name": "IntDistribution", "attributes": {"log": false, "step": 16, "low": 16, "high": 512}}',
      act: '{"name": "CategoricalDistribution", "attributes": {"choices": ["relu", 1, true, null]}}',
    };
    const ours = {
      lr: floatDistribution('lr', 1e-5, 1, { log: true }),
      drop: floatDistribution('drop', 0, 1, { step: 0.25 }),
      units: intDistribution('units', 16, 512, { step: 16 }),
      act: categoricalDistribution('act', ['relu', 1, true, null]),
    };
    for (const [name, text] of Object.entries(optuna)) {
      const d = ours[name as keyof typeof ours];
      expect(distributionFromJson(text, name)).toEqual(d);
      expect(JSON.parse(distributionToJson(d))).toEqual(JSON.parse(text));
    }
  });

  it('reads the distribution classes Optuna 2 wrote', () => {
    const read = (name: string, attributes: object) =>
      distributionFromJson(JSON.stringify({ name, attributes }), 'p');
    expect(read('UniformDistribution', { low: 0, high: 2 })).toEqual(floatDistribution('p', 0, 2));
    expect(read('LogUniformDistribution', { low: 1, high: 2 })).toEqual(
      floatDistribution('p', 1, 2, { log: true }),
    );
    expect(read('DiscreteUniformDistribution', { low: 0, high: 1, q: 0.5 })).toEqual(
      floatDistribution('p', 0, 1, { step: 0.5 }),
    );
    expect(read('IntUniformDistribution', { low: 0, high: 9, step: 3 })).toEqual(
      intDistribution('p', 0, 9, { step: 3 }),
    );
    expect(read('IntLogUniformDistribution', { low: 1, high: 8, step: 1 })).toEqual(
      intDistribution('p', 1, 8, { log: true }),
    );
    expect(() => read('WeirdDistribution', {})).toThrow(expect.objectContaining({ code: 'storage_error' }));
  });

  it("stores params in Optuna's internal form: a categorical by its index", () => {
    const act = categoricalDistribution('act', ['relu', 1, true, null]);
    expect([null, true, 1, 'relu'].map((v) => paramToInternal('act', act, v))).toEqual([3, 2, 1, 0]);
    expect(paramFromInternal(act, 2)).toBe(true);
    expect(() => paramToInternal('act', act, 'gelu')).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
    expect(paramFromInternal(intDistribution('n', 0, 10), 7)).toBe(7);
    expect(paramFromInternal(floatDistribution('x', 0, 1), 0.1 + 0.2)).toBe(0.30000000000000004);
  });

  it('keeps infinite and NaN values as value types', () => {
    for (const v of [Infinity, -Infinity, NaN, 0, -1.5e-300]) {
      const [stored, type] = valueToStored(v);
      expect(valueFromStored(stored, type)).toBe(v);
    }
    expect(valueToStored(Infinity)).toEqual([null, 'INF_POS']);
  });

  it("writes times as Optuna's naive local datetimes, to the millisecond", () => {
    const ms = Date.UTC(2026, 11, 3, 14, 5, 6, 789);
    const text = timeToOptuna(ms)!;
    expect(text).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.789000$/);
    expect(timeFromOptuna(text)).toBe(ms);
    expect(timeFromOptuna(new Date(ms))).toBe(ms);
    expect(timeFromOptuna(null)).toBeNull();
    // Python's str(datetime) leaves the fraction out at a whole second.
    expect(timeFromOptuna(timeToOptuna(ms)!.slice(0, 19))).toBe(ms - 789);
  });

  it("reads the bare NaN and Infinity Python's json.dumps writes in attributes", () => {
    expect(parseAttr('[NaN, Infinity, -Infinity, "NaN in a string", 1]')).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
      'NaN in a string',
      1,
    ]);
    expect(parseAttr('{"a": [1, 2]}')).toEqual({ a: [1, 2] });
  });
});

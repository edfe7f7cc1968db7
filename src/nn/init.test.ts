import { describe, expect, it } from 'vitest';
import { initialize, type InitConfig } from './init.js';
import { Rng } from '../random.js';

function stats(a: Float32Array): { mean: number; std: number; maxAbs: number } {
  let s = 0;
  let q = 0;
  let m = 0;
  for (const v of a) {
    s += v;
    q += v * v;
    m = Math.max(m, Math.abs(v));
  }
  const mean = s / a.length;
  return { mean, std: Math.sqrt(q / a.length - mean * mean), maxAbs: m };
}

describe('initialisers', () => {
  const fanIn = 300;
  const fanOut = 100;
  // Expected standard deviation: a uniform(-l, l) has std l/√3.
  const cases: [InitConfig, number, boolean][] = [
    ['xavier_uniform', Math.sqrt(6 / 400) / Math.sqrt(3), true],
    ['xavier_normal', Math.sqrt(2 / 400), false],
    ['he_uniform', Math.sqrt(6 / fanIn) / Math.sqrt(3), true],
    ['he_normal', Math.sqrt(2 / fanIn), false],
    ['lecun_uniform', Math.sqrt(3 / fanIn) / Math.sqrt(3), true],
    ['lecun_normal', Math.sqrt(1 / fanIn), false],
    ['uniform', 0.05 / Math.sqrt(3), true],
    ['normal', 0.05, false],
    [{ kind: 'uniform', limit: 0.2 }, 0.2 / Math.sqrt(3), true],
    [{ kind: 'normal', std: 0.3 }, 0.3, false],
  ];
  for (const [init, std, bounded] of cases)
    it(`${JSON.stringify(init)} has the intended scale`, () => {
      const a = new Float32Array(30000);
      initialize(a, init, fanIn, fanOut, new Rng(1));
      const s = stats(a);
      expect(Math.abs(s.mean)).toBeLessThan(0.03 * std * 3);
      expect(s.std / std).toBeGreaterThan(0.97);
      expect(s.std / std).toBeLessThan(1.03);
      if (bounded) expect(s.maxAbs).toBeLessThanOrEqual(std * Math.sqrt(3) + 1e-7);
      else expect(s.maxAbs).toBeGreaterThan(std * 3);
    });

  it('zeros', () => {
    const a = new Float32Array(10).fill(3);
    initialize(a, 'zeros', 1, 1, new Rng(0));
    expect([...a]).toEqual(new Array(10).fill(0));
  });
});

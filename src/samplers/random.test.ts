import { describe, expect, it } from 'vitest';
import { floatDistribution, intDistribution } from '../search-space/index.js';
import { RandomSampler, sampleUniform } from './random.js';
import { samplerContract } from './sampler.contract.js';

samplerContract('random', { make: (seed) => new RandomSampler({ seed }) });

describe('RandomSampler', () => {
  it('is uniform on a linear range and log-uniform on a log range', () => {
    const lin = floatDistribution('x', 0, 10);
    const log = floatDistribution('lr', 1e-4, 1, { log: true });
    const n = 4000;
    const xs = Array.from({ length: n }, (_, i) => sampleUniform(1, i, 'x', lin) as number);
    const ls = Array.from({ length: n }, (_, i) => sampleUniform(1, i, 'lr', log) as number);
    // Each decile of the linear range, and each decade of the log range, gets its share (±3 sigma).
    for (let d = 0; d < 10; d++) {
      const share = xs.filter((x) => x >= d && x < d + 1).length / n;
      expect(Math.abs(share - 0.1)).toBeLessThan(3 * Math.sqrt(0.09 / n));
    }
    for (let e = -4; e < 0; e++) {
      const share = ls.filter((x) => x >= 10 ** e && x < 10 ** (e + 1)).length / n;
      expect(Math.abs(share - 0.25)).toBeLessThan(3 * Math.sqrt(0.1875 / n));
    }
  });

  it('gives end points of an int range their fair share', () => {
    const d = intDistribution('k', 1, 4);
    const n = 4000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[(sampleUniform(9, i, 'k', d) as number) - 1]!++;
    for (const c of counts) expect(Math.abs(c / n - 0.25)).toBeLessThan(3 * Math.sqrt(0.1875 / n));
  });

  it('depends on trial number and name only, not on call order', () => {
    const d = floatDistribution('x', 0, 1);
    const forward = [0, 1, 2, 3].map((i) => sampleUniform(5, i, 'x', d));
    const backward = [3, 2, 1, 0].map((i) => sampleUniform(5, i, 'x', d)).reverse();
    expect(backward).toEqual(forward);
    expect(sampleUniform(5, 0, 'y', d)).not.toBe(forward[0]);
  });
});

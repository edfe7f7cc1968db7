import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createStudy } from '../../create-study.js';
import { samplerContract } from '../sampler.contract.js';
import { QmcSampler } from './qmc.js';
import { Sobol } from './sobol.js';

samplerContract('qmc', { make: (seed) => new QmcSampler({ seed }) });

describe('Sobol', () => {
  it('matches scipy’s unscrambled sequence (fixture from make_directions.py)', () => {
    const fixture = JSON.parse(readFileSync(new URL('./sobol-fixture.json', import.meta.url), 'utf8')) as {
      dims: number;
      points: number[][];
    };
    const sobol = new Sobol(fixture.dims);
    fixture.points.forEach((expected, i) => {
      const got = sobol.point(i);
      got.forEach((v, d) => expect(Math.abs(v - expected[d]!)).toBeLessThan(1e-9));
    });
  });

  it('scrambled: every 1/8 × 1/8 cell of the first 64 points in 2D holds exactly one point', () => {
    for (const seed of [1, 2, 3]) {
      const sobol = new Sobol(2, { scramble: true, seed });
      const cells = new Set(
        Array.from({ length: 64 }, (_, i) => sobol.point(i)).map(
          ([x, y]) => `${Math.floor(x! * 8)},${Math.floor(y! * 8)}`,
        ),
      );
      expect(cells.size).toBe(64);
    }
    expect(new Sobol(3, { scramble: true, seed: 1 }).point(5)).not.toEqual(
      new Sobol(3, { scramble: true, seed: 2 }).point(5),
    );
  });

  it('has a lower discrepancy than random points (mean squared distance to a regular grid test)', () => {
    // Star-discrepancy proxy: worst error of box counts [0,a)x[0,b) over a 16x16 set of boxes.
    const worst = (points: number[][]) => {
      let w = 0;
      for (let a = 1; a <= 16; a++)
        for (let b = 1; b <= 16; b++) {
          const inside = points.filter(([x, y]) => x! < a / 16 && y! < b / 16).length / points.length;
          w = Math.max(w, Math.abs(inside - (a * b) / 256));
        }
      return w;
    };
    const sobol = new Sobol(2, { scramble: true, seed: 4 });
    const q = Array.from({ length: 256 }, (_, i) => sobol.point(i));
    let state = 12345;
    const rand = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const r = Array.from({ length: 256 }, () => [rand(), rand()]);
    expect(worst(q)).toBeLessThan(worst(r) / 2);
  });

  it('rejects dimensions it has no direction numbers for', () => {
    expect(() => new Sobol(0)).toThrow(/dims must be an integer in \[1, 256\]/);
    expect(() => new Sobol(257)).toThrow(/dims must be an integer/);
  });
});

describe('QmcSampler', () => {
  it('spreads trials over the space once the space is known', async () => {
    const study = await createStudy({ sampler: new QmcSampler({ seed: 3 }) });
    await study.optimize((t) => t.suggestFloat('x', 0, 1) + t.suggestFloat('y', 0, 1), { nTrials: 65 });
    const trials = (await study.trials()).slice(1);
    const cells = new Set(
      trials.map(
        (t) => `${Math.floor((t.params.x as number) * 8)},${Math.floor((t.params.y as number) * 8)}`,
      ),
    );
    // Trial numbers 1..64 are not aligned to a power-of-two block, but coverage stays near-perfect.
    expect(cells.size).toBeGreaterThanOrEqual(56);
  });
});

import { describe, expect, it } from 'vitest';
import { Rng, deriveSeed } from './random.js';

describe('Rng', () => {
  it('is reproducible and seed-sensitive', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(new Rng(43).next()).not.toBe(xs[0]);
  });

  it('draws uniform values in [0, 1) with the right mean and variance', () => {
    const rng = new Rng(1);
    const n = 20000;
    const xs = Array.from({ length: n }, () => rng.next());
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.003);
  });

  it('draws standard normals', () => {
    const rng = new Rng(2);
    const n = 20000;
    const xs = Array.from({ length: n }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('derives independent streams from labels', () => {
    expect(deriveSeed(1, 'a', 0)).toBe(deriveSeed(1, 'a', 0));
    expect(deriveSeed(1, 'a', 0)).not.toBe(deriveSeed(1, 'a', 1));
    expect(deriveSeed(1, 'a', 1)).not.toBe(deriveSeed(1, 'a1'));
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(1, '0'));
    expect(deriveSeed(2 ** 40 + 1, 'x')).not.toBe(deriveSeed(1, 'x'));
  });

  it('shuffles into a permutation and picks integers in range', () => {
    const rng = new Rng(3);
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = rng.shuffle([...items]);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
    expect(shuffled).not.toEqual(items);
    const ints = Array.from({ length: 1000 }, () => rng.int(-2, 2));
    expect(new Set(ints)).toEqual(new Set([-2, -1, 0, 1, 2]));
  });

  it('shuffles typed arrays in place (the trainer’s row order) and forks independent children', () => {
    const order = Int32Array.from({ length: 100 }, (_, i) => i);
    expect(new Rng(3).shuffle(order)).toBe(order);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...order]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    const draws = (r: Rng) => Array.from({ length: 4 }, () => r.next());
    const parent = new Rng(5);
    const [a, b] = [parent.fork(), parent.fork()];
    expect(draws(a)).not.toEqual(draws(b));
    const again = new Rng(5);
    expect(draws(again.fork())).toEqual(draws(new Rng(5).fork()));
  });
});

import { describe, expect, it } from 'vitest';
import { SeededRng } from './seeded-rng';

const draw = (rng: SeededRng, n: number): number[] => Array.from({ length: n }, () => rng.next());

describe('SeededRng', () => {
  it('gives the same sequence for the same seed, numeric or string', () => {
    expect(draw(new SeededRng(42), 50)).toEqual(draw(new SeededRng(42), 50));
    expect(draw(new SeededRng('sweep-a'), 50)).toEqual(draw(new SeededRng('sweep-a'), 50));
  });

  it('gives different sequences for different seeds', () => {
    expect(draw(new SeededRng(1), 10)).not.toEqual(draw(new SeededRng(2), 10));
    expect(draw(new SeededRng('a'), 10)).not.toEqual(draw(new SeededRng('b'), 10));
  });

  it('draws floats in [0, 1) with the mean and variance of a uniform distribution', () => {
    const xs = draw(new SeededRng(7), 100_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    // Standard error of the mean is 0.29 / sqrt(1e5) ~ 0.0009: 0.005 is over five of them.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it('draws every integer of [0, n) about equally often', () => {
    const rng = new SeededRng(3);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const rng = new SeededRng(11);
    const xs = Array.from({ length: 50_000 }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
  });
});

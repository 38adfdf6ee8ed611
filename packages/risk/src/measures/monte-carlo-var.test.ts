import { describe, expect, it } from 'vitest';
import { monteCarloVar } from './monte-carlo-var';
import { portfolioVar } from './portfolio-var';
import { SeededRandom } from './seeded-random';

const cov = [
  [0.0004, 0.00012, 0.00005],
  [0.00012, 0.0009, 0.0002],
  [0.00005, 0.0002, 0.0016],
];
const w = [0.5, 0.3, 0.2];

describe('monteCarloVar', () => {
  it('gives the same number for the same seed', () => {
    const a = monteCarloVar(w, cov, { p: 0.99, paths: 20_000, seed: 42 });
    const b = monteCarloVar(w, cov, { p: 0.99, paths: 20_000, seed: 42 });
    expect(a).toEqual(b);
  });

  it('gives a different sample for a different seed', () => {
    expect(monteCarloVar(w, cov, { paths: 20_000, seed: 1 }).var).not.toBe(monteCarloVar(w, cov, { paths: 20_000, seed: 2 }).var);
  });

  it('converges to the Gaussian portfolio VaR and ES', () => {
    const mc = monteCarloVar(w, cov, { p: 0.99, paths: 400_000, seed: 7 });
    const exact = portfolioVar(w, cov, { p: 0.99 });
    expect(Math.abs(mc.var / exact.var - 1)).toBeLessThan(0.01);
    expect(Math.abs(mc.es / exact.es - 1)).toBeLessThan(0.015);
  });

  it('draws uniforms with the moments of U(0,1) and normals with those of N(0,1)', () => {
    const rng = new SeededRandom(123);
    let s = 0;
    let s2 = 0;
    const n = 200_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u > 0 && u < 1)) outside++;
      s += u;
      s2 += u * u;
    }
    expect(outside).toBe(0);
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 3);
    let z = 0;
    let z2 = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      z += x;
      z2 += x * x;
    }
    expect(Math.abs(z / n)).toBeLessThan(0.01);
    expect(Math.abs(z2 / n - 1)).toBeLessThan(0.01);
  });
});

import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from './normal-distribution';

// scipy.stats.norm.cdf / norm.ppf (scipy 1.17.1).
const cdf: [number, number][] = [
  [-8, 6.22096057427174e-16],
  [-5, 2.866515718791933e-7],
  [-3.5, 0.00023262907903552502],
  [-1, 0.15865525393145707],
  [0.3, 0.6179114221889526],
  [1.96, 0.9750021048517795],
  [3.5, 0.9997673709209645],
];
const ppf: [number, number][] = [
  [1e-10, -6.361340902404056],
  [0.01, -2.3263478740408408],
  [0.3, -0.5244005127080409],
  [0.975, 1.959963984540054],
  [0.999, 3.090232306167813],
  [1 - 1e-9, 5.997807019601637],
];
const rel = (a: number, b: number): number => Math.abs(a / b - 1);

describe('normalCdf and normalQuantile', () => {
  it.each(cdf)('normalCdf(%d) agrees with scipy to 1e-13 relative', (x, expected) => {
    expect(rel(normalCdf(x), expected)).toBeLessThan(1e-13);
  });

  it.each(ppf)('normalQuantile(%d) agrees with scipy to 1e-14 relative', (p, expected) => {
    expect(rel(normalQuantile(p), expected)).toBeLessThan(1e-14);
  });

  it('inverts each other where the CDF keeps its digits (an upper-tail CDF near 1 loses them to rounding)', () => {
    for (let x = -8; x <= 2; x += 0.25) expect(normalQuantile(normalCdf(x))).toBeCloseTo(x, 12);
  });
});

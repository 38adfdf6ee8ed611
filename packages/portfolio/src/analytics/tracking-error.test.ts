import { describe, expect, it } from 'vitest';
import { benchmarkCase } from '../__fixtures__/edhec';

// Reference: base R (lm, sd, prod) following PerformanceAnalytics 2.0.8's definitions, on EDHEC monthly
// returns, Convertible Arbitrage against Long/Short Equity (scripts/benchmark-measures-reference.R).
const { ref, ra, rb, rel, fieldOf } = benchmarkCase();

import { trackingError } from './tracking-error';

describe('trackingError', () => {
  it('matches R sd(Ra - Rb) * sqrt(12) on EDHEC monthly returns', () => {
    expect(rel(trackingError(ra, rb, 12), ref.trackingError)).toBeLessThan(1e-12);
  });

  it('is zero against itself and scales with sqrt(periodsPerYear)', () => {
    expect(trackingError(rb, rb, 12)).toBe(0);
    expect(trackingError(ra, rb, 48) / trackingError(ra, rb, 12)).toBeCloseTo(2, 14);
  });

  it('rejects a bad periodsPerYear or a NaN, naming the field', () => {
    expect(fieldOf(() => trackingError([0.1, 0.2], [0.1, 0.2], 0))).toBe('periodsPerYear');
    expect(fieldOf(() => trackingError([0.1, NaN], [0.1, 0.2], 12))).toBe('returns[1]');
  });
});

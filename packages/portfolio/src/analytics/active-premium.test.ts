import { describe, expect, it } from 'vitest';
import { benchmarkCase } from '../__fixtures__/edhec';

// Reference: base R (lm, sd, prod) following PerformanceAnalytics 2.0.8's definitions, on EDHEC monthly
// returns, Convertible Arbitrage against Long/Short Equity (scripts/benchmark-measures-reference.R).
const { ref, ra, rb, rel, fieldOf } = benchmarkCase();

import { activePremium } from './active-premium';

describe('activePremium', () => {
  it('matches R Return.annualized(Ra) - Return.annualized(Rb) (geometric, scale 12)', () => {
    expect(rel(activePremium(ra, rb, 12), ref.activePremium)).toBeLessThan(1e-10);
  });

  it('is the difference of geometric annualized returns on a small case', () => {
    const a = [0.02, 0.01];
    const b = [0.01, 0.0];
    expect(activePremium(a, b, 12)).toBeCloseTo((1.02 * 1.01) ** 6 - 1.01 ** 6, 14);
  });

  it('rejects series of different lengths, naming benchmark', () => {
    expect(fieldOf(() => activePremium([0.1, 0.2, 0.3], [0.1, 0.2], 12))).toBe('benchmark');
  });
});

import { describe, expect, it } from 'vitest';
import { benchmarkCase } from '../__fixtures__/edhec';

// Reference: base R (lm, sd, prod) following PerformanceAnalytics 2.0.8's definitions, on EDHEC monthly
// returns, Convertible Arbitrage against Long/Short Equity (scripts/benchmark-measures-reference.R).
const { ref, ra, rb, rel, fieldOf } = benchmarkCase();

import { informationRatio } from './information-ratio';

describe('informationRatio', () => {
  it('matches R ActivePremium / TrackingError on EDHEC monthly returns', () => {
    expect(rel(informationRatio(ra, rb, 12), ref.informationRatio)).toBeLessThan(1e-10);
  });

  it('is NaN against itself (0 / 0) and changes sign when the series are swapped', () => {
    expect(Number.isNaN(informationRatio(rb, rb, 12))).toBe(true);
    expect(informationRatio(rb, ra, 12)).toBeGreaterThan(0);
  });

  it('rejects a bad periodsPerYear, naming it', () => {
    expect(fieldOf(() => informationRatio([0.1, 0.2], [0.1, 0.2], -1))).toBe('periodsPerYear');
  });
});

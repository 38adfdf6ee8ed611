import { describe, expect, it } from 'vitest';
import { Decimal, ValidationError } from '@rxtrade/core';
import { monteCarloTrades, quantile } from './monte-carlo-trades';

const trades = [120, -80, 45, -200, 310, -15, 60, -95, 140, -30].map((p) => ({ pnl: new Decimal(p) }));
const cash = 1000;

describe('monteCarloTrades', () => {
  it('is deterministic for a seed and changes with it', () => {
    const a = monteCarloTrades(trades, { startingCash: cash, runs: 500, seed: 7 });
    const b = monteCarloTrades(trades, { startingCash: cash, runs: 500, seed: 7 });
    const c = monteCarloTrades(trades, { startingCash: cash, runs: 500, seed: 8 });
    expect(b).toEqual(a);
    expect(c.totalReturn).not.toEqual(a.totalReturn);
  });

  it('reports the historical path: return 25.5% and drawdown from the 1120 peak to 885', () => {
    const r = monteCarloTrades(trades, { startingCash: cash, runs: 1 });
    expect(r.observed.totalReturn).toBeCloseTo(0.255, 12);
    // Path: 1120, 1040, 1085, 885, 1195, 1180, 1240, 1145, 1285, 1255: worst is 885 after the 1120 peak.
    expect(r.observed.maxDrawdown).toBeCloseTo(1 - 885 / 1120, 12);
  });

  it('keeps the total return fixed when shuffling and varies only the drawdown', () => {
    const r = monteCarloTrades(trades, { startingCash: cash, runs: 2000, seed: 1, method: 'shuffle' });
    expect(r.totalReturn.min).toBeCloseTo(0.255, 12);
    expect(r.totalReturn.max).toBeCloseTo(0.255, 12);
    // No order can lose more than all five losses together (420) from a peak.
    expect(r.maxDrawdown.min).toBeGreaterThanOrEqual(0);
    expect(r.maxDrawdown.max).toBeLessThanOrEqual(420 / 1000 + 1e-12);
    expect(r.maxDrawdown.lower).toBeLessThan(r.maxDrawdown.upper);
    expect(r.probabilityOfLoss).toBe(0);
  });

  it('centres bootstrapped returns on the mean trade: E[return] = n * mean(pnl) / cash', () => {
    const r = monteCarloTrades(trades, { startingCash: cash, runs: 20000, seed: 3 });
    // Trade P&L: mean 25.5, sd 136.3; the sum of 10 draws has sd 431 (43% of cash), so the mean of 20000
    // runs has sd 0.30% of cash: 0.013 is over 4 standard errors.
    expect(Math.abs(r.totalReturn.mean - 0.255)).toBeLessThan(0.013);
    expect(r.totalReturn.lower).toBeLessThan(0.255);
    expect(r.totalReturn.upper).toBeGreaterThan(0.255);
    expect(r.probabilityOfLoss).toBeGreaterThan(0);
  });

  it('computes intervals as type-7 quantiles (numpy.quantile linear gives 1.4, 3, 7.6)', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 10]);
    expect(quantile(sorted, 0.1)).toBeCloseTo(1.4, 14);
    expect(quantile(sorted, 0.5)).toBe(3);
    expect(quantile(sorted, 0.9)).toBeCloseTo(7.6, 14);
  });

  it('rejects a non-positive starting cash with a ValidationError naming it', () => {
    try {
      monteCarloTrades(trades, { startingCash: 0 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe('monteCarlo.startingCash');
    }
  });
});

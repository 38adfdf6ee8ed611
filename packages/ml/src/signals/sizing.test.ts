import { describe, expect, it } from 'vitest';
import { instrumentId } from '@rxtrade/core';
import type { Signal } from './signal';
import { cappedKelly, fixedFraction, kellyFraction, volatilityTarget } from './sizing';

const s = (confidence: number): Signal => ({ instrumentId: instrumentId('X'), ts: 0, direction: 'long', confidence, model: 'm', version: 'v' });
const account = { equity: 100_000, price: 50, position: 0 };

describe('sizing', () => {
  it('fixed fraction: fraction x equity / price', () => {
    expect(fixedFraction(0.1)(s(1), account)).toBe(200);
    expect(fixedFraction(2)(s(1), account)).toBe(4_000);
    expect(() => fixedFraction(0)).toThrow(/fraction/);
  });

  it('volatility target: equity x min(target / volatility, maxLeverage) / price', () => {
    expect(volatilityTarget({ target: 0.15, volatility: () => 0.3 })(s(1), account)).toBe(1_000); // 0.5 of equity
    expect(volatilityTarget({ target: 0.15, volatility: () => 0.05 })(s(1), account)).toBe(2_000); // 3x capped at 1x
    expect(volatilityTarget({ target: 0.15, volatility: () => 0.05, maxLeverage: 2 })(s(1), account)).toBe(4_000);
    expect(volatilityTarget({ target: 0.15, volatility: () => Number.NaN })(s(1), account)).toBe(0);
    expect(() => volatilityTarget({ target: 0.15, volatility: () => 1, maxLeverge: 2 } as never)).toThrow(/volatilityTarget\.maxLeverge: unknown option; did you mean "maxLeverage"\?/);
  });

  it("capped Kelly: Kelly's p - (1 - p) / b, scaled, capped, never negative", () => {
    expect(kellyFraction(0.55, 1)).toBeCloseTo(0.1, 15);
    expect(kellyFraction(0.4, 2)).toBeCloseTo(0.1, 15); // 0.4 - 0.6 / 2
    expect(kellyFraction(0.5, 1)).toBe(0);
    // confidence 0.2 -> p = 0.6, b = 1 -> Kelly 0.2, half Kelly 0.1 -> 10,000 / 50 = 200
    expect(cappedKelly({ payoffRatio: 1 })(s(0.2), account)).toBeCloseTo(200, 9);
    // confidence 0.9 -> p = 0.95 -> Kelly 0.9, half 0.45, capped at 0.25 -> 500
    expect(cappedKelly({ payoffRatio: 1 })(s(0.9), account)).toBeCloseTo(500, 9);
    expect(cappedKelly({ payoffRatio: 1, winProbability: () => 0.3 })(s(0.9), account)).toBe(0);
    expect(cappedKelly({ payoffRatio: 2, scale: 1, cap: 1, winProbability: () => 0.4 })(s(0), account)).toBeCloseTo(200, 9);
    expect(() => kellyFraction(1.1, 1)).toThrow(/p/);
  });
});

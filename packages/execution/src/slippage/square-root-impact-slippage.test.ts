import { ValidationError } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { bar, goog } from '../__fixtures__/setup';
import { SquareRootImpactSlippage } from './square-root-impact-slippage';

describe('SquareRootImpactSlippage', () => {
  it('applies coefficient x sigma x sqrt(Q/V) with a given volatility', () => {
    const model = new SquareRootImpactSlippage({ coefficient: 1, volatility: 0.02 });
    const b = bar(goog.id, 0, 100, 101, 99, 100, 1_000_000);
    // Q/V = 2500 / 1e6 = 0.0025, sqrt = 0.05; impact = 0.02 * 0.05 = 0.001 -> BUY 100.1, SELL 99.9.
    expect(model.impact({ instrument: goog, side: 'BUY', quantity: 2500, price: 100, bar: b, quote: undefined })).toBeCloseTo(0.001, 12);
    expect(model.price({ instrument: goog, side: 'BUY', quantity: 2500, price: 100, bar: b, quote: undefined })).toBeCloseTo(100.1, 10);
    expect(model.price({ instrument: goog, side: 'SELL', quantity: 2500, price: 100, bar: b, quote: undefined })).toBeCloseTo(99.9, 10);
  });

  it('scales with the coefficient and with the square root of quantity', () => {
    const b = bar(goog.id, 0, 100, 101, 99, 100, 1_000_000);
    // coefficient 0.5, sigma 0.02, Q = 10000: sqrt(0.01) = 0.1 -> 0.5 * 0.02 * 0.1 = 0.001 (4x Q, half the coefficient).
    const model = new SquareRootImpactSlippage({ coefficient: 0.5, volatility: 0.02 });
    expect(model.price({ instrument: goog, side: 'BUY', quantity: 10_000, price: 50, bar: b, quote: undefined })).toBeCloseTo(50.05, 10);
  });

  it('estimates sigma from the bar with the Parkinson range estimator when none is given', () => {
    const model = new SquareRootImpactSlippage();
    const b = bar(goog.id, 0, 105, 110, 100, 104, 1_000_000);
    // sigma = ln(110/100) / sqrt(4 ln 2) = 0.0953101798 / 1.6651092223 = 0.0572395964;
    // Q/V = 10000 / 1e6 = 0.01, sqrt = 0.1 -> impact 0.00572395964 -> BUY at 100 pays 100.572395964.
    expect(model.impact({ instrument: goog, side: 'BUY', quantity: 10_000, price: 100, bar: b, quote: undefined })).toBeCloseTo(0.00572395964, 10);
    expect(model.price({ instrument: goog, side: 'BUY', quantity: 10_000, price: 100, bar: b, quote: undefined })).toBeCloseTo(100.572395964, 8);
    expect(model.price({ instrument: goog, side: 'SELL', quantity: 10_000, price: 100, bar: b, quote: undefined })).toBeCloseTo(99.427604036, 8);
  });

  it('applies no impact without a bar, on a zero-volume bar or on a flat bar', () => {
    const model = new SquareRootImpactSlippage();
    expect(model.price({ instrument: goog, side: 'BUY', quantity: 100, price: 100, bar: undefined, quote: undefined })).toBe(100);
    expect(model.price({ instrument: goog, side: 'BUY', quantity: 100, price: 100, bar: bar(goog.id, 0, 100, 110, 90, 100, 0), quote: undefined })).toBe(100);
    expect(model.price({ instrument: goog, side: 'SELL', quantity: 100, price: 100, bar: bar(goog.id, 0, 100, 100, 100, 100, 500), quote: undefined })).toBe(100);
  });

  it('never gives a SELL a negative price', () => {
    // impact = 1 * 2 * sqrt(1) = 2 (200%): the SELL price is floored at 0.
    const model = new SquareRootImpactSlippage({ volatility: 2 });
    expect(model.price({ instrument: goog, side: 'SELL', quantity: 100, price: 10, bar: bar(goog.id, 0, 10, 11, 9, 10, 100), quote: undefined })).toBe(0);
  });

  it('refuses a non-positive coefficient or negative volatility, naming the field', () => {
    expect(() => new SquareRootImpactSlippage({ coefficient: 0 })).toThrow(ValidationError);
    expect(() => new SquareRootImpactSlippage({ coefficient: 0 })).toThrow(/SquareRootImpactSlippage\.coefficient/);
    expect(() => new SquareRootImpactSlippage({ volatility: -0.1 })).toThrow(/SquareRootImpactSlippage\.volatility/);
  });
});

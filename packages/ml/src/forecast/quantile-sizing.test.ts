import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rxtrade/core';
import { QuantileForecast } from './quantile-forecast';
import { quantileStop, spreadScaledSize } from './quantile-sizing';

// 1- and 5-bar log-return quantiles 10/50/90 (float32, as a model answers them).
const f = new QuantileForecast(7, [1, 5], [0.1, 0.5, 0.9], Float32Array.of(-0.01, 0.001, 0.012, -0.03, 0.005, 0.04));

describe('QuantileForecast', () => {
  it('looks values up by horizon and quantile, and refuses ones it does not have', () => {
    expect(f.value(5, 0.1)).toBe(Math.fround(-0.03));
    expect(f.value(1, 0.9)).toBe(Math.fround(0.012));
    expect(f.spread(5)).toBe(Math.fround(0.04) - Math.fround(-0.03));
    expect(f.spread(5, 0.1, 0.5)).toBe(Math.fround(0.005) - Math.fround(-0.03));
    expect(() => f.value(10, 0.5)).toThrow(/horizon: the forecast has horizons 1, 5, not 10/);
    expect(() => f.value(5, 0.25)).toThrow(/quantile: the forecast has quantiles 0.1, 0.5, 0.9, not 0.25/);
    expect(() => new QuantileForecast(0, [1], [0.5], new Float32Array(2))).toThrow(/values: expected 1 horizons x 1 quantiles = 1 values, got 2/);
  });
});

describe('quantileStop', () => {
  it('puts a long stop at price * exp(q10) and a short stop at price * exp(q90)', () => {
    expect(quantileStop(f, { price: 200, side: 'long', horizon: 5 })).toBeCloseTo(200 * Math.exp(Math.fround(-0.03)), 12);
    expect(quantileStop(f, { price: 200, side: 'short', horizon: 5 })).toBeCloseTo(200 * Math.exp(Math.fround(0.04)), 12);
    expect(quantileStop(f, { price: 200, side: 'long', horizon: 1, quantile: 0.5 })).toBeCloseTo(200 * Math.exp(Math.fround(0.001)), 12);
    expect(quantileStop(f, { price: 100, side: 'long', horizon: 5 }).toFixed(2)).toBe('97.04');
  });

  it('names a bad option', () => {
    expect(() => quantileStop(f, { price: -1, side: 'long', horizon: 5 })).toThrow(/quantileStop\.price/);
    expect(() => quantileStop(f, { price: 1, side: 'up' as never, horizon: 5 })).toThrow(/quantileStop\.side/);
    expect(() => quantileStop(f, { price: 1, side: 'long', horizon: 5, quantle: 0.2 } as never)).toThrow(/quantileStop\.quantle: unknown option; did you mean "quantile"\?/);
    expect(() => quantileStop(f, { price: 1, side: 'long', horizon: 3 })).toThrow(ValidationError);
  });
});

describe('spreadScaledSize', () => {
  it('gives the full size up to the target spread, then shrinks in proportion, signed by the median', () => {
    const spread5 = Math.fround(0.04) - Math.fround(-0.03);
    expect(spreadScaledSize(f, { horizon: 5, maxSize: 100, targetSpread: 0.1 })).toBe(100);
    expect(spreadScaledSize(f, { horizon: 5, maxSize: 100, targetSpread: 0.035 })).toBeCloseTo((100 * 0.035) / spread5, 12);
    const down = new QuantileForecast(0, [5], [0.1, 0.5, 0.9], Float32Array.of(-0.09, -0.002, 0.11));
    expect(spreadScaledSize(down, { horizon: 5, maxSize: 100, targetSpread: 0.05 })).toBeCloseTo(-100 * (0.05 / (Math.fround(0.11) - Math.fround(-0.09))), 12);
    const flat = new QuantileForecast(0, [5], [0.1, 0.5, 0.9], Float32Array.of(-0.01, 0, 0.01));
    expect(spreadScaledSize(flat, { horizon: 5, maxSize: 100, targetSpread: 0.05 })).toBe(0);
    // Inner quantiles: the 10-50 half-interval.
    expect(spreadScaledSize(f, { horizon: 5, maxSize: 10, targetSpread: 0.0175, lower: 0.1, upper: 0.5 })).toBeCloseTo((10 * 0.0175) / (Math.fround(0.005) - Math.fround(-0.03)), 12);
  });

  it('names a bad option', () => {
    expect(() => spreadScaledSize(f, { horizon: 5, maxSize: 0, targetSpread: 0.05 })).toThrow(/spreadScaledSize\.maxSize/);
    expect(() => spreadScaledSize(f, { horizon: 5, maxSize: 1, targetSpred: 0.05 } as never)).toThrow(/spreadScaledSize\.targetSpred: unknown option/);
  });
});

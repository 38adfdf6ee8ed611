import { ValidationError, type Quote } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { bar, btc, goog } from '../__fixtures__/setup';
import { HalfSpreadSlippage } from './half-spread-slippage';

const quote = (bid: number, ask: number, instrumentId = goog.id): Quote => ({ type: 'Quote', instrumentId, ts: 0, bid, ask, bidSize: 100, askSize: 100 });
const b = bar(goog.id, 0, 100, 101, 99, 100);

describe('HalfSpreadSlippage', () => {
  it('makes a taker pay half the latest quote spread from the reference price', () => {
    const slippage = new HalfSpreadSlippage();
    // Spread 100.1 - 99.9 = 0.2, half = 0.1: BUY at 100.1, SELL at 99.9 from a reference of 100.
    expect(slippage.price({ instrument: goog, side: 'BUY', quantity: 10, price: 100, bar: b, quote: quote(99.9, 100.1) })).toBeCloseTo(100.1, 10);
    expect(slippage.price({ instrument: goog, side: 'SELL', quantity: 10, price: 100, bar: b, quote: quote(99.9, 100.1) })).toBeCloseTo(99.9, 10);
  });

  it('uses half the fallback bps without a quote', () => {
    // fallback 4 bp spread: half = 2 bp of 100 = 0.02.
    const slippage = new HalfSpreadSlippage({ fallbackBps: 4 });
    expect(slippage.price({ instrument: goog, side: 'SELL', quantity: 10, price: 100, bar: b, quote: undefined })).toBeCloseTo(99.98, 10);
    expect(slippage.price({ instrument: goog, side: 'BUY', quantity: 10, price: 250, bar: b, quote: undefined })).toBeCloseTo(250.05, 10);
  });

  it('applies no slippage without a quote or a fallback', () => {
    expect(new HalfSpreadSlippage().price({ instrument: goog, side: 'BUY', quantity: 10, price: 100, bar: b, quote: undefined })).toBe(100);
  });

  it('ignores a quote of another instrument and a crossed quote', () => {
    const slippage = new HalfSpreadSlippage();
    expect(slippage.price({ instrument: goog, side: 'BUY', quantity: 10, price: 100, bar: b, quote: quote(99, 101, btc.id) })).toBe(100);
    expect(slippage.price({ instrument: goog, side: 'BUY', quantity: 10, price: 100, bar: b, quote: quote(100.2, 100.1) })).toBe(100);
  });

  it('refuses a negative fallback, naming the field', () => {
    expect(() => new HalfSpreadSlippage({ fallbackBps: -2 })).toThrow(ValidationError);
    expect(() => new HalfSpreadSlippage({ fallbackBps: -2 })).toThrow(/HalfSpreadSlippage\.fallbackBps/);
  });
});

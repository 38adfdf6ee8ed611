import { ValidationError } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { goog } from '../__fixtures__/setup';
import { FixedBpsSlippage } from './fixed-bps-slippage';

const input = (side: 'BUY' | 'SELL', price: number) => ({ instrument: goog, side, quantity: 100, price, bar: undefined, quote: undefined });

describe('FixedBpsSlippage', () => {
  it('moves the price bps against the taker', () => {
    const slippage = new FixedBpsSlippage({ bps: 10 });
    // 10 bp of 200 = 0.2: BUY pays 200.2, SELL receives 199.8.
    expect(slippage.price(input('BUY', 200))).toBeCloseTo(200.2, 10);
    expect(slippage.price(input('SELL', 200))).toBeCloseTo(199.8, 10);
  });

  it('leaves the price unchanged at 0 bp', () => {
    expect(new FixedBpsSlippage({ bps: 0 }).price(input('BUY', 123.45))).toBe(123.45);
  });

  it('refuses negative bps, naming the field', () => {
    expect(() => new FixedBpsSlippage({ bps: -1 })).toThrow(ValidationError);
    expect(() => new FixedBpsSlippage({ bps: -1 })).toThrow(/FixedBpsSlippage\.bps/);
  });
});

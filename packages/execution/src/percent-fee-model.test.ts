import { Decimal, ValidationError, defineInstrument } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { goog } from './__fixtures__/setup';
import { ZERO_FEE_MODEL } from './fee-model';
import { PercentFeeModel } from './percent-fee-model';

describe('PercentFeeModel', () => {
  it('charges rate x quantity x price exactly, without rounding', () => {
    // By hand: 100 * 180.36 = 18036; 0.2% of 18036 = 36.072.
    expect(new PercentFeeModel(0.002).commission(goog, 'BUY', new Decimal(100), new Decimal('180.36'), 'TAKER').toString()).toBe('36.072');
    // 7 * 33.33 = 233.31; 0.1% = 0.23331 (kept to the last digit, not rounded to cents).
    expect(new PercentFeeModel('0.001').commission(goog, 'SELL', new Decimal(7), new Decimal('33.33'), 'MAKER').toString()).toBe('0.23331');
  });

  it('multiplies by the contract multiplier', () => {
    const es = defineInstrument({ symbol: 'ES', venue: 'CME', assetClass: 'future', base: 'ES', quote: 'USD', tickSize: '0.25', lotSize: '1', multiplier: '50' });
    // 2 contracts * 5000.25 * 50 = 500025; 0.01% = 50.0025.
    expect(new PercentFeeModel(0.0001).commission(es, 'BUY', new Decimal(2), new Decimal('5000.25'), 'TAKER').toString()).toBe('50.0025');
  });

  it('refuses a negative, non-finite or >= 1 rate, naming the field', () => {
    expect(() => new PercentFeeModel(-0.001)).toThrow(ValidationError);
    expect(() => new PercentFeeModel(-0.001)).toThrow(/PercentFeeModel\.rate: must be a fraction of notional/);
    expect(() => new PercentFeeModel(Number.NaN)).toThrow(/rate/);
    expect(() => new PercentFeeModel(1)).toThrow(/rate/);
    expect(() => new PercentFeeModel('abc')).toThrow(/rate: must be a number/);
  });

  it('ZERO_FEE_MODEL charges nothing', () => {
    expect(ZERO_FEE_MODEL.commission(goog, 'BUY', new Decimal(100), new Decimal('180.36'), 'TAKER').isZero()).toBe(true);
  });
});

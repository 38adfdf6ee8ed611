import { Decimal, ValidationError, defineInstrument } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { btc } from '../__fixtures__/setup';
import { MakerTakerFeeModel } from './maker-taker-fee-model';

describe('MakerTakerFeeModel', () => {
  it('charges the taker rate on taker fills and the maker rate on maker fills', () => {
    const fees = new MakerTakerFeeModel({ maker: '0.0002', taker: '0.0004' });
    // By hand: 0.5 BTC * 60000 = 30000 USDT; taker 4 bp = 12; maker 2 bp = 6.
    expect(fees.commission(btc, 'BUY', new Decimal('0.5'), new Decimal(60000), 'TAKER').toString()).toBe('12');
    expect(fees.commission(btc, 'SELL', new Decimal('0.5'), new Decimal(60000), 'MAKER').toString()).toBe('6');
  });

  it('returns a negative commission (a rebate) for a negative maker rate', () => {
    const fees = new MakerTakerFeeModel({ maker: -0.0001, taker: 0.0005 });
    // 0.5 * 60000 = 30000; -1 bp = -3 (received); taker 5 bp = 15.
    expect(fees.commission(btc, 'SELL', new Decimal('0.5'), new Decimal(60000), 'MAKER').toString()).toBe('-3');
    expect(fees.commission(btc, 'BUY', new Decimal('0.5'), new Decimal(60000), 'TAKER').toString()).toBe('15');
  });

  it('multiplies notional by the contract multiplier', () => {
    const es = defineInstrument({ symbol: 'ES', venue: 'CME', assetClass: 'future', base: 'ES', quote: 'USD', tickSize: '0.25', lotSize: '1', multiplier: '50' });
    // 3 * 5000.25 * 50 = 750037.5; taker 1 bp = 75.00375.
    expect(new MakerTakerFeeModel({ maker: 0, taker: 0.0001 }).commission(es, 'BUY', new Decimal(3), new Decimal('5000.25'), 'TAKER').toString()).toBe('75.00375');
  });

  it('refuses a rate of 1 or more in size, naming the field', () => {
    expect(() => new MakerTakerFeeModel({ maker: 0, taker: 1 })).toThrow(ValidationError);
    expect(() => new MakerTakerFeeModel({ maker: -1, taker: 0 })).toThrow(/MakerTakerFeeModel\.maker: must be a fraction of notional in \(-1, 1\), got -1/);
    expect(() => new MakerTakerFeeModel({ maker: 0, taker: 'x' })).toThrow(/MakerTakerFeeModel\.taker: must be a number/);
  });
});

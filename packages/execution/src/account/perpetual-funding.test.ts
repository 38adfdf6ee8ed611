import { BacktestClock, Decimal, ValidationError, ZERO, clientOrderId, defineInstrument, instrumentRegistry, tradeId, venueOrderId, type FundingPayment, type InstrumentId } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { goog } from '../__fixtures__/setup';
import { PerpetualFunding } from './perpetual-funding';
import { SimulatedAccount } from './simulated-account';

const HOUR = 3_600_000;
const perp = defineInstrument({ symbol: 'BTCUSDT-PERP', venue: 'BINANCE', assetClass: 'perpetual', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001' });
const eth = defineInstrument({ symbol: 'ETHUSDT-PERP', venue: 'BINANCE', assetClass: 'perpetual', base: 'ETH', quote: 'USDT', tickSize: '0.01', lotSize: '0.01' });
const instruments = instrumentRegistry([perp, eth, goog]);

describe('PerpetualFunding', () => {
  it('pays at each of three funding times crossed, with the rate at or before each', () => {
    const clock = new BacktestClock(1 * HOUR);
    const funding = new PerpetualFunding({
      clock,
      instruments,
      rates: [
        { instrumentId: perp.id, ts: 16 * HOUR, rate: -0.0002 },
        { instrumentId: perp.id, ts: 0, rate: 0.0001 },
      ],
    });
    const positions = new Map<InstrumentId, Decimal>([[perp.id, new Decimal('0.5')], [goog.id, new Decimal(10)]]);
    const paid: FundingPayment[] = [];
    funding.start((id) => positions.get(id) ?? ZERO, (id) => (id === goog.id ? 100 : 60000), (p) => paid.push(p));
    clock.advanceTo(24 * HOUR);
    // 08:00: -0.5 * 60000 * 0.0001 = -3 (the long pays); 16:00 and 24:00: -0.5 * 60000 * -0.0002 = +6.
    expect(paid.map((p) => [p.ts / HOUR, p.instrumentId, p.rate, p.amount.toString(), p.currency])).toEqual([
      [8, perp.id, 0.0001, '-3', 'USDT'],
      [16, perp.id, -0.0002, '6', 'USDT'],
      [24, perp.id, -0.0002, '6', 'USDT'],
    ]);
    // No payment for ETH (no position) nor for the stock (not a perpetual).
    expect(paid[0]?.positionQuantity.toString()).toBe('0.5');
    expect(paid[0]?.markPrice.toString()).toBe('60000');
  });

  it('pays a short when the rate is positive and skips an instrument without a mark', () => {
    const clock = new BacktestClock(0);
    const funding = new PerpetualFunding({ clock, instruments, rates: () => 0.0003 });
    const paid: FundingPayment[] = [];
    const position = (id: InstrumentId) => (id === eth.id ? new Decimal(-2) : new Decimal(1));
    funding.start(position, (id) => (id === eth.id ? 3000 : undefined), (p) => paid.push(p));
    clock.advanceTo(8 * HOUR);
    // -(-2) * 3000 * 0.0003 = +1.8 received; BTC has a position but no mark.
    expect(paid.map((p) => [p.instrumentId, p.amount.toString()])).toEqual([[eth.id, '1.8']]);
  });

  it('fires at epoch-aligned times with an offset, first after now', () => {
    const clock = new BacktestClock(0);
    const funding = new PerpetualFunding({ clock, instruments, rates: () => 0.0001, intervalMs: 4 * HOUR, offsetMs: HOUR });
    expect(funding.nextFundingTime(0)).toBe(HOUR);
    expect(funding.nextFundingTime(HOUR)).toBe(5 * HOUR);
    const times: number[] = [];
    funding.start((id) => (id === perp.id ? new Decimal(1) : ZERO), () => 100, (p) => times.push(p.ts / HOUR));
    clock.advanceTo(10 * HOUR);
    expect(times).toEqual([1, 5, 9]);
  });

  it('makes no payment with no position, and none before the first known rate', () => {
    const clock = new BacktestClock(0);
    const paid: FundingPayment[] = [];
    new PerpetualFunding({ clock, instruments, rates: [] }).start(() => new Decimal(1), () => 100, (p) => paid.push(p));
    new PerpetualFunding({ clock, instruments, rates: () => 0.0001 }).start(() => ZERO, () => 100, (p) => paid.push(p));
    const late = new PerpetualFunding({ clock, instruments, rates: [{ instrumentId: perp.id, ts: 20 * HOUR, rate: 0.0001 }] });
    expect(late.rateAt(perp.id, 16 * HOUR)).toBeUndefined();
    late.start(() => new Decimal(1), () => 100, (p) => paid.push(p));
    clock.advanceTo(16 * HOUR);
    expect(paid).toEqual([]);
  });

  it('books payments into a SimulatedAccount margin account', () => {
    const clock = new BacktestClock(0);
    const account = new SimulatedAccount({ type: 'MARGIN', instruments, startingBalances: { USDT: 10_000 }, maxLeverage: 5 });
    account.reserve(clientOrderId('O-1'), perp, 'BUY', new Decimal('0.2'), new Decimal(50000), false);
    account.applyFill({
      tradeId: tradeId('T-1'), clientOrderId: clientOrderId('O-1'), venueOrderId: venueOrderId('V-1'), instrumentId: perp.id, side: 'BUY',
      quantity: new Decimal('0.2'), price: new Decimal(50000), commission: ZERO, commissionCurrency: 'USDT', liquiditySide: 'TAKER', ts: 0,
    });
    account.mark(perp.id, 50000);
    const funding = new PerpetualFunding({ clock, instruments, rates: () => 0.0001 });
    funding.start((id) => account.positionQuantity(id), (id) => account.markOf(id), (p) => account.applyFunding(p));
    clock.advanceTo(16 * HOUR);
    // Two payments of -0.2 * 50000 * 0.0001 = -1: cash 10000 - 2 = 9998.
    expect(account.equity('USDT').toString()).toBe('9998');
  });

  it('validates its config, naming the field', () => {
    const clock = new BacktestClock(0);
    expect(() => new PerpetualFunding({ clock, instruments, rates: () => 0, offsetMs: 8 * HOUR })).toThrow(/PerpetualFunding\.offsetMs: must be less than intervalMs/);
    expect(() => new PerpetualFunding({ clock, instruments, rates: [{ instrumentId: perp.id, ts: 0, rate: Number.NaN }] })).toThrow(ValidationError);
    expect(() => new PerpetualFunding({ clock, instruments, rates: () => 0, intervalMs: 0 })).toThrow(/PerpetualFunding\.intervalMs/);
  });
});

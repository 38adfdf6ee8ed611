import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BacktestClock } from '../clock/backtest-clock';
import { Decimal, roundToIncrement, type DecimalLike } from '../decimal';
import { defineInstrument } from '../domain/instrument';
import { strategyId } from '../domain/ids';
import { ValidationError } from '../errors';
import { instrumentRegistry } from './instrument-registry';
import { OrderFactory } from './order-factory';

const shares = defineInstrument({ symbol: 'AAA', venue: 'SIM', assetClass: 'stock', base: 'AAA', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const coins = defineInstrument({ symbol: 'BTC', venue: 'SIM', assetClass: 'spot', base: 'BTC', quote: 'USD', tickSize: '0.1', lotSize: '0.001' });
const fives = defineInstrument({ symbol: 'LOT5', venue: 'SIM', assetClass: 'stock', base: 'LOT5', quote: 'USD', tickSize: '0.05', lotSize: '5' });
const quarters = defineInstrument({ symbol: 'QTR', venue: 'SIM', assetClass: 'spot', base: 'QTR', quote: 'USD', tickSize: '0.25', lotSize: '0.25' });
const registry = instrumentRegistry([shares, coins, fives, quarters]);
const factory = (): OrderFactory => new OrderFactory(new BacktestClock(1_000), registry, strategyId('s'));

/** What a strategy computed by hand before: the difference in Decimal arithmetic, its sign and its size rounded down to the lot. */
function expected(instrumentLot: Decimal, target: DecimalLike, current: DecimalLike): { side: 'BUY' | 'SELL'; quantity: string } | undefined {
  const delta = new Decimal(target).minus(new Decimal(current));
  if (delta.isZero()) return undefined;
  const quantity = roundToIncrement(delta.abs(), instrumentLot, 'down');
  if (quantity.isZero()) return undefined;
  return { side: delta.isNegative() ? 'SELL' : 'BUY', quantity: quantity.toString() };
}

describe('OrderFactory.marketToTarget', () => {
  it('reverses through zero in one order, and sends nothing at the target', () => {
    const f = factory();
    const reverse = f.marketToTarget({ instrumentId: shares.id, target: 100, current: new Decimal(-100) });
    expect(reverse).toMatchObject({ type: 'SubmitOrder', clientOrderId: 's-1', side: 'BUY', orderType: 'MARKET', timeInForce: 'GTC', reduceOnly: false, postOnly: false, ts: 1_000 });
    expect(reverse!.quantity.toString()).toBe('200');
    const open = f.marketToTarget({ instrumentId: shares.id, target: -50, current: 0 });
    expect(open).toMatchObject({ clientOrderId: 's-2', side: 'SELL' });
    expect(open!.quantity.toString()).toBe('50');
    expect(f.marketToTarget({ instrumentId: shares.id, target: 100, current: new Decimal(100) })).toBeUndefined();
    expect(f.marketToTarget({ instrumentId: shares.id, target: 0, current: new Decimal(-0) })).toBeUndefined();
    // No id was spent on the orders not sent.
    expect(f.market({ instrumentId: shares.id, side: 'BUY', quantity: 1 }).clientOrderId).toBe('s-3');
  });

  it('builds the same command as market() with the hand-computed side and quantity: same keys in the same order', () => {
    const a = factory().marketToTarget({ instrumentId: shares.id, target: -100, current: new Decimal(100), timeInForce: 'DAY' })!;
    const b = factory().market({ instrumentId: shares.id, side: 'SELL', quantity: new Decimal(200), timeInForce: 'DAY' });
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect({ ...a, quantity: a.quantity.toString() }).toEqual({ ...b, quantity: b.quantity.toString() });
    const gtd = factory().marketToTarget({ instrumentId: shares.id, target: 10, current: 0, timeInForce: 'GTD', expireTime: 5_000, reduceOnly: true })!;
    expect(gtd).toMatchObject({ timeInForce: 'GTD', expireTime: 5_000, reduceOnly: true });
  });

  it('rounds the difference down to the lot, and sends nothing when it rounds to zero', () => {
    const f = factory();
    expect(f.marketToTarget({ instrumentId: shares.id, target: 100, current: new Decimal('99.5') })).toBeUndefined();
    expect(f.marketToTarget({ instrumentId: shares.id, target: '100.7', current: 0 })!.quantity.toString()).toBe('100');
    expect(f.marketToTarget({ instrumentId: fives.id, target: 12, current: 0 })!.quantity.toString()).toBe('10');
    expect(f.marketToTarget({ instrumentId: fives.id, target: 4, current: 0 })).toBeUndefined();
    const coin = f.marketToTarget({ instrumentId: coins.id, target: 0.1, current: new Decimal('0.3') })!;
    expect(coin.side).toBe('SELL');
    expect(coin.quantity.toString()).toBe('0.2'); // exact: 0.1 - 0.3 in floats is -0.19999999999999998
  });

  it('is exact beyond the integers a float64 holds', () => {
    const big = '9007199254740993'; // 2^53 + 1: not a float64
    const o = factory().marketToTarget({ instrumentId: shares.id, target: big, current: new Decimal(1) })!;
    expect(o.quantity.toString()).toBe('9007199254740992');
    const p = factory().marketToTarget({ instrumentId: shares.id, target: new Decimal(big), current: -1 })!;
    expect(p.quantity.toString()).toBe('9007199254740994');
  });

  it('names the field of a target or current that is not a finite number', () => {
    const f = factory();
    for (const [target, current, field] of [
      [Number.NaN, 0, 'target'],
      [Infinity, 0, 'target'],
      ['abc', 0, 'target'],
      [1, Number.NaN, 'current'],
      [1, new Decimal(-Infinity), 'current'],
      [1, 'x', 'current'],
    ] as const) {
      let error: unknown;
      try {
        f.marketToTarget({ instrumentId: shares.id, target, current });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toContain(field);
    }
  });

  it('gives what Decimal arithmetic gives, for whole and fractional targets and positions of every form', () => {
    const value = fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      fc.integer({ min: -(2 ** 53), max: 2 ** 53 }),
      fc.tuple(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.integer({ min: 0, max: 9 })).map(([m, s]) => new Decimal(m).div(10 ** s).toString()),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    );
    const form = (v: number | string, k: number): DecimalLike => (k === 0 ? v : k === 1 ? new Decimal(v) : String(v));
    fc.assert(
      fc.property(value, value, fc.nat(2), fc.nat(2), fc.constantFrom(shares, coins, fives, quarters), (t, c, kt, kc, instrument) => {
        const target = form(t, kt);
        const current = form(c, kc);
        const got = factory().marketToTarget({ instrumentId: instrument.id, target, current });
        const want = expected(instrument.lotSize, target, current);
        if (want === undefined) expect(got).toBeUndefined();
        else expect({ side: got?.side, quantity: got?.quantity.toString() }).toEqual(want);
      }),
      { numRuns: 20_000 },
    );
  });
});

import {
  clientOrderId,
  Decimal,
  defineInstrument,
  instrumentId,
  instrumentRegistry,
  tradeId,
  StateError,
  ValidationError,
  venueOrderId,
  type DecimalLike,
  type Fill,
  type Instrument,
  type InstrumentId,
  type OrderSide,
} from '@rxtrade/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import { trackFxRates } from './accounting/track-fx-rates';
import type { LedgerSnapshot } from './accounting/ledger-snapshot';
import { Ledger, type LedgerConfig } from './ledger';

const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const es = defineInstrument({ symbol: 'ES', venue: 'CME', assetClass: 'future', base: 'ES', quote: 'USD', tickSize: '0.25', lotSize: '1', multiplier: 50 });
const btc = defineInstrument({ symbol: 'BTCUSD', venue: 'SIM', assetClass: 'spot', base: 'BTC', quote: 'USD', tickSize: '0.01', lotSize: '0.001' });
const sap = defineInstrument({ symbol: 'SAP', venue: 'XETRA', assetClass: 'stock', base: 'SAP', quote: 'EUR', tickSize: '0.01', lotSize: '1' });
const instruments = instrumentRegistry([goog, es, btc, sap]);

let seq = 0;
function fill(instrument: Instrument, side: OrderSide, quantity: DecimalLike, price: DecimalLike, commission: DecimalLike = 0, ts = 0): Fill {
  seq++;
  return {
    tradeId: tradeId(`T-${seq}`),
    clientOrderId: clientOrderId(`O-${seq}`),
    venueOrderId: venueOrderId(`V-${seq}`),
    instrumentId: instrument.id,
    side,
    quantity: new Decimal(quantity),
    price: new Decimal(price),
    commission: new Decimal(commission),
    commissionCurrency: 'USD',
    liquiditySide: 'TAKER',
    ts,
  };
}

const newLedger = (startingCash: DecimalLike = 100_000): Ledger => new Ledger({ baseCurrency: 'USD', startingCash, instruments });

/** Perpetuals and futures are on margin: their cost never went through cash. */
const margined = (i: Instrument): boolean => i.assetClass === 'perpetual' || i.assetClass === 'future';

/** cash + sum(quantity * avgPrice * multiplier) of cash instruments - (startingCash - fees + realized): zero when the books balance. */
function imbalance(ledger: Ledger): Decimal {
  let atCost = ledger.cash();
  for (const p of ledger.openPositions()) {
    const i = instruments.get(p.instrumentId);
    if (!margined(i)) atCost = atCost.plus(p.quantity.mul(p.avgPrice).mul(new Decimal(i.multiplier)));
  }
  return atCost.minus(ledger.startingCash.minus(ledger.totalFees()).plus(ledger.realizedPnl()));
}

function fieldOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).field;
  }
  throw new Error('expected a ValidationError');
}

const str = (d: Decimal | undefined): string | undefined => d?.toString();

describe('Ledger', () => {
  it('averages the cost when adding to a long and pays for it in cash', () => {
    const ledger = newLedger();
    ledger.applyFill(fill(goog, 'BUY', 100, '10'));
    ledger.applyFill(fill(goog, 'BUY', 100, '12'));
    const p = ledger.position(goog.id)!;
    expect(str(p.quantity)).toBe('200');
    expect(str(p.avgPrice)).toBe('11');
    expect(str(p.realizedPnl)).toBe('0');
    expect(str(ledger.cash())).toBe('97800'); // 100000 - 1000 - 1200
    expect(imbalance(ledger).isZero()).toBe(true);
  });

  it('realizes (price - avg) x qty when reducing a long and keeps the average', () => {
    const ledger = newLedger();
    ledger.applyFill(fill(goog, 'BUY', 100, '10'));
    ledger.applyFill(fill(goog, 'BUY', 100, '12'));
    ledger.applyFill(fill(goog, 'SELL', 50, '15'));
    const p = ledger.position(goog.id)!;
    expect(str(p.quantity)).toBe('150');
    expect(str(p.avgPrice)).toBe('11');
    expect(str(p.realizedPnl)).toBe('200'); // (15 - 11) x 50
    expect(str(ledger.realizedPnl())).toBe('200');
    expect(str(ledger.cash())).toBe('98550'); // 97800 + 750
  });

  it('averages a short and realizes (avg - price) x qty when buying back', () => {
    const ledger = newLedger();
    ledger.applyFill(fill(goog, 'SELL', 100, '20'));
    ledger.applyFill(fill(goog, 'SELL', 100, '18'));
    expect(str(ledger.positionQuantity(goog.id))).toBe('-200');
    expect(str(ledger.position(goog.id)!.avgPrice)).toBe('19');
    expect(str(ledger.cash())).toBe('103800'); // 100000 + 2000 + 1800
    ledger.applyFill(fill(goog, 'BUY', 50, '17'));
    expect(str(ledger.positionQuantity(goog.id))).toBe('-150');
    expect(str(ledger.position(goog.id)!.avgPrice)).toBe('19');
    expect(str(ledger.realizedPnl())).toBe('100'); // (19 - 17) x 50
    ledger.applyFill(fill(goog, 'BUY', 150, '21'));
    expect(str(ledger.realizedPnl())).toBe('-200'); // 100 + (19 - 21) x 150
    expect(ledger.positionQuantity(goog.id).isZero()).toBe(true);
    expect(str(ledger.position(goog.id)!.avgPrice)).toBe('0');
    expect(ledger.openPositions()).toEqual([]);
    expect(str(ledger.cash())).toBe('99800'); // flat: starting cash + realized
  });

  it('closes the old position and opens the remainder at the fill price when a fill crosses zero', () => {
    const ledger = newLedger();
    ledger.applyFill(fill(goog, 'BUY', 100, '10'));
    ledger.applyFill(fill(goog, 'SELL', 150, '12'));
    let p = ledger.position(goog.id)!;
    expect(str(p.quantity)).toBe('-50');
    expect(str(p.avgPrice)).toBe('12');
    expect(str(p.realizedPnl)).toBe('200'); // (12 - 10) x 100 on the closed long only
    ledger.applyFill(fill(goog, 'BUY', 80, '11'));
    p = ledger.position(goog.id)!;
    expect(str(p.quantity)).toBe('30');
    expect(str(p.avgPrice)).toBe('11');
    expect(str(p.realizedPnl)).toBe('250'); // + (12 - 11) x 50 on the closed short
    expect(imbalance(ledger).isZero()).toBe(true);
  });

  it('books a future on margin: no notional through cash, realized P&L times the multiplier, unrealized P&L in equity', () => {
    const ledger = newLedger(1_000_000);
    ledger.applyFill(fill(es, 'BUY', 2, '4000', '4.5'));
    expect(str(ledger.cash())).toBe('999995.5'); // only the commission: a futures account pays no notional
    expect(str(ledger.costBasis(es.id))).toBe('400000'); // 2 x 4000 x 50, the position's cost all the same
    ledger.mark(es.id, 3990.5);
    expect(str(ledger.equity())).toBe('999045.5'); // cash + (3990.50 - 4000) x 2 x 50
    expect(ledger.equityValue()).toBe(999045.5);
    expect(str(ledger.unrealizedPnl())).toBe('-950');
    ledger.applyFill(fill(es, 'SELL', 1, '4010.25', '2.25'));
    expect(str(ledger.realizedPnl())).toBe('512.5'); // 10.25 x 1 x 50
    expect(str(ledger.cash())).toBe('1000505.75'); // 999995.5 + 512.5 - 2.25
    ledger.applyFill(fill(es, 'SELL', 3, '4020', '6.75')); // closes 1 (+1000) and opens 2 short at 4020
    expect(str(ledger.realizedPnl())).toBe('1512.5');
    expect(str(ledger.cash())).toBe('1001499'); // 1000505.75 + 1000 - 6.75
    expect(str(ledger.positionQuantity(es.id))).toBe('-2');
    ledger.mark(es.id, 4000);
    expect(str(ledger.equity())).toBe('1003499'); // + (4020 - 4000) x 2 x 50 on the short
    expect(ledger.equityValue()).toBe(1003499);
  });

  it('books a perpetual on margin in every lot method and position mode, with the same equity as paying its notional would give', () => {
    const perp = defineInstrument({ symbol: 'BTCUSDT-PERP', venue: 'SIM', assetClass: 'perpetual', base: 'BTC', quote: 'USD', tickSize: '0.1', lotSize: '0.001' });
    const spot = defineInstrument({ symbol: 'BTCUSDT', venue: 'SIM', assetClass: 'spot', base: 'BTC', quote: 'USD', tickSize: '0.1', lotSize: '0.001' });
    for (const lotMethod of ['average', 'fifo'] as const)
      for (const positionMode of ['netting', 'hedging'] as const) {
        const make = (): Ledger => new Ledger({ baseCurrency: 'USD', startingCash: 10_000, instruments: instrumentRegistry([perp, spot]), lotMethod, positionMode });
        const [m, c] = [make(), make()];
        const trades: [OrderSide, string, string, string][] = [['BUY', '0.25', '30000.1', '3.75'], ['BUY', '0.125', '30400.3', '1.9'], ['SELL', '0.3', '31000', '3.72']];
        for (const [side, q, p, fee] of trades) {
          m.applyFill(fill(perp, side, q, p, fee), positionMode === 'hedging' ? { positionSide: 'LONG' } : undefined);
          c.applyFill(fill(spot, side, q, p, fee), positionMode === 'hedging' ? { positionSide: 'LONG' } : undefined);
        }
        m.mark(perp.id, 30500.7);
        c.mark(spot.id, 30500.7);
        // Margin: cash = 10000 - fees 9.37 + realized; the cash instrument's cash also paid the open 0.075 at cost.
        expect(str(m.cash())).toBe(str(new Decimal(10_000).minus('9.37').plus(m.realizedPnl())));
        expect(str(m.realizedPnl())).toBe(str(c.realizedPnl()));
        expect(str(m.cash().minus(c.cash()))).toBe(str(c.costBasis(spot.id)));
        expect(str(m.equity())).toBe(str(c.equity()));
        expect(Math.abs(m.equityValue() - c.equityValue())).toBeLessThan(1e-9);
        expect(str(m.equity())).toBe(str(m.cash().plus(m.unrealizedPnl())));
      }
  });

  it('pays commissions out of cash and counts them as fees, not as realized P&L', () => {
    const ledger = newLedger();
    ledger.applyFill(fill(goog, 'BUY', 10, '100', '1.5'));
    ledger.applyFill(fill(goog, 'SELL', 10, '101', '1.25'));
    expect(str(ledger.totalFees())).toBe('2.75');
    expect(str(ledger.realizedPnl())).toBe('10');
    expect(str(ledger.cash())).toBe('100007.25'); // 100000 + 10 - 2.75
    expect(str(ledger.equity())).toBe('100007.25');
  });

  it('marks equity and unrealized P&L at the last price, for longs and shorts', () => {
    const ledger = newLedger();
    ledger.applyFill(fill(goog, 'BUY', 100, '10'));
    ledger.applyFill(fill(es, 'SELL', 1, '4000'));
    ledger.mark(goog.id, 12.5);
    ledger.mark(es.id, 3990);
    // cash 100000 - 1000 + 200000; goog 100 x 12.5; es -1 x 3990 x 50
    expect(str(ledger.equity())).toBe('100750');
    expect(ledger.equityValue()).toBe(100750);
    expect(str(ledger.position(goog.id)!.unrealizedPnl)).toBe('250');
    expect(str(ledger.position(es.id)!.unrealizedPnl)).toBe('500'); // (4000 - 3990) x 1 x 50
    expect(str(ledger.unrealizedPnl())).toBe('750');
    expect(ledger.lastPrice(goog.id)).toBe(12.5);
  });

  it('values a position never marked at its first fill price, and keeps a mark over later fills', () => {
    const ledger = newLedger();
    ledger.applyFill(fill(goog, 'BUY', 100, '10'));
    expect(str(ledger.equity())).toBe('100000');
    ledger.mark(goog.id, 11);
    ledger.applyFill(fill(goog, 'BUY', 100, '10.5'));
    expect(ledger.lastPrice(goog.id)).toBe(11);
    expect(str(ledger.equity())).toBe('100150'); // 100000 - 1000 - 1050 + 200 x 11
  });

  it('accepts marks of an instrument before any fill without opening a position', () => {
    const ledger = newLedger();
    ledger.mark(goog.id, 500);
    expect(ledger.position(goog.id)).toBeUndefined();
    expect(ledger.positionQuantity(goog.id).isZero()).toBe(true);
    expect(str(ledger.equity())).toBe('100000');
    expect(ledger.equityValue()).toBe(100000);
  });

  it('agrees between equity() in Decimal and equityValue() in float64 to 1e-9', () => {
    const ledger = newLedger('250000.37');
    ledger.applyFill(fill(goog, 'BUY', 137, '523.17', '0.81'));
    ledger.applyFill(fill(btc, 'BUY', '0.731', '43125.55', '3.19'));
    ledger.applyFill(fill(es, 'SELL', 3, '4512.75', '6.3'));
    ledger.applyFill(fill(goog, 'SELL', 200, '531.09', '1.1'));
    ledger.mark(goog.id, 529.123456789);
    ledger.mark(btc.id, 43980.0731);
    ledger.mark(es.id, 4498.1);
    const exact = ledger.equity();
    expect(Math.abs(ledger.equityValue() / exact.toNumber() - 1)).toBeLessThan(1e-9);
    // the Decimal figure uses the float marks exactly; the future (on margin) counts at its unrealized P&L
    const expected = ledger
      .cash()
      .plus(new Decimal(-63).mul(new Decimal(529.123456789)))
      .plus(new Decimal('0.731').mul(new Decimal(43980.0731)))
      .plus(new Decimal(-3).mul(new Decimal(4498.1).minus('4512.75')).mul(50));
    expect(exact.eq(expected)).toBe(true);
  });

  it('books the rounding residual of a repeating average to realized P&L so the books balance exactly', () => {
    const ledger = newLedger();
    ledger.applyFill(fill(goog, 'BUY', 1, '10'));
    ledger.applyFill(fill(goog, 'BUY', 2, '10.01'));
    // 30.02 / 3 = 10.00666…, kept to 2 + 10 decimals
    expect(str(ledger.position(goog.id)!.avgPrice)).toBe('10.006666666667');
    expect(ledger.realizedPnl().eq('1e-12')).toBe(true); // 3 x 10.006666666667 - 30.02
    expect(imbalance(ledger).isZero()).toBe(true);
  });

  it('reports the base-currency balance and zero cash in other currencies', () => {
    const ledger = newLedger();
    ledger.applyFill(fill(goog, 'BUY', 10, '100', '1'));
    expect(ledger.balances()).toHaveLength(1);
    const [b] = ledger.balances();
    expect(b!.currency).toBe('USD');
    expect(str(b!.total)).toBe('98999');
    expect(str(b!.free)).toBe('98999');
    expect(str(b!.locked)).toBe('0');
    expect(str(ledger.cash('USD'))).toBe('98999');
    expect(ledger.cash('EUR').isZero()).toBe(true);
  });

  it('rejects a fill on an unknown instrument, naming fill.instrumentId', () => {
    const ledger = newLedger();
    const bad = { ...fill(goog, 'BUY', 1, '10'), instrumentId: instrumentId('NOPE.X') };
    expect(fieldOf(() => ledger.applyFill(bad))).toBe('fill.instrumentId');
  });

  it('rejects a fill with a zero or negative quantity, naming fill.quantity, and changes nothing', () => {
    const ledger = newLedger();
    ledger.applyFill(fill(goog, 'BUY', 5, '10', '1'));
    expect(fieldOf(() => ledger.applyFill(fill(goog, 'BUY', 0, '10')))).toBe('fill.quantity');
    expect(fieldOf(() => ledger.applyFill(fill(goog, 'SELL', -5, '10')))).toBe('fill.quantity');
    expect(str(ledger.cash())).toBe('99949');
    expect(str(ledger.positionQuantity(goog.id))).toBe('5');
    expect(str(ledger.totalFees())).toBe('1');
  });

  it('rejects non-finite prices and commissions, naming the field', () => {
    const ledger = newLedger();
    expect(fieldOf(() => ledger.applyFill(fill(goog, 'BUY', 1, NaN)))).toBe('fill.price');
    expect(fieldOf(() => ledger.applyFill(fill(goog, 'BUY', 1, 10, Infinity)))).toBe('fill.commission');
  });

  it('rejects fills in a currency other than the base currency (single-currency ledger)', () => {
    const ledger = newLedger();
    expect(fieldOf(() => ledger.applyFill(fill(sap, 'BUY', 1, '100')))).toBe('instrument.quote');
    const eurFee = { ...fill(goog, 'BUY', 1, '100', '1'), commissionCurrency: 'EUR' };
    expect(fieldOf(() => ledger.applyFill(eurFee))).toBe('fill.commissionCurrency');
    expect(str(ledger.cash())).toBe('100000');
  });

  it('rejects bad marks, naming price or instrumentId', () => {
    const ledger = newLedger();
    expect(fieldOf(() => ledger.mark(goog.id, NaN))).toBe('price');
    expect(fieldOf(() => ledger.mark(instrumentId('NOPE.X'), 1))).toBe('instrumentId');
  });

  it('validates its config with a ValidationError naming the field', () => {
    expect(fieldOf(() => new Ledger({ baseCurrency: 'USD', startingCash: -1, instruments }))).toBe('ledger.startingCash');
    expect(fieldOf(() => new Ledger({ baseCurrency: 'USD', startingCash: 'abc', instruments }))).toBe('ledger.startingCash');
    expect(fieldOf(() => new Ledger({ baseCurrency: '', startingCash: 0, instruments }))).toBe('ledger.baseCurrency');
    expect(fieldOf(() => new Ledger({ baseCurrency: 'USD', startingCash: 0, instruments: [goog] as never }))).toBe('ledger.instruments');
    expect(str(new Ledger({ baseCurrency: 'USD', startingCash: new Decimal('12.5'), instruments }).equity())).toBe('12.5');
  });
});

// ---------------------------------------------------------------------------------------------------
// Property: the books balance exactly, and an independent average-cost model in exact rationals agrees.

/** An exact rational in BigInt, for the independent model. */
class Q {
  constructor(
    readonly n: bigint,
    readonly d: bigint = 1n,
  ) {}
  static of(value: Decimal): Q {
    const [int, frac = ''] = value.toFixed().split('.');
    return new Q(BigInt(int! + frac), 10n ** BigInt(frac.length)).norm();
  }
  norm(): Q {
    const g = gcd(this.n < 0n ? -this.n : this.n, this.d);
    return g > 1n ? new Q(this.n / g, this.d / g) : this;
  }
  add(o: Q): Q {
    return new Q(this.n * o.d + o.n * this.d, this.d * o.d).norm();
  }
  sub(o: Q): Q {
    return this.add(new Q(-o.n, o.d));
  }
  mul(o: Q): Q {
    return new Q(this.n * o.n, this.d * o.d).norm();
  }
  div(o: Q): Q {
    return o.n < 0n ? new Q(-this.n * o.d, -this.d * o.n).norm() : new Q(this.n * o.d, this.d * o.n).norm();
  }
  sign(): number {
    return this.n === 0n ? 0 : this.n > 0n ? 1 : -1;
  }
  abs(): Q {
    return this.n < 0n ? new Q(-this.n, this.d) : this;
  }
  toNumber(): number {
    return Number(this.n) / Number(this.d);
  }
}
function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/** Average cost in exact rationals: quantity and signed cost (quantity x average) per instrument. */
function modelRealized(fills: readonly Fill[]): { realized: Q; quantity: Map<string, Q>; cost: Map<string, Q> } {
  let realized = new Q(0n);
  const quantity = new Map<string, Q>();
  const cost = new Map<string, Q>();
  for (const f of fills) {
    const mult = Q.of(new Decimal(instruments.get(f.instrumentId).multiplier));
    const price = Q.of(f.price);
    const s = f.side === 'BUY' ? Q.of(f.quantity) : Q.of(f.quantity.neg());
    const held = quantity.get(f.instrumentId) ?? new Q(0n);
    const c = cost.get(f.instrumentId) ?? new Q(0n);
    if (held.sign() === 0 || held.sign() === s.sign()) {
      quantity.set(f.instrumentId, held.add(s));
      cost.set(f.instrumentId, c.add(s.mul(price)));
      continue;
    }
    const closing = s.abs().sub(held.abs()).sign() > 0 ? held.abs() : s.abs();
    const removed = c.mul(closing).div(held.abs());
    const sigma = new Q(BigInt(held.sign()));
    realized = realized.add(sigma.mul(price).mul(closing).sub(removed).mul(mult));
    const rest = s.abs().sub(closing);
    if (rest.sign() === 0) {
      quantity.set(f.instrumentId, held.add(s));
      cost.set(f.instrumentId, c.sub(removed));
    } else {
      const opened = s.sign() > 0 ? rest : new Q(-rest.n, rest.d);
      quantity.set(f.instrumentId, opened);
      cost.set(f.instrumentId, opened.mul(price));
    }
  }
  return { realized, quantity, cost };
}

const tradable = [goog, es, btc] as const;
const fillArb = fc
  .record({
    which: fc.integer({ min: 0, max: tradable.length - 1 }),
    side: fc.constantFrom<OrderSide>('BUY', 'SELL'),
    lots: fc.integer({ min: 1, max: 400 }),
    cents: fc.integer({ min: 1, max: 500_000 }), // 0.01 .. 5000.00
    feeCents: fc.integer({ min: 0, max: 2_000 }),
    mark: fc.double({ min: 0.01, max: 6000, noNaN: true }),
  })
  .map(({ which, side, lots, cents, feeCents, mark }) => {
    const instrument = tradable[which]!;
    const quantity = instrument.lotSize.mul(lots);
    const price = instrument.id === es.id ? new Decimal(cents).div(100).div(instrument.tickSize).floor().mul(instrument.tickSize).plus(instrument.tickSize) : new Decimal(cents).div(100);
    return { f: fill(instrument, side, quantity, price, new Decimal(feeCents).div(100)), mark };
  });

describe('Ledger invariants (property-based)', () => {
  it('keeps cash + positions at cost == startingCash - fees + realized P&L exactly, and quantities equal to the signed sum of fills', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 10_000_000 }), (steps, startCents) => {
        const ledger = newLedger(new Decimal(startCents).div(100));
        const signedSum = new Map<string, Decimal>();
        const applied: Fill[] = [];
        for (const { f, mark } of steps) {
          ledger.applyFill(f);
          applied.push(f);
          signedSum.set(f.instrumentId, (signedSum.get(f.instrumentId) ?? new Decimal(0)).plus(f.side === 'BUY' ? f.quantity : f.quantity.neg()));
          expect(imbalance(ledger).isZero()).toBe(true);
          for (const [id, sum] of signedSum) expect(ledger.positionQuantity(id as never).eq(sum)).toBe(true);
          ledger.mark(f.instrumentId, mark);
        }
        // realized P&L summed over positions equals the total
        let perPosition = new Decimal(0);
        for (const i of tradable) perPosition = perPosition.plus(ledger.position(i.id)?.realizedPnl ?? 0);
        expect(perPosition.eq(ledger.realizedPnl())).toBe(true);
        // an independent exact-rational average-cost model agrees up to the documented rounding residuals
        const model = modelRealized(applied);
        expect(Math.abs(Q.of(ledger.realizedPnl()).sub(model.realized).toNumber())).toBeLessThan(1e-6);
        for (const i of tradable) {
          const q = model.quantity.get(i.id);
          if (!q || q.sign() === 0) continue;
          const exactAvg = model.cost.get(i.id)!.div(q);
          expect(Math.abs(Q.of(ledger.position(i.id)!.avgPrice).sub(exactAvg).toNumber())).toBeLessThanOrEqual(5e-13 * applied.length); // half a unit in the 12th place per averaging step
        }
        // float mirror agrees with the exact figure
        // float mirror agrees with the exact figure, to rounding relative to the gross amounts summed
        const exact = ledger.equity().toNumber();
        let gross = Math.abs(ledger.cash().toNumber());
        for (const p of ledger.openPositions()) {
          gross += Math.abs(p.quantity.toNumber() * ledger.lastPrice(p.instrumentId)! * Number(instruments.get(p.instrumentId).multiplier));
          if (margined(instruments.get(p.instrumentId))) gross += Math.abs(ledger.costBasis(p.instrumentId).toNumber()); // its cost is subtracted in float
        }
        expect(Math.abs(ledger.equityValue() - exact)).toBeLessThanOrEqual(1e-13 * gross + 1e-9);
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Extensions: multi-currency, FIFO lots, hedging legs, funding, deposits, margin, snapshots.

const usdJpy = defineInstrument({ symbol: '7203', venue: 'TSE', assetClass: 'stock', base: '7203', quote: 'JPY', tickSize: '1', lotSize: '100' });
const instrumentsFx = instrumentRegistry([goog, es, btc, sap, usdJpy]);
const fxLedger = (extra: Partial<LedgerConfig> = {}): Ledger =>
  new Ledger({ baseCurrency: 'USD', startingCash: 100_000, instruments: instrumentsFx, fxRates: { EURUSD: 1.1 }, ...extra });
function withCurrency(f: Fill, commissionCurrency: string): Fill {
  return { ...f, commissionCurrency };
}
/** Per currency: cash + cost of the cash instruments' positions quoted in it - (deposits - fees + realized + funding); zero when the books balance. */
function imbalanceIn(ledger: Ledger, currency: string, registry = instrumentsFx): Decimal {
  let atCost = ledger.cash(currency);
  for (const i of registry.all()) if (i.quote === currency && !margined(i)) atCost = atCost.plus(ledger.costBasis(i.id));
  return atCost.minus(ledger.totalDeposits(currency).minus(ledger.totalFees(currency)).plus(ledger.realizedPnl(currency)).plus(ledger.totalFunding(currency)));
}

describe('Ledger: multi-currency cash', () => {
  it('pays for an instrument in its quote currency and values it in the base currency at the FX rate', () => {
    const ledger = fxLedger();
    ledger.applyFill(fill(sap, 'BUY', 10, '100', '1')); // commission 1 USD
    expect(str(ledger.cash('USD'))).toBe('99999');
    expect(str(ledger.cash('EUR'))).toBe('-1000');
    expect(str(ledger.equity())).toBe('99999'); // -1000 EUR cash + 1000 EUR of SAP
    ledger.mark(sap.id, 110);
    expect(str(ledger.equity())).toBe('100109'); // + 10 x 10 EUR x 1.1
    expect(ledger.equityValue()).toBeCloseTo(100109, 9);
    ledger.setFxRate('EUR/USD', 1.2);
    expect(str(ledger.equity())).toBe('100119'); // 99999 - 1200 + 1320
    expect(str(ledger.unrealizedPnl())).toBe('120'); // 100 EUR x 1.2
    ledger.applyFill(withCurrency(fill(sap, 'SELL', 10, '120', '2'), 'EUR'));
    expect(str(ledger.realizedPnl('EUR'))).toBe('200');
    expect(str(ledger.realizedPnl())).toBe('240'); // translated at 1.2
    expect(str(ledger.totalFees())).toBe('3.4'); // 1 USD + 2 EUR x 1.2
    expect(str(ledger.cash('EUR'))).toBe('198');
    expect(ledger.balances().map((b) => `${b.currency} ${b.total.toString()}`)).toEqual(['USD 99999', 'EUR 198']);
    for (const c of ['USD', 'EUR']) expect(imbalanceIn(ledger, c).isZero()).toBe(true);
  });

  it('converts through an inverted pair (USD/JPY) and follows an FX rates stream', () => {
    const ledger = fxLedger();
    const rates = new Subject<{ pair: string; rate: number }>();
    const sub = trackFxRates(ledger, rates);
    rates.next({ pair: 'USD/JPY', rate: 150 });
    ledger.applyFill(withCurrency(fill(usdJpy, 'BUY', 100, '3000', '300'), 'JPY'));
    expect(str(ledger.cash('JPY'))).toBe('-300300');
    ledger.mark(usdJpy.id, 3150);
    expect(ledger.equity().toNumber()).toBeCloseTo(100_000 - 2 + 100, 9); // -300300 JPY + 315000 JPY at 1/150
    expect(ledger.fxRate('JPY')).toBeCloseTo(1 / 150, 15);
    rates.next({ pair: 'USDJPY', rate: 100 });
    expect(ledger.equity().toNumber()).toBeCloseTo(100_000 + 147, 9);
    sub.unsubscribe();
    rates.next({ pair: 'USDJPY', rate: 50 });
    expect(ledger.fxRate('JPY')).toBeCloseTo(1 / 100, 15);
  });

  it('fails with a StateError when equity needs a rate that was never set', () => {
    const ledger = new Ledger({ baseCurrency: 'USD', startingCash: 0, instruments: instrumentsFx, fxRates: {} });
    ledger.applyFill(withCurrency(fill(sap, 'BUY', 1, '100'), 'EUR'));
    expect(() => ledger.equity()).toThrow(StateError);
    expect(() => ledger.equityValue()).toThrow(/EUR\/USD/);
    ledger.setFxRate('EURUSD', 1.5);
    expect(ledger.equityValue()).toBe(0);
  });

  it('rejects a pair without the base currency and a bad rate, naming the field', () => {
    const ledger = fxLedger();
    expect(fieldOf(() => ledger.setFxRate('EURGBP', 0.85))).toBe('pair');
    expect(fieldOf(() => ledger.setFxRate('EUR', 1))).toBe('pair');
    expect(fieldOf(() => ledger.setFxRate('EURUSD', -1))).toBe('rate');
    expect(fieldOf(() => newLedger().applyFunding(goog.id, 1, 'EUR'))).toBe('currency');
  });
});

describe('Ledger: FIFO lots', () => {
  it('closes the oldest lots first and realizes against their own prices', () => {
    const fifo = new Ledger({ baseCurrency: 'USD', startingCash: 100_000, instruments, lotMethod: 'fifo' });
    const avg = newLedger();
    for (const l of [fifo, avg]) {
      l.applyFill(fill(goog, 'BUY', 10, '10'));
      l.applyFill(fill(goog, 'BUY', 10, '12'));
      l.applyFill(fill(goog, 'SELL', 15, '13'));
    }
    expect(str(fifo.realizedPnl())).toBe('35'); // (13 - 10) x 10 + (13 - 12) x 5
    expect(str(avg.realizedPnl())).toBe('30'); // (13 - 11) x 15
    expect(str(fifo.position(goog.id)!.avgPrice)).toBe('12');
    expect(str(fifo.costBasis(goog.id))).toBe('60');
    expect(str(fifo.cash())).toBe(str(avg.cash()));
    fifo.mark(goog.id, 14);
    expect(str(fifo.unrealizedPnl())).toBe('10'); // (14 - 12) x 5
    expect(imbalanceIn(fifo, 'USD', instruments).isZero()).toBe(true);
  });

  it('opens the remainder of a fill that crosses zero as a new lot, with the multiplier', () => {
    const ledger = new Ledger({ baseCurrency: 'USD', startingCash: 0, instruments, lotMethod: 'fifo' });
    ledger.applyFill(fill(es, 'SELL', 1, '4000'));
    ledger.applyFill(fill(es, 'SELL', 2, '4010'));
    ledger.applyFill(fill(es, 'BUY', 5, '4005'));
    expect(str(ledger.realizedPnl())).toBe('250'); // (4000 - 4005) x 1 x 50 + (4010 - 4005) x 2 x 50
    expect(str(ledger.positionQuantity(es.id))).toBe('2');
    expect(str(ledger.costBasis(es.id))).toBe('400500'); // 2 x 4005 x 50
  });
});

describe('Ledger: hedging legs', () => {
  const hedging = (): Ledger => new Ledger({ baseCurrency: 'USD', startingCash: 10_000, instruments, positionMode: 'hedging' });

  it('keeps a long and a short leg side by side and reports their net', () => {
    const ledger = hedging();
    ledger.applyFill(fill(goog, 'BUY', 10, '100'));
    ledger.applyFill(fill(goog, 'SELL', 4, '105')); // opens a short leg: nothing realized
    expect(str(ledger.realizedPnl())).toBe('0');
    expect(str(ledger.positionQuantity(goog.id))).toBe('6');
    expect(str(ledger.positionQuantity(goog.id, 'LONG'))).toBe('10');
    expect(str(ledger.positionQuantity(goog.id, 'SHORT'))).toBe('-4');
    expect(ledger.positionLegs(goog.id).map((l) => `${l.side} ${l.quantity.toString()} @ ${l.avgPrice.toString()}`)).toEqual(['LONG 10 @ 100', 'SHORT -4 @ 105']);
    ledger.mark(goog.id, 110);
    expect(str(ledger.unrealizedPnl())).toBe('80'); // 10 x 10 - 4 x 5
    const p = ledger.position(goog.id)!;
    expect(str(p.quantity)).toBe('6');
    expect(str(p.avgPrice)).toBe('96.666666666667'); // (1000 - 420) / 6
    expect(str(p.unrealizedPnl)).toBe('80');
    expect(str(ledger.grossExposure())).toBe('1540');
  });

  it('closes the leg a fill names and refuses to close more than it holds', () => {
    const ledger = hedging();
    ledger.applyFill(fill(goog, 'BUY', 10, '100'));
    ledger.applyFill(fill(goog, 'SELL', 4, '105'));
    ledger.applyFill(fill(goog, 'SELL', 3, '120'), { positionSide: 'LONG' });
    expect(str(ledger.realizedPnl())).toBe('60');
    ledger.applyFill(fill(goog, 'BUY', 4, '95'), { positionSide: 'SHORT' });
    expect(str(ledger.realizedPnl())).toBe('100'); // + (105 - 95) x 4
    expect(str(ledger.positionQuantity(goog.id, 'SHORT'))).toBe('0');
    expect(fieldOf(() => ledger.applyFill(fill(goog, 'SELL', 8, '120'), { positionSide: 'LONG' }))).toBe('fill.quantity');
    expect(fieldOf(() => newLedger().applyFill(fill(goog, 'SELL', 1, '1'), { positionSide: 'LONG' }))).toBe('options.positionSide');
    expect(str(ledger.positionQuantity(goog.id))).toBe('7');
    expect(imbalanceIn(ledger, 'USD', instruments).isZero()).toBe(true);
  });
});

describe('Ledger: funding, deposits and margin', () => {
  it('books funding to cash and to the instrument, not to realized P&L', () => {
    const ledger = newLedger(1000);
    ledger.applyFill(fill(btc, 'BUY', '0.5', '20000', '2'));
    ledger.applyFunding(btc.id, '-3.25');
    ledger.applyFunding(btc.id, 1);
    expect(str(ledger.totalFunding())).toBe('-2.25');
    expect(str(ledger.realizedPnl())).toBe('0');
    expect(str(ledger.cash())).toBe('-9004.25');
    ledger.mark(btc.id, 21000);
    const pnl = ledger.instrumentPnl(btc.id);
    expect([pnl.realized, pnl.unrealized, pnl.funding, pnl.fees, pnl.total].map(str)).toEqual(['0', '500', '-2.25', '2', '495.75']);
    expect(str(ledger.equity())).toBe('1495.75');
    expect(imbalanceIn(ledger, 'USD', instruments).isZero()).toBe(true);
  });

  it('counts deposits and withdrawals in the identity and rejects non-positive amounts', () => {
    const ledger = newLedger(100);
    ledger.deposit('50.5');
    ledger.withdraw(20);
    expect(str(ledger.cash())).toBe('130.5');
    expect(str(ledger.totalDeposits())).toBe('130.5');
    expect(fieldOf(() => ledger.deposit(0))).toBe('amount');
    expect(fieldOf(() => ledger.withdraw('x'))).toBe('amount');
  });

  it('reports leverage, margin used and the maintenance check of a margin account', () => {
    const ledger = new Ledger({ baseCurrency: 'USD', startingCash: 10_000, instruments, margin: { initial: 0.2, maintenance: 0.1 } });
    ledger.applyFill(fill(goog, 'BUY', 400, '100')); // 40000 of stock on 10000 of equity: cash -30000
    expect(ledger.leverage()).toBe(4);
    expect(str(ledger.marginUsed())).toBe('8000');
    expect(str(ledger.marginAvailable())).toBe('2000');
    expect(ledger.isBelowMaintenance()).toBe(false);
    ledger.mark(goog.id, 80); // equity 2000 < 10% of 32000
    expect(ledger.isBelowMaintenance()).toBe(true);
    expect(fieldOf(() => new Ledger({ baseCurrency: 'USD', startingCash: 0, instruments, margin: { initial: 0.1, maintenance: 0.2 } }))).toBe('ledger.margin.maintenance');
    expect(fieldOf(() => new Ledger({ baseCurrency: 'USD', startingCash: 0, instruments, fxRates: { EURGBP: 0.85 } }))).toBe('ledger.fxRates.EURGBP');
    expect(fieldOf(() => new Ledger({ baseCurrency: 'USD', startingCash: 0, instruments, fxRates: { EURUSD: -1 } }))).toBe('ledger.fxRates.EURUSD');
  });
});

describe('Ledger: snapshots', () => {
  const script = (): { f: Fill; side?: 'LONG' | 'SHORT'; mark?: number; rate?: number; funding?: string }[] => [
    { f: fill(goog, 'BUY', 10, '100', '1') },
    { f: fill(goog, 'BUY', 5, '103.33', '1'), mark: 104 },
    { f: withCurrency(fill(sap, 'BUY', 7, '50.01', '0.5'), 'EUR'), rate: 1.09 },
    { f: fill(goog, 'SELL', 3, '107'), side: 'SHORT', funding: '-0.75' },
    { f: fill(goog, 'SELL', 12, '101.5'), side: 'LONG', mark: 99.5 },
    { f: withCurrency(fill(sap, 'SELL', 2, '55'), 'EUR'), side: 'LONG', rate: 1.07 },
    { f: fill(es, 'BUY', 2, '4000.25', '4'), mark: 4010.75 },
    { f: fill(goog, 'BUY', 3, '98'), side: 'SHORT', mark: 97 },
  ];

  for (const lotMethod of ['average', 'fifo'] as const) {
    it(`restores a ${lotMethod} hedging multi-currency ledger that then behaves exactly as the uninterrupted one`, () => {
      const make = (): Ledger =>
        new Ledger({ baseCurrency: 'USD', startingCash: 50_000, instruments: instrumentsFx, fxRates: { EURUSD: 1.1 }, positionMode: 'hedging', lotMethod });
      const steps = script();
      const run = (ledger: Ledger, from: number, to: number): void => {
        for (const s of steps.slice(from, to)) {
          ledger.applyFill(s.f, s.side ? { positionSide: s.side } : undefined);
          if (s.mark !== undefined) ledger.mark(s.f.instrumentId, s.mark);
          if (s.rate !== undefined) ledger.setFxRate('EUR/USD', s.rate);
          if (s.funding !== undefined) ledger.applyFunding(s.f.instrumentId, s.funding);
        }
      };
      const whole = make();
      run(whole, 0, steps.length);
      const first = make();
      run(first, 0, 4);
      const restored = Ledger.restore(JSON.parse(JSON.stringify(first.snapshot())) as LedgerSnapshot, { instruments: instrumentsFx });
      expect(restored.snapshot()).toEqual(first.snapshot());
      run(restored, 4, steps.length);
      expect(restored.snapshot()).toEqual(whole.snapshot());
      expect(str(restored.equity())).toBe(str(whole.equity()));
      expect(restored.equityValue()).toBe(whole.equityValue());
      expect(str(restored.realizedPnl())).toBe(str(whole.realizedPnl()));
      expect(restored.positionLegs(goog.id)).toEqual(whole.positionLegs(goog.id));
      for (const c of ['USD', 'EUR']) expect(imbalanceIn(restored, c).isZero()).toBe(true);
    });
  }

  it('rejects a damaged snapshot or one naming an unknown instrument, naming the field', () => {
    const ledger = newLedger();
    ledger.applyFill(fill(goog, 'BUY', 1, '10'));
    const snap = ledger.snapshot();
    expect(fieldOf(() => Ledger.restore({ ...snap, startingCash: 'lots' }, { instruments }))).toBe('snapshot.startingCash');
    expect(fieldOf(() => Ledger.restore(snap, { instruments: instrumentRegistry([es]) }))).toBe('snapshot.instruments[0].instrumentId');
  });
});

// ---------------------------------------------------------------------------------------------------
// Property: FIFO lots, hedging legs and multi-currency cash keep the books balanced in every currency,
// quantities never drift from the sum of their fills, FIFO realized P&L equals an exact-rational model,
// and a snapshot taken anywhere restores to the same state.

/** FIFO in exact rationals, one queue of lots per leg key; realized P&L per currency. */
class FifoModel {
  readonly lots = new Map<string, { q: Q; p: Q }[]>();
  readonly realized = new Map<string, Q>();
  apply(key: string, currency: string, signed: Q, price: Q, mult: Q): void {
    const queue = this.lots.get(key) ?? [];
    this.lots.set(key, queue);
    const held = queue.reduce((s, l) => s.add(l.q), new Q(0n));
    if (held.sign() === 0 || held.sign() === signed.sign()) {
      queue.push({ q: signed, p: price });
      return;
    }
    let remaining = signed.abs();
    let realized = new Q(0n);
    while (remaining.sign() > 0 && queue.length > 0) {
      const lot = queue[0]!;
      const take = lot.q.abs().sub(remaining).sign() < 0 ? lot.q.abs() : remaining;
      realized = realized.add((held.sign() > 0 ? price.sub(lot.p) : lot.p.sub(price)).mul(take).mul(mult));
      const left = lot.q.abs().sub(take);
      if (left.sign() === 0) queue.shift();
      else lot.q = held.sign() > 0 ? left : new Q(-left.n, left.d);
      remaining = remaining.sub(take);
    }
    if (remaining.sign() > 0) queue.push({ q: signed.sign() > 0 ? remaining : new Q(-remaining.n, remaining.d), p: price });
    this.realized.set(currency, (this.realized.get(currency) ?? new Q(0n)).add(realized));
  }
}

const fxTradable = [goog, es, btc, sap] as const;
const eventArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('fill' as const), which: fc.integer({ min: 0, max: 3 }), side: fc.constantFrom<OrderSide>('BUY', 'SELL'), leg: fc.constantFrom<'auto' | 'LONG' | 'SHORT'>('auto', 'LONG', 'SHORT'), lots: fc.integer({ min: 1, max: 300 }), cents: fc.integer({ min: 1, max: 500_000 }), feeCents: fc.integer({ min: 0, max: 2_000 }), eurFee: fc.boolean(), mark: fc.double({ min: 0.01, max: 6000, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rate' as const), rate: fc.double({ min: 0.5, max: 2, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('funding' as const), which: fc.integer({ min: 0, max: 3 }), cents: fc.integer({ min: -50_000, max: 50_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deposit' as const), cents: fc.integer({ min: 1, max: 1_000_000 }), eur: fc.boolean() }) },
);

describe('Ledger invariants with FIFO, hedging and several currencies (property-based)', () => {
  it('balances every currency exactly, never lets a quantity drift, matches an exact FIFO model and restores from any snapshot', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('average' as const, 'fifo' as const),
        fc.constantFrom('netting' as const, 'hedging' as const),
        fc.array(eventArb, { minLength: 1, maxLength: 40 }),
        fc.nat(),
        (lotMethod, positionMode, events, cut) => {
          const config = { baseCurrency: 'USD', startingCash: 100_000, instruments: instrumentsFx, fxRates: { EURUSD: 1.1 }, positionMode, lotMethod } as const;
          const ledger = new Ledger(config);
          const cutAt = cut % events.length;
          let restored: Ledger | undefined;
          const legSums = new Map<string, Decimal>();
          const model = new FifoModel();
          events.forEach((e, step) => {
            for (const l of restored ? [ledger, restored] : [ledger]) {
              if (e.kind === 'rate') l.setFxRate('EURUSD', e.rate);
              else if (e.kind === 'deposit') l.deposit(new Decimal(e.cents).div(100), e.eur ? 'EUR' : 'USD');
              else if (e.kind === 'funding') l.applyFunding(fxTradable[e.which]!.id, new Decimal(e.cents).div(100));
            }
            if (e.kind === 'fill') {
              const instrument = fxTradable[e.which]!;
              const quantity = instrument.lotSize.mul(e.lots);
              const price = new Decimal(e.cents).div(100).div(instrument.tickSize).ceil().mul(instrument.tickSize);
              const f = withCurrency(fill(instrument, e.side, quantity, price, new Decimal(e.feeCents).div(100)), e.eurFee ? 'EUR' : 'USD');
              let leg: 'NET' | 'LONG' | 'SHORT' = 'NET';
              if (positionMode === 'hedging') {
                leg = e.side === 'BUY' ? 'LONG' : 'SHORT';
                if (e.leg !== 'auto' && e.leg !== leg && ledger.positionQuantity(instrument.id, e.leg).abs().gte(quantity)) leg = e.leg; // a valid close
              }
              for (const l of restored ? [ledger, restored] : [ledger]) {
                l.applyFill(f, leg === 'NET' ? undefined : { positionSide: leg });
                l.mark(instrument.id, e.mark);
              }
              const key = `${instrument.id}|${leg}`;
              const signed = e.side === 'BUY' ? quantity : quantity.neg();
              legSums.set(key, (legSums.get(key) ?? new Decimal(0)).plus(signed));
              model.apply(key, instrument.quote, Q.of(signed), Q.of(price), Q.of(instrument.multiplier));
            }
            for (const c of ['USD', 'EUR']) expect(imbalanceIn(ledger, c).isZero()).toBe(true);
            for (const [key, sum] of legSums) {
              const [id, leg] = key.split('|') as [InstrumentId, 'NET' | 'LONG' | 'SHORT'];
              expect(ledger.positionQuantity(id, leg === 'NET' ? undefined : leg).eq(sum)).toBe(true);
            }
            if (step === cutAt) restored = Ledger.restore(JSON.parse(JSON.stringify(ledger.snapshot())) as LedgerSnapshot, { instruments: instrumentsFx });
          });
          if (lotMethod === 'fifo') for (const c of ['USD', 'EUR']) expect(Q.of(ledger.realizedPnl(c)).sub(model.realized.get(c) ?? new Q(0n)).sign()).toBe(0);
          expect(restored!.snapshot()).toEqual(ledger.snapshot());
          expect(restored!.equityValue()).toBe(ledger.equityValue());
          const exact = ledger.equity().toNumber();
          expect(Math.abs(ledger.equityValue() - exact)).toBeLessThanOrEqual(1e-9 * Math.max(1, ledger.grossExposure().toNumber() + Math.abs(ledger.cash('USD').toNumber()) + Math.abs(ledger.cash('EUR').toNumber()) * 2));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('Ledger: a commission in the base currency of a spot fill', () => {
  it('takes it from the position as the venue does and books it as a fee in the quote currency at the fill price', () => {
    const ledger = newLedger();
    // BUY 0.01 BTC at 30000.50, commission 0.00001 BTC: the venue credits 0.00999 BTC for 300.005 USD.
    ledger.applyFill(withCurrency(fill(btc, 'BUY', '0.01', '30000.5', '0.00001'), 'BTC'));
    let p = ledger.position(btc.id)!;
    expect([str(p.quantity), str(p.avgPrice), str(ledger.cash()), str(ledger.totalFees()), str(ledger.realizedPnl())]).toEqual(['0.00999', '30000.5', '99699.995', '0.300005', '0']);
    expect(str(ledger.totalFees('BTC'))).toBe('0');
    expect(ledger.balances().map((b) => b.currency)).toEqual(['USD']);
    ledger.mark(btc.id, 31_000);
    expect(str(ledger.equity())).toBe('100009.685'); // 99699.995 + 0.00999 x 31000
    expect(str(ledger.instrumentPnl(btc.id).total)).toBe('9.685'); // unrealized 0.00999 x 999.50 = 9.985005, less the fee 0.300005
    // SELL 0.005 at 31000, commission 0.000005 BTC taken from the coins: 0.005005 leave the position, 155 USD come in.
    ledger.applyFill(withCurrency(fill(btc, 'SELL', '0.005', '31000', '0.000005'), 'BTC'));
    p = ledger.position(btc.id)!;
    expect([str(p.quantity), str(ledger.cash()), str(ledger.totalFees()), str(ledger.realizedPnl())]).toEqual(['0.004985', '99854.995', '0.455005', '5.0024975']);
    expect(imbalance(ledger).isZero()).toBe(true);
    expect(str(ledger.equity())).toBe('100009.53'); // 99854.995 + 0.004985 x 31000
  });

  it('refuses a commission in a third currency naming it, unless the ledger holds several currencies', () => {
    const ledger = newLedger();
    const bnb = withCurrency(fill(btc, 'BUY', '0.01', '30000', '0.0004'), 'BNB');
    expect(() => ledger.applyFill(bnb)).toThrow(/fill\.commissionCurrency: is "BNB" but the ledger holds USD only: a commission is booked in USD or in BTC, the base currency of BTCUSD\.SIM/);
    expect(() => ledger.checkFill(bnb)).toThrow(/fill\.commissionCurrency: is "BNB"/);
    ledger.checkFill(withCurrency(fill(btc, 'BUY', '0.01', '30000', '0.00001'), 'BTC')); // bookable: checked, not booked
    expect(str(ledger.cash())).toBe('100000');
    expect(ledger.position(btc.id)).toBeUndefined();
    // A multi-currency ledger holds BNB: the commission is owed in BNB, the position gets the whole quantity.
    const multi = fxLedger({ fxRates: { BNBUSD: 600 } });
    multi.applyFill(bnb);
    expect([str(multi.positionQuantity(btc.id)), str(multi.cash('USD')), str(multi.cash('BNB')), str(multi.totalFees())]).toEqual(['0.01', '99700', '-0.0004', '0.24']);
  });

  it('refuses a base-currency commission as large as the quantity, and leaves margined instruments alone', () => {
    const ledger = newLedger();
    expect(() => ledger.applyFill(withCurrency(fill(btc, 'BUY', '0.01', '30000', '0.01'), 'BTC'))).toThrow(/fill\.quantity: 0\.01 is not more than the commission 0\.01 BTC/);
    const perp = defineInstrument({ symbol: 'BTCUSD-PERP', venue: 'SIM', assetClass: 'perpetual', base: 'BTC', quote: 'USD', tickSize: '0.1', lotSize: '0.001' });
    const margin = new Ledger({ baseCurrency: 'USD', startingCash: 10_000, instruments: instrumentRegistry([perp]) });
    expect(() => margin.applyFill(withCurrency(fill(perp, 'BUY', '0.01', '30000', '0.00001'), 'BTC'))).toThrow(/is "BTC" but the ledger holds USD only: a commission is booked in USD; pass fxRates/);
  });
});

import { clientOrderId, Decimal, defineInstrument, instrumentRegistry, tradeId, ValidationError, venueOrderId, type Fill, type Instrument, type OrderSide } from '@rxtrade/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../ledger';
import { attributePnl } from './attribute-pnl';

const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const es = defineInstrument({ symbol: 'ES', venue: 'CME', assetClass: 'future', base: 'ES', quote: 'USD', tickSize: '0.25', lotSize: '1', multiplier: 50 });
const instruments = instrumentRegistry([goog, es]);
let seq = 0;
function fill(instrument: Instrument, side: OrderSide, quantity: number, price: string, commission: string, strategyId: string): Fill & { strategyId: string } {
  seq++;
  return {
    tradeId: tradeId(`T-${seq}`), clientOrderId: clientOrderId(`O-${seq}`), venueOrderId: venueOrderId(`V-${seq}`), instrumentId: instrument.id, side,
    quantity: new Decimal(quantity), price: new Decimal(price), commission: new Decimal(commission), commissionCurrency: 'USD', liquiditySide: 'TAKER', ts: seq, strategyId,
  };
}

describe('attributePnl', () => {
  it('splits P&L by strategy and by instrument so that the parts add up to the ledger equity change and per-instrument P&L', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ es: fc.boolean(), buy: fc.boolean(), qty: fc.integer({ min: 1, max: 50 }), cents: fc.integer({ min: 100, max: 900_000 }), fee: fc.integer({ min: 0, max: 500 }), strategy: fc.constantFrom('trend', 'carry') }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 100, max: 900_000 }),
        fc.integer({ min: 100, max: 900_000 }),
        (steps, googMark, esMark) => {
          const ledger = new Ledger({ baseCurrency: 'USD', startingCash: 1_000_000, instruments });
          const fills = steps.map((s) => {
            const i = s.es ? es : goog;
            const price = new Decimal(s.cents).div(100).div(i.tickSize).floor().mul(i.tickSize).toString();
            return fill(i, s.buy ? 'BUY' : 'SELL', s.qty, price, new Decimal(s.fee).div(100).toString(), s.strategy);
          });
          for (const f of fills) ledger.applyFill(f);
          const marks = { [goog.id]: googMark / 100, [es.id]: esMark / 4 };
          ledger.mark(goog.id, marks[goog.id]!);
          ledger.mark(es.id, marks[es.id]!);
          const change = ledger.equity().minus(1_000_000);
          for (const by of ['strategy', 'instrument'] as const) {
            const rows = attributePnl(fills, { instruments, marks, by, startingEquity: 1_000_000 });
            const total = rows.reduce((s, r) => s.plus(r.net), new Decimal(0));
            expect(total.eq(change)).toBe(true);
            expect(rows.reduce((s, r) => s + r.fills, 0)).toBe(fills.length);
            if (by === 'instrument') for (const r of rows) expect(r.net.eq(ledger.instrumentPnl(r.key as never).total)).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('values an open position at its mark and reports contribution as net over starting equity', () => {
    const fills = [fill(goog, 'BUY', 10, '100', '1', 'a'), fill(goog, 'SELL', 4, '110', '1', 'b')];
    const rows = attributePnl(fills, { instruments, marks: { [goog.id]: 105 }, by: 'strategy', startingEquity: 10_000 });
    expect(rows.map((r) => [r.key, r.gross.toString(), r.fees.toString(), r.net.toString(), r.contribution])).toEqual([
      ['a', '50', '1', '49', 0.0049], // -1000 + 10 x 105
      ['b', '20', '1', '19', 0.0019], // +440 - 4 x 105
    ]);
  });

  it('requires a mark for every open position and one currency, naming the field', () => {
    const field = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).field;
      }
      return 'no error';
    };
    expect(field(() => attributePnl([fill(goog, 'BUY', 1, '1', '0', 'a')], { instruments, marks: {}, startingEquity: 1 }))).toBe(`marks.${goog.id}`);
    expect(field(() => attributePnl([{ ...fill(goog, 'BUY', 1, '1', '0', 'a'), commissionCurrency: 'EUR' }], { instruments, marks: {}, startingEquity: 1 }))).toBe('fills[0].commissionCurrency');
    expect(field(() => attributePnl([], { instruments, marks: {}, startingEquity: 0 }))).toBe('startingEquity');
  });
});

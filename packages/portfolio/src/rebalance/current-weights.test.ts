import { clientOrderId, Decimal, defineInstrument, instrumentRegistry, tradeId, venueOrderId, type Instrument, type OrderSide } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../ledger';
import { currentWeights } from './current-weights';

const spy = defineInstrument({ symbol: 'SPY', venue: 'ARCA', assetClass: 'stock', base: 'SPY', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const es = defineInstrument({ symbol: 'ES', venue: 'CME', assetClass: 'future', base: 'ES', quote: 'USD', tickSize: '0.25', lotSize: '1', multiplier: 50 });
const instruments = instrumentRegistry([spy, es]);
let n = 0;
const fill = (i: Instrument, side: OrderSide, q: number, p: number) => ({
  tradeId: tradeId(`T${++n}`), clientOrderId: clientOrderId(`O${n}`), venueOrderId: venueOrderId(`V${n}`), instrumentId: i.id, side,
  quantity: new Decimal(q), price: new Decimal(p), commission: new Decimal(0), commissionCurrency: 'USD', liquiditySide: 'TAKER' as const, ts: 0,
});

describe('currentWeights', () => {
  it('divides each marked position value (multiplier included, shorts negative) by equity', () => {
    const ledger = new Ledger({ baseCurrency: 'USD', startingCash: 100_000, instruments });
    ledger.applyFill(fill(spy, 'BUY', 100, 400));
    ledger.applyFill(fill(es, 'SELL', 1, 5000));
    ledger.mark(spy.id, 500); // equity 100000 - 40000 + 250000 + 50000 - 250000 = 110000
    const w = currentWeights(ledger, instruments);
    expect(w[spy.id]).toBeCloseTo(50_000 / 110_000, 15);
    expect(w[es.id]).toBeCloseTo(-250_000 / 110_000, 15);
    expect(currentWeights(ledger, instruments, (id) => (id === spy.id ? 600 : undefined))).toEqual({ [spy.id]: 60_000 / 110_000 });
  });

  it('converts a position quoted in another currency at the ledger rate', () => {
    const sap = defineInstrument({ symbol: 'SAP', venue: 'XETRA', assetClass: 'stock', base: 'SAP', quote: 'EUR', tickSize: '0.01', lotSize: '1' });
    const registry = instrumentRegistry([spy, sap]);
    const ledger = new Ledger({ baseCurrency: 'USD', startingCash: 10_000, instruments: registry, fxRates: { EURUSD: 1.2 } });
    ledger.applyFill({ ...fill(sap, 'BUY', 10, 100), commissionCurrency: 'EUR' }); // 1000 EUR of SAP, -1000 EUR cash
    expect(currentWeights(ledger, registry)).toEqual({ [sap.id]: 1200 / 10_000 });
  });

  it('is empty when equity is not positive', () => {
    expect(currentWeights(new Ledger({ baseCurrency: 'USD', startingCash: 0, instruments }), instruments)).toEqual({});
  });
});

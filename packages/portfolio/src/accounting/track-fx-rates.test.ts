import { defineInstrument, instrumentRegistry, ValidationError } from '@rxtrade/core';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../ledger';
import { trackFxRates, type FxRate } from './track-fx-rates';

const sap = defineInstrument({ symbol: 'SAP', venue: 'XETRA', assetClass: 'stock', base: 'SAP', quote: 'EUR', tickSize: '0.01', lotSize: '1' });
const newLedger = (): Ledger => new Ledger({ baseCurrency: 'USD', startingCash: 0, instruments: instrumentRegistry([sap]), fxRates: {} });

describe('trackFxRates', () => {
  it('sets every rate of the stream on the ledger until unsubscribed', () => {
    const ledger = newLedger();
    const rates = new Subject<FxRate>();
    const sub = trackFxRates(ledger, rates);
    expect(ledger.fxRate('EUR')).toBeUndefined();
    rates.next({ pair: 'EUR/USD', rate: 1.1, ts: 1 });
    rates.next({ pair: 'EURUSD', rate: 1.2, ts: 2 });
    expect(ledger.fxRate('EUR')).toBe(1.2);
    sub.unsubscribe();
    rates.next({ pair: 'EURUSD', rate: 1.3 });
    expect(ledger.fxRate('EUR')).toBe(1.2);
  });

  it('stops at a bad rate and hands the ValidationError to observer.error', () => {
    const ledger = newLedger();
    const rates = new Subject<FxRate>();
    const errors: unknown[] = [];
    const sub = trackFxRates(ledger, rates, { error: (e) => errors.push(e) });
    rates.next({ pair: 'EUR/USD', rate: 1.1 });
    rates.next({ pair: 'EUR/GBP', rate: 0.85 });
    rates.next({ pair: 'EUR/USD', rate: 1.5 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ValidationError);
    expect(sub.closed).toBe(true);
    expect(ledger.fxRate('EUR')).toBe(1.1);
  });

  it('hands an error of the stream itself to observer.error', () => {
    const rates = new Subject<FxRate>();
    const errors: unknown[] = [];
    trackFxRates(newLedger(), rates, { error: (e) => errors.push(e) });
    rates.error(new Error('feed down'));
    expect((errors[0] as Error).message).toBe('feed down');
  });
});

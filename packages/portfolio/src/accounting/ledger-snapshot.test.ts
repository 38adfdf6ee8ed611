import { defineInstrument, instrumentRegistry, parseWith, ValidationError } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../ledger';
import { LedgerSnapshotSchema } from './ledger-snapshot';

const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });

describe('LedgerSnapshotSchema', () => {
  it('accepts what a ledger writes, after a JSON round trip, with null for a price never seen', () => {
    const ledger = new Ledger({ baseCurrency: 'USD', startingCash: '100.25', instruments: instrumentRegistry([goog]) });
    ledger.deposit('1e-8');
    const snap = JSON.parse(JSON.stringify(ledger.snapshot())) as unknown;
    expect(parseWith(LedgerSnapshotSchema, snap)).toEqual(snap);
    expect((snap as { accounts: { cash: string }[] }).accounts[0]!.cash).toBe('100.25000001');
  });

  it('rejects numbers where decimal strings belong and an unknown version, naming the field', () => {
    const snap = new Ledger({ baseCurrency: 'USD', startingCash: 1, instruments: instrumentRegistry([goog]) }).snapshot();
    const field = (value: unknown): string => {
      try {
        parseWith(LedgerSnapshotSchema, value, 'snapshot');
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).field;
      }
      return 'no error';
    };
    expect(field({ ...snap, accounts: [{ ...snap.accounts[0]!, cash: 12 }] })).toBe('snapshot.accounts[0].cash');
    expect(field({ ...snap, version: 2 })).toBe('snapshot.version');
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rxtrade/core';
import { decodeJournalRecord, encodeJournalEntry } from './journal-codec';
import { everyKind, limitOrder } from './__fixtures__/journal-entries';
import { canon } from './__fixtures__/journal-test-kit';

const bytes = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

describe('journal codec', () => {
  it('decodes what it encodes, with Decimals as their exact strings on the wire', () => {
    for (const [i, e] of everyKind.entries()) expect(canon(decodeJournalRecord(i + 1, encodeJournalEntry(e)))).toStrictEqual(canon({ seq: i + 1, ...e }));
    const wire = JSON.parse(new TextDecoder().decode(encodeJournalEntry(everyKind[1]!))) as { payload: { quantity: unknown; price: unknown } };
    expect(wire.payload.quantity).toBe('123456789.123456789012345678');
    expect(wire.payload.price).toBe('0.1');
  });

  it('refuses a Decimal written as a JSON number (it may already be rounded), naming the field', () => {
    const wire = { ts: 1, kind: 'command', payload: { ...JSON.parse(JSON.stringify(limitOrder)), quantity: 0.1 } };
    expect(() => decodeJournalRecord(1, bytes(wire))).toThrow(ValidationError);
    expect(() => decodeJournalRecord(1, bytes(wire))).toThrow(/record\.payload\.quantity/);
  });

  it('refuses unknown kinds and unknown keys', () => {
    expect(() => decodeJournalRecord(1, bytes({ ts: 1, kind: 'gossip', payload: {} }))).toThrow(/record\.kind/);
    expect(() => encodeJournalEntry({ ts: 1, kind: 'marker', payload: { type: 'NodeStarted', nodeId: 'a', colour: 'red' } } as never)).toThrow(/entry\.payload\.colour: unknown option/);
  });
});

/**
 * Cash at startup reconciliation with two venues: the ledger (one account over both) against the sum
 * of the venues' balances in its base currency, strict and adopt; what cannot be compared is not; an
 * adopted cash difference is journaled, so that a restart books it again instead of finding it again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import { BacktestClock, Decimal, defineInstrument, instrumentRegistry, type Balance, type Logger } from '@rxtrade/core';
import { FileJournal, SimulatedVenue } from '@rxtrade/execution';
import { ManualDataClient, T0 } from './__fixtures__/harness';
import { goog, removeTempDirs, tempDir } from './__fixtures__/node-kit';
import { LiveNode, ReconciliationMismatchError } from './live-node';
import { RISK_WAIVER } from './live-node-config';

afterAll(removeTempDirs);

const ibm = defineInstrument({ symbol: 'IBM', venue: 'NYSE', assetClass: 'stock', base: 'IBM', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const sap = defineInstrument({ symbol: 'SAP', venue: 'XETRA', assetClass: 'stock', base: 'SAP', quote: 'EUR', tickSize: '0.01', lotSize: '1' });

const usd = (total: number | string): Balance => ({ currency: 'USD', total: new Decimal(total), free: new Decimal(total), locked: new Decimal(0) });

/** A simulated venue whose account reports the given balances. */
function venue(id: string, balances: readonly Balance[], clock: BacktestClock): SimulatedVenue {
  const v = new SimulatedVenue({ id, clock, instruments: instrumentRegistry([goog, ibm, sap]) });
  v.balances = () => Promise.resolve(balances);
  return v;
}

function warnings(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const none = (): void => undefined;
  return { lines, logger: { debug: none, info: none, error: none, warn: (message: string) => void lines.push(message) } as unknown as Logger };
}

function node(venues: SimulatedVenue[], extra: { dir?: string; reconciliation?: 'strict' | 'adopt'; logger?: Logger; instruments?: (typeof goog)[] } = {}): LiveNode {
  const instruments = extra.instruments ?? [goog, ibm];
  return new LiveNode({
    nodeId: 'two-venues',
    venues,
    dataClients: [new ManualDataClient()],
    subscriptions: [{ instrumentId: goog.id, kind: 'bars' }],
    instruments,
    ledger: { startingCash: 100_000 },
    risk: { waive: RISK_WAIVER },
    journal: { dir: extra.dir ?? tempDir(), fsync: 'never' },
    signals: false,
    clock: new BacktestClock(T0),
    reconciliation: extra.reconciliation ?? 'strict',
    ...(extra.logger === undefined ? {} : { logger: extra.logger }),
  });
}

const pipeline = () => new Subject<never>();

describe('cash with two venues', () => {
  it('strict: the ledger against the sum of both venues; a difference names both, equal sums start', async () => {
    const clock = new BacktestClock(T0);
    const differing = node([venue('NASDAQ', [usd(60_000)], clock), venue('NYSE', [usd('40010.5')], clock)]);
    const error = await differing.start(pipeline).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReconciliationMismatchError);
    expect((error as ReconciliationMismatchError).differences).toEqual([{ venue: 'NASDAQ+NYSE', what: 'cash', instrumentId: 'USD', node: '100000', venueValue: '100010.5' }]);
    expect((error as Error).message).toMatch(/cash USD at NASDAQ\+NYSE: node 100000, venues 100010\.5/);
    const equal = node([venue('NASDAQ', [usd(60_000)], clock), venue('NYSE', [usd(40_000)], clock)]);
    await equal.start(pipeline);
    expect(equal.state).toBe('RUNNING');
    await equal.stop();
  });

  it('compares the venues that report the currency when no other venue trades in it, and nothing when one may hold some', async () => {
    const clock = new BacktestClock(T0);
    // XETRA trades SAP in EUR and reports no USD: all of the node's USD is at NASDAQ.
    const alone = node([venue('NASDAQ', [usd(99_000)], clock), venue('XETRA', [], clock)], { instruments: [goog, sap] });
    const error = await alone.start(pipeline).catch((e: unknown) => e);
    expect((error as ReconciliationMismatchError).differences).toEqual([{ venue: 'NASDAQ', what: 'cash', instrumentId: 'USD', node: '100000', venueValue: '99000' }]);
    // NYSE trades IBM in USD and reports no USD balance: the sum could miss its cash, so cash is not compared.
    const { logger, lines } = warnings();
    const unknown = node([venue('NASDAQ', [usd(99_000)], clock), venue('NYSE', [], clock)], { logger });
    await unknown.start(pipeline);
    expect(unknown.state).toBe('RUNNING');
    expect(lines).toContain('node two-venues: cash USD not compared: NYSE trades instruments quoted in USD and reports no USD balance');
    await unknown.stop();
  });

  it('adopt: takes the sum, journals the adjustment, and a restart books it from the journal (strict then passes)', async () => {
    const clock = new BacktestClock(T0);
    const dir = tempDir();
    const venues = (): SimulatedVenue[] => [venue('NASDAQ', [usd(60_000)], clock), venue('NYSE', [usd('39987.25')], clock)];
    const a = node(venues(), { dir, reconciliation: 'adopt' });
    const events: { venue: string; differences: readonly string[] }[] = [];
    a.events.on('reconciliation', (r) => events.push({ venue: r.venue, differences: r.differences }));
    await a.start(pipeline);
    expect(a.ledger.cash().toString()).toBe('99987.25');
    expect(events).toEqual([
      { venue: 'NASDAQ', differences: ["cash USD at NASDAQ+NYSE: node 100000, venues 99987.25 (adopted the venue's)"] },
      { venue: 'NYSE', differences: ["cash USD at NASDAQ+NYSE: node 100000, venues 99987.25 (adopted the venue's)"] },
    ]);
    // The process dies (no stop, no snapshot): only the journal knows of the adjustment.
    a.kernel.stop();
    fs.rmSync(path.join(dir, 'journal.lock'));
    const journal = await FileJournal.open({ dir, readOnly: true });
    const markers: unknown[] = [];
    for await (const r of journal.replay()) if (r.kind === 'marker' && r.payload.type === 'CashAdjusted') markers.push({ ...r.payload, amount: r.payload.amount.toString() });
    await journal.close();
    expect(markers).toEqual([{ type: 'CashAdjusted', nodeId: 'two-venues', currency: 'USD', amount: '-12.75', venues: 'NASDAQ+NYSE' }]);
    const b = node(venues(), { dir, reconciliation: 'strict' });
    const later: (readonly string[])[] = [];
    b.events.on('reconciliation', (r) => later.push(r.differences));
    await b.start(pipeline);
    expect(b.ledger.cash().toString()).toBe('99987.25');
    expect(later).toEqual([[], []]);
    await b.stop();
  });
});

describe('adopting a position with its cash', () => {
  it('books the position at the venue’s average price and only the cash that still differs, once; a strict restart agrees', async () => {
    // The venue holds 7 GOOG bought elsewhere at 101.50 with 1.25 of commission: its USD is
    // 100000 - 7 x 101.50 - 1.25 = 99288.25. The adjustment fill moves the node's cash to
    // 100000 - 710.50 = 99289.50, so the cash adjustment is the commission alone: -1.25.
    const clock = new BacktestClock(T0);
    const dir = tempDir();
    const held = (): SimulatedVenue => {
      const v = venue('NASDAQ', [usd('99288.25')], clock);
      v.positions = () => Promise.resolve([{ instrumentId: goog.id, quantity: new Decimal(7), avgPrice: new Decimal('101.5'), realizedPnl: new Decimal(0), unrealizedPnl: new Decimal(0), ts: T0 }]);
      return v;
    };
    const a = node([held()], { dir, reconciliation: 'adopt', instruments: [goog] });
    const events: (readonly string[])[] = [];
    a.events.on('reconciliation', (r) => events.push(r.differences));
    await a.start(pipeline);
    expect(a.ledger.positionQuantity(goog.id).toString()).toBe('7');
    expect(a.ledger.position(goog.id)!.avgPrice.toString()).toBe('101.5');
    expect(a.ledger.cash().toString()).toBe('99288.25');
    expect(a.ledger.equity().toString()).toBe('99998.75'); // 99288.25 + 7 x 101.50
    expect(events).toEqual([
      [
        "position GOOG.NASDAQ: node 0, venue 7 (adopted the venue's)",
        "cash USD: node 99289.5, venue 99288.25 (adopted the venue's)",
      ],
    ]);
    a.kernel.stop();
    fs.rmSync(path.join(dir, 'journal.lock'));
    const journal = await FileJournal.open({ dir, readOnly: true });
    const markers: string[] = [];
    for await (const r of journal.replay()) if (r.kind === 'marker' && r.payload.type === 'CashAdjusted') markers.push(r.payload.amount.toString());
    await journal.close();
    expect(markers).toEqual(['-1.25']);
    const b = node([held()], { dir, reconciliation: 'strict', instruments: [goog] });
    const later: (readonly string[])[] = [];
    b.events.on('reconciliation', (r) => later.push(r.differences));
    await b.start(pipeline);
    expect([b.ledger.positionQuantity(goog.id).toString(), b.ledger.cash().toString()]).toEqual(['7', '99288.25']);
    expect(later).toEqual([[]]);
    await b.stop();
  });
});

/**
 * Funding payments are venue events: each is journaled before the ledger books it, a payment the venue
 * reports again is booked once, and a restart (after a crash, from the journal; after a stop, from the
 * snapshot) rebuilds them to the cent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import { BacktestClock, Decimal, defineInstrument, instrumentRegistry, type ExecutionClient, type FundingPayment } from '@rxtrade/core';
import { FileJournal, SimulatedVenue, decodeJournalRecord, encodeJournalEntry } from '@rxtrade/execution';
import { ManualDataClient, T0 } from './__fixtures__/harness';
import { removeTempDirs, tempDir } from './__fixtures__/node-kit';
import { LiveNode } from './live-node';
import { RISK_WAIVER } from './live-node-config';

afterAll(removeTempDirs);

const perp = defineInstrument({ symbol: 'BTCUSDT-PERP', venue: 'SIM', assetClass: 'perpetual', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001' });

/** A SimulatedVenue whose funding payments the test pushes. */
function fundingVenue(clock: BacktestClock): { venue: ExecutionClient; funding: Subject<FundingPayment> } {
  const sim = new SimulatedVenue({ clock, instruments: instrumentRegistry([perp]) });
  const funding = new Subject<FundingPayment>();
  const venue = new Proxy(sim, {
    get: (target, prop) => {
      if (prop === 'fundingPayments') return funding.asObservable();
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as ExecutionClient;
  return { venue, funding };
}

function node(venue: ExecutionClient, dir: string): LiveNode {
  return new LiveNode({
    nodeId: 'funding',
    venues: [venue],
    dataClients: [new ManualDataClient()],
    subscriptions: [{ instrumentId: perp.id, kind: 'bars' }],
    instruments: [perp],
    ledger: { startingCash: 10_000 },
    risk: { waive: RISK_WAIVER },
    journal: { dir, fsync: 'never' },
    signals: false,
    clock: new BacktestClock(T0),
  });
}

const payment = (ts: number, amount: string, rate: number): FundingPayment => ({
  type: 'FundingPayment',
  instrumentId: perp.id,
  rate,
  positionQuantity: new Decimal('0.5'),
  markPrice: new Decimal('30000'),
  amount: new Decimal(amount),
  currency: 'USDT',
  ts,
});

const HOUR = 3_600_000;
const first = payment(T0 + 8 * HOUR, '-1.5', 0.0001);
const second = payment(T0 + 16 * HOUR, '0.75', Number.NaN); // a venue that does not report the rate

describe('funding payments on a live node', () => {
  it('journals each payment before booking it, books a repeated one once, and rebuilds them after a crash and after a stop', async () => {
    const dir = tempDir();
    const { venue, funding } = fundingVenue(new BacktestClock(T0));
    const a = node(venue, dir);
    await a.start(() => new Subject<never>());
    funding.next(first);
    funding.next(first); // reported again (a poll that overlaps the last one)
    funding.next(second);
    await a.idle();
    expect([a.ledger.cash().toString(), a.ledger.totalFunding().toString(), a.ledger.instrumentPnl(perp.id).funding.toString()]).toEqual(['9999.25', '-0.75', '-0.75']);

    // The process dies: no stop, no snapshot. The journal holds each payment once, rate and all.
    a.kernel.stop();
    fs.rmSync(path.join(dir, 'journal.lock'));
    const journal = await FileJournal.open({ dir, readOnly: true });
    const journaled: FundingPayment[] = [];
    for await (const r of journal.replay()) if (r.kind === 'funding') journaled.push(r.payload);
    await journal.close();
    expect(journaled.map((p) => [p.ts, p.amount.toString(), p.rate])).toEqual([
      [first.ts, '-1.5', 0.0001],
      [second.ts, '0.75', Number.NaN],
    ]);

    // A restart rebuilds them from the journal; the venue reporting the first again books nothing.
    const again = fundingVenue(new BacktestClock(T0));
    const b = node(again.venue, dir);
    await b.start(() => new Subject<never>());
    expect([b.ledger.cash().toString(), b.ledger.totalFunding().toString()]).toEqual(['9999.25', '-0.75']);
    again.funding.next(first);
    await b.idle();
    expect(b.ledger.cash().toString()).toBe('9999.25');
    await b.stop(); // writes a snapshot: the next start begins from it

    // From the snapshot: the payments are in its ledger, and the keys that recognise a repeat too.
    const third = fundingVenue(new BacktestClock(T0));
    const c = node(third.venue, dir);
    await c.start(() => new Subject<never>());
    third.funding.next(second);
    third.funding.next(payment(T0 + 24 * HOUR, '-0.25', 0.00002));
    await c.idle();
    expect([c.ledger.cash().toString(), c.ledger.totalFunding().toString()]).toEqual(['9999', '-1']);
    await c.stop();
  });

  it('encodes a funding record and reads it back equal, an unknown rate as NaN', () => {
    const record = decodeJournalRecord(7, encodeJournalEntry({ ts: T0, kind: 'funding', payload: second }));
    expect(record).toEqual({ seq: 7, ts: T0, kind: 'funding', payload: second });
    expect(() => encodeJournalEntry({ ts: T0, kind: 'funding', payload: { ...second, amount: 'x' } as unknown as FundingPayment })).toThrow(/payload\.amount/);
  });
});

/**
 * Reconciliation and retries against a scripted venue that loses messages, as a live exchange can: a
 * submit that times out is never sent again; the manager asks the venue by client order id instead.
 */
import {
  BacktestClock,
  Decimal,
  NetworkError,
  OrderFactory,
  instrumentRegistry,
  strategyId,
  tradeId,
  type CancelOrder,
  type ClientOrderId,
  type Fill,
  type OrderEvent,
  type OrderStatusReport,
  type SubmitOrder,
  type Venue,
  type VenueId,
  type VenueOrderId,
} from '@rxtrade/core';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { goog } from './__fixtures__/setup';
import { OrderManager } from './order-manager';

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** A venue that records what it was sent and answers only what the test scripts. */
function scripted(query: (id: ClientOrderId, attempt: number) => Promise<OrderStatusReport | undefined>) {
  const clock = new BacktestClock(0);
  const instruments = instrumentRegistry([goog]);
  const subject = new Subject<OrderEvent>();
  const sent: string[] = [];
  let queries = 0;
  const queryTimes: number[] = [];
  const venue: Venue = {
    id: 'LOSSY' as VenueId,
    capabilities: { orderTypes: ['MARKET', 'LIMIT'], timeInForce: ['GTC', 'IOC'], reduceOnly: true, postOnly: true, modify: true },
    events: subject,
    submit: (c: SubmitOrder) => void sent.push(`submit ${c.clientOrderId}`),
    cancel: (c: CancelOrder) => void sent.push(`cancel ${c.clientOrderId} @${clock.now()}`),
    modify: () => {},
    openOrders: () => Promise.resolve([]),
    positions: () => Promise.resolve([]),
    balances: () => Promise.resolve([]),
    queryOrder: (id) => {
      queryTimes.push(clock.now());
      return query(id, ++queries);
    },
  };
  const manager = new OrderManager({ clock, instruments, venue, submitTimeoutMs: 1000, cancelTimeoutMs: 500, retry: { maxAttempts: 3, baseDelayMs: 100, jitter: 'none' } });
  const events: OrderEvent[] = [];
  const anomalies: string[] = [];
  manager.events.subscribe((e) => events.push(e));
  manager.anomalies.subscribe((a) => anomalies.push(`${a.reason}: ${a.message}`));
  const factory = new OrderFactory(clock, instruments, strategyId('s'), 'O');
  return { clock, subject, sent, manager, events, anomalies, factory, queryTimes, venue };
}

const venueFill = (id: string, trade: string, qty: string, price: string, ts: number): Fill => ({
  tradeId: tradeId(trade),
  clientOrderId: id as ClientOrderId,
  venueOrderId: 'V-1' as VenueOrderId,
  instrumentId: goog.id,
  side: 'BUY',
  quantity: new Decimal(qty),
  price: new Decimal(price),
  commission: new Decimal('0.5'),
  commissionCurrency: 'USD',
  liquiditySide: 'MAKER',
  ts,
});

describe('OrderManager reconciliation', () => {
  it('reconciles a submit that timed out by client order id: applies the acceptance and the missed fills, never resubmits', async () => {
    let id = '';
    const s = scripted(() =>
      Promise.resolve({
        clientOrderId: id as ClientOrderId,
        venueOrderId: 'V-1' as VenueOrderId,
        instrumentId: goog.id,
        status: 'PARTIALLY_FILLED',
        quantity: new Decimal(100),
        filledQuantity: new Decimal(60),
        price: new Decimal('99.5'),
        triggerPrice: undefined,
        fills: [venueFill(id, 'T-1', '40', '99.5', 400), venueFill(id, 'T-2', '20', '99.5', 700)],
        ts: 300,
      }),
    );
    const cmd = s.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 100, price: '99.5' });
    id = cmd.clientOrderId;
    s.manager.execute(cmd);
    s.clock.advanceTo(999);
    expect(s.queryTimes).toEqual([]);
    s.clock.advanceTo(1000); // the submit timeout
    await flush();
    expect(s.sent).toEqual([`submit ${id}`]); // sent once, never again
    expect(s.queryTimes).toEqual([1000]);
    expect(s.events.map((e) => e.type)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderFilled', 'OrderFilled']);
    const order = s.manager.order(id as ClientOrderId)!;
    expect(order.status).toBe('PARTIALLY_FILLED');
    expect(order.filledQuantity.toString()).toBe('60');
    expect(order.venueOrderId).toBe('V-1');
    // The venue's own fill event arriving late is recognized by trade id and not applied twice.
    s.subject.next({ type: 'OrderFilled', ...venueFill(id, 'T-2', '20', '99.5', 700), strategyId: strategyId('s'), tsInit: 1001 });
    expect(order.filledQuantity.toString()).toBe('60');
    expect(s.anomalies).toEqual([expect.stringContaining('DUPLICATE_FILL')]);
  });

  it('rejects locally (and does not resubmit) a submit the venue never saw', async () => {
    const s = scripted(() => Promise.resolve(undefined));
    const cmd = s.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 });
    s.manager.execute(cmd);
    s.clock.advanceTo(1000);
    await flush();
    expect(s.sent).toEqual([`submit ${cmd.clientOrderId}`]);
    const order = s.manager.order(cmd.clientOrderId)!;
    expect(order.status).toBe('REJECTED');
    expect(s.events.at(-1)).toMatchObject({ type: 'OrderRejected', reason: expect.stringContaining('unknown to it when queried (reconciled; not resubmitted)') });
  });

  it('does not reconcile when the venue answered in time', async () => {
    const s = scripted(() => Promise.resolve(undefined));
    const cmd = s.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 });
    s.manager.execute(cmd);
    s.clock.advanceTo(10);
    s.subject.next({ type: 'OrderAccepted', clientOrderId: cmd.clientOrderId, strategyId: cmd.strategyId, instrumentId: goog.id, ts: 10, tsInit: 10, venueOrderId: 'V-9' as VenueOrderId });
    s.clock.advanceTo(5000);
    await flush();
    expect(s.queryTimes).toEqual([]);
    expect(s.manager.order(cmd.clientOrderId)!.status).toBe('ACCEPTED');
  });

  it('retries a failing query with exponential backoff on the clock, then reports the failure and keeps the order SUBMITTED', async () => {
    const s = scripted(() => Promise.reject(new NetworkError('gateway timeout')));
    const cmd = s.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 });
    s.manager.execute(cmd);
    s.clock.advanceTo(1000);
    await flush();
    s.clock.advanceTo(1100); // retry 1 after 100 ms
    await flush();
    s.clock.advanceTo(1300); // retry 2 after 200 ms
    await flush();
    expect(s.queryTimes).toEqual([1000, 1100, 1300]);
    expect(s.manager.order(cmd.clientOrderId)!.status).toBe('SUBMITTED');
    expect(s.anomalies).toEqual([`RECONCILIATION_FAILED: could not query order ${cmd.clientOrderId} at venue LOSSY: gave up after 3 attempts: gateway timeout`]);
    expect(s.sent).toEqual([`submit ${cmd.clientOrderId}`]);
  });

  it('sends an unanswered cancel again with backoff, then reconciles it against the venue', async () => {
    let id = '';
    const s = scripted(() =>
      Promise.resolve({
        clientOrderId: id as ClientOrderId,
        venueOrderId: 'V-1' as VenueOrderId,
        instrumentId: goog.id,
        status: 'CANCELED',
        quantity: new Decimal(100),
        filledQuantity: new Decimal(0),
        price: new Decimal('99.5'),
        triggerPrice: undefined,
        fills: [],
        ts: 2000,
      }),
    );
    const cmd = s.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 100, price: '99.5' });
    id = cmd.clientOrderId;
    s.manager.execute(cmd);
    s.subject.next({ type: 'OrderAccepted', clientOrderId: cmd.clientOrderId, strategyId: cmd.strategyId, instrumentId: goog.id, ts: 0, tsInit: 0, venueOrderId: 'V-1' as VenueOrderId });
    s.manager.execute(s.factory.cancel(cmd));
    // attempt 1 at 0, times out at 500; resent after 100 ms (600); times out at 1100; resent after 200 ms (1300); times out at 1800: query.
    for (const t of [500, 600, 1100, 1300, 1800]) s.clock.advanceTo(t);
    await flush();
    expect(s.sent).toEqual([`submit ${id}`, `cancel ${id} @0`, `cancel ${id} @600`, `cancel ${id} @1300`]);
    expect(s.queryTimes).toEqual([1800]);
    expect(s.manager.order(cmd.clientOrderId)!.status).toBe('CANCELED');
  });

  it('stops resending a cancel once the venue answers it', () => {
    const s = scripted(() => Promise.resolve(undefined));
    const cmd = s.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 100, price: '99.5' });
    s.manager.execute(cmd);
    s.subject.next({ type: 'OrderAccepted', clientOrderId: cmd.clientOrderId, strategyId: cmd.strategyId, instrumentId: goog.id, ts: 0, tsInit: 0, venueOrderId: 'V-1' as VenueOrderId });
    s.manager.execute(s.factory.cancel(cmd));
    s.clock.advanceTo(100);
    s.subject.next({ type: 'OrderCanceled', clientOrderId: cmd.clientOrderId, strategyId: cmd.strategyId, instrumentId: goog.id, ts: 100, tsInit: 100 });
    s.clock.advanceTo(10_000);
    expect(s.sent).toEqual([`submit ${cmd.clientOrderId}`, `cancel ${cmd.clientOrderId} @0`]);
  });

  it('reconcile() asks about every order sent to the venue', async () => {
    const s = scripted(() => Promise.resolve(undefined));
    const a = s.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 });
    const b = s.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 2 });
    s.manager.execute(a);
    s.manager.execute(b);
    await expect(s.manager.reconcile()).resolves.toBe(2);
    expect(s.manager.order(a.clientOrderId)!.status).toBe('REJECTED');
    expect(s.manager.order(b.clientOrderId)!.status).toBe('REJECTED');
  });
});

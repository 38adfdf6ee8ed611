/**
 * The order manager when the acknowledgement of an order is late and the strategy cancels meanwhile:
 * the cancel is sent while the venue has not yet said it has the order, then the `OrderAccepted`, the
 * cancel's answer and fills arrive in any order, lost or twice. A real `SimulatedVenue` behind a
 * `FaultyVenue` decides what happened; a {@link Wire} between it and the manager holds the venue's
 * events so each test delivers them in the order it names. After every delivery: the order's status,
 * its place among the open orders, its fills (each trade once, summing to the filled quantity), the
 * events the strategy heard and the cancels sent.
 */
import type { OrderEventType, OrderFilled, OrderStatus, SubmitOrder } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { harness, settle } from './__fixtures__/wire';

const status = (h: ReturnType<typeof harness>, c: SubmitOrder): OrderStatus => h.manager.order(c.clientOrderId)!.status;

describe('a late acknowledgement while a cancel is in flight', () => {
  it('keeps PENDING_CANCEL, takes the venue order id and tells the strategy; the OrderCanceled then closes the order', async () => {
    const h = harness();
    const c = h.buy();
    h.cancel(c);
    expect(status(h, c)).toBe('PENDING_CANCEL');
    expect(h.wire.inbox.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderCanceled']);
    const ack = h.wire.take('OrderAccepted');
    h.wire.deliver(ack);
    h.check(c);
    const order = h.manager.order(c.clientOrderId)!;
    // The cancel is still unanswered: the order must not look ACCEPTED (a stop would cancel it again,
    // and the cancel's timeout would be disarmed).
    expect(order.status).toBe('PENDING_CANCEL');
    expect(order.acknowledged).toBe(true);
    expect(order.venueOrderId).toBe((await h.faulty.queryOrder(c.clientOrderId))?.venueOrderId);
    expect(h.manager.openOrders()).toEqual([order]);
    h.wire.deliver(h.wire.take('OrderCanceled'));
    h.check(c);
    expect(order.status).toBe('CANCELED');
    expect(h.manager.openOrders()).toEqual([]);
    expect(h.types()).toEqual(['OrderSubmitted', 'OrderPendingCancel', 'OrderAccepted', 'OrderCanceled']);
    expect(h.anomalies).toEqual([]);
  });

  it('a refused cancel after the late ack returns the order to ACCEPTED, not SUBMITTED', () => {
    const h = harness();
    const c = h.buy();
    h.cancel(c);
    h.wire.deliver(h.wire.take('OrderAccepted'));
    const venueOrderId = h.manager.order(c.clientOrderId)!.venueOrderId;
    h.wire.inbox.length = 0; // the venue's OrderCanceled is replaced by a refusal (say, a rate limit)
    h.wire.deliver({ type: 'OrderCancelRejected', clientOrderId: c.clientOrderId, strategyId: c.strategyId, instrumentId: c.instrumentId, ts: 1, tsInit: 1, reason: 'rate limited' });
    h.check(c);
    expect(status(h, c)).toBe('ACCEPTED');
    expect(h.manager.order(c.clientOrderId)!.venueOrderId).toBe(venueOrderId);
    expect(h.anomalies).toEqual([]);
  });

  it('the cancel answered before the late ack: CANCELED, and the ack is the end of the race (neither applied nor reported)', () => {
    const h = harness();
    const c = h.buy();
    h.cancel(c);
    h.wire.deliver(h.wire.take('OrderCanceled'));
    expect(status(h, c)).toBe('CANCELED');
    h.wire.deliver(h.wire.take('OrderAccepted'));
    h.check(c);
    expect(status(h, c)).toBe('CANCELED');
    expect(h.types()).toEqual(['OrderSubmitted', 'OrderPendingCancel', 'OrderCanceled']);
    expect(h.anomalies).toEqual([]);
  });

  it('duplicated: a second ack while the cancel is in flight and a second OrderCanceled are reported, never applied', () => {
    const h = harness();
    const c = h.buy();
    h.cancel(c);
    const ack = h.wire.take('OrderAccepted');
    const canceled = h.wire.take('OrderCanceled');
    for (const e of [ack, ack, canceled, canceled]) {
      h.wire.deliver(e);
      h.check(c);
    }
    expect(status(h, c)).toBe('CANCELED');
    expect(h.types()).toEqual(['OrderSubmitted', 'OrderPendingCancel', 'OrderAccepted', 'OrderCanceled']);
    expect(h.anomalies.map((a) => [a.reason, a.event?.type])).toEqual([
      ['ILLEGAL_TRANSITION', 'OrderAccepted'],
      ['ILLEGAL_TRANSITION', 'OrderCanceled'],
    ]);
  });

  it('on the clock (FaultyVenue ackDelayMs, venue cancel latency): the ack lands between the cancel request and its answer', () => {
    const h = harness({}, { latency: { cancelMs: 1_000 } });
    h.wire.hold = false;
    h.faulty.faults.ackDelayMs = 500;
    const c = h.buy();
    h.clock.advanceTo(100);
    h.cancel(c);
    h.clock.advanceTo(600); // the ack, 500 ms late
    h.check(c);
    expect(status(h, c)).toBe('PENDING_CANCEL');
    h.clock.advanceTo(1_100); // the venue cancels
    h.check(c);
    expect(status(h, c)).toBe('CANCELED');
    expect(h.types()).toEqual(['OrderSubmitted', 'OrderPendingCancel', 'OrderAccepted', 'OrderCanceled']);
    expect(h.anomalies).toEqual([]);
  });
});

describe('the cancel timeout when the acknowledgement is late', () => {
  const timeouts = { cancelTimeoutMs: 1_000, retry: { baseDelayMs: 100, jitter: 'none' as const, maxAttempts: 3 } };

  it('a cancel lost on the way is sent again after the late ack (the ack does not disarm the timeout)', () => {
    const h = harness(timeouts);
    const c = h.buy();
    h.wire.loseCancels = 1;
    h.cancel(c);
    h.wire.deliver(h.wire.take('OrderAccepted'));
    expect(status(h, c)).toBe('PENDING_CANCEL');
    h.wire.hold = false;
    h.clock.advanceTo(1_000); // the timeout: wait the backoff (100 ms), then send again
    expect(h.wire.cancels).toHaveLength(1);
    h.clock.advanceTo(1_100);
    expect(h.wire.cancels).toHaveLength(2);
    h.check(c);
    expect(status(h, c)).toBe('CANCELED');
    expect(h.types()).toEqual(['OrderSubmitted', 'OrderPendingCancel', 'OrderAccepted', 'OrderCanceled']);
  });

  it('a partial fill while the cancel is in flight keeps PENDING_CANCEL, so a lost cancel is still sent again', async () => {
    const h = harness(timeouts, { maxParticipation: 0.5 });
    const c = h.buy();
    h.market(60_000, 85, 8); // 4 of 10 at 90
    h.wire.loseCancels = 1;
    h.cancel(c);
    h.wire.deliver(h.wire.take('OrderFilled')); // the fill before the ack
    h.check(c);
    expect(status(h, c)).toBe('PENDING_CANCEL');
    expect(h.manager.order(c.clientOrderId)!.filledQuantity.toString()).toBe('4');
    h.wire.deliver(h.wire.take('OrderAccepted')); // overtaken by the fill: not news
    expect(status(h, c)).toBe('PENDING_CANCEL');
    h.wire.hold = false;
    h.clock.advanceTo(61_100);
    expect(h.wire.cancels).toHaveLength(2);
    h.check(c);
    const order = h.manager.order(c.clientOrderId)!;
    expect(order.status).toBe('CANCELED');
    expect(order.filledQuantity.toString()).toBe('4');
    const venue = (await h.faulty.queryOrder(c.clientOrderId))!;
    expect([venue.status, venue.filledQuantity.toString()]).toEqual(['CANCELED', '4']);
    expect(h.types()).toEqual(['OrderSubmitted', 'OrderPendingCancel', 'OrderFilled', 'OrderCanceled']);
    expect(h.anomalies).toEqual([]);
  });

  it('a resent cancel refused because the first one canceled the order (its answer lost) is checked with the venue: CANCELED', async () => {
    const h = harness(timeouts);
    const c = h.buy();
    h.cancel(c);
    h.wire.deliver(h.wire.take('OrderAccepted'));
    h.wire.take('OrderCanceled'); // lost
    h.clock.advanceTo(1_100); // sent again; the venue refuses: the order is closed
    const refusal = h.wire.take('OrderCancelRejected');
    expect(refusal).toMatchObject({ reason: expect.stringContaining('already closed (CANCELED)') });
    h.wire.deliver(refusal);
    expect(status(h, c)).toBe('PENDING_CANCEL'); // not back to ACCEPTED on an ambiguous refusal
    await settle();
    h.check(c);
    expect(status(h, c)).toBe('CANCELED');
    expect(h.types()).toEqual(['OrderSubmitted', 'OrderPendingCancel', 'OrderAccepted', 'OrderCanceled']);
    expect(h.anomalies).toEqual([]);
  });

  it('a resent cancel refused while the order still works at the venue returns it to its open status', async () => {
    const h = harness(timeouts);
    const c = h.buy();
    h.wire.loseCancels = 1;
    h.cancel(c);
    h.wire.deliver(h.wire.take('OrderAccepted'));
    h.clock.advanceTo(1_100);
    // The venue would cancel the repeat; answer it as a venue that refuses (say, the order is locked).
    h.wire.inbox.length = 0;
    h.wire.deliver({ type: 'OrderCancelRejected', clientOrderId: c.clientOrderId, strategyId: c.strategyId, instrumentId: c.instrumentId, ts: 1_100, tsInit: 1_100, reason: 'locked' });
    await settle();
    h.check(c);
    // The venue canceled the repeat, so the reconciliation finds it CANCELED: what the venue says wins.
    expect(status(h, c)).toBe('CANCELED');
    expect(h.wire.cancels).toHaveLength(2);
  });
});

describe('a fill racing the cancel of an order not yet acknowledged', () => {
  // Submit, the venue fills all 10 at 90, the strategy cancels: the venue refuses (already FILLED).
  // The ack, the fill and the refusal reach the manager in every order, some of them twice.
  const orders: readonly (readonly OrderEventType[])[] = [
    ['OrderAccepted', 'OrderFilled', 'OrderCancelRejected'],
    ['OrderAccepted', 'OrderCancelRejected', 'OrderFilled'],
    ['OrderFilled', 'OrderAccepted', 'OrderCancelRejected'],
    ['OrderFilled', 'OrderCancelRejected', 'OrderAccepted'],
    ['OrderCancelRejected', 'OrderAccepted', 'OrderFilled'],
    ['OrderCancelRejected', 'OrderFilled', 'OrderAccepted'],
    ['OrderFilled', 'OrderFilled', 'OrderAccepted', 'OrderAccepted', 'OrderCancelRejected', 'OrderCancelRejected'],
    ['OrderCancelRejected', 'OrderFilled', 'OrderCancelRejected', 'OrderFilled', 'OrderAccepted'],
  ];

  it.each(orders.map((o) => [o.map((t) => t.replace('Order', '')).join(', '), o] as const))('%s: FILLED once, 10 at 90', async (_name, order) => {
    const h = harness({ cancelTimeoutMs: 1_000 });
    const c = h.buy();
    h.market(60_000, 85);
    h.cancel(c);
    expect(h.wire.inbox.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderFilled', 'OrderCancelRejected']);
    const held = new Map(h.wire.inbox.map((e) => [e.type, e] as const));
    const statuses: OrderStatus[] = [];
    for (const type of order) {
      h.wire.deliver(held.get(type)!);
      h.check(c);
      statuses.push(status(h, c));
    }
    // Until the refusal or the fill arrives, the cancel is in flight.
    const firstAnswer = order.findIndex((t) => t !== 'OrderAccepted');
    for (let i = 0; i < firstAnswer; i++) expect(statuses[i]).toBe('PENDING_CANCEL');
    // A refusal before the fill returns the order to where it was: SUBMITTED without the ack, ACCEPTED with it.
    const refused = order.indexOf('OrderCancelRejected');
    const filled = order.indexOf('OrderFilled');
    if (refused < filled) expect(statuses[refused]).toBe(order.slice(0, refused).includes('OrderAccepted') ? 'ACCEPTED' : 'SUBMITTED');
    const o = h.manager.order(c.clientOrderId)!;
    expect(o.status).toBe('FILLED');
    expect(o.filledQuantity.toString()).toBe('10');
    expect(o.avgFillPrice?.toString()).toBe('90');
    expect(h.events.filter((e) => e.type === 'OrderFilled')).toHaveLength(1);
    // The ack is heard only while it is news: before any fill.
    expect(h.events.filter((e) => e.type === 'OrderAccepted')).toHaveLength(order.indexOf('OrderAccepted') < filled ? 1 : 0);
    // The refusal reaches the strategy (once per copy); only repeated acks and fills are anomalies.
    expect(h.events.filter((e) => e.type === 'OrderCancelRejected')).toHaveLength(order.filter((t) => t === 'OrderCancelRejected').length);
    const dupFills = order.filter((t) => t === 'OrderFilled').length - 1;
    expect(h.anomalies.filter((a) => a.reason === 'DUPLICATE_FILL')).toHaveLength(dupFills);
    expect(h.anomalies.filter((a) => a.reason !== 'DUPLICATE_FILL').map((a) => a.event?.type)).toEqual(
      order.filter((t) => t === 'OrderAccepted').length > 1 && order.indexOf('OrderAccepted') < filled ? ['OrderAccepted'] : [],
    );
    // Nothing left armed: no cancel is sent again after the order closed.
    h.wire.hold = false;
    h.clock.advanceTo(120_000);
    expect(h.wire.cancels).toHaveLength(1);
  });

  it('a fill overtaken by the OrderCanceled is booked once, and the order stays CANCELED', async () => {
    const h = harness({}, { maxParticipation: 0.5 });
    const c = h.buy();
    h.market(60_000, 85, 8); // 4 of 10
    h.cancel(c);
    h.wire.deliver(h.wire.take('OrderCanceled'));
    h.wire.deliver(h.wire.take('OrderFilled'));
    h.wire.deliver(h.wire.take('OrderAccepted'));
    h.check(c);
    expect(status(h, c)).toBe('CANCELED');
    expect(h.anomalies).toEqual([]);
    expect(h.manager.order(c.clientOrderId)!.filledQuantity.toString()).toBe('4');
    expect(h.events.filter((e) => e.type === 'OrderFilled').map((e) => (e as OrderFilled).quantity.toString())).toEqual(['4']);
    // The same fill again (a venue that repeats itself) is a duplicate, not a second 4.
    const [again] = await h.faulty.fillsSince(0);
    h.wire.deliver(again!);
    expect(h.anomalies.map((a) => a.reason)).toEqual(['DUPLICATE_FILL']);
    expect(h.manager.order(c.clientOrderId)!.filledQuantity.toString()).toBe('4');
  });
});

describe('an acknowledgement that never comes', () => {
  it('with only submitTimeoutMs, a cancel in flight does not stop the reconciliation: the venue has the order, so the cancel is answered', async () => {
    const h = harness({ submitTimeoutMs: 1_000 });
    h.faulty.faults.dropAcks = true;
    h.wire.hold = false;
    const c = h.buy();
    h.wire.loseCancels = 1;
    h.cancel(c);
    h.clock.advanceTo(1_000);
    await settle();
    h.check(c);
    const order = h.manager.order(c.clientOrderId)!;
    // Accepted from the venue's answer (with its order id); the lost cancel is answered as refused.
    expect(order.status).toBe('ACCEPTED');
    expect(order.venueOrderId).toBe((await h.faulty.queryOrder(c.clientOrderId))?.venueOrderId);
    expect(h.types()).toEqual(['OrderSubmitted', 'OrderPendingCancel', 'OrderAccepted', 'OrderCancelRejected']);
    expect(h.wire.submits).toHaveLength(1);
    expect(h.anomalies).toEqual([]);
  });

  it('with only submitTimeoutMs, a submit the venue never saw and a cancel behind it end CANCELED, never sent again', async () => {
    const h = harness({ submitTimeoutMs: 1_000 });
    h.wire.hold = false;
    h.faulty.disconnect();
    const c = h.buy();
    h.cancel(c);
    h.faulty.reconnect();
    h.clock.advanceTo(1_000);
    await settle();
    h.check(c);
    expect(status(h, c)).toBe('CANCELED');
    expect(h.faulty.lostCommands.map((x) => x.type)).toEqual(['SubmitOrder', 'CancelOrder']);
  });
});

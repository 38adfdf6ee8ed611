/**
 * The reconciliation reads of `ExecutionClient` on the simulated venue and the router: each answer is
 * checked against the events the venue emitted.
 */
import { BehaviorSubject, firstValueFrom, take, toArray } from 'rxjs';
import { Decimal, instrumentRegistry, venueOrderId, type OrderAccepted, type ConnectionStatus, type Venue } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { DAY, bar, btc, goog, venueHarness } from './__fixtures__/setup';
import { VenueRouter } from './routing/venue-router';
import { SimulatedVenue } from './simulated-venue';

describe('SimulatedVenue as an ExecutionClient', () => {
  it('finds an order by the venue order id it gave it, and nothing for an id it never gave', async () => {
    const h = venueHarness();
    const order = h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 3, price: 90 });
    h.venue.submit(order);
    const accepted = h.events[0] as OrderAccepted;
    const report = await h.venue.queryOrderByVenueId(accepted.venueOrderId);
    expect(report).toMatchObject({ clientOrderId: order.clientOrderId, venueOrderId: accepted.venueOrderId, status: 'ACCEPTED' });
    expect(report).toEqual(await h.venue.queryOrder(order.clientOrderId));
    expect(await h.venue.queryOrderByVenueId(venueOrderId('SIM-999'))).toBeUndefined();
  });

  it('reports the fills at or after a time, oldest first, equal to the fills it emitted', async () => {
    const h = venueHarness({ maxParticipation: 0.5 });
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 }));
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'SELL', quantity: 4 }));
    for (let d = 1; d <= 3; d++) {
      h.clock.advanceTo(d * DAY);
      h.venue.process(bar(goog.id, d * DAY, 100 + d, 101 + d, 99 + d, 100 + d, 8)); // at most 4 per order per bar
    }
    const emitted = h.fills();
    expect(emitted.map((f) => `${f.ts / DAY}:${f.side}:${f.quantity.toString()}`)).toEqual(['1:BUY:4', '1:SELL:4', '2:BUY:4', '3:BUY:2']);
    const all = await h.venue.fillsSince(0);
    expect(all.map((f) => f.tradeId)).toEqual(emitted.map((f) => f.tradeId));
    expect(all.map(({ tsInit: _, ...f }) => f)).toEqual(emitted.map(({ tsInit: _, ...f }) => f));
    expect(all.every((f) => f.type === 'OrderFilled' && f.tsInit === 3 * DAY)).toBe(true);
    expect((await h.venue.fillsSince(2 * DAY)).map((f) => f.tradeId)).toEqual(emitted.slice(2).map((f) => f.tradeId));
    expect(await h.venue.fillsSince(4 * DAY)).toEqual([]);
  });

  it('answers for closed orders as it did while they worked, whichever record it keeps of them', async () => {
    const h = venueHarness();
    // Filled whole by one fill, no limit price (kept as the fill); filled whole at a limit; canceled.
    const market = h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 5 });
    const limit = h.factory.limit({ instrumentId: goog.id, side: 'SELL', quantity: 2, price: 100 });
    const resting = h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 50 });
    for (const c of [market, limit, resting]) h.venue.submit(c);
    const accepted = new Map(h.events.filter((e): e is OrderAccepted => e.type === 'OrderAccepted').map((e) => [e.clientOrderId, e.venueOrderId]));
    h.clock.advanceTo(DAY);
    h.venue.process(bar(goog.id, DAY, 101, 102, 99, 101, 1000));
    h.venue.cancel({ type: 'CancelOrder', clientOrderId: resting.clientOrderId, strategyId: resting.strategyId, instrumentId: goog.id, ts: DAY });
    const [marketFill, limitFill] = h.fills();
    expect(await h.venue.queryOrder(market.clientOrderId)).toEqual({
      clientOrderId: market.clientOrderId,
      venueOrderId: accepted.get(market.clientOrderId),
      instrumentId: goog.id,
      status: 'FILLED',
      quantity: market.quantity,
      filledQuantity: market.quantity,
      price: undefined,
      triggerPrice: undefined,
      fills: [marketFill],
      ts: DAY,
    });
    expect(await h.venue.queryOrder(limit.clientOrderId)).toMatchObject({ status: 'FILLED', price: limit.price, filledQuantity: limit.quantity, fills: [limitFill] });
    expect(await h.venue.queryOrder(resting.clientOrderId)).toMatchObject({ status: 'CANCELED', filledQuantity: new Decimal(0), fills: [] });
    expect(await h.venue.queryOrderByVenueId(accepted.get(market.clientOrderId)!)).toEqual(await h.venue.queryOrder(market.clientOrderId));
    expect((await h.venue.fillsSince(0)).map((f) => f.tradeId)).toEqual([marketFill!.tradeId, limitFill!.tradeId]);
    expect(await h.venue.openOrders()).toEqual([]);
    // A late cancel or modify of the filled order, and its id used again, are refused as before.
    h.events.length = 0;
    h.venue.cancel({ type: 'CancelOrder', clientOrderId: market.clientOrderId, strategyId: market.strategyId, instrumentId: goog.id, ts: DAY });
    h.venue.modify({ type: 'ModifyOrder', clientOrderId: market.clientOrderId, strategyId: market.strategyId, instrumentId: goog.id, quantity: new Decimal(9), price: undefined, triggerPrice: undefined, ts: DAY });
    h.venue.submit(market);
    expect(h.events.map((e) => `${e.type}: ${'reason' in e ? e.reason : ''}`)).toEqual([
      `OrderCancelRejected: order ${market.clientOrderId} is already closed (FILLED)`,
      `OrderModifyRejected: order ${market.clientOrderId} is already closed (FILLED)`,
      `OrderRejected: clientOrderId: duplicate ${market.clientOrderId}`,
    ]);
  });

  it('is always connected', async () => {
    const h = venueHarness();
    expect(await firstValueFrom(h.venue.connection)).toBe('CONNECTED');
  });
});

describe('VenueRouter as an ExecutionClient', () => {
  const setup = () => {
    const h = venueHarness();
    const instruments = instrumentRegistry([goog, btc]);
    const nasdaq = new SimulatedVenue({ id: 'NASDAQ', clock: h.clock, instruments });
    const binance = new SimulatedVenue({ id: 'BINANCE', clock: h.clock, instruments });
    return { h, nasdaq, binance, router: new VenueRouter({ venues: [nasdaq, binance], instruments }) };
  };

  it('merges every venue fill by time and finds orders by venue order id at any venue', async () => {
    const { h, nasdaq, binance, router } = setup();
    router.submit(h.factory.market({ instrumentId: btc.id, side: 'BUY', quantity: 1 }));
    h.clock.advanceTo(DAY);
    binance.process(bar(btc.id, DAY, 100, 101, 99, 100));
    router.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    h.clock.advanceTo(2 * DAY);
    nasdaq.process(bar(goog.id, 2 * DAY, 50, 51, 49, 50));
    const fills = await router.fillsSince(0);
    expect(fills.map((f) => `${f.instrumentId} ${f.ts / DAY}`)).toEqual(['BTCUSDT.BINANCE 1', 'GOOG.NASDAQ 2']);
    expect((await router.queryOrderByVenueId(fills[1]!.venueOrderId))?.instrumentId).toBe(goog.id);
    expect(await router.queryOrderByVenueId(venueOrderId('NOPE-1'))).toBeUndefined();
  });

  it('reports the worst connection status of its venues, and refuses reconciliation reads a plain Venue lacks', async () => {
    const { h, nasdaq } = setup();
    const plain: Venue = { id: 'BINANCE' as never, capabilities: nasdaq.capabilities, events: nasdaq.events, submit: () => {}, cancel: () => {}, modify: () => {}, openOrders: async () => [], positions: async () => [], balances: async () => [], queryOrder: async () => undefined };
    const router = new VenueRouter({ venues: [nasdaq, plain], instruments: h.instruments });
    expect(await firstValueFrom(router.connection)).toBe('CONNECTED');
    await expect(router.fillsSince(0)).rejects.toThrow('venue BINANCE behind router ROUTER has no fillsSince');
    const statuses: ConnectionStatus[] = [];
    const a = new BehaviorSubject<ConnectionStatus>('CONNECTED');
    const b = new BehaviorSubject<ConnectionStatus>('CONNECTED');
    const two = new VenueRouter({ venues: [{ ...plain, id: 'NASDAQ' as never, connection: a } as Venue, { ...plain, connection: b } as Venue], instruments: h.instruments });
    const done = firstValueFrom(two.connection.pipe(take(4), toArray()));
    two.connection.subscribe((s) => statuses.push(s));
    a.next('RECONNECTING');
    b.next('DISCONNECTED');
    a.next('CONNECTED');
    b.next('CONNECTED');
    expect(statuses).toEqual(['CONNECTED', 'RECONNECTING', 'DISCONNECTED', 'CONNECTED']);
    expect(await done).toEqual(statuses);
  });
});

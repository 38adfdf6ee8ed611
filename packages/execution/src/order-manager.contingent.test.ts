/**
 * Contingent orders (OTO, OCO, OUO, brackets) and local emulation, against a scripted venue that acks
 * every request at once and fills only when the test says so, so every step is checked by hand.
 */
import {
  BacktestClock,
  Decimal,
  OrderFactory,
  instrumentRegistry,
  strategyId,
  tradeId,
  type Bar,
  type ClientOrderId,
  type OrderEvent,
  type SubmitOrder,
  type Venue,
  type VenueCapabilities,
  type VenueId,
  type VenueOrderId,
} from '@rxtrade/core';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { goog } from './__fixtures__/setup';
import { OrderManager } from './order-manager';

const FULL: VenueCapabilities = {
  orderTypes: ['MARKET', 'LIMIT', 'STOP_MARKET', 'STOP_LIMIT'],
  timeInForce: ['GTC', 'IOC', 'FOK', 'GTD', 'DAY'],
  reduceOnly: true,
  postOnly: true,
  modify: true,
  emulation: { orderTypes: [], timeInForce: [], contingencies: ['OTO', 'OCO', 'OUO'] },
};

function scripted(capabilities: VenueCapabilities = FULL) {
  const clock = new BacktestClock(0);
  const instruments = instrumentRegistry([goog]);
  const subject = new Subject<OrderEvent>();
  const sent: string[] = [];
  const submitted: SubmitOrder[] = [];
  let seq = 0;
  const base = (id: ClientOrderId) => ({ clientOrderId: id, strategyId: strategyId('s'), instrumentId: goog.id, ts: clock.now(), tsInit: clock.now() });
  const venue: Venue = {
    id: 'SCRIPTED' as VenueId,
    capabilities,
    events: subject,
    submit: (c) => {
      submitted.push(c);
      sent.push(`submit ${c.clientOrderId} ${c.orderType} ${c.side} ${c.quantity.toString()} ${c.timeInForce}`);
      subject.next({ type: 'OrderAccepted', ...base(c.clientOrderId), venueOrderId: `V-${++seq}` as VenueOrderId });
    },
    cancel: (c) => {
      sent.push(`cancel ${c.clientOrderId}`);
      subject.next({ type: 'OrderCanceled', ...base(c.clientOrderId) });
    },
    modify: (c) => {
      sent.push(`modify ${c.clientOrderId} ${c.quantity?.toString()}`);
      const o = manager.order(c.clientOrderId)!;
      subject.next({ type: 'OrderUpdated', ...base(c.clientOrderId), quantity: c.quantity ?? o.quantity, price: c.price ?? o.price, triggerPrice: c.triggerPrice ?? o.triggerPrice });
    },
    openOrders: () => Promise.resolve([]),
    positions: () => Promise.resolve([]),
    balances: () => Promise.resolve([]),
    queryOrder: () => Promise.resolve(undefined),
  };
  const manager = new OrderManager({ clock, instruments, venue });
  const events: string[] = [];
  const anomalies: string[] = [];
  manager.events.subscribe((e) => events.push(`${e.type} ${e.clientOrderId}`));
  manager.anomalies.subscribe((a) => anomalies.push(a.message));
  const factory = new OrderFactory(clock, instruments, strategyId('s'), 'O');
  let trade = 0;
  const fill = (id: ClientOrderId, qty: string, price: string) => {
    const o = manager.order(id)!;
    subject.next({
      type: 'OrderFilled',
      ...base(id),
      tradeId: tradeId(`T-${++trade}`),
      venueOrderId: o.venueOrderId!,
      side: o.side,
      quantity: new Decimal(qty),
      price: new Decimal(price),
      commission: new Decimal(0),
      commissionCurrency: 'USD',
      liquiditySide: 'TAKER',
    });
  };
  return { clock, venue, instruments, manager, factory, sent, submitted, events, anomalies, fill };
}

const bar = (ts: number, open: number, high: number, low: number, close: number): Bar => ({ type: 'Bar', instrumentId: goog.id, ts, open, high, low, close, volume: 1000 });

describe('OrderManager contingent orders', () => {
  it('runs a bracket: exits held until the entry fills, sized to its fills, shrunk by each other, the survivor canceled', () => {
    const s = scripted();
    const list = s.factory.bracket({ instrumentId: goog.id, side: 'BUY', quantity: 100, entryPrice: 100, takeProfit: 110, stopLoss: 95 });
    const [entry, tp, sl] = list.orders.map((o) => o.clientOrderId) as [ClientOrderId, ClientOrderId, ClientOrderId];
    s.manager.execute(list);
    expect(s.sent).toEqual([`submit ${entry} LIMIT BUY 100 GTC`]);
    // The manager runs the links; the venue gets plain orders.
    expect(s.submitted[0]).toMatchObject({ contingencyType: undefined, parentOrderId: undefined, linkedOrderIds: undefined });
    expect(s.manager.order(tp)).toMatchObject({ status: 'INITIALIZED', held: 'CONTINGENT' });
    expect(s.manager.order(sl)).toMatchObject({ status: 'INITIALIZED', held: 'CONTINGENT' });

    s.fill(entry, '60', '100'); // partial entry: both exits released for 60
    expect(s.sent.slice(1)).toEqual([`submit ${tp} LIMIT SELL 60 GTC`, `submit ${sl} STOP_MARKET SELL 60 GTC`]);
    expect(s.manager.order(tp)).toMatchObject({ status: 'ACCEPTED', held: undefined });

    s.fill(entry, '40', '100'); // entry complete: exits grow to 100
    expect(s.sent.slice(3)).toEqual([`modify ${tp} 100`, `modify ${sl} 100`]);
    expect(s.manager.order(entry)!.status).toBe('FILLED');

    s.fill(tp, '30', '110'); // OUO: the stop shrinks by 30
    expect(s.sent.slice(5)).toEqual([`modify ${sl} 70`]);
    expect(s.manager.order(sl)!.quantity.toString()).toBe('70');

    s.fill(tp, '70', '110'); // take-profit done: the stop is canceled
    expect(s.sent.slice(6)).toEqual([`cancel ${sl}`]);
    expect(s.manager.order(tp)!.status).toBe('FILLED');
    expect(s.manager.order(sl)!.status).toBe('CANCELED');
    expect(s.manager.openOrders()).toEqual([]);
    expect(s.anomalies).toEqual([]);
  });

  it('cancels the held exits locally when the entry is canceled unfilled', () => {
    const s = scripted();
    const list = s.factory.bracket({ instrumentId: goog.id, side: 'BUY', quantity: 100, entryPrice: 100, takeProfit: 110, stopLoss: 95 });
    const [entry, tp, sl] = list.orders.map((o) => o.clientOrderId) as [ClientOrderId, ClientOrderId, ClientOrderId];
    s.manager.execute(list);
    s.manager.execute(s.factory.cancel({ clientOrderId: entry, instrumentId: goog.id }));
    expect(s.sent).toEqual([`submit ${entry} LIMIT BUY 100 GTC`, `cancel ${entry}`]);
    expect(s.manager.order(tp)!.status).toBe('CANCELED');
    expect(s.manager.order(sl)!.status).toBe('CANCELED');
    expect(s.events).toEqual([`OrderSubmitted ${entry}`, `OrderAccepted ${entry}`, `OrderPendingCancel ${entry}`, `OrderCanceled ${entry}`, `OrderCanceled ${tp}`, `OrderCanceled ${sl}`]);
  });

  it('denies every order of a list when one is invalid, and sends nothing', () => {
    const s = scripted();
    const list = s.factory.bracket({ instrumentId: goog.id, side: 'BUY', quantity: 100, entryPrice: 100, takeProfit: 110, stopLoss: 95 });
    const bad = { ...list, orders: [list.orders[0]!, list.orders[1]!, { ...list.orders[2]!, triggerPrice: new Decimal('95.001') }] };
    s.manager.execute(bad);
    expect(s.sent).toEqual([]);
    expect(s.manager.orders().map((o) => o.status)).toEqual(['DENIED', 'DENIED', 'DENIED']);
    expect(s.manager.orders()[0]!.status).toBe('DENIED');
    expect(s.events.every((e) => e.startsWith('OrderDenied'))).toBe(true);
  });

  it('denies a list whose child names a parent outside the list, naming the field', () => {
    const s = scripted();
    const f = s.factory;
    const orphan: SubmitOrder = { ...f.limit({ instrumentId: goog.id, side: 'SELL', quantity: 1, price: 110 }), contingencyType: 'OUO', parentOrderId: 'NOPE' as ClientOrderId, linkedOrderIds: ['X' as ClientOrderId] };
    const denied: string[] = [];
    s.manager.events.subscribe((e) => e.type === 'OrderDenied' && denied.push(e.reason));
    s.manager.execute(f.list([orphan]));
    expect(denied[0]).toMatch(/parentOrderId: NOPE is not in the list/);
  });

  it('denies contingent orders on a venue that cannot run them', () => {
    const s = scripted({ ...FULL, emulation: undefined });
    s.manager.execute(s.factory.bracket({ instrumentId: goog.id, side: 'BUY', quantity: 10, takeProfit: 110, stopLoss: 95 }));
    expect(s.sent).toEqual([]);
    expect(s.manager.orders().every((o) => o.status === 'DENIED')).toBe(true);
  });

  it('cancels the other OCO order when one fills, even partly', () => {
    const s = scripted();
    const f = s.factory;
    const list = f.oco([f.limit({ instrumentId: goog.id, side: 'SELL', quantity: 10, price: 110 }), f.stopMarket({ instrumentId: goog.id, side: 'SELL', quantity: 10, triggerPrice: 95 })]);
    const [a, b] = list.orders.map((o) => o.clientOrderId) as [ClientOrderId, ClientOrderId];
    s.manager.execute(list);
    s.fill(a, '4', '110');
    expect(s.sent.at(-1)).toBe(`cancel ${b}`);
    expect(s.manager.order(b)!.status).toBe('CANCELED');
    expect(s.manager.order(a)!.status).toBe('PARTIALLY_FILLED');
  });
});

describe('OrderManager emulation', () => {
  const NO_STOPS: VenueCapabilities = {
    orderTypes: ['MARKET', 'LIMIT'],
    timeInForce: ['GTC', 'IOC'],
    reduceOnly: true,
    postOnly: true,
    modify: true,
    emulation: { orderTypes: ['STOP_MARKET', 'STOP_LIMIT', 'TRAILING_STOP_MARKET', 'MARKET_IF_TOUCHED'], timeInForce: ['GTD', 'DAY'], contingencies: ['OTO', 'OCO', 'OUO'] },
  };

  it('holds a stop the venue lacks and sends a MARKET order when a bar reaches the trigger', () => {
    const s = scripted(NO_STOPS);
    const stop = s.factory.stopMarket({ instrumentId: goog.id, side: 'BUY', quantity: 5, triggerPrice: 105 });
    s.manager.execute(stop);
    expect(s.sent).toEqual([]);
    expect(s.manager.order(stop.clientOrderId)).toMatchObject({ status: 'INITIALIZED', held: 'EMULATED' });
    s.clock.advanceTo(60_000);
    s.manager.onMarketData(bar(60_000, 100, 104.99, 99, 104));
    expect(s.sent).toEqual([]);
    s.clock.advanceTo(120_000);
    s.manager.onMarketData(bar(120_000, 104, 105, 103, 104.5));
    expect(s.sent).toEqual([`submit ${stop.clientOrderId} MARKET BUY 5 GTC`]);
    expect(s.submitted[0]).toMatchObject({ triggerPrice: undefined, price: undefined, ts: 120_000 });
    expect(s.manager.order(stop.clientOrderId)).toMatchObject({ status: 'ACCEPTED', orderType: 'STOP_MARKET', held: undefined });
  });

  it('trails a SELL stop behind the highest price and releases it on the way down (hand-computed)', () => {
    const s = scripted(NO_STOPS);
    const trail = s.factory.trailingStopMarket({ instrumentId: goog.id, side: 'SELL', quantity: 5, trailingOffset: 2 });
    s.manager.execute(trail);
    const ts = [1, 2, 3, 4].map((k) => k * 60_000);
    // bar 1 starts it: highest 101 → trigger 99; bar 2: low 99.5 > 99, high 104 → trigger 102;
    // bar 3: low 102.5 > 102, high 103 (no new high); bar 4: low 101.9 <= 102 → released.
    s.manager.onMarketData(bar(ts[0]!, 100, 101, 99.5, 100.5));
    s.manager.onMarketData(bar(ts[1]!, 100.5, 104, 99.5, 103));
    s.manager.onMarketData(bar(ts[2]!, 103, 103, 102.5, 102.8));
    expect(s.sent).toEqual([]);
    s.manager.onMarketData(bar(ts[3]!, 102.8, 102.9, 101.9, 102));
    expect(s.sent).toEqual([`submit ${trail.clientOrderId} MARKET SELL 5 GTC`]);
  });

  it('triggers a market-if-touched BUY when the price falls to it', () => {
    const s = scripted(NO_STOPS);
    const mit = s.factory.marketIfTouched({ instrumentId: goog.id, side: 'BUY', quantity: 5, triggerPrice: 95 });
    s.manager.execute(mit);
    s.manager.onMarketData(bar(60_000, 100, 101, 95.01, 96));
    expect(s.sent).toEqual([]);
    s.manager.onMarketData(bar(120_000, 96, 97, 95, 96));
    expect(s.sent).toEqual([`submit ${mit.clientOrderId} MARKET BUY 5 GTC`]);
  });

  it('expires a GTD order the venue cannot expire: sent as GTC, canceled at expiry, reported as OrderExpired', () => {
    const s = scripted(NO_STOPS);
    const gtd = s.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 5, price: 90, timeInForce: 'GTD', expireTime: 3_600_000 });
    s.manager.execute(gtd);
    expect(s.sent).toEqual([`submit ${gtd.clientOrderId} LIMIT BUY 5 GTC`]);
    s.clock.advanceTo(3_599_999);
    expect(s.manager.order(gtd.clientOrderId)!.status).toBe('ACCEPTED');
    s.clock.advanceTo(3_600_000);
    expect(s.sent.at(-1)).toBe(`cancel ${gtd.clientOrderId}`);
    expect(s.manager.order(gtd.clientOrderId)!.status).toBe('EXPIRED');
    expect(s.events.at(-1)).toBe(`OrderExpired ${gtd.clientOrderId}`);
  });

  it('expires a held emulated DAY stop locally at the end of the UTC day', () => {
    const s = scripted(NO_STOPS);
    s.clock.advanceTo(1_000);
    const stop = s.factory.stopMarket({ instrumentId: goog.id, side: 'SELL', quantity: 5, triggerPrice: 90, timeInForce: 'DAY' });
    s.manager.execute(stop);
    s.clock.advanceTo(86_400_000);
    expect(s.manager.order(stop.clientOrderId)!.status).toBe('EXPIRED');
    expect(s.sent).toEqual([]);
    expect(s.events).toEqual([`OrderExpired ${stop.clientOrderId}`]);
  });

  it('ends a held DAY order at the configured trading-day boundary', () => {
    const s = scripted(NO_STOPS);
    const boundary = (ts: number) => Math.floor(ts / 86_400_000) * 86_400_000 + 20 * 3_600_000; // 20:00 UTC
    const manager = new OrderManager({ clock: s.clock, instruments: s.instruments, venue: s.venue, dayBoundary: boundary });
    const stop = s.factory.stopMarket({ instrumentId: goog.id, side: 'SELL', quantity: 5, triggerPrice: 90, timeInForce: 'DAY' });
    manager.execute(stop);
    s.clock.advanceTo(20 * 3_600_000 - 1);
    expect(manager.order(stop.clientOrderId)!.status).toBe('INITIALIZED');
    s.clock.advanceTo(20 * 3_600_000);
    expect(manager.order(stop.clientOrderId)!.status).toBe('EXPIRED');
  });

  it('denies a type that is neither native nor emulated, and an emulated TIF the venue cannot base on GTC', () => {
    const s = scripted(NO_STOPS);
    const reasons: string[] = [];
    s.manager.events.subscribe((e) => e.type === 'OrderDenied' && reasons.push(e.reason));
    s.manager.execute(s.factory.limitIfTouched({ instrumentId: goog.id, side: 'BUY', quantity: 5, price: 95, triggerPrice: 96 }));
    s.manager.execute(s.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 5, price: 95, timeInForce: 'FOK' }));
    expect(reasons).toEqual([
      'orderType: venue SCRIPTED does not support LIMIT_IF_TOUCHED orders (supports MARKET, LIMIT; emulates STOP_MARKET, STOP_LIMIT, TRAILING_STOP_MARKET, MARKET_IF_TOUCHED)',
      'timeInForce: venue SCRIPTED does not support FOK (supports GTC, IOC)',
    ]);
  });

  it('cancels a held emulated order locally, without asking the venue', () => {
    const s = scripted(NO_STOPS);
    const stop = s.factory.stopMarket({ instrumentId: goog.id, side: 'BUY', quantity: 5, triggerPrice: 105 });
    s.manager.execute(stop);
    s.manager.execute(s.factory.cancel(stop));
    expect(s.sent).toEqual([]);
    expect(s.manager.order(stop.clientOrderId)!.status).toBe('CANCELED');
    s.manager.onMarketData(bar(60_000, 106, 107, 105, 106));
    expect(s.sent).toEqual([]);
  });
});

import {
  BacktestClock,
  OrderFactory,
  ValidationError,
  WorkTracker,
  defineInstrument,
  instrumentRegistry,
  strategyId,
  type BookLevel,
  type ClientOrderId,
  type InstrumentId,
  type LedgerView,
  type Logger,
  type OrderBookDelta,
  type OrderBookSnapshot,
  type OrderCommand,
  type OrderEvent,
  type OrderView,
  type PipelineContext,
  type SubmitOrder,
} from '@rxtrade/core';
import { EMPTY, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { PercentFeeModel } from '../percent-fee-model';
import { routeOrders, type RouteOrdersConfig } from './route-orders';

/** The instrument strategies trade ("BTC anywhere"), and the same asset on two venues. */
const btc = defineInstrument({ symbol: 'BTCUSDT', venue: 'SOR', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.0001' });
const btcA = defineInstrument({ symbol: 'BTCUSDT', venue: 'VENUE_A', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
const btcB = defineInstrument({ symbol: 'BTCUSDT', venue: 'VENUE_B', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001' });
const eth = defineInstrument({ symbol: 'ETHUSDT', venue: 'VENUE_A', assetClass: 'spot', base: 'ETH', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
const feeModels = { VENUE_A: new PercentFeeModel(0.001), VENUE_B: new PercentFeeModel(0.0005) };

function context() {
  const clock = new BacktestClock(1_000);
  const instruments = instrumentRegistry([btc, btcA, btcB, eth]);
  const books = new Map<InstrumentId, Subject<OrderBookSnapshot | OrderBookDelta>>();
  const bookStream = (id?: InstrumentId) => {
    if (id === undefined) return EMPTY;
    let s = books.get(id);
    if (s === undefined) books.set(id, (s = new Subject()));
    return s;
  };
  const orderEvents = new Subject<OrderEvent>();
  const views = new Map<ClientOrderId, OrderView>();
  const warnings: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} };
  const ctx: PipelineContext = {
    clock,
    scheduler: clock.scheduler,
    instruments,
    ledger: {} as LedgerView,
    orders: { order: (id) => views.get(id), openOrders: () => [...views.values()].filter((v) => v.isOpen) },
    market: { bars: () => EMPTY, quotes: () => EMPTY, trades: () => EMPTY, books: bookStream },
    orderEvents,
    orderFactory: new OrderFactory(clock, instruments, strategyId('s'), 'O'),
    work: new WorkTracker(),
    logger,
  };
  const snapshot = (instrumentId: InstrumentId, asks: BookLevel[], bids: BookLevel[] = [], sequence = 1): void =>
    books.get(instrumentId)!.next({ type: 'OrderBookSnapshot', instrumentId, ts: clock.now(), sequence, bids, asks });
  const delta = (instrumentId: InstrumentId, asks: BookLevel[], sequence: number): void =>
    books.get(instrumentId)!.next({ type: 'OrderBookDelta', instrumentId, ts: clock.now(), sequence, bids: [], asks });
  /** Runs commands through the stage and returns what comes out. */
  const run = (config: Omit<RouteOrdersConfig, 'ctx'>) => {
    const input = new Subject<OrderCommand>();
    const out: OrderCommand[] = [];
    input.pipe(routeOrders({ ctx, ...config })).subscribe((c) => out.push(c));
    return { input, out };
  };
  return { ctx, clock, snapshot, delta, orderEvents, views, warnings, run, factory: ctx.orderFactory, books };
}

const submits = (out: readonly OrderCommand[]): SubmitOrder[] => out.filter((c): c is SubmitOrder => c.type === 'SubmitOrder');
const brief = (c: SubmitOrder): string => `${c.clientOrderId} ${c.instrumentId} ${c.side} ${c.orderType} ${c.quantity.toString()} @ ${c.price?.toString() ?? 'MKT'} ${c.timeInForce}`;

describe('routeOrders: instrument mapping', () => {
  it("rewrites submits to the target instrument, re-rounding to its tick and lot (limits never worse)", () => {
    const { run, factory } = context();
    const { input, out } = run({ mapping: { [btc.id]: btcB.id } });
    const buy = factory.limit({ instrumentId: btc.id, side: 'BUY', quantity: '1.2345', price: '100.07' });
    const sell = factory.limit({ instrumentId: btc.id, side: 'SELL', quantity: '0.5', price: '100.01' });
    const stop = factory.stopMarket({ instrumentId: btc.id, side: 'SELL', quantity: '2', triggerPrice: '99.96' });
    input.next(buy);
    input.next(sell);
    input.next(stop);
    // BTC lot 0.001 and tick 0.1 on VENUE_B: 1.2345 -> 1.234; BUY 100.07 -> 100.0 (down); SELL 100.01 ->
    // 100.1 (up); trigger 99.96 -> 100.0 (nearest).
    expect(submits(out).map(brief)).toEqual([
      `${buy.clientOrderId} BTCUSDT.VENUE_B BUY LIMIT 1.234 @ 100 GTC`,
      `${sell.clientOrderId} BTCUSDT.VENUE_B SELL LIMIT 0.5 @ 100.1 GTC`,
      `${stop.clientOrderId} BTCUSDT.VENUE_B SELL STOP_MARKET 2 @ MKT GTC`,
    ]);
    expect(submits(out)[2]!.triggerPrice?.toString()).toBe('100');
  });

  it('rewrites cancels and modifies of the mapped instrument', () => {
    const { run, factory, views } = context();
    const { input, out } = run({ mapping: { [btc.id]: btcB.id } });
    const order = factory.limit({ instrumentId: btc.id, side: 'BUY', quantity: 1, price: 100 });
    views.set(order.clientOrderId, { side: 'BUY', isOpen: true } as OrderView);
    input.next(factory.cancel(order));
    input.next(factory.modify(order, { quantity: '2.0005', price: '99.97' }));
    expect(out[0]).toMatchObject({ type: 'CancelOrder', clientOrderId: order.clientOrderId, instrumentId: btcB.id });
    expect(out[1]).toMatchObject({ type: 'ModifyOrder', clientOrderId: order.clientOrderId, instrumentId: btcB.id });
    const modify = out[1]!.type === 'ModifyOrder' ? out[1] : undefined;
    expect(modify?.quantity?.toString()).toBe('2');
    expect(modify?.price?.toString()).toBe('99.9'); // a BUY's limit rounds down
  });

  it('emits a quantity that rounds to zero as 0, with a warning, so the order manager denies it', () => {
    const { run, factory, warnings } = context();
    const { input, out } = run({ mapping: { [btc.id]: btcA.id } });
    input.next(factory.market({ instrumentId: btc.id, side: 'BUY', quantity: '0.0004' }));
    expect(submits(out)[0]!.quantity.toString()).toBe('0');
    expect(warnings).toEqual(['routeOrders: quantity rounds to zero on the target instrument; the order manager will deny it']);
  });

  it('passes commands of other instruments through untouched', () => {
    const { run, factory } = context();
    const { input, out } = run({ mapping: { [btc.id]: btcA.id } });
    const other = factory.market({ instrumentId: eth.id, side: 'BUY', quantity: 1 });
    input.next(other);
    expect(out).toEqual([other]);
    expect(out[0]).toBe(other);
  });

  it('maps every order of a bracket', () => {
    const { run, factory } = context();
    const { input, out } = run({ mapping: { [btc.id]: btcB.id } });
    input.next(factory.bracket({ instrumentId: btc.id, side: 'BUY', quantity: 1, takeProfit: '110.04', stopLoss: '90.06' }));
    const list = out[0]!.type === 'SubmitOrderList' ? out[0] : undefined;
    expect(list?.instrumentId).toBe(btcB.id);
    expect(list?.orders.map((o) => `${o.instrumentId} ${o.orderType} ${o.price?.toString() ?? '-'} ${o.triggerPrice?.toString() ?? '-'}`)).toEqual([
      'BTCUSDT.VENUE_B MARKET - -',
      'BTCUSDT.VENUE_B LIMIT 110.1 -', // SELL take-profit rounds up
      'BTCUSDT.VENUE_B STOP_MARKET - 90.1', // nearest tick
    ]);
  });
});

describe('routeOrders: smart routing', () => {
  // Books (asks): VENUE_A 100.00 × 4, 100.10 × 5 (fee 0.1 %); VENUE_B 100.0 × 3, 100.2 × 10 (fee 0.05 %).
  // Effective: A1 100.1, A2 100.2001, B1 100.05, B2 100.2501 -> B1 3, A1 4, A2 3: VENUE_A 7, VENUE_B 3.
  const ASKS_A = [
    { price: 100, size: 4 },
    { price: 100.1, size: 5 },
  ];
  const ASKS_B = [
    { price: 100, size: 3 },
    { price: 100.2, size: 10 },
  ];

  it('splits a submit into children with fresh ids, the parent side, type, time in force and limit', () => {
    const { run, factory, snapshot } = context();
    const splits: string[] = [];
    const { input, out } = run({ smart: { [btc.id]: [btcA.id, btcB.id] }, feeModels, onSplit: (p, ch) => splits.push(`${p.clientOrderId} -> ${ch.map((c) => c.clientOrderId).join(',')}`) });
    snapshot(btcA.id, ASKS_A);
    snapshot(btcB.id, ASKS_B);
    const parent = factory.limit({ instrumentId: btc.id, side: 'BUY', quantity: 10, price: '100.15', timeInForce: 'IOC' });
    input.next(parent);
    // Limit 100.15 for VENUE_B's tick 0.1 rounds down to 100.1 (never above the parent's limit).
    expect(submits(out).map(brief)).toEqual(['O-2 BTCUSDT.VENUE_A BUY LIMIT 7 @ 100.15 IOC', 'O-3 BTCUSDT.VENUE_B BUY LIMIT 3 @ 100.1 IOC']);
    expect(out.every((c) => c.type === 'SubmitOrder' && c.strategyId === parent.strategyId && c.ts === parent.ts)).toBe(true);
    expect(splits).toEqual([`${parent.clientOrderId} -> O-2,O-3`]);
  });

  it('reads the books as they change, and never consumes them', () => {
    const { run, factory, snapshot, delta } = context();
    const { input, out } = run({ smart: { [btc.id]: [btcA.id, btcB.id] }, feeModels });
    snapshot(btcA.id, ASKS_A);
    snapshot(btcB.id, ASKS_B);
    input.next(factory.market({ instrumentId: btc.id, side: 'BUY', quantity: 3 }));
    input.next(factory.market({ instrumentId: btc.id, side: 'BUY', quantity: 3 }));
    // The stage only reads depth: both orders see B1's 3 (the venue, not the router, consumes liquidity).
    expect(submits(out).map((c) => `${c.instrumentId} ${c.quantity.toString()}`)).toEqual(['BTCUSDT.VENUE_B 3', 'BTCUSDT.VENUE_B 3']);
    // VENUE_B's 100.0 level is gone: A1 (100.1) 4 first now.
    delta(btcB.id, [{ price: 100, size: 0 }], 2);
    input.next(factory.market({ instrumentId: btc.id, side: 'BUY', quantity: 5 }));
    expect(submits(out).slice(2).map((c) => `${c.instrumentId} ${c.quantity.toString()}`)).toEqual(['BTCUSDT.VENUE_A 5']);
  });

  it('cancels every open child when the parent is canceled, and skips children already closed', () => {
    const { run, factory, snapshot, orderEvents, views } = context();
    const { input, out } = run({ smart: { [btc.id]: [btcA.id, btcB.id] }, feeModels });
    snapshot(btcA.id, ASKS_A);
    snapshot(btcB.id, ASKS_B);
    const parent = factory.limit({ instrumentId: btc.id, side: 'BUY', quantity: 10, price: 101 });
    input.next(parent);
    const [childA, childB] = submits(out);
    // VENUE_B's child filled completely: the order manager reports it closed.
    views.set(childB!.clientOrderId, { isOpen: false } as OrderView);
    orderEvents.next({ type: 'OrderFilled', clientOrderId: childB!.clientOrderId } as OrderEvent);
    input.next(factory.cancel(parent));
    expect(out.slice(2)).toEqual([{ type: 'CancelOrder', clientOrderId: childA!.clientOrderId, strategyId: parent.strategyId, instrumentId: btcA.id, ts: parent.ts }]);
    // The parent is forgotten once canceled: a second cancel is passed on (the order manager refuses it).
    input.next(factory.cancel(parent));
    expect(out[3]).toMatchObject({ type: 'CancelOrder', clientOrderId: parent.clientOrderId, instrumentId: btc.id });
  });

  it('forgets a parent when all its children are closed', () => {
    const { run, factory, snapshot, orderEvents } = context();
    const { input, out } = run({ smart: { [btc.id]: [btcA.id, btcB.id] }, feeModels });
    snapshot(btcA.id, ASKS_A);
    snapshot(btcB.id, ASKS_B);
    const parent = factory.market({ instrumentId: btc.id, side: 'BUY', quantity: 10 });
    input.next(parent);
    for (const child of submits(out)) orderEvents.next({ type: 'OrderCanceled', clientOrderId: child.clientOrderId } as OrderEvent);
    input.next(factory.cancel(parent));
    expect(out.at(-1)).toMatchObject({ type: 'CancelOrder', clientOrderId: parent.clientOrderId });
  });

  it('sends order types it does not split whole to the best effective top of book', () => {
    const { run, factory, snapshot } = context();
    const { input, out } = run({ smart: { [btc.id]: [btcA.id, btcB.id] }, feeModels });
    snapshot(btcA.id, ASKS_A);
    snapshot(btcB.id, ASKS_B);
    const stop = factory.stopMarket({ instrumentId: btc.id, side: 'BUY', quantity: 10, triggerPrice: 105 });
    input.next(stop);
    // Best effective ask: VENUE_B 100.0 × 1.0005 = 100.05 < VENUE_A 100.1.
    expect(submits(out).map(brief)).toEqual([`${stop.clientOrderId} BTCUSDT.VENUE_B BUY STOP_MARKET 10 @ MKT GTC`]);
    const postOnly = factory.limit({ instrumentId: btc.id, side: 'BUY', quantity: 10, price: 99, postOnly: true });
    input.next(postOnly);
    expect(submits(out)[1]!.instrumentId).toBe(btcB.id);
    input.next(factory.bracket({ instrumentId: btc.id, side: 'BUY', quantity: 1, takeProfit: 110, stopLoss: 90 }));
    const list = out[2]!.type === 'SubmitOrderList' ? out[2] : undefined;
    expect(list?.orders.map((o) => o.instrumentId)).toEqual([btcB.id, btcB.id, btcB.id]);
  });

  it('validates its config, naming the field', () => {
    const { ctx } = context();
    const attempt = (config: Omit<RouteOrdersConfig, 'ctx'>) => () => routeOrders({ ctx, ...config });
    expect(attempt({})).toThrow('routeOrders.mapping: give a mapping or smart routes for at least one instrument');
    expect(attempt({ mapping: { [btc.id]: 'NOPE.X' } })).toThrow('routeOrders.mapping.BTCUSDT.SOR: unknown instrument NOPE.X');
    expect(attempt({ smart: { [btc.id]: [btcA.id, btcB.id] }, feeModels: { VENUE_A: feeModels.VENUE_A } })).toThrow(
      'routeOrders.feeModels.VENUE_B: missing: BTCUSDT.VENUE_B (a target of smart.BTCUSDT.SOR) trades on venue VENUE_B',
    );
    expect(attempt({ smart: { [btc.id]: [btcA.id, btcA.id] }, feeModels })).toThrow('routeOrders.smart.BTCUSDT.SOR[1]: duplicate target BTCUSDT.VENUE_A');
    expect(attempt({ mapping: { [btc.id]: btcA.id }, smart: { [btc.id]: [btcB.id] }, feeModels })).toThrow(/routeOrders\.smart\.BTCUSDT\.SOR: BTCUSDT\.SOR is also in mapping/);
    expect(() => routeOrders({ ctx: {} as PipelineContext, mapping: {} })).toThrow(ValidationError);
  });

  it('reads books while subscribed and stops when unsubscribed or when its source completes', () => {
    const { ctx, books } = context();
    const input = new Subject<OrderCommand>();
    let completed = false;
    const config = { ctx, smart: { [btc.id]: [btcA.id] }, feeModels };
    const sub = input.pipe(routeOrders(config)).subscribe({ complete: () => (completed = true) });
    expect(books.get(btcA.id)!.observed).toBe(true);
    input.complete();
    expect(completed).toBe(true);
    expect(books.get(btcA.id)!.observed).toBe(false);
    sub.unsubscribe();
    const again = new Subject<OrderCommand>().pipe(routeOrders(config)).subscribe();
    expect(books.get(btcA.id)!.observed).toBe(true);
    again.unsubscribe();
    expect(books.get(btcA.id)!.observed).toBe(false);
  });
});

/**
 * Routing end to end: smart routing across two simulated venues with different books and fees,
 * in a backtest (one BacktestClock), with real components: two SimulatedVenues with L2 matching behind
 * one VenueRouter and one OrderManager, and the routeOrders stage reading the same book events.
 */
import {
  BacktestClock,
  OrderFactory,
  WorkTracker,
  defineInstrument,
  instrumentRegistry,
  silentLogger,
  strategyId,
  type BookLevel,
  type InstrumentId,
  type LedgerView,
  type OrderBookDelta,
  type OrderBookSnapshot,
  type OrderCommand,
  type OrderEvent,
  type OrderFilled,
  type PipelineContext,
  type SubmitOrder,
} from '@rxtrade/core';
import { EMPTY, Subject, filter } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { OrderManager } from '../order-manager';
import { PercentFeeModel } from '../percent-fee-model';
import { SimulatedVenue } from '../simulated-venue';
import { routeOrders } from './route-orders';
import { VenueRouter } from './venue-router';

const spec = { symbol: 'BTCUSDT', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' } as const;
/** What the strategy trades: "BTCUSDT, wherever it is cheapest". No venue lists it. */
const btc = defineInstrument({ ...spec, venue: 'SOR' });
const btcA = defineInstrument({ ...spec, venue: 'VENUE_A' });
const btcB = defineInstrument({ ...spec, venue: 'VENUE_B' });

/**
 * Books (asks, best first) and taker fees; effective BUY prices = price × (1 + rate):
 *   VENUE_A, 0.1 %:   A1 100.00 × 4  -> 100.1        A2 100.10 × 5  -> 100.2001
 *   VENUE_B, 0.05 %:  B1 100.04 × 3  -> 100.09002    B2 100.12 × 10 -> 100.17006
 * Ranked: B1 < A1 < B2 < A2.
 */
const ASKS_A: BookLevel[] = [
  { price: 100, size: 4 },
  { price: 100.1, size: 5 },
];
const ASKS_B: BookLevel[] = [
  { price: 100.04, size: 3 },
  { price: 100.12, size: 10 },
];
const BIDS: BookLevel[] = [{ price: 99.9, size: 5 }];

function backtest() {
  const clock = new BacktestClock(0);
  const instruments = instrumentRegistry([btc, btcA, btcB]);
  const feeModels = { VENUE_A: new PercentFeeModel(0.001), VENUE_B: new PercentFeeModel(0.0005) };
  const venueA = new SimulatedVenue({ id: 'VENUE_A', clock, instruments, feeModel: feeModels.VENUE_A });
  const venueB = new SimulatedVenue({ id: 'VENUE_B', clock, instruments, feeModel: feeModels.VENUE_B });
  const router = new VenueRouter({ venues: [venueA, venueB], instruments });
  const manager = new OrderManager({ clock, instruments, venue: router });
  const events: OrderEvent[] = [];
  manager.events.subscribe((e) => events.push(e));

  const books = new Subject<OrderBookSnapshot | OrderBookDelta>();
  const ctx: PipelineContext = {
    clock,
    scheduler: clock.scheduler,
    instruments,
    ledger: {} as LedgerView,
    orders: manager,
    market: { bars: () => EMPTY, quotes: () => EMPTY, trades: () => EMPTY, books: (id) => books.pipe(filter((b) => id === undefined || b.instrumentId === id)) },
    orderEvents: manager.events,
    orderFactory: new OrderFactory(clock, instruments, strategyId('sor'), 'SOR'),
    work: new WorkTracker(),
    logger: silentLogger,
  };
  const commands = new Subject<OrderCommand>();
  const splits: { parent: SubmitOrder; children: readonly SubmitOrder[] }[] = [];
  commands
    .pipe(routeOrders({ ctx, smart: { [btc.id]: [btcA.id, btcB.id] }, feeModels, onSplit: (parent, children) => splits.push({ parent, children }) }))
    .subscribe((c) => manager.execute(c));

  /** What a runner does with each book event: advance the clock, the venue first, then the pipeline. */
  const deliver = (update: OrderBookSnapshot | OrderBookDelta): void => {
    clock.advanceTo(update.ts);
    (update.instrumentId === btcA.id ? venueA : venueB).process(update);
    books.next(update);
  };
  const snapshot = (instrumentId: InstrumentId, ts: number, sequence: number, asks: BookLevel[]): OrderBookSnapshot => ({
    type: 'OrderBookSnapshot',
    instrumentId,
    ts,
    sequence,
    bids: BIDS,
    asks,
  });
  const fills = (): string[] =>
    events
      .filter((e): e is OrderFilled => e.type === 'OrderFilled')
      .map((f) => `${f.instrumentId} ${f.clientOrderId} ${f.quantity.toString()} @ ${f.price.toString()} fee ${f.commission.toString()} ${f.liquiditySide} t=${f.ts}`);
  return { clock, manager, events, commands, splits, deliver, snapshot, fills, factory: ctx.orderFactory };
}

describe('smart routing across two simulated venues (backtest)', () => {
  it('splits a BUY of 10 by effective price and depth, and the children fill walking each venue\'s levels', () => {
    const { manager, commands, splits, deliver, snapshot, fills, factory } = backtest();
    deliver(snapshot(btcA.id, 1_000, 1, ASKS_A));
    deliver(snapshot(btcB.id, 1_000, 1, ASKS_B));

    const parent = factory.market({ instrumentId: btc.id, side: 'BUY', quantity: 10 });
    commands.next(parent);
    // B1 3 (7 left), A1 4 (3 left), B2 3: VENUE_A 4, VENUE_B 6.
    expect(splits).toHaveLength(1);
    expect(splits[0]!.children.map((c) => `${c.clientOrderId} ${c.instrumentId} ${c.orderType} ${c.quantity.toString()}`)).toEqual([
      'SOR-2 BTCUSDT.VENUE_A MARKET 4',
      'SOR-3 BTCUSDT.VENUE_B MARKET 6',
    ]);
    expect(manager.order(parent.clientOrderId)).toBeUndefined(); // the parent never reaches the order manager
    expect(manager.order('SOR-2' as SubmitOrder['clientOrderId'])?.status).toBe('ACCEPTED');
    expect(manager.order('SOR-3' as SubmitOrder['clientOrderId'])?.status).toBe('ACCEPTED');
    expect(fills()).toEqual([]); // no fill on the event the orders were sent on

    // The next book update of each venue (unchanged levels): the market children walk the levels.
    deliver(snapshot(btcA.id, 2_000, 2, ASKS_A));
    deliver(snapshot(btcB.id, 2_000, 2, ASKS_B));
    // Commissions: A 4 × 100.00 × 0.001 = 0.4; B 3 × 100.04 × 0.0005 = 0.15006, 3 × 100.12 × 0.0005 = 0.15018.
    expect(fills()).toEqual([
      'BTCUSDT.VENUE_A SOR-2 4 @ 100 fee 0.4 TAKER t=2000',
      'BTCUSDT.VENUE_B SOR-3 3 @ 100.04 fee 0.15006 TAKER t=2000',
      'BTCUSDT.VENUE_B SOR-3 3 @ 100.12 fee 0.15018 TAKER t=2000',
    ]);
    const a = manager.order('SOR-2' as SubmitOrder['clientOrderId'])!;
    const b = manager.order('SOR-3' as SubmitOrder['clientOrderId'])!;
    expect([a.status, a.filledQuantity.toString(), a.avgFillPrice?.toString()]).toEqual(['FILLED', '4', '100']);
    // (3 × 100.04 + 3 × 100.12) / 6 = 600.48 / 6 = 100.08
    expect([b.status, b.filledQuantity.toString(), b.avgFillPrice?.toString()]).toEqual(['FILLED', '6', '100.08']);
    // All in: 400 + 600.48 + fees 0.70024 = 1001.18024 for 10, i.e. 100.118024 each.
  });

  it('routes a limit order beyond visible depth to the best effective top, and cancels the open child with the parent', () => {
    const { manager, commands, splits, deliver, snapshot, fills, factory, events } = backtest();
    deliver(snapshot(btcA.id, 1_000, 1, ASKS_A));
    deliver(snapshot(btcB.id, 1_000, 1, ASKS_B));

    // Limit 100.05: visible B1 3 and A1 4; the other 3 go to VENUE_B (best effective top 100.09002).
    const parent = factory.limit({ instrumentId: btc.id, side: 'BUY', quantity: 10, price: '100.05' });
    commands.next(parent);
    expect(splits[0]!.children.map((c) => `${c.clientOrderId} ${c.instrumentId} ${c.orderType} ${c.quantity.toString()} @ ${c.price?.toString()}`)).toEqual([
      'SOR-2 BTCUSDT.VENUE_A LIMIT 4 @ 100.05',
      'SOR-3 BTCUSDT.VENUE_B LIMIT 6 @ 100.05',
    ]);

    deliver(snapshot(btcA.id, 2_000, 2, ASKS_A));
    deliver(snapshot(btcB.id, 2_000, 2, ASKS_B));
    // A takes 4 at 100.00; B takes B1's 3 at 100.04 (100.12 is above the limit) and rests 3 at 100.05.
    expect(fills()).toEqual([
      'BTCUSDT.VENUE_A SOR-2 4 @ 100 fee 0.4 TAKER t=2000',
      'BTCUSDT.VENUE_B SOR-3 3 @ 100.04 fee 0.15006 TAKER t=2000',
    ]);
    expect(manager.order('SOR-2' as SubmitOrder['clientOrderId'])?.status).toBe('FILLED');
    expect(manager.order('SOR-3' as SubmitOrder['clientOrderId'])?.status).toBe('PARTIALLY_FILLED');

    // Canceling the parent cancels the open child only.
    commands.next(factory.cancel(parent));
    const cancels = events.filter((e) => e.type === 'OrderPendingCancel' || e.type === 'OrderCanceled').map((e) => `${e.type} ${e.clientOrderId}`);
    expect(cancels).toEqual(['OrderPendingCancel SOR-3', 'OrderCanceled SOR-3']);
    expect(manager.order('SOR-3' as SubmitOrder['clientOrderId'])?.filledQuantity.toString()).toBe('3');
    expect(events.some((e) => e.type === 'OrderCancelRejected')).toBe(false);
  });
});

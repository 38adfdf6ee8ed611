import {
  BacktestClock,
  Decimal,
  OrderFactory,
  ValidationError,
  ZERO,
  defineInstrument,
  instrumentRegistry,
  strategyId,
  venueId,
  type Balance,
  type CancelOrder,
  type ClientOrderId,
  type ModifyOrder,
  type OrderEvent,
  type OrderStatusReport,
  type OrderView,
  type Position,
  type SubmitOrder,
  type Venue,
  type VenueCapabilities,
  type VenueOrderId,
} from '@rxtrade/core';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { OrderManager } from '../order-manager';
import { VenueRouter } from './venue-router';

const btcA = defineInstrument({ symbol: 'BTCUSDT', venue: 'VENUE_A', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
const btcB = defineInstrument({ symbol: 'BTCUSDT', venue: 'VENUE_B', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
const btcC = defineInstrument({ symbol: 'BTCUSDT', venue: 'VENUE_C', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });

const FULL: VenueCapabilities = {
  orderTypes: ['MARKET', 'LIMIT', 'STOP_MARKET'],
  timeInForce: ['GTC', 'IOC', 'FOK'],
  reduceOnly: true,
  postOnly: true,
  modify: true,
  emulation: { orderTypes: ['TRAILING_STOP_MARKET', 'MARKET_IF_TOUCHED'], timeInForce: ['GTD', 'DAY'], contingencies: ['OTO', 'OCO'] },
};

/**
 * A venue that accepts every order at once and answers reconciliation from what it was sent: enough to
 * see where the router sends each command (the real SimulatedVenue is used in the routing backtest).
 */
class RecordingVenue implements Venue {
  readonly events = new Subject<OrderEvent>();
  readonly submitted: SubmitOrder[] = [];
  readonly canceled: CancelOrder[] = [];
  readonly modified: ModifyOrder[] = [];
  readonly queried: ClientOrderId[] = [];
  private seq = 0;

  constructor(
    readonly id: Venue['id'],
    readonly capabilities: VenueCapabilities = FULL,
  ) {}

  submit(command: SubmitOrder): void {
    this.submitted.push(command);
    const venueOrderId = `${this.id}-${++this.seq}` as VenueOrderId;
    this.events.next({ type: 'OrderAccepted', clientOrderId: command.clientOrderId, strategyId: command.strategyId, instrumentId: command.instrumentId, ts: command.ts, tsInit: command.ts, venueOrderId });
  }
  cancel(command: CancelOrder): void {
    this.canceled.push(command);
    this.events.next({ type: 'OrderCanceled', clientOrderId: command.clientOrderId, strategyId: command.strategyId, instrumentId: command.instrumentId, ts: command.ts, tsInit: command.ts });
  }
  modify(command: ModifyOrder): void {
    this.modified.push(command);
  }
  openOrders(): Promise<readonly OrderView[]> {
    return Promise.resolve(this.submitted.map((c) => ({ clientOrderId: c.clientOrderId, instrumentId: c.instrumentId }) as unknown as OrderView));
  }
  positions(): Promise<readonly Position[]> {
    return Promise.resolve([{ instrumentId: `BTCUSDT.${this.id}`, quantity: new Decimal(1), avgPrice: new Decimal(100), realizedPnl: ZERO, unrealizedPnl: ZERO, ts: 0 } as unknown as Position]);
  }
  balances(): Promise<readonly Balance[]> {
    return Promise.resolve([{ currency: `USDT@${this.id}`, total: new Decimal(1000), free: new Decimal(1000), locked: ZERO }]);
  }
  queryOrder(clientOrderId: ClientOrderId): Promise<OrderStatusReport | undefined> {
    this.queried.push(clientOrderId);
    const c = this.submitted.find((s) => s.clientOrderId === clientOrderId);
    if (c === undefined) return Promise.resolve(undefined);
    return Promise.resolve({ clientOrderId, venueOrderId: `${this.id}-x` as VenueOrderId, instrumentId: c.instrumentId, status: 'ACCEPTED', quantity: c.quantity, filledQuantity: ZERO, price: c.price, triggerPrice: undefined, fills: [], ts: 0 });
  }
}

function setup(capabilities: [VenueCapabilities, VenueCapabilities] = [FULL, FULL]) {
  const clock = new BacktestClock(1_000);
  const instruments = instrumentRegistry([btcA, btcB, btcC]);
  const a = new RecordingVenue(venueId('VENUE_A'), capabilities[0]);
  const b = new RecordingVenue(venueId('VENUE_B'), capabilities[1]);
  const router = new VenueRouter({ venues: [a, b], instruments });
  const manager = new OrderManager({ clock, instruments, venue: router });
  const factory = new OrderFactory(clock, instruments, strategyId('s'), 'O');
  const events: OrderEvent[] = [];
  manager.events.subscribe((e) => events.push(e));
  return { clock, instruments, a, b, router, manager, factory, events };
}

describe('VenueRouter', () => {
  it("sends each order to the venue its instrument trades on, and merges both venues' events", () => {
    const { a, b, manager, factory, events } = setup();
    const toB = factory.market({ instrumentId: btcB.id, side: 'BUY', quantity: 1 });
    const toA = factory.limit({ instrumentId: btcA.id, side: 'SELL', quantity: 2, price: 101 });
    manager.execute(toB);
    manager.execute(toA);
    expect(b.submitted.map((c) => c.clientOrderId)).toEqual([toB.clientOrderId]);
    expect(a.submitted.map((c) => c.clientOrderId)).toEqual([toA.clientOrderId]);
    expect(events.map((e) => `${e.type} ${e.clientOrderId}`)).toEqual([
      `OrderSubmitted ${toB.clientOrderId}`,
      `OrderAccepted ${toB.clientOrderId}`,
      `OrderSubmitted ${toA.clientOrderId}`,
      `OrderAccepted ${toA.clientOrderId}`,
    ]);
    expect(manager.order(toA.clientOrderId)?.venueOrderId).toBe('VENUE_A-1');
    expect(manager.order(toB.clientOrderId)?.venueOrderId).toBe('VENUE_B-1');
  });

  it('rejects an order for an instrument whose venue the router does not hold, naming the venue', () => {
    const { a, b, manager, factory, events } = setup();
    const toC = factory.market({ instrumentId: btcC.id, side: 'BUY', quantity: 1 });
    manager.execute(toC);
    expect(a.submitted).toEqual([]);
    expect(b.submitted).toEqual([]);
    const rejected = events.find((e) => e.type === 'OrderRejected');
    expect(rejected?.type === 'OrderRejected' && rejected.reason).toMatch(/no venue VENUE_C for BTCUSDT\.VENUE_C \(venues: VENUE_A, VENUE_B\)/);
    expect(manager.order(toC.clientOrderId)?.status).toBe('REJECTED');
  });

  it('rejects an order for an instrument it does not know, naming the instrument', () => {
    const { router, a } = setup();
    const events: OrderEvent[] = [];
    router.events.subscribe((e) => events.push(e));
    const cmd = { ...new OrderFactory(new BacktestClock(0), instrumentRegistry([btcA]), strategyId('s')).market({ instrumentId: btcA.id, side: 'BUY', quantity: 1 }), instrumentId: 'ETHUSDT.X' as SubmitOrder['instrumentId'] };
    router.submit(cmd);
    expect(a.submitted).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]!.type === 'OrderRejected' && events[0]!.reason).toBe('instrumentId: unknown instrument ETHUSDT.X at router ROUTER');
  });

  it('sends a cancel and a modify to the venue that got the order', () => {
    const { a, b, manager, factory } = setup();
    const order = factory.limit({ instrumentId: btcB.id, side: 'BUY', quantity: 1, price: 99 });
    manager.execute(order);
    manager.execute(factory.modify(order, { price: 98 }));
    manager.execute(factory.cancel(order));
    expect(b.modified.map((c) => c.clientOrderId)).toEqual([order.clientOrderId]);
    expect(b.canceled.map((c) => c.clientOrderId)).toEqual([order.clientOrderId]);
    expect(a.modified).toEqual([]);
    expect(a.canceled).toEqual([]);
    expect(manager.order(order.clientOrderId)?.status).toBe('CANCELED');
  });

  it('refuses a cancel for an order it never routed on an instrument without a venue', () => {
    const { router, factory } = setup();
    const events: OrderEvent[] = [];
    router.events.subscribe((e) => events.push(e));
    router.cancel({ type: 'CancelOrder', clientOrderId: 'X-9' as ClientOrderId, strategyId: factory.strategyId, instrumentId: btcC.id, ts: 5 });
    expect(events.map((e) => e.type)).toEqual(['OrderCancelRejected']);
  });

  it('asks the venue that got the order on queryOrder, and every venue for an order it never routed', async () => {
    const { a, b, manager, factory, router } = setup();
    const order = factory.market({ instrumentId: btcB.id, side: 'BUY', quantity: 1 });
    manager.execute(order);
    const report = await router.queryOrder(order.clientOrderId);
    expect(report?.instrumentId).toBe(btcB.id);
    expect(a.queried).toEqual([]);
    expect(b.queried).toEqual([order.clientOrderId]);

    // After a restart the router has no memory: each venue is asked in turn.
    const fresh = new VenueRouter({ venues: [a, b], instruments: instrumentRegistry([btcA, btcB]) });
    expect((await fresh.queryOrder(order.clientOrderId))?.quantity.toString()).toBe('1');
    expect(a.queried).toEqual([order.clientOrderId]);
    expect(await fresh.queryOrder('never' as ClientOrderId)).toBeUndefined();
  });

  it("concatenates every venue's open orders, positions and balances in venue order", async () => {
    const { manager, factory, router } = setup();
    manager.execute(factory.market({ instrumentId: btcB.id, side: 'BUY', quantity: 1 }));
    manager.execute(factory.market({ instrumentId: btcA.id, side: 'BUY', quantity: 1 }));
    expect((await router.openOrders()).map((o) => o.instrumentId)).toEqual([btcA.id, btcB.id]);
    expect((await router.positions()).map((p) => p.instrumentId)).toEqual([btcA.id, btcB.id]);
    expect((await router.balances()).map((x) => x.currency)).toEqual(['USDT@VENUE_A', 'USDT@VENUE_B']);
  });

  it('offers only what every venue supports, so the order manager denies what one venue lacks', () => {
    const narrow: VenueCapabilities = {
      orderTypes: ['LIMIT', 'MARKET'],
      timeInForce: ['GTC', 'IOC'],
      reduceOnly: false,
      postOnly: true,
      modify: false,
      emulation: { orderTypes: ['MARKET_IF_TOUCHED'], timeInForce: ['GTD'], contingencies: ['OCO', 'OUO'] },
    };
    const { router, manager, factory, a, b, events } = setup([FULL, narrow]);
    expect(router.capabilities).toEqual({
      orderTypes: ['MARKET', 'LIMIT'],
      timeInForce: ['GTC', 'IOC'],
      reduceOnly: false,
      postOnly: true,
      modify: false,
      emulation: { orderTypes: ['MARKET_IF_TOUCHED'], timeInForce: ['GTD'], contingencies: ['OCO'] },
    });
    // VENUE_A supports stops, but the order manager cannot know the order goes there.
    const stop = factory.stopMarket({ instrumentId: btcA.id, side: 'SELL', quantity: 1, triggerPrice: 90 });
    manager.execute(stop);
    expect(a.submitted).toEqual([]);
    expect(b.submitted).toEqual([]);
    const denied = events.find((e) => e.type === 'OrderDenied');
    expect(denied?.type === 'OrderDenied' && denied.reason).toMatch(/^orderType: venue ROUTER does not support STOP_MARKET/);
  });

  it('offers no emulation when one venue offers none', () => {
    const { emulation: _, ...noEmulation } = FULL;
    const { router } = setup([FULL, noEmulation]);
    expect(router.capabilities.emulation).toBeUndefined();
    expect(router.capabilities.orderTypes).toEqual(FULL.orderTypes);
  });

  it('refuses duplicate venue ids with a ValidationError naming venues', () => {
    const instruments = instrumentRegistry([btcA]);
    const a1 = new RecordingVenue(venueId('VENUE_A'));
    const a2 = new RecordingVenue(venueId('VENUE_A'));
    const attempt = () => new VenueRouter({ venues: [a1, a2], instruments });
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow('VenueRouterConfig.venues[1].id: duplicate venue id VENUE_A');
    expect(() => new VenueRouter({ venues: [], instruments })).toThrow(/VenueRouterConfig\.venues/);
    expect(() => new VenueRouter({ venues: [{} as Venue], instruments })).toThrow(/VenueRouterConfig\.venues\[0\]: must be a Venue/);
  });

  it('stops forwarding venue events after dispose', () => {
    const { router, a } = setup();
    const seen: OrderEvent[] = [];
    let completed = false;
    router.events.subscribe({ next: (e) => seen.push(e), complete: () => (completed = true) });
    router.dispose();
    a.events.next({ type: 'OrderCanceled', clientOrderId: 'x' as ClientOrderId, strategyId: strategyId('s'), instrumentId: btcA.id, ts: 0, tsInit: 0 });
    expect(seen).toEqual([]);
    expect(completed).toBe(true);
  });
});

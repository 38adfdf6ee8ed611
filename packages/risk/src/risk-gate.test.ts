import {
  BacktestClock,
  Decimal,
  instrumentRegistry,
  OrderFactory,
  silentLogger,
  WorkTracker,
  type Bar,
  type LedgerView,
  type OrderCommand,
  type OrderDenied,
  type OrderEvent,
  type OrdersView,
  type OrderView,
  type PipelineContext,
  type StrategyId,
  type SubmitOrder,
} from '@rxtrade/core';
import { EMPTY, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { aapl, instruments, tags, T0 } from './__fixtures__/engine-fixtures';
import { RiskEngine } from './risk-engine';
import { riskGate } from './risk-gate';

function context() {
  const clock = new BacktestClock(T0);
  const bars = new Subject<Bar>();
  const orderEvents = new Subject<OrderEvent>();
  let equity = new Decimal(100_000);
  const ledger = {
    baseCurrency: 'USD',
    cash: () => equity,
    balances: () => [],
    positionQuantity: () => new Decimal(0),
    position: () => undefined,
    openPositions: () => [],
    equity: () => equity,
    totalFees: () => new Decimal(0),
  } satisfies LedgerView;
  // What the order manager has seen: tests add orders here when a (possibly delayed) stage delivers them.
  const known = new Map<string, OrderView>();
  const orders: OrdersView = { order: (id) => known.get(id), openOrders: () => [...known.values()].filter((o) => o.isOpen) };
  const registry = instrumentRegistry(instruments);
  const ctx: PipelineContext = {
    clock,
    scheduler: clock.scheduler,
    instruments: registry,
    ledger,
    orders,
    market: { bars: () => bars, quotes: () => EMPTY, trades: () => EMPTY, books: () => EMPTY },
    orderEvents,
    orderFactory: new OrderFactory(clock, registry, 'alpha' as StrategyId),
    work: new WorkTracker(),
    logger: silentLogger,
  };
  const see = (o: SubmitOrder, changes: Partial<OrderView> = {}): void => {
    known.set(o.clientOrderId, {
      clientOrderId: o.clientOrderId,
      venueOrderId: undefined,
      strategyId: o.strategyId,
      instrumentId: o.instrumentId,
      side: o.side,
      orderType: o.orderType,
      timeInForce: o.timeInForce,
      quantity: o.quantity,
      filledQuantity: new Decimal(0),
      price: o.price,
      triggerPrice: o.triggerPrice,
      avgFillPrice: undefined,
      status: 'ACCEPTED',
      isOpen: true,
      tsCreated: o.ts,
      tsLast: o.ts,
      ...changes,
    });
  };
  return { ctx, clock, bars, orderEvents, see, setEquity: (v: string) => (equity = new Decimal(v)) };
}

const bar = (ts: number, close: number): Bar => ({ type: 'Bar', instrumentId: aapl.id, ts, open: close, high: close, low: close, close, volume: 1000 });

describe('riskGate', () => {
  it('passes approved commands on and turns denials into OrderDenied events stamped by the clock', () => {
    const { ctx, clock, bars } = context();
    const engine = new RiskEngine({ clock, instruments, tags, limits: { maxOrderNotional: '5000', priceCollar: { maxDeviation: '0.05' } } });
    const commands = new Subject<OrderCommand>();
    const out: OrderCommand[] = [];
    const denied: OrderDenied[] = [];
    const emitted: OrderDenied[] = [];
    engine.events.on('orderDenied', (d) => emitted.push(d));
    commands.pipe(riskGate(engine, ctx, { onDenied: (d) => denied.push(d) })).subscribe((c) => out.push(c));
    clock.advanceTo(T0 + 60_000);
    bars.next(bar(T0 + 60_000, 100));
    const ok = ctx.orderFactory.limit({ instrumentId: aapl.id, side: 'BUY', quantity: 10, price: '101' });
    const big = ctx.orderFactory.limit({ instrumentId: aapl.id, side: 'BUY', quantity: 100, price: '101' });
    const fat = ctx.orderFactory.limit({ instrumentId: aapl.id, side: 'BUY', quantity: 1, price: '110' });
    commands.next(ok);
    commands.next(big);
    commands.next(fat);
    expect(out).toEqual([ok]);
    expect(denied).toEqual(emitted);
    expect(denied).toMatchObject([
      { type: 'OrderDenied', clientOrderId: big.clientOrderId, ts: T0 + 60_000, tsInit: T0 + 60_000, reason: expect.stringMatching(/^MAX_ORDER_NOTIONAL: /) },
      { type: 'OrderDenied', clientOrderId: fat.clientOrderId, reason: expect.stringMatching(/^PRICE_COLLAR: /) },
    ]);
    expect(engine.audit.length).toBe(3);
  });

  it('denies a market order it cannot value (no price seen yet) instead of letting it through', () => {
    const { ctx, clock } = context();
    const engine = new RiskEngine({ clock, instruments });
    const denied: OrderDenied[] = [];
    const commands = new Subject<OrderCommand>();
    commands.pipe(riskGate(engine, ctx, { onDenied: (d) => denied.push(d) })).subscribe();
    commands.next(ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 1 }));
    expect(denied[0]!.reason).toMatch(/^NO_REFERENCE_PRICE/);
  });

  it('denies a malformed command as INVALID_ORDER and keeps gating', () => {
    const { ctx, clock, bars } = context();
    const engine = new RiskEngine({ clock, instruments, limits: {} });
    const commands = new Subject<OrderCommand>();
    const out: OrderCommand[] = [];
    const denied: OrderDenied[] = [];
    commands.pipe(riskGate(engine, ctx, { onDenied: (d) => denied.push(d) })).subscribe((c) => out.push(c));
    bars.next(bar(T0, 100));
    const good = ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 1 });
    commands.next({ ...good, quantity: new Decimal(-1) });
    commands.next(good);
    expect(denied[0]!.reason).toMatch(/^INVALID_ORDER: order\.quantity: must be > 0/);
    expect(out).toEqual([good]);
  });

  it('forwards kill-switch commands downstream', () => {
    const { ctx, clock } = context();
    const engine = new RiskEngine({ clock, instruments });
    const out: OrderCommand[] = [];
    new Subject<OrderCommand>().pipe(riskGate(engine, ctx)).subscribe((c) => out.push(c));
    engine.killSwitch({ reason: 'test', flatten: true, positions: [{ instrumentId: aapl.id, quantity: new Decimal(5) }] });
    expect(out.map((c) => c.type)).toEqual(['SubmitOrder']);
    expect(engine.tradingState).toBe('HALTED');
  });

  it('feeds equity to the breakers before each check, so a loss trips the gate into REDUCING', () => {
    const { ctx, clock, setEquity, bars } = context();
    const engine = new RiskEngine({ clock, instruments, breakers: { loss: { limit: '1000', action: 'REDUCING' } } });
    const commands = new Subject<OrderCommand>();
    const out: OrderCommand[] = [];
    commands.pipe(riskGate(engine, ctx)).subscribe((c) => out.push(c));
    bars.next(bar(T0, 100));
    commands.next(ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 1 }));
    setEquity('98000');
    clock.advanceTo(T0 + 1000);
    commands.next(ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 1 }));
    expect(out).toHaveLength(1);
    expect(engine.tradingState).toBe('REDUCING');
  });

  it('passes cancels and denies new exposure when the ledger reports non-finite equity', () => {
    const { ctx, clock, bars, setEquity } = context();
    const engine = new RiskEngine({ clock, instruments, limits: { maxLeverage: 2 } });
    const commands = new Subject<OrderCommand>();
    const out: OrderCommand[] = [];
    const denied: OrderDenied[] = [];
    commands.pipe(riskGate(engine, ctx, { onDenied: (d) => denied.push(d) })).subscribe((c) => out.push(c));
    setEquity('NaN');
    bars.next(bar(T0, 100));
    const cancel: OrderCommand = { type: 'CancelOrder', clientOrderId: 'x' as never, strategyId: 'alpha' as StrategyId, instrumentId: aapl.id, ts: T0 };
    commands.next(cancel);
    commands.next(ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 1 }));
    expect(out).toEqual([cancel]);
    expect(denied[0]!.reason).toMatch(/^INVALID_EQUITY/);
  });

  describe('counts what it approved and the order manager has not seen', () => {
    function gated(limits: ConstructorParameters<typeof RiskEngine>[0]['limits'], pendingTtlMs?: number) {
      const c = context();
      const engine = new RiskEngine({ clock: c.clock, instruments, limits });
      const commands = new Subject<OrderCommand>();
      const out: OrderCommand[] = [];
      const denied: OrderDenied[] = [];
      commands.pipe(riskGate(engine, c.ctx, { onDenied: (d) => denied.push(d), ...(pendingTtlMs !== undefined ? { pendingTtlMs } : {}) })).subscribe((x) => out.push(x));
      c.bars.next(bar(T0, 100));
      const buy = (quantity: number, price = '100') => c.ctx.orderFactory.limit({ instrumentId: aapl.id, side: 'BUY', quantity, price });
      return { ...c, engine, commands, out, denied, buy };
    }

    it('denies the second of two orders emitted in one tick that together exceed the position limit', () => {
      const g = gated({ maxPosition: 100 });
      const a = g.buy(60);
      const b = g.buy(60, '99');
      g.commands.next(a);
      g.commands.next(b); // an asynchronous stage after the gate still holds `a`: the order manager has not seen it
      expect(g.out).toEqual([a]);
      expect(g.denied[0]!.reason).toMatch(/^MAX_POSITION/);
    });

    it('stops counting a pending order once the order manager shows it, so nothing is counted twice', () => {
      const g = gated({ maxPosition: 100 });
      const a = g.buy(60);
      g.commands.next(a);
      g.see(a);
      const b = g.buy(40, '99');
      g.commands.next(b);
      expect(g.out).toEqual([a, b]);
    });

    it('counts the orders of an approved list and the quantity an unconfirmed modify adds', () => {
      const g = gated({ maxOpenOrders: 3, maxPosition: 100 });
      const list = g.ctx.orderFactory.bracket({ instrumentId: aapl.id, side: 'BUY', quantity: 10, takeProfit: 110, stopLoss: 95 });
      g.commands.next(list);
      g.commands.next(g.buy(1));
      expect(g.out).toEqual([list]);
      expect(g.denied[0]!.reason).toMatch(/^MAX_OPEN_ORDERS/);

      const h = gated({ maxPosition: 100 });
      const a = h.buy(50);
      h.commands.next(a);
      h.see(a);
      const grow: OrderCommand = { type: 'ModifyOrder', clientOrderId: a.clientOrderId, strategyId: a.strategyId, instrumentId: aapl.id, quantity: new Decimal(90), price: undefined, triggerPrice: undefined, ts: T0 };
      h.commands.next(grow);
      h.commands.next(h.buy(20, '99'));
      expect(h.out).toEqual([a, grow]);
      expect(h.denied[0]!.reason).toMatch(/^MAX_POSITION/);
      // Confirmed: the order manager's view now carries the new quantity and the pending addition is dropped.
      h.see(a, { quantity: new Decimal(90) });
      h.orderEvents.next({ type: 'OrderUpdated', clientOrderId: a.clientOrderId, strategyId: a.strategyId, instrumentId: aapl.id, venueOrderId: undefined, quantity: new Decimal(90), price: a.price, triggerPrice: undefined, ts: T0, tsInit: T0 } as never);
      const ten = h.buy(10, '98');
      h.commands.next(ten);
      expect(h.out).toEqual([a, grow, ten]);
    });

    it('applies a modify of an order still held back to what it counts', () => {
      const g = gated({ maxPosition: 100 });
      const a = g.buy(50);
      g.commands.next(a);
      const grow: OrderCommand = { type: 'ModifyOrder', clientOrderId: a.clientOrderId, strategyId: a.strategyId, instrumentId: aapl.id, quantity: new Decimal(90), price: undefined, triggerPrice: undefined, ts: T0 };
      g.commands.next(grow);
      g.commands.next(g.buy(20, '99'));
      expect(g.out).toEqual([a, grow]);
      expect(g.denied[0]!.reason).toMatch(/^MAX_POSITION/);
    });

    it('stops counting an approved order nobody delivered after pendingTtlMs', () => {
      const g = gated({ maxPosition: 100 }, 5_000);
      g.commands.next(g.buy(60));
      g.clock.advanceTo(T0 + 4_000);
      g.commands.next(g.buy(60, '99'));
      expect(g.out).toHaveLength(1);
      g.clock.advanceTo(T0 + 10_000);
      g.commands.next(g.buy(60, '98'));
      expect(g.out).toHaveLength(2);
    });
  });
});

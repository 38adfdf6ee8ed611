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
  type PipelineContext,
  type StrategyId,
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
  const orders: OrdersView = { order: () => undefined, openOrders: () => [] };
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
  return { ctx, clock, bars, orderEvents, setEquity: (v: string) => (equity = new Decimal(v)) };
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
});

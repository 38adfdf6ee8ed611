/**
 * A pipeline context on a BacktestClock for testing execution algorithms in virtual time: the test
 * plays the venue (fills, rejects, cancels children by hand) and the market (bars, trades).
 */
import { filter, Subject, type Observable } from 'rxjs';
import {
  BacktestClock,
  Decimal,
  OrderFactory,
  WorkTracker,
  defineInstrument,
  instrumentRegistry,
  silentLogger,
  strategyId,
  type Bar,
  type DecimalLike,
  type InstrumentId,
  type LedgerView,
  type OrderCommand,
  type OrderEvent,
  type OrdersView,
  type PipelineContext,
  type SubmitOrder,
  type Trade,
  type TradeId,
  type VenueOrderId,
} from '@rxtrade/core';
import type { ExecutionAlgorithm } from '../execution-algorithm';

export const T0 = Date.UTC(2024, 0, 2, 14, 30);
export const MINUTE = 60_000;

export const aapl = defineInstrument({ symbol: 'AAPL', venue: 'SIM', assetClass: 'stock', base: 'AAPL', quote: 'USD', tickSize: '0.01', lotSize: '1' });
export const eth = defineInstrument({ symbol: 'ETHUSDT', venue: 'SIM', assetClass: 'spot', base: 'ETH', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });

const byInstrument = <T extends { readonly instrumentId: InstrumentId }>(s: Subject<T>, id?: InstrumentId): Observable<T> =>
  id === undefined ? s.asObservable() : s.pipe(filter((x) => x.instrumentId === id));

const unused = (): never => {
  throw new Error('not available in the algo harness');
};

/** Builds a context, subscribes the stage and records what it emits. */
export function algoHarness(build: (ctx: PipelineContext) => ExecutionAlgorithm, start = T0) {
  const clock = new BacktestClock(start);
  const instruments = instrumentRegistry([aapl, eth]);
  const orderEvents = new Subject<OrderEvent>();
  const bars = new Subject<Bar>();
  const trades = new Subject<Trade>();
  const orderFactory = new OrderFactory(clock, instruments, strategyId('algo'), 'A');
  const ctx: PipelineContext = {
    clock,
    scheduler: clock.scheduler,
    instruments,
    ledger: { cash: unused } as unknown as LedgerView,
    orders: { order: unused, openOrders: unused } as unknown as OrdersView,
    market: {
      bars: (id) => byInstrument(bars, id),
      trades: (id) => byInstrument(trades, id),
      quotes: () => new Subject<never>(),
      books: () => new Subject<never>(),
    },
    orderEvents,
    orderFactory,
    work: new WorkTracker(),
    logger: silentLogger,
  };
  const input = new Subject<OrderCommand>();
  const out: OrderCommand[] = [];
  const state = { completed: false, error: undefined as unknown };
  /** Called for every emitted command, after it was recorded (plays a synchronous venue). */
  let onCommand: (c: OrderCommand) => void = () => {};
  input.pipe(build(ctx)).subscribe({
    next: (c) => {
      out.push(c);
      onCommand(c);
    },
    error: (e: unknown) => {
      state.error = e;
    },
    complete: () => {
      state.completed = true;
    },
  });
  let trade = 0;
  const base = (child: SubmitOrder) => ({ clientOrderId: child.clientOrderId, strategyId: child.strategyId, instrumentId: child.instrumentId, ts: clock.now(), tsInit: clock.now() });
  return {
    clock,
    ctx,
    input,
    out,
    state,
    /** The SubmitOrders emitted so far. */
    children: (): SubmitOrder[] => out.filter((c): c is SubmitOrder => c.type === 'SubmitOrder'),
    /** Summary of the children: [ms after T0, quantity]. */
    schedule: (): [number, string][] => out.filter((c): c is SubmitOrder => c.type === 'SubmitOrder').map((c) => [c.ts - start, c.quantity.toString()]),
    setOnCommand: (f: (c: OrderCommand) => void) => {
      onCommand = f;
    },
    fill(child: SubmitOrder, quantity: DecimalLike = child.quantity, price: DecimalLike = child.price ?? 100) {
      orderEvents.next({
        ...base(child),
        type: 'OrderFilled',
        tradeId: `T-${++trade}` as TradeId,
        venueOrderId: `V-${child.clientOrderId}` as VenueOrderId,
        side: child.side,
        quantity: new Decimal(quantity),
        price: new Decimal(price),
        commission: new Decimal(0),
        commissionCurrency: 'USD',
        liquiditySide: 'TAKER',
      });
    },
    reject(child: SubmitOrder) {
      orderEvents.next({ ...base(child), type: 'OrderRejected', reason: 'test' });
    },
    cancel(child: SubmitOrder) {
      orderEvents.next({ ...base(child), type: 'OrderCanceled' });
    },
    bar(instrumentId: InstrumentId, ts: number, volume: number, price = 100) {
      clock.advanceTo(ts);
      bars.next({ type: 'Bar', instrumentId, ts, open: price, high: price, low: price, close: price, volume });
    },
    trade(instrumentId: InstrumentId, ts: number, size: number, price = 100) {
      clock.advanceTo(ts);
      trades.next({ type: 'Trade', instrumentId, ts, price, size, aggressor: 'NONE', tradeId: `m-${ts}` });
    },
  };
}

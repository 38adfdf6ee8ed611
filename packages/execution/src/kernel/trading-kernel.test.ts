/**
 * The trading kernel on its own: its config, the venues it feeds market data to, the ledger it books
 * into through `AccountLedger`, and a `DataClient` as its source of events. Figures are worked out by
 * hand in the comments.
 */
import { BehaviorSubject, map, Subject, take } from 'rxjs';
import {
  BacktestClock,
  ReplayDataClient,
  instrumentRegistry,
  type ConnectionStatus,
  type ExecutionClient,
  type OrderEvent,
  type OrderFactory,
  type SubmitOrder,
} from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { DAY, bar, btc, goog } from '../__fixtures__/setup';
import { TestLedger } from '../__fixtures__/test-ledger';
import { SimulatedVenue } from '../simulated-venue';
import { describeMarketEvent, TradingKernel } from './trading-kernel';

/** A venue that matches on its own market (not a MarketDataSink): it records what it is sent. */
function remoteVenue(id: string) {
  const submitted: SubmitOrder[] = [];
  const status = new BehaviorSubject<ConnectionStatus>('CONNECTED');
  const venue: ExecutionClient = {
    id: id as never,
    capabilities: { orderTypes: ['MARKET', 'LIMIT'], timeInForce: ['GTC'], reduceOnly: false, postOnly: false, modify: false },
    events: new Subject<OrderEvent>(),
    connection: status,
    submit: (c) => submitted.push(c),
    cancel: () => {},
    modify: () => {},
    openOrders: async () => [],
    positions: async () => [],
    balances: async () => [],
    queryOrder: async () => undefined,
    queryOrderByVenueId: async () => undefined,
    fillsSince: async () => [],
  };
  return { venue, submitted, status };
}

describe('TradingKernel', () => {
  it('refuses an unknown option, a venue list that is empty and a ledger that is not an AccountLedger, naming the field', () => {
    const clock = new BacktestClock(0);
    const instruments = instrumentRegistry([goog]);
    const venues = [new SimulatedVenue({ clock, instruments })];
    const ledger = new TestLedger(1000);
    expect(() => new TradingKernel({ clock, instruments, venues, ledger, strategyId: 's', equityEvry: 2 } as never)).toThrow(/TradingKernelConfig.*equityEvry/);
    expect(() => new TradingKernel({ clock, instruments, venues: [], ledger, strategyId: 's' })).toThrow(/^TradingKernelConfig\.venues/);
    expect(() => new TradingKernel({ clock, instruments, venues, ledger: { cash: () => 0 } as never, strategyId: 's' })).toThrow(/^TradingKernelConfig\.ledger: must be an AccountLedger/);
    expect(() => new TradingKernel({ clock, instruments, venues, ledger, strategyId: 's', orders: { submitTimeoutMs: 1, resend: true } as never })).toThrow(/orders\.resend/);
  });

  it('feeds market data only to the venue of its instrument that is a sink; orders reach a remote venue through the router', () => {
    const clock = new BacktestClock(0);
    const instruments = instrumentRegistry([goog, btc]);
    const nasdaq = new SimulatedVenue({ id: 'NASDAQ', clock, instruments });
    const processed: string[] = [];
    const process = nasdaq.process.bind(nasdaq);
    nasdaq.process = (data) => {
      processed.push(data.instrumentId);
      process(data);
    };
    const binance = remoteVenue('BINANCE');
    const ledger = new TestLedger(100_000);
    const kernel = new TradingKernel({ clock, instruments, venues: [nasdaq, binance.venue], ledger, strategyId: 's' });
    kernel.start((ctx) => ctx.market.bars(btc.id).pipe(take(1), map(() => ctx.orderFactory.market({ instrumentId: btc.id, side: 'BUY', quantity: 1 }))));
    kernel.handle(bar(goog.id, DAY, 100, 101, 99, 100));
    kernel.handle(bar(btc.id, DAY, 40_000, 40_100, 39_900, 40_050));
    expect(processed).toEqual([goog.id]);
    expect(binance.submitted.map((c) => c.instrumentId)).toEqual([btc.id]);
    expect(kernel.eventCount).toBe(2);
    expect(kernel.orders.openOrders().map((o) => o.status)).toEqual(['SUBMITTED']);
  });

  it('runs a pipeline fed by a ReplayDataClient: the fill, the ledger and the equity curve follow the bars', async () => {
    const clock = new BacktestClock(DAY);
    const instruments = instrumentRegistry([goog]);
    const ledger = new TestLedger(10_000);
    const kernel = new TradingKernel({ clock, instruments, venues: [new SimulatedVenue({ clock, instruments })], ledger, strategyId: 's' });
    kernel.start((ctx) => ctx.market.bars(goog.id).pipe(take(1), map(() => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 }))));
    const data = new ReplayDataClient({ data: [bar(goog.id, DAY, 100, 101, 99, 100), bar(goog.id, 2 * DAY, 102, 106, 101, 105), bar(goog.id, 3 * DAY, 104, 104, 98, 99)] });
    data.subscribe({ kind: 'BARS', instrumentId: goog.id });
    data.events.subscribe((event) => {
      clock.advanceTo(event.ts);
      kernel.handle(event);
      kernel.recordEquity(event.ts);
    });
    await data.connect();
    kernel.finish();
    kernel.stop();
    // Bought 10 at the second bar's open, 102: cash 10000 - 1020 = 8980; equity 8980 + 10 x close.
    expect(kernel.fills.map((f) => `${f.quantity.toString()} @ ${f.price.toString()}`)).toEqual(['10 @ 102']);
    expect(Array.from(kernel.equityCurve().equity)).toEqual([10_000, 8980 + 1050, 8980 + 990]);
    expect(Array.from(kernel.equityCurve().ts)).toEqual([DAY, 2 * DAY, 3 * DAY]);
  });

  it('reconciles open orders when a venue is connected again, and only then', async () => {
    const clock = new BacktestClock(0);
    const instruments = instrumentRegistry([btc]);
    const remote = remoteVenue('BINANCE');
    const queried: string[] = [];
    remote.venue.queryOrder = async (id) => {
      queried.push(id);
      return undefined;
    };
    const kernel = new TradingKernel({ clock, instruments, venues: [remote.venue], ledger: new TestLedger(100_000), strategyId: 's' });
    const commands = new Subject<SubmitOrder>();
    let factory: OrderFactory | undefined;
    kernel.start((ctx) => {
      factory = ctx.orderFactory;
      return commands;
    });
    commands.next(factory!.limit({ instrumentId: btc.id, side: 'BUY', quantity: 1, price: 30_000 }));
    remote.status.next('CONNECTED'); // no change: nothing to reconcile
    expect(kernel.work.pending).toBe(0);
    remote.status.next('RECONNECTING');
    remote.status.next('CONNECTED');
    expect(kernel.work.pending).toBe(1);
    await kernel.settle(5_000, () => 'reconciliation');
    expect(queried).toEqual(['s-1']);
    // Never acknowledged and unknown to the venue: rejected locally, not sent again.
    expect(kernel.orders.openOrders()).toEqual([]);
    expect(remote.submitted).toHaveLength(1);
    kernel.stop();
    remote.status.next('DISCONNECTED');
    remote.status.next('CONNECTED');
    expect(kernel.work.pending).toBe(0);
  });

  it('fails the run, through onFailure, on a fill or a funding payment its ledger refuses, instead of throwing inside a subscriber', () => {
    const clock = new BacktestClock(0);
    const instruments = instrumentRegistry([btc]);
    const binance = remoteVenue('BINANCE');
    const funding = new Subject<{ instrumentId: typeof btc.id; amount: never; currency: string; rate: number; ts: number }>();
    (binance.venue as { fundingPayments?: unknown }).fundingPayments = funding;
    const ledger = new TestLedger(100_000);
    const refused = new Error('fill.commissionCurrency: is "BNB" but the ledger holds USDT only');
    ledger.applyFill = () => {
      throw refused;
    };
    const kernel = new TradingKernel({ clock, instruments, venues: [binance.venue], ledger, strategyId: 's' });
    const failures: unknown[] = [];
    kernel.onFailure = (error) => failures.push(error);
    const heard: string[] = [];
    kernel.start((ctx) => {
      ctx.orderEvents.subscribe((e) => heard.push(e.type));
      return ctx.market.bars(btc.id).pipe(take(1), map(() => ctx.orderFactory.market({ instrumentId: btc.id, side: 'BUY', quantity: 1 })));
    });
    kernel.handle(bar(btc.id, DAY, 40_000, 40_100, 39_900, 40_050));
    const [order] = binance.submitted;
    const events = binance.venue.events as Subject<OrderEvent>;
    const base = { clientOrderId: order!.clientOrderId, strategyId: order!.strategyId, instrumentId: btc.id, ts: DAY, tsInit: DAY };
    events.next({ type: 'OrderAccepted', ...base, venueOrderId: 'B-1' as never });
    expect(() =>
      events.next({ type: 'OrderFilled', ...base, venueOrderId: 'B-1' as never, tradeId: 't1' as never, side: 'BUY', quantity: order!.quantity, price: order!.quantity.mul(40_000), commission: order!.quantity.mul(0), commissionCurrency: 'BNB', liquiditySide: 'TAKER' }),
    ).not.toThrow();
    expect(failures).toEqual([refused]);
    // The pipeline never hears of a fill the ledger did not book.
    expect(heard).toEqual(['OrderSubmitted', 'OrderAccepted']);

    const second = new TradingKernel({ clock, instruments, venues: [binance.venue], ledger: Object.assign(new TestLedger(1), { applyFunding: () => { throw refused; } }), strategyId: 's' });
    const secondFailures: unknown[] = [];
    second.onFailure = (error) => secondFailures.push(error);
    expect(() => funding.next({ instrumentId: btc.id, amount: 1 as never, currency: 'USDT', rate: 0.0001, ts: DAY })).not.toThrow();
    expect(secondFailures).toEqual([refused]);
  });

  it('describes an event for errors', () => {
    expect(describeMarketEvent(bar(goog.id, Date.UTC(2024, 0, 2), 1, 1, 1, 1))).toBe('Bar of GOOG.NASDAQ at 2024-01-02T00:00:00.000Z');
  });
});

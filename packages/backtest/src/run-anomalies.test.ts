import { concatMap, interval, map, merge, of, Subject, type Observable } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { defineInstrument, LiveClock, tradeId, type Bar, type MarketData, type OrderEvent, type OrderFilled, type Pipeline } from '@rxtrade/core';
import type { OrderAnomaly, SimulatedVenue as SimulatedVenueClass, SimulatedVenueConfig } from '@rxtrade/execution';

// Test files share their worker's modules, so the runners may already have been loaded with the real
// venue by an earlier file: they are loaded afresh below, after the mock is in place.
let resultFromJson: typeof import('./result').resultFromJson;
let resultToJson: typeof import('./result').resultToJson;
let runBacktest: typeof import('./run-backtest').runBacktest;
let OrderAnomalyError: typeof import('./run-errors').OrderAnomalyError;
let runPaper: typeof import('./run-paper').runPaper;
let SimulatedVenue: typeof SimulatedVenueClass;
type SimulatedVenue = SimulatedVenueClass;
type OrderAnomalyError = import('./run-errors').OrderAnomalyError;

/** How the venue of the runs below misbehaves. */
const venueFault = vi.hoisted(() => ({ mode: 'none' as 'none' | 'duplicate' | 'overfill' | 'afterCancel' | 'afterFill' }));

// The runners build their venues from config; here every SimulatedVenue garbles its own fills as a
// faulty exchange would: each fill twice, fills of twice the quantity, a cancel before the fill, or a
// second fill (another trade id) after the one that completed the order.
vi.mock('@rxtrade/execution', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@rxtrade/execution')>();
  const garble = (e: OrderEvent): OrderEvent[] => {
    if (e.type !== 'OrderFilled') return [e];
    switch (venueFault.mode) {
      case 'duplicate':
        return [e, e];
      case 'overfill':
        return [{ ...e, quantity: e.quantity.mul(2) }];
      case 'afterCancel':
        return [{ type: 'OrderCanceled', clientOrderId: e.clientOrderId, strategyId: e.strategyId, instrumentId: e.instrumentId, ts: e.ts, tsInit: e.tsInit }, e];
      case 'afterFill':
        return [e, { ...e, tradeId: tradeId(`${e.tradeId}-again`) }];
      default:
        return [e];
    }
  };
  class FaultyVenue extends actual.SimulatedVenue {
    constructor(config: SimulatedVenueConfig) {
      super(config);
      const events = this.events;
      (this as { events: Observable<OrderEvent> }).events = events.pipe(concatMap((e) => of(...garble(e))));
    }
  }
  return { ...actual, SimulatedVenue: FaultyVenue };
});

const inst = defineInstrument({ symbol: 'A', venue: 'SIM', assetClass: 'stock', base: 'A', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const T0 = Date.UTC(2024, 0, 1);
const bars: Bar[] = Array.from({ length: 6 }, (_, i) => ({ type: 'Bar', instrumentId: inst.id, ts: T0 + i * 60_000, open: 100 + i, high: 101 + i, low: 99 + i, close: 100.5 + i, volume: 1000 }));
const config = { instruments: [inst], ledger: { startingCash: 100_000 } };
/** Buys one share on every bar. */
const buyEveryBar: Pipeline = (ctx) => ctx.market.bars().pipe(map(() => ctx.orderFactory.market({ instrumentId: inst.id, side: 'BUY', quantity: 1 })));

beforeAll(async () => {
  vi.resetModules();
  ({ resultFromJson, resultToJson } = await import('./result'));
  ({ runBacktest } = await import('./run-backtest'));
  ({ OrderAnomalyError } = await import('./run-errors'));
  ({ runPaper } = await import('./run-paper'));
  // The venue class the fresh runners construct: the mock's, so that spies below reach its instances.
  ({ SimulatedVenue } = await import('@rxtrade/execution'));
});

afterEach(() => {
  venueFault.mode = 'none';
  vi.restoreAllMocks();
});

describe('order anomalies in a run', () => {
  it('lists duplicate fills in the result and on onAnomaly, and never applies them', async () => {
    venueFault.mode = 'duplicate';
    const heard: OrderAnomaly[] = [];
    const result = await runBacktest(buyEveryBar, { ...config, data: bars, onAnomaly: (a) => heard.push(a) });
    // Five orders filled (the sixth waits for a bar), each fill sent twice: five anomalies, five fills.
    expect(result.summary.fills).toBe(5);
    expect(result.anomalies.map((a) => a.reason)).toEqual(Array(5).fill('DUPLICATE_FILL'));
    expect(result.anomalies[0]).toMatchObject({ clientOrderId: 'strategy-1', instrumentId: inst.id, eventType: 'OrderFilled', ts: bars[1]!.ts });
    expect(heard.map((a) => a.message)).toEqual(result.anomalies.map((a) => a.message));
    expect((heard[0]!.event as OrderFilled).tradeId).toBe(result.fills[0]!.tradeId);
    // They survive the result's JSON round trip.
    const again = resultFromJson(JSON.parse(JSON.stringify(resultToJson(result))));
    expect(again.anomalies).toEqual(result.anomalies);
  });

  it.each([
    ['overfill', 'OVERFILL', 0],
    ['afterFill', 'AFTER_TERMINAL', 5],
  ] as const)('lists a %s as %s', async (mode, reason, fills) => {
    venueFault.mode = mode;
    const result = await runBacktest(buyEveryBar, { ...config, data: bars });
    expect(result.summary.fills).toBe(fills);
    expect(result.anomalies.map((a) => a.reason)).toEqual(Array(5).fill(reason));
  });

  it('books a fill that crossed the OrderCanceled on the wire: it happened before the cancel', async () => {
    venueFault.mode = 'afterCancel';
    const result = await runBacktest(buyEveryBar, { ...config, data: bars });
    expect(result.summary.fills).toBe(5);
    expect(result.anomalies).toEqual([]);
    // Five orders canceled with their share filled; the last bar's order is still working.
    expect(result.orders.map((o) => `${o.status} ${o.filledQuantity.toString()}`)).toEqual([...Array<string>(5).fill('CANCELED 1'), 'ACCEPTED 0']);
  });

  it('fails a strict backtest on the first anomaly, with an error carrying it; nothing reaches the venue afterwards', async () => {
    venueFault.mode = 'duplicate';
    const submit = vi.spyOn(SimulatedVenue.prototype, 'submit');
    const error = await runBacktest(buyEveryBar, { ...config, data: bars, strict: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OrderAnomalyError);
    expect((error as OrderAnomalyError).anomaly.reason).toBe('DUPLICATE_FILL');
    expect((error as OrderAnomalyError).message).toContain('DUPLICATE_FILL');
    // The first order was sent on bar 0 and filled (twice) on bar 1, before the strategy saw bar 1.
    expect(submit).toHaveBeenCalledTimes(1);
  });

  it('fails a strict paper run on the first anomaly, after stopping its feed and node', async () => {
    venueFault.mode = 'overfill';
    const sent: number[] = [];
    const original = SimulatedVenue.prototype.submit;
    vi.spyOn(SimulatedVenue.prototype, 'submit').mockImplementation(function (this: SimulatedVenue, command) {
      sent.push(performance.now());
      original.call(this, command);
    });
    const feed = new Subject<MarketData>();
    const clock = new LiveClock();
    const timed: Pipeline = (ctx) =>
      merge(buyEveryBar(ctx), interval(2, ctx.scheduler).pipe(map(() => ctx.orderFactory.market({ instrumentId: inst.id, side: 'BUY', quantity: 1 }))));
    const run = runPaper(timed, { ...config, clock, feed, strict: true });
    feed.next(bars[0]!);
    feed.next(bars[1]!);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('runPaper still running after 5 s')), 5_000);
    });
    const error = await Promise.race([run, deadline]).then(
      () => undefined,
      (e: unknown) => e,
    );
    clearTimeout(timer);
    const rejectedAt = performance.now();
    expect(error).toBeInstanceOf(OrderAnomalyError);
    expect((error as OrderAnomalyError).anomaly.reason).toBe('OVERFILL');
    expect(feed.observed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sent.filter((t) => t > rejectedAt)).toEqual([]);
  });
});

/**
 * The trading kernel and the order manager against a venue that misbehaves: each fault of
 * `FaultyVenue`, and what must still hold. Prices and sums are worked out by hand in the comments.
 */
import { Subject } from 'rxjs';
import { BacktestClock, Decimal, instrumentRegistry, type OrderCommand, type OrderEvent, type OrderFilled, type PipelineContext } from '@rxtrade/core';
import { describe, expect, it, vi } from 'vitest';
import { DAY, bar, goog } from '../__fixtures__/setup';
import { TestLedger } from '../__fixtures__/test-ledger';
import { OrderAnomalyError } from '../kernel/kernel-errors';
import { TradingKernel, type TradingKernelConfig } from '../kernel/trading-kernel';
import { SimulatedVenue, type SimulatedVenueConfig } from '../simulated-venue';
import { FaultyVenue, type VenueFaults } from './faulty-venue';

interface HarnessOptions {
  readonly faults?: Partial<VenueFaults>;
  readonly venue?: Partial<Omit<SimulatedVenueConfig, 'clock' | 'instruments'>>;
  readonly kernel?: Partial<Pick<TradingKernelConfig, 'strict' | 'orders'>>;
}

function harness(options: HarnessOptions = {}) {
  const clock = new BacktestClock(0);
  const instruments = instrumentRegistry([goog]);
  const venue = new FaultyVenue({ venue: new SimulatedVenue({ clock, instruments, ...options.venue }), clock });
  Object.assign(venue.faults, options.faults);
  const ledger = new TestLedger(100_000);
  const kernel = new TradingKernel({ clock, instruments, venues: [venue], ledger, strategyId: 's', ...options.kernel });
  const failures: unknown[] = [];
  kernel.onFailure = (error) => failures.push(error);
  const commands = new Subject<OrderCommand>();
  const seen: OrderEvent[] = [];
  let context: PipelineContext | undefined;
  kernel.start((ctx) => {
    context = ctx;
    ctx.orderEvents.subscribe((e) => seen.push(e));
    return commands;
  });
  const ctx = context!;
  /** One daily bar through the kernel, as a runner hands it over. */
  const step = async (day: number, open: number, high: number, low: number, close: number, volume = 1000): Promise<void> => {
    const b = bar(goog.id, day * DAY, open, high, low, close, volume);
    clock.advanceTo(b.ts);
    if (kernel.handle(b)) await kernel.settle(5_000, () => `day ${day}`);
    kernel.recordEquity(b.ts);
  };
  const buyLimit = (quantity: number, price: number) => {
    const order = ctx.orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity, price });
    commands.next(order);
    return order.clientOrderId;
  };
  const buyMarket = (quantity: number) => {
    const order = ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity });
    commands.next(order);
    return order.clientOrderId;
  };
  const status = (id: string) => kernel.orderManager.order(id as never)?.status;
  const types = () => seen.map((e) => e.type);
  return { clock, venue, ledger, kernel, failures, ctx, step, buyLimit, buyMarket, status, types, seen };
}

const fillsOf = (events: readonly OrderEvent[]): OrderFilled[] => events.filter((e): e is OrderFilled => e.type === 'OrderFilled');

describe('a dropped acknowledgement', () => {
  it('leaves the order in flight (SUBMITTED, open) while the venue works it, and queryOrder finds it', async () => {
    const h = harness({ faults: { dropAcks: true } });
    const id = h.buyLimit(10, 90);
    await h.step(1, 100, 101, 99, 100);
    expect(h.status(id)).toBe('SUBMITTED');
    expect(h.kernel.orders.openOrders().map((o) => o.clientOrderId)).toEqual([id]);
    expect(h.venue.lost.map((e) => e.type)).toEqual(['OrderAccepted']);
    expect((await h.venue.queryOrder(id))?.status).toBe('ACCEPTED');
    expect((await h.venue.openOrders()).map((o) => o.clientOrderId)).toEqual([id]);
  });

  it('still takes the fill that follows: SUBMITTED to FILLED, booked once', async () => {
    const h = harness({ faults: { dropAcks: true } });
    const id = h.buyLimit(10, 90);
    await h.step(1, 100, 101, 99, 100);
    await h.step(2, 95, 96, 85, 88); // trades through 90: filled at the limit
    expect(h.status(id)).toBe('FILLED');
    expect(h.ledger.positionQuantity(goog.id).toString()).toBe('10');
    expect(h.ledger.cash().toString()).toBe('99100'); // 100000 - 10 x 90
    expect(h.kernel.anomalies).toEqual([]);
  });

  it('is reconciled by client order id after submitTimeoutMs: accepted with the venue order id, never sent twice', async () => {
    const h = harness({ faults: { dropAcks: true }, kernel: { orders: { submitTimeoutMs: 1_000 } } });
    const submitted = vi.spyOn(SimulatedVenue.prototype, 'submit');
    const id = h.buyLimit(10, 90);
    await h.step(1, 100, 101, 99, 100); // the timeout fires at 1000 ms, before this bar
    await vi.waitFor(() => expect(h.status(id)).toBe('ACCEPTED'));
    expect(h.kernel.orderManager.order(id as never)?.venueOrderId).toBe((await h.venue.queryOrder(id as never))?.venueOrderId);
    expect(submitted).toHaveBeenCalledTimes(1);
    submitted.mockRestore();
  });
});

describe('a delayed acknowledgement', () => {
  it('keeps the order SUBMITTED until the ack arrives on the clock', async () => {
    const h = harness({ faults: { ackDelayMs: DAY / 2 } });
    const id = h.buyLimit(10, 90);
    h.clock.advanceTo(DAY / 2 - 1);
    expect(h.status(id)).toBe('SUBMITTED');
    await h.step(1, 100, 101, 99, 100);
    expect(h.status(id)).toBe('ACCEPTED');
    expect(h.types()).toEqual(['OrderSubmitted', 'OrderAccepted']);
  });

  it('arriving after the fill changes nothing: the order stays FILLED, booked once, and no anomaly is raised', async () => {
    const h = harness({ faults: { ackDelayMs: 1.5 * DAY } });
    const id = h.buyMarket(10);
    await h.step(1, 100, 101, 99, 100); // filled at the open, 100, before the ack
    expect(h.status(id)).toBe('FILLED');
    await h.step(2, 100, 101, 99, 100); // the late ack arrives at 1.5 days
    expect(h.status(id)).toBe('FILLED');
    expect(h.ledger.positionQuantity(goog.id).toString()).toBe('10');
    expect(h.types()).toEqual(['OrderSubmitted', 'OrderFilled']);
    expect(h.kernel.anomalies).toEqual([]);
  });

  it('arriving after a partial fill keeps the order PARTIALLY_FILLED, with no anomaly', async () => {
    const h = harness({ faults: { ackDelayMs: 1.5 * DAY }, venue: { maxParticipation: 0.5 } });
    const id = h.buyMarket(10);
    await h.step(1, 100, 101, 99, 100, 8); // 4 of 10 at 100
    expect(h.status(id)).toBe('PARTIALLY_FILLED');
    await h.step(2, 100, 101, 99, 100, 8); // the ack at 1.5 days, then 4 more
    await h.step(3, 100, 101, 99, 100, 8); // the last 2
    expect(h.status(id)).toBe('FILLED');
    expect(h.kernel.anomalies).toEqual([]);
    expect(h.ledger.positionQuantity(goog.id).toString()).toBe('10');
  });

  it('arriving after reconciliation accepted the order changes nothing and raises no anomaly', async () => {
    const h = harness({ faults: { ackDelayMs: 1.5 * DAY }, kernel: { orders: { submitTimeoutMs: 1_000 } } });
    const id = h.buyLimit(10, 90);
    await h.step(1, 100, 101, 99, 100);
    await vi.waitFor(() => expect(h.status(id)).toBe('ACCEPTED'));
    await h.step(2, 100, 101, 99, 100); // the ack at 1.5 days
    expect(h.status(id)).toBe('ACCEPTED');
    expect(h.kernel.anomalies).toEqual([]);
  });
});

describe('a duplicated fill', () => {
  it('is reported as a DUPLICATE_FILL anomaly and booked once', async () => {
    const h = harness({ faults: { duplicateFills: true } });
    const id = h.buyMarket(10);
    await h.step(1, 100, 101, 99, 100);
    expect(h.kernel.anomalies.map((a) => [a.reason, a.clientOrderId, a.eventType])).toEqual([['DUPLICATE_FILL', id, 'OrderFilled']]);
    expect(h.ledger.booked).toHaveLength(1);
    expect(h.kernel.fillCount).toBe(1);
    expect(h.ledger.positionQuantity(goog.id).toString()).toBe('10');
    expect(h.ledger.cash().toString()).toBe('99000');
    expect(fillsOf(h.seen)).toHaveLength(1);
    expect(h.failures).toEqual([]);
  });

  it('fails a strict kernel with an OrderAnomalyError, after the first copy was booked', async () => {
    const h = harness({ faults: { duplicateFills: true }, kernel: { strict: true } });
    h.buyMarket(10);
    await h.step(1, 100, 101, 99, 100);
    expect(h.failures).toHaveLength(1);
    expect(h.failures[0]).toBeInstanceOf(OrderAnomalyError);
    expect((h.failures[0] as OrderAnomalyError).anomaly.reason).toBe('DUPLICATE_FILL');
    expect(h.kernel.failed?.error).toBe(h.failures[0]);
    expect(h.ledger.booked).toHaveLength(1);
  });
});

describe('reordered fills', () => {
  it('still sum to the order: quantity, average price, cash and position as if in order', async () => {
    const h = harness({ faults: { holdFills: true }, venue: { maxParticipation: 0.5 } });
    const id = h.buyMarket(10);
    await h.step(1, 101, 102, 100, 101, 8); // 4 at 101
    await h.step(2, 102, 103, 101, 102, 8); // 4 at 102
    await h.step(3, 103, 104, 102, 103, 8); // 2 at 103
    expect(h.venue.heldFills).toBe(3);
    expect(h.status(id)).toBe('ACCEPTED');
    const made = await h.venue.fillsSince(0);
    h.venue.releaseFills('reverse');
    expect(h.ledger.booked.map((f) => f.tradeId)).toEqual(made.map((f) => f.tradeId).reverse());
    const order = h.kernel.orderManager.order(id)!;
    expect(order.status).toBe('FILLED');
    expect(order.filledQuantity.toString()).toBe('10');
    // (4 x 101 + 4 x 102 + 2 x 103) / 10 = 1018 / 10
    expect(order.avgFillPrice?.toString()).toBe('101.8');
    expect(h.ledger.cash().toString()).toBe('98982');
    expect(h.ledger.positionQuantity(goog.id).toString()).toBe('10');
    expect(h.kernel.tradedNotional.eq(new Decimal(1018))).toBe(true);
    expect(h.kernel.anomalies).toEqual([]);
  });
});

describe('a disconnect', () => {
  it('loses the fill sent meanwhile; on reconnect the kernel reconciles and books it once, by trade id', async () => {
    const h = harness();
    const id = h.buyLimit(10, 90);
    await h.step(1, 100, 101, 99, 100);
    h.venue.disconnect();
    await h.step(2, 95, 96, 85, 88); // fills at 90, but the fill is lost
    expect(h.venue.lost.map((e) => e.type)).toEqual(['OrderFilled']);
    expect(h.status(id)).toBe('ACCEPTED');
    expect(h.ledger.booked).toHaveLength(0);
    h.venue.reconnect();
    await h.kernel.settle(5_000, () => 'reconciliation');
    expect(h.status(id)).toBe('FILLED');
    expect(h.ledger.booked.map((f) => f.tradeId)).toEqual([h.venue.lost[0]!.type === 'OrderFilled' ? (h.venue.lost[0] as OrderFilled).tradeId : '']);
    expect(h.ledger.cash().toString()).toBe('99100');
    expect(fillsOf(h.seen)).toHaveLength(1);
    expect(h.kernel.anomalies).toEqual([]);
  });

  it('loses a submit sent meanwhile; after submitTimeoutMs it is rejected locally because the venue never saw it', async () => {
    const h = harness({ kernel: { orders: { submitTimeoutMs: 1_000 } } });
    h.venue.disconnect();
    const id = h.buyLimit(10, 90);
    expect(h.venue.lostCommands.map((c) => c.type)).toEqual(['SubmitOrder']);
    h.venue.reconnect();
    await h.step(1, 100, 101, 99, 100);
    await vi.waitFor(() => expect(h.status(id)).toBe('REJECTED'));
    expect(h.seen.at(-1)).toMatchObject({ type: 'OrderRejected', reason: expect.stringContaining('unknown to it when queried (reconciled; not resubmitted)') });
  });
});

describe('a venue restart that forgets open orders', () => {
  it('drops the order from the venue: openOrders no longer lists it, queryOrder does not know it, nothing fills it', async () => {
    const h = harness();
    const id = h.buyLimit(10, 90);
    await h.step(1, 100, 101, 99, 100);
    await h.venue.restart();
    expect(await h.venue.openOrders()).toEqual([]);
    expect(await h.venue.queryOrder(id as never)).toBeUndefined();
    await h.step(2, 95, 96, 85, 88); // would have filled at 90
    expect(h.ledger.booked).toHaveLength(0);
  });

  it('is noticed at the reconciliation after the reconnect: an anomaly names the order the venue no longer knows', async () => {
    const h = harness();
    const id = h.buyLimit(10, 90);
    await h.step(1, 100, 101, 99, 100);
    await h.venue.restart();
    await h.kernel.settle(5_000, () => 'reconciliation');
    expect(h.kernel.anomalies.map((a) => [a.reason, a.clientOrderId])).toEqual([['UNKNOWN_TO_VENUE', id]]);
    // The manager keeps the order's last known status: only the operator (or strict mode) decides.
    expect(h.status(id)).toBe('ACCEPTED');
  });
});

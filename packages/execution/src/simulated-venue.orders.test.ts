/**
 * The simulated venue's order rules beyond matching: time in force (GTD, DAY), post-only, reduce-only,
 * modify, queryOrder, and fees called with the order's context. Expected values are computed by hand.
 */
import { Decimal, type Instrument, type LiquiditySide, type OrderExpired, type OrderSide, type OrderUpdated } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { DAY, bar, goog, quote, venueHarness } from './__fixtures__/setup';
import type { FeeContext, FeeModel } from './fee-model';
import { PercentFeeModel } from './percent-fee-model';

describe('SimulatedVenue time in force', () => {
  it('expires a GTD order at its expire time on the clock, before data stamped then is matched', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 90, timeInForce: 'GTD', expireTime: 2 * DAY }));
    h.clock.advanceTo(DAY);
    h.venue.process(bar(goog.id, DAY, 100, 101, 99, 100));
    h.clock.advanceTo(2 * DAY);
    h.venue.process(bar(goog.id, 2 * DAY, 85, 86, 80, 85)); // would fill, but the order expired at 2 * DAY
    expect(h.types()).toEqual(['OrderAccepted', 'OrderExpired']);
    expect((h.events[1] as OrderExpired).ts).toBe(2 * DAY);
  });

  it('rejects a GTD order whose expire time is not after its arrival', () => {
    const h = venueHarness({}, 5000);
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 90, timeInForce: 'GTD', expireTime: 5000 }));
    expect(h.events[0]).toMatchObject({ type: 'OrderRejected', reason: expect.stringContaining('expireTime: 5000 is not after') });
  });

  it('expires a DAY order at the end of its trading day (default: next UTC midnight; or dayBoundary)', () => {
    const h = venueHarness({}, DAY + 3_600_000);
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 90, timeInForce: 'DAY' }));
    h.clock.advanceTo(2 * DAY);
    expect(h.events.at(-1)).toMatchObject({ type: 'OrderExpired', ts: 2 * DAY });
    const closeAt16 = (ts: number): number => Math.floor(ts / DAY) * DAY + 16 * 3_600_000;
    const g = venueHarness({ dayBoundary: closeAt16 }, DAY + 3_600_000);
    g.venue.submit(g.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 90, timeInForce: 'DAY' }));
    g.clock.advanceTo(2 * DAY);
    expect(g.events.at(-1)).toMatchObject({ type: 'OrderExpired', ts: DAY + 16 * 3_600_000 });
  });
});

describe('SimulatedVenue post-only and reduce-only', () => {
  it('rejects a post-only BUY at or above the ask, naming the prices', () => {
    const h = venueHarness();
    h.venue.process(quote(goog.id, 1, 99.9, 100));
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 100, postOnly: true }));
    expect(h.events[0]).toMatchObject({ type: 'OrderRejected', reason: 'postOnly: BUY limit 100 would take liquidity (ask 100)' });
  });

  it('rejects a modify that would move a post-only order across the market, and keeps it at its price', () => {
    const h = venueHarness();
    h.venue.process(quote(goog.id, 1, 99.9, 100));
    const order = h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 99.5, postOnly: true });
    h.venue.submit(order);
    h.venue.modify(h.factory.modify(order, { price: 100 }));
    expect(h.events.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderModifyRejected']);
    expect(h.events[1]).toMatchObject({ reason: 'postOnly: BUY limit 100 would take liquidity (ask 100)' });
    h.venue.modify(h.factory.modify(order, { price: 99.8 })); // still below the ask: allowed
    expect(h.events.at(-1)).toMatchObject({ type: 'OrderUpdated' });
  });

  it('rejects a post-only SELL at or below the last price when no quote is known', () => {
    const h = venueHarness();
    h.venue.process(bar(goog.id, 1, 100, 101, 99, 100.5));
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'SELL', quantity: 1, price: 100.5, postOnly: true }));
    expect(h.events[0]).toMatchObject({ type: 'OrderRejected', reason: 'postOnly: SELL limit 100.5 would take liquidity (last price 100.5)' });
  });

  it('fills a post-only order a later bar opens through at its limit price, as maker', () => {
    const h = venueHarness();
    h.venue.process(bar(goog.id, 1, 100, 101, 99, 100.5));
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 100, postOnly: true }));
    h.venue.process(bar(goog.id, DAY, 99, 100.2, 98, 99)); // opens through 100: at 100 (inside [98, 100.2]), maker
    expect(h.fillSummary()).toEqual(['100 x 1 MAKER']);
  });

  it('rejects a reduce-only order that would increase the net position', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'SELL', quantity: 1, reduceOnly: true }));
    expect(h.events[0]).toMatchObject({ type: 'OrderRejected', reason: expect.stringContaining('reduceOnly: a SELL would increase the net position 0') });
  });

  it('caps a reduce-only fill to the position so it never flips it, and cancels the remainder', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 3 }));
    h.venue.process(bar(goog.id, 1, 100, 101, 99, 100));
    const exit = h.factory.market({ instrumentId: goog.id, side: 'SELL', quantity: 5, reduceOnly: true });
    h.venue.submit(exit);
    h.venue.process(bar(goog.id, 2, 102, 103, 101, 102));
    expect(h.fillSummary()).toEqual(['100 x 3 TAKER', '102 x 3 TAKER']);
    expect(h.events.at(-1)).toMatchObject({ type: 'OrderCanceled', clientOrderId: exit.clientOrderId });
    expect(h.venue.netPosition(goog.id).toString()).toBe('0');
  });
});

describe('SimulatedVenue modify and queryOrder', () => {
  it('modifies quantity and price (OrderUpdated) and matches the order at its new price', () => {
    const h = venueHarness();
    const order = h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 5, price: 95 });
    h.venue.submit(order);
    h.venue.modify(h.factory.modify(order, { quantity: 7, price: 99.5 }));
    const update = h.events[1] as OrderUpdated;
    expect([update.type, update.quantity.toString(), update.price?.toString()]).toEqual(['OrderUpdated', '7', '99.5']);
    h.venue.process(bar(goog.id, 1, 100, 101, 99, 100));
    expect(h.fillSummary()).toEqual(['99.5 x 7 MAKER']);
  });

  it('rejects a modify to a quantity not above the filled quantity, and a modify of a closed order', async () => {
    const h = venueHarness({ maxParticipation: 0.002 }); // 2 of 1000 per bar
    const order = h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 5 });
    h.venue.submit(order);
    h.venue.process(bar(goog.id, 1, 100, 101, 99, 100));
    h.venue.modify(h.factory.modify(order, { quantity: 2 }));
    expect(h.events.at(-1)).toMatchObject({ type: 'OrderModifyRejected', reason: 'quantity: 2 is not above the filled quantity 2' });
    h.venue.modify(h.factory.modify(order, { quantity: 3 }));
    h.venue.process(bar(goog.id, 2, 101, 101, 99, 100));
    expect((await h.venue.queryOrder(order.clientOrderId))?.status).toBe('FILLED');
    h.venue.modify(h.factory.modify(order, { quantity: 4 }));
    expect(h.events.at(-1)).toMatchObject({ type: 'OrderModifyRejected', reason: expect.stringContaining('already closed (FILLED)') });
  });

  it('reports an order with its status, filled quantity and every fill', async () => {
    const h = venueHarness({ maxParticipation: 0.002 });
    const order = h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 3 });
    h.venue.submit(order);
    h.venue.process(bar(goog.id, 1, 100, 101, 99, 100));
    const partial = await h.venue.queryOrder(order.clientOrderId);
    expect([partial?.status, partial?.filledQuantity.toString(), partial?.fills.length]).toEqual(['PARTIALLY_FILLED', '2', 1]);
    h.venue.process(bar(goog.id, 2, 103, 104, 102, 103));
    const report = await h.venue.queryOrder(order.clientOrderId);
    expect(report?.fills.map((f) => `${f.price.toString()} x ${f.quantity.toString()}`)).toEqual(['100 x 2', '103 x 1']);
    expect(report?.status).toBe('FILLED');
    expect(new Set(h.fills().map((f) => f.tradeId)).size).toBe(2);
    expect(await h.venue.queryOrder('nope' as typeof order.clientOrderId)).toBeUndefined();
    const open = await h.venue.openOrders();
    expect(open).toEqual([]);
  });

  it("calls the fee model per fill with the order's earlier fills and commission", () => {
    const contexts: FeeContext[] = [];
    const feeModel: FeeModel = {
      commission: (_i, _s, quantity, price, _l, context) => {
        if (context) contexts.push(context);
        return quantity.mul(price).mul('0.001');
      },
    };
    const h = venueHarness({ feeModel, maxParticipation: 0.002 });
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 3 }));
    h.venue.process(bar(goog.id, 1, 100, 101, 99, 100)); // 2 @ 100: fee 0.2
    h.venue.process(bar(goog.id, 2, 110, 111, 109, 110)); // 1 @ 110: fee 0.11
    expect(contexts.map((c) => [c.ts, c.orderFilledQuantity.toString(), c.orderCommission.toString()])).toEqual([
      [1, '0', '0'],
      [2, '2', '0.2'],
    ]);
    expect(h.fills().map((f) => f.commission.toString())).toEqual(['0.2', '0.11']);
    expect(new Decimal(0.11).eq(h.fills()[1]!.commission)).toBe(true);
  });

  it('passes the context to a subclass of PercentFeeModel, which may read it, and charges PercentFeeModel its rate without one', () => {
    const seen: (FeeContext | undefined)[] = [];
    class CappedPercent extends PercentFeeModel {
      override commission(instrument: Instrument, side: OrderSide, quantity: Decimal, price: Decimal, liquidity: LiquiditySide, context?: FeeContext): Decimal {
        seen.push(context);
        return super.commission(instrument, side, quantity, price, liquidity);
      }
    }
    const sub = venueHarness({ feeModel: new CappedPercent(0.001) });
    sub.venue.submit(sub.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 3 }));
    sub.venue.process(bar(goog.id, 1, 100, 101, 99, 100));
    expect(seen.map((c) => c?.orderFilledQuantity.toString())).toEqual(['0']);
    const plain = venueHarness({ feeModel: new PercentFeeModel(0.001) });
    plain.venue.submit(plain.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 3 }));
    plain.venue.process(bar(goog.id, 1, 100, 101, 99, 100));
    expect(plain.fills().map((f) => f.commission.toString())).toEqual(['0.3']);
  });
});

describe('SimulatedVenue account and funding', () => {
  it('reserves on arrival (rejecting with the account reason), books fills, releases on cancel and reports balances', async () => {
    const { SimulatedAccount } = await import('./account/simulated-account');
    const h0 = venueHarness();
    const account = new SimulatedAccount({ type: 'CASH', instruments: h0.instruments, startingBalances: { USD: 1000 } });
    const h = venueHarness({ account });
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 20, price: 100 })); // 2000 > 1000
    expect(h.events[0]).toMatchObject({ type: 'OrderRejected' });
    const order = h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 5, price: 100 });
    h.venue.submit(order);
    expect((await h.venue.balances())[0]?.locked.toString()).toBe('500');
    h.venue.cancel(h.factory.cancel(order));
    expect((await h.venue.balances())[0]?.locked.toString()).toBe('0');
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 5, price: 100 }));
    h.venue.process(bar(goog.id, 1, 99, 101, 98, 100)); // first bar opens below 100: 5 @ 99
    const [usd] = await h.venue.balances();
    expect(usd?.total.toString()).toBe('505'); // 1000 - 5 * 99
    expect((await h.venue.positions())[0]?.quantity.toString()).toBe('5');
  });

  it('re-checks the account on a modify and keeps the earlier reservation when the new one is refused', async () => {
    const { SimulatedAccount } = await import('./account/simulated-account');
    const h0 = venueHarness();
    const account = new SimulatedAccount({ type: 'CASH', instruments: h0.instruments, startingBalances: { USD: 1000 } });
    const h = venueHarness({ account });
    const order = h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 5, price: 100 });
    h.venue.submit(order); // reserves 500
    h.venue.modify(h.factory.modify(order, { quantity: 12 })); // 1200 > 1000: refused
    expect(h.events.at(-1)).toMatchObject({ type: 'OrderModifyRejected', reason: expect.stringContaining('insufficient') });
    expect((await h.venue.balances())[0]?.locked.toString()).toBe('500');
    h.venue.modify(h.factory.modify(order, { quantity: 8, price: 110 })); // 880: reserved instead
    expect(h.events.at(-1)).toMatchObject({ type: 'OrderUpdated' });
    expect((await h.venue.balances())[0]?.locked.toString()).toBe('880');
  });

  it('pays perpetual funding at the funding times on the venue position and emits it', async () => {
    const { BacktestClock, defineInstrument, instrumentRegistry, OrderFactory, strategyId } = await import('@rxtrade/core');
    const { SimulatedVenue } = await import('./simulated-venue');
    const perp = defineInstrument({ symbol: 'BTCUSDT-PERP', venue: 'BINANCE', assetClass: 'perpetual', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001' });
    const clock = new BacktestClock(0);
    const instruments = instrumentRegistry([perp]);
    const venue = new SimulatedVenue({ clock, instruments, funding: { rates: () => 0.0001, intervalMs: 8 * 3_600_000 } });
    const payments: string[] = [];
    venue.fundingPayments.subscribe((p) => payments.push(`${p.ts} ${p.amount.toString()}`));
    venue.submit(new OrderFactory(clock, instruments, strategyId('s'), 'F').market({ instrumentId: perp.id, side: 'BUY', quantity: 2 }));
    clock.advanceTo(1000);
    venue.process(bar(perp.id, 1000, 50_000, 50_100, 49_900, 50_000));
    clock.advanceTo(8 * 3_600_000);
    // long 2 at mark 50000, rate 1 bp: pays 2 * 50000 * 0.0001 = 10.
    expect(payments).toEqual([`${8 * 3_600_000} -10`]);
  });
});

describe('SimulatedVenue reduce-only under a participation cap', () => {
  it('keeps a reduce-only order working while the participation cap, not the position, limits it', () => {
    const h = venueHarness({ maxParticipation: 0.01 }); // 10 of 1000 per bar
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 15 }));
    h.venue.process(bar(goog.id, 1, 100, 101, 99, 100, 1000)); // long 10
    h.venue.process(bar(goog.id, 2, 100, 101, 99, 100, 1000)); // long 15
    const exit = h.factory.market({ instrumentId: goog.id, side: 'SELL', quantity: 20, reduceOnly: true });
    h.venue.submit(exit);
    h.venue.process(bar(goog.id, 3, 101, 102, 100, 101, 1000)); // sells 10 (cap), still working
    expect(h.events.at(-1)).toMatchObject({ type: 'OrderFilled', clientOrderId: exit.clientOrderId });
    h.venue.process(bar(goog.id, 4, 102, 103, 101, 102, 1000)); // position 5 caps it: sells 5, cancels 5
    expect(h.fillSummary().slice(2)).toEqual(['101 x 10 TAKER', '102 x 5 TAKER']);
    expect(h.events.at(-1)).toMatchObject({ type: 'OrderCanceled', clientOrderId: exit.clientOrderId });
  });
});

describe('SimulatedVenue without retained closed orders', () => {
  it('forgets an order and its fills once it is closed', async () => {
    const h = venueHarness({ retainClosedOrders: false });
    const order = h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 });
    h.venue.submit(order);
    expect((await h.venue.queryOrder(order.clientOrderId))?.status).toBe('ACCEPTED');
    h.venue.process(bar(goog.id, 1, 100, 101, 99, 100));
    expect(await h.venue.queryOrder(order.clientOrderId)).toBeUndefined();
    expect(h.venue.netPosition(goog.id).toString()).toBe('1');
  });
});

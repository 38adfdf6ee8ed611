import { BacktestClock, OrderFactory, defineInstrument, instrumentRegistry, strategyId, type OrderEvent, type OrderFilled } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { DAY, bar, btc, goog, setup } from './__fixtures__/setup';
import { PercentFeeModel } from './percent-fee-model';
import { SimulatedVenue } from './simulated-venue';

function venueOnly(feeModel?: PercentFeeModel) {
  const { clock, instruments } = setup();
  const venue = new SimulatedVenue({ clock, instruments, ...(feeModel ? { feeModel } : {}) });
  const events: OrderEvent[] = [];
  venue.events.subscribe((e) => events.push(e));
  const factory = new OrderFactory(clock, instruments, strategyId('s'), 'V');
  return { clock, venue, events, factory };
}

describe('SimulatedVenue', () => {
  it('accepts a market order at once with a sequential venue order id', () => {
    const { clock, venue, events, factory } = venueOnly();
    clock.advanceTo(5 * DAY);
    venue.submit(factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    venue.submit(factory.market({ instrumentId: goog.id, side: 'SELL', quantity: 2 }));
    expect(events.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderAccepted']);
    expect(events.map((e) => (e.type === 'OrderAccepted' ? e.venueOrderId : ''))).toEqual(['SIM-1', 'SIM-2']);
    expect(events[0]).toMatchObject({ ts: 5 * DAY, tsInit: 5 * DAY });
    expect(venue.workingCount).toBe(2);
  });

  it('fills a market order at the next bar open with commission = rate x notional (100 @ 180.36 at 0.2% = 36.072)', () => {
    const { clock, venue, events, factory } = venueOnly(new PercentFeeModel(0.002));
    clock.advanceTo(DAY);
    venue.submit(factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 100 }));
    clock.advanceTo(2 * DAY);
    venue.processBar(bar(goog.id, 2 * DAY, 180.36, 182.5, 179.9, 181.0));
    const fill = events[1] as OrderFilled;
    expect(fill.type).toBe('OrderFilled');
    expect(fill.price.toString()).toBe('180.36');
    expect(fill.quantity.toString()).toBe('100');
    // Computed by hand: 100 * 180.36 = 18036; 0.002 * 18036 = 36.072.
    expect(fill.commission.toString()).toBe('36.072');
    expect(fill).toMatchObject({ tradeId: 'SIM-T-1', venueOrderId: 'SIM-1', liquiditySide: 'TAKER', commissionCurrency: 'USD', ts: 2 * DAY, tsInit: 2 * DAY, side: 'BUY' });
    expect(venue.workingCount).toBe(0);
  });

  it('rounds the open to the tick from its shortest decimal form', () => {
    const { venue, events, factory } = venueOnly();
    venue.submit(factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    venue.submit(factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    venue.processBar(bar(goog.id, DAY, 0.1 + 0.2, 1, 0.1, 0.5)); // 0.30000000000000004 -> 0.30
    venue.submit(factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    venue.processBar(bar(goog.id, 2 * DAY, 100.005, 101, 99, 100)); // half-even to 100.00
    const prices = events.filter((e): e is OrderFilled => e.type === 'OrderFilled').map((f) => f.price.toString());
    expect(prices).toEqual(['0.3', '0.3', '100']);
  });

  it('keeps a rounded fill price inside the bar when the extreme is off the tick grid', () => {
    const { venue, events, factory } = venueOnly();
    venue.submit(factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    // 10.006 rounds to 10.01, above the high of 10.007: round down to 10.00 instead.
    venue.processBar(bar(goog.id, DAY, 10.006, 10.007, 9.99, 10));
    expect((events[1] as OrderFilled).price.toString()).toBe('10');
  });

  it('fills only orders of the bar instrument', () => {
    const { venue, events, factory } = venueOnly();
    venue.submit(factory.market({ instrumentId: btc.id, side: 'BUY', quantity: '0.5' }));
    venue.processBar(bar(goog.id, DAY, 100, 101, 99, 100));
    expect(events.map((e) => e.type)).toEqual(['OrderAccepted']);
    venue.processBar(bar(btc.id, DAY, 65000.04, 65100, 64900, 65000));
    expect(events.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderFilled']);
    expect((events[1] as OrderFilled).price.toString()).toBe('65000');
  });

  it('does not fill an order submitted while a fill of the same bar is being handled', () => {
    const { venue, events, factory } = venueOnly();
    venue.events.subscribe((e) => {
      if (e.type === 'OrderFilled' && e.side === 'BUY') venue.submit(factory.market({ instrumentId: goog.id, side: 'SELL', quantity: 1 }));
    });
    venue.submit(factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    venue.processBar(bar(goog.id, DAY, 100, 101, 99, 100));
    expect(events.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderFilled', 'OrderAccepted']);
    venue.processBar(bar(goog.id, 2 * DAY, 105, 106, 104, 105));
    const last = events.at(-1) as OrderFilled;
    expect(last).toMatchObject({ type: 'OrderFilled', side: 'SELL', ts: 2 * DAY });
    expect(last.price.toString()).toBe('105');
  });

  it('cancels a working order, and refuses to cancel a filled or unknown one', () => {
    const { venue, events, factory } = venueOnly();
    const a = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 });
    const b = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 });
    venue.submit(a);
    venue.submit(b);
    venue.cancel(factory.cancel(a));
    expect(events.at(-1)).toMatchObject({ type: 'OrderCanceled', clientOrderId: a.clientOrderId });
    venue.processBar(bar(goog.id, DAY, 100, 101, 99, 100));
    expect(events.filter((e) => e.type === 'OrderFilled').map((e) => e.clientOrderId)).toEqual([b.clientOrderId]);
    venue.cancel(factory.cancel(b));
    expect(events.at(-1)).toMatchObject({ type: 'OrderCancelRejected', clientOrderId: b.clientOrderId });
    venue.cancel(factory.cancel({ clientOrderId: 'nope' as typeof a.clientOrderId, instrumentId: goog.id }));
    expect(events.at(-1)).toMatchObject({ type: 'OrderCancelRejected', reason: expect.stringContaining('unknown') });
  });

  it('rejects what it cannot do under a capabilities override, unknown instruments and duplicate ids', () => {
    const { clock, instruments } = setup();
    const venue = new SimulatedVenue({ clock, instruments, capabilities: { orderTypes: ['MARKET'], timeInForce: ['GTC', 'IOC'], reduceOnly: false, postOnly: false, modify: false } });
    const events: OrderEvent[] = [];
    venue.events.subscribe((e) => events.push(e));
    const factory = new OrderFactory(clock, instruments, strategyId('s'), 'V');
    venue.submit(factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 100 }));
    expect(events.at(-1)).toMatchObject({ type: 'OrderRejected', reason: expect.stringMatching(/MARKET orders only, got LIMIT/) });
    venue.submit(factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1, timeInForce: 'GTD', expireTime: 10 }));
    expect(events.at(-1)).toMatchObject({ type: 'OrderRejected', reason: expect.stringContaining('timeInForce') });
    venue.submit(factory.market({ instrumentId: goog.id, side: 'SELL', quantity: 1, reduceOnly: true }));
    expect(events.at(-1)).toMatchObject({ type: 'OrderRejected', reason: expect.stringContaining('reduceOnly') });
    const ok = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 });
    venue.submit({ ...ok, instrumentId: 'MSFT.NASDAQ' as typeof ok.instrumentId });
    expect(events.at(-1)).toMatchObject({ type: 'OrderRejected', reason: expect.stringContaining('unknown instrument') });
    venue.submit(ok);
    venue.submit(ok);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['OrderAccepted', 'OrderRejected']);
    expect(venue.workingCount).toBe(1);
    venue.modify(factory.modify(ok, { quantity: 2 }));
    expect(events.at(-1)).toMatchObject({ type: 'OrderModifyRejected', reason: expect.stringContaining('modify: not supported') });
  });

  it('declares every order type and time in force natively, and contingencies as emulated by the order manager', () => {
    const { venue } = venueOnly();
    expect(venue.capabilities.orderTypes).toHaveLength(8);
    expect(venue.capabilities.timeInForce).toEqual(['GTC', 'IOC', 'FOK', 'GTD', 'DAY']);
    expect([venue.capabilities.reduceOnly, venue.capabilities.postOnly, venue.capabilities.modify]).toEqual([true, true, true]);
    expect(venue.capabilities.emulation).toEqual({ orderTypes: [], timeInForce: [], contingencies: ['OTO', 'OCO', 'OUO'] });
  });

  it('reports working orders and its net positions from fills for reconciliation', async () => {
    const { venue, factory } = venueOnly();
    venue.submit(factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 }));
    venue.processBar(bar(goog.id, DAY, 100, 101, 99, 100));
    venue.submit(factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 30 }));
    venue.processBar(bar(goog.id, 2 * DAY, 104, 105, 103, 104));
    venue.submit(factory.market({ instrumentId: goog.id, side: 'SELL', quantity: 20 }));
    expect((await venue.openOrders()).map((o) => [o.status, o.quantity.toString(), o.side])).toEqual([['ACCEPTED', '20', 'SELL']]);
    venue.processBar(bar(goog.id, 3 * DAY, 110, 111, 109, 110));
    expect(await venue.openOrders()).toEqual([]);
    const [pos] = await venue.positions();
    // Bought 10 @ 100 and 30 @ 104: average (1000 + 3120) / 40 = 103; sold 20 @ 110: realized 20 * 7 = 140.
    expect(pos?.quantity.toString()).toBe('20');
    expect(pos?.avgPrice.toString()).toBe('103');
    expect(pos?.realizedPnl.toString()).toBe('140');
    venue.submit(factory.market({ instrumentId: goog.id, side: 'SELL', quantity: 50 }));
    venue.processBar(bar(goog.id, 4 * DAY, 100, 101, 99, 100));
    const [short] = await venue.positions();
    // Closed 20 @ 100 (loss 20 * 3 = 60, total 80), then short 30 opened at 100.
    expect([short?.quantity.toString(), short?.avgPrice.toString(), short?.realizedPnl.toString()]).toEqual(['-30', '100', '80']);
    expect(await venue.balances()).toEqual([]);
  });

  it('books realized P&L of a contract with a multiplier, and closes the smaller of position and fill on a flip', async () => {
    const es = defineInstrument({ symbol: 'ES', venue: 'SIM', assetClass: 'future', base: 'ES', quote: 'USD', tickSize: '0.25', lotSize: '1', multiplier: '50' });
    const clock = new BacktestClock(0);
    const venue = new SimulatedVenue({ clock, instruments: instrumentRegistry([es]) });
    const factory = new OrderFactory(clock, instrumentRegistry([es]), strategyId('s'), 'M');
    venue.submit(factory.market({ instrumentId: es.id, side: 'BUY', quantity: 3 }));
    venue.processBar(bar(es.id, DAY, 4000, 4001, 3999, 4000));
    venue.submit(factory.market({ instrumentId: es.id, side: 'SELL', quantity: 5 }));
    venue.processBar(bar(es.id, 2 * DAY, 4010.25, 4011, 4009, 4010));
    const [pos] = await venue.positions();
    // Long 3 @ 4000 closed @ 4010.25: 3 * 10.25 * 50 = 1537.5; short 2 opened @ 4010.25.
    expect([pos?.quantity.toString(), pos?.avgPrice.toString(), pos?.realizedPnl.toString()]).toEqual(['-2', '4010.25', '1537.5']);
    venue.submit(factory.market({ instrumentId: es.id, side: 'BUY', quantity: 1 }));
    venue.processBar(bar(es.id, 3 * DAY, 4020, 4021, 4019, 4020));
    const [after] = await venue.positions();
    // Short 1 of 2 closed @ 4020: loss 9.75 * 50 = 487.5.
    expect([after?.quantity.toString(), after?.avgPrice.toString(), after?.realizedPnl.toString()]).toEqual(['-1', '4010.25', '1050']);
  });

  it('validates its config and names the bad field', () => {
    const { instruments } = setup();
    expect(() => new SimulatedVenue({ clock: {} as never, instruments })).toThrow(/SimulatedVenueConfig\.clock: must be a Clock/);
    expect(() => new SimulatedVenue({ clock: setup().clock, instruments, id: '' })).toThrow(/SimulatedVenueConfig\.id/);
  });

  it('returns at once from processBar when no order is working', () => {
    const { venue, events } = venueOnly();
    for (let i = 0; i < 1000; i++) venue.processBar(bar(goog.id, i, 100, 101, 99, 100));
    expect(events).toEqual([]);
  });
});

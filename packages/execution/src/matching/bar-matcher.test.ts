/**
 * One test per bar-matching rule. Every expected fill is computed by hand from the intrabar path
 * open → nearer extreme (tie: high) → other extreme → close, written out in each test.
 */
import type { OrderEvent, OrderUpdated } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { DAY, bar, goog, venueHarness } from '../__fixtures__/setup';
import type { SlippageModel } from '../slippage/slippage-model';

const bps10: SlippageModel = { price: ({ side, price }) => (side === 'BUY' ? price * 1.001 : price * 0.999) };

describe('bar matching: market orders', () => {
  it('fills a market order at the next bar open as taker', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 }));
    h.venue.process(bar(goog.id, DAY, 100, 101, 99, 100.5));
    expect(h.fillSummary()).toEqual(['100 x 10 TAKER']);
  });

  it('slips a taker fill and rounds it to the tick against the taker (BUY up, SELL down)', () => {
    const h = venueHarness({ slippageModel: bps10 });
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'SELL', quantity: 1 }));
    // 100.37 * 1.001 = 100.47037 -> up to 100.48; 100.37 * 0.999 = 100.26963 -> down to 100.26
    h.venue.process(bar(goog.id, DAY, 100.37, 101, 99, 100));
    expect(h.fillSummary()).toEqual(['100.48 x 1 TAKER', '100.26 x 1 TAKER']);
  });

  it('refuses a slippage model that returns no finite price, naming it, instead of filling at it', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, undefined]) {
      const h = venueHarness({ slippageModel: { price: () => bad as number } });
      h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
      expect(() => h.venue.process(bar(goog.id, DAY, 100, 101, 99, 100))).toThrow(/slippageModel\.price: must return a finite price, got (NaN|Infinity|undefined) for BUY GOOG/);
      expect(h.fillSummary()).toEqual([]);
    }
  });

  it('keeps a slipped fill inside the bar', () => {
    const h = venueHarness({ slippageModel: bps10 });
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    // 100 * 1.001 = 100.1 is above the high 100.05: clamped to the high.
    h.venue.process(bar(goog.id, DAY, 100, 100.05, 99, 100));
    expect(h.fillSummary()).toEqual(['100.05 x 1 TAKER']);
  });

  it('fills at most the participation cap per bar and keeps the rest working at the next opens', () => {
    const h = venueHarness({ maxParticipation: 0.1 });
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 250 }));
    // volume 1000 x 10% = 100 per bar: 100, 100, then the last 50.
    h.venue.process(bar(goog.id, DAY, 100, 101, 99, 100, 1000));
    h.venue.process(bar(goog.id, 2 * DAY, 102, 103, 101, 102, 1000));
    h.venue.process(bar(goog.id, 3 * DAY, 104, 105, 103, 104, 1000));
    expect(h.fillSummary()).toEqual(['100 x 100 TAKER', '102 x 100 TAKER', '104 x 50 TAKER']);
    expect(h.venue.workingCount).toBe(0);
  });
});

describe('bar matching: limit orders', () => {
  it('fills a BUY limit the open crosses on its first bar at the open, as taker (price improvement)', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 5, price: 101 }));
    h.venue.process(bar(goog.id, DAY, 100, 102, 99, 101));
    expect(h.fillSummary()).toEqual(['100 x 5 TAKER']);
  });

  it('fills a resting BUY limit at its price as maker when the path goes through it', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 5, price: 99 }));
    // path 100 -> 101 (high nearer: 1 < 1.5) -> 98.5 -> 100: 98.5 < 99 fills at 99.
    h.venue.process(bar(goog.id, DAY, 100, 101, 98.5, 100));
    expect(h.fillSummary()).toEqual(['99 x 5 MAKER']);
  });

  it("does not fill a resting limit the low only touches under 'through', and does under 'touch'", () => {
    for (const [limitFill, expected] of [['through', []], ['touch', ['99 x 5 MAKER']]] as const) {
      const h = venueHarness({ limitFill });
      h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 5, price: 99 }));
      h.venue.process(bar(goog.id, DAY, 100, 101, 99, 100));
      expect(h.fillSummary()).toEqual(expected);
    }
  });

  it('fills a SELL limit when the path goes above it (mirror)', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'SELL', quantity: 3, price: 101.5 }));
    h.venue.process(bar(goog.id, DAY, 100, 102, 99, 101));
    expect(h.fillSummary()).toEqual(['101.5 x 3 MAKER']);
  });

  it('fills a resting limit that a later bar gaps through at that open, as maker', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 5, price: 99 }));
    h.venue.process(bar(goog.id, DAY, 100, 101, 99.5, 100)); // low 99.5 never reaches 99
    h.venue.process(bar(goog.id, 2 * DAY, 98, 99.5, 97, 98));
    expect(h.fillSummary()).toEqual(['98 x 5 MAKER']);
  });

  it('caps resting limit fills by the participation cap per bar', () => {
    const h = venueHarness({ maxParticipation: 0.05 });
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 80, price: 99 }));
    // 5% of 1000 = 50 in the first bar, the other 30 in the next.
    h.venue.process(bar(goog.id, DAY, 100, 101, 98, 100, 1000));
    h.venue.process(bar(goog.id, 2 * DAY, 100, 101, 98, 100, 1000));
    expect(h.fillSummary()).toEqual(['99 x 50 MAKER', '99 x 30 MAKER']);
  });
});

describe('bar matching: stops and if-touched orders', () => {
  it('triggers a BUY stop where the path reaches it and fills there as taker, after OrderTriggered', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.stopMarket({ instrumentId: goog.id, side: 'BUY', quantity: 2, triggerPrice: 102 }));
    // path 100 -> 99.5 (low nearer) -> 103 -> 102.5: reaches 102 on the way up.
    h.venue.process(bar(goog.id, DAY, 100, 103, 99.5, 102.5));
    expect(h.types()).toEqual(['OrderAccepted', 'OrderTriggered', 'OrderFilled']);
    expect(h.fillSummary()).toEqual(['102 x 2 TAKER']);
  });

  it('fills a SELL stop gapped through at the open, not at the stop', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.stopMarket({ instrumentId: goog.id, side: 'SELL', quantity: 2, triggerPrice: 95 }));
    h.venue.process(bar(goog.id, DAY, 93, 94, 92, 93.5));
    expect(h.fillSummary()).toEqual(['93 x 2 TAKER']);
  });

  it('slips a stop fill beyond its trigger and keeps it inside the bar', () => {
    const h = venueHarness({ slippageModel: bps10 });
    h.venue.submit(h.factory.stopMarket({ instrumentId: goog.id, side: 'BUY', quantity: 1, triggerPrice: 102 }));
    // 102 * 1.001 = 102.102 -> up to 102.11 (inside the high 103).
    h.venue.process(bar(goog.id, DAY, 100, 103, 99.5, 102.5));
    expect(h.fillSummary()).toEqual(['102.11 x 1 TAKER']);
  });

  it('fills a stop-limit at its trigger when the limit is marketable there', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.stopLimit({ instrumentId: goog.id, side: 'BUY', quantity: 2, triggerPrice: 102, price: 102.5 }));
    h.venue.process(bar(goog.id, DAY, 100, 103, 99.5, 102.5));
    expect(h.fillSummary()).toEqual(['102 x 2 TAKER']);
  });

  it('rests a stop-limit gapped through both prices and fills it later on the path at its limit', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.stopLimit({ instrumentId: goog.id, side: 'BUY', quantity: 2, triggerPrice: 102, price: 102.5 }));
    // open 104 >= 102 triggers; 104 > 102.5 is not marketable; path 104 -> 104.5 -> 101 goes through 102.5.
    h.venue.process(bar(goog.id, DAY, 104, 104.5, 101, 102));
    expect(h.types()).toEqual(['OrderAccepted', 'OrderTriggered', 'OrderFilled']);
    expect(h.fillSummary()).toEqual(['102.5 x 2 MAKER']);
  });

  it('keeps a gapped stop-limit working when the market never comes back to its limit', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.stopLimit({ instrumentId: goog.id, side: 'BUY', quantity: 2, triggerPrice: 102, price: 102.5 }));
    h.venue.process(bar(goog.id, DAY, 104, 105, 103.5, 104));
    expect(h.types()).toEqual(['OrderAccepted', 'OrderTriggered']);
    expect(h.venue.workingCount).toBe(1);
  });

  it('triggers a BUY market-if-touched when the path falls to it and fills at the trigger', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.marketIfTouched({ instrumentId: goog.id, side: 'BUY', quantity: 4, triggerPrice: 99 }));
    // path 100 -> 100.5 (high nearer) -> 98 -> 99.5: reaches 99 on the way down.
    h.venue.process(bar(goog.id, DAY, 100, 100.5, 98, 99.5));
    expect(h.fillSummary()).toEqual(['99 x 4 TAKER']);
  });

  it('fills a BUY market-if-touched at the open when the open is already at or below the trigger', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.marketIfTouched({ instrumentId: goog.id, side: 'BUY', quantity: 4, triggerPrice: 99 }));
    h.venue.process(bar(goog.id, DAY, 98.5, 100, 98, 99.5));
    expect(h.fillSummary()).toEqual(['98.5 x 4 TAKER']);
  });

  it('turns a SELL limit-if-touched into a limit at its trigger and takes there when marketable', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.limitIfTouched({ instrumentId: goog.id, side: 'SELL', quantity: 1, triggerPrice: 101, price: 100.5 }));
    // path 100 -> 101.5 (high nearer) -> 99 -> 100: reaches 101; a SELL limit at 100.5 is marketable at 101.
    h.venue.process(bar(goog.id, DAY, 100, 101.5, 99, 100));
    expect(h.fillSummary()).toEqual(['101 x 1 TAKER']);
  });
});

describe('bar matching: trailing stops', () => {
  it('trails a SELL stop below the highest price seen, reports the new trigger once per bar, and fills at it', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.trailingStopMarket({ instrumentId: goog.id, side: 'SELL', quantity: 1, trailingOffset: 2 }));
    // Bar 1, path 100 -> 99.5 -> 103 -> 102: extreme 103, trigger 101; 102 stays above it.
    h.venue.process(bar(goog.id, DAY, 100, 103, 99.5, 102));
    const updates = h.events.filter((e): e is OrderUpdated => e.type === 'OrderUpdated');
    expect(updates.map((u) => u.triggerPrice?.toString())).toEqual(['101']);
    // Bar 2, path 102 -> 102.5 -> 100 -> 100.5: 102.5 < 103 leaves the trigger at 101; 100 reaches it.
    h.venue.process(bar(goog.id, 2 * DAY, 102, 102.5, 100, 100.5));
    expect(h.fillSummary()).toEqual(['101 x 1 TAKER']);
    expect(h.types().slice(-2)).toEqual(['OrderTriggered', 'OrderFilled']);
  });

  it('does not trigger a SELL trailing stop on the rising segment that raised its trigger', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.trailingStopMarket({ instrumentId: goog.id, side: 'SELL', quantity: 1, trailingOffset: 1 }));
    // path 100 -> 99.9 -> 110 -> 109.5: the rise to 110 moves the trigger to 109; 109.5 stays above it.
    h.venue.process(bar(goog.id, DAY, 100, 110, 99.9, 109.5));
    expect(h.fills()).toEqual([]);
  });

  it('trails by percent and rounds the trigger away from the market (SELL down)', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.trailingStopMarket({ instrumentId: goog.id, side: 'SELL', quantity: 1, trailingOffset: 1.5, trailingOffsetType: 'PERCENT' }));
    // extreme 101.37: 101.37 * 0.985 = 99.84945 -> down to 99.84.
    h.venue.process(bar(goog.id, DAY, 100, 101.37, 99.9, 101));
    const update = h.events.find((e): e is OrderUpdated => e.type === 'OrderUpdated');
    expect(update?.triggerPrice?.toString()).toBe('99.84');
  });

  it('starts from the given trigger, ratchets a BUY trailing-stop-limit down and takes at the trigger with limit = trigger + offset', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.trailingStopLimit({ instrumentId: goog.id, side: 'BUY', quantity: 1, trailingOffset: 1, limitOffset: 0.5, triggerPrice: 105 }));
    // path 100 -> 99.8 -> 102 -> 101.5: trigger 105 -> 101 (open) -> 100.8 (low); 102 reaches 100.8:
    // the limit is 100.8 + 0.5 = 101.3, marketable at 100.8.
    h.venue.process(bar(goog.id, DAY, 100, 102, 99.8, 101.5));
    const events = h.events.slice(1);
    expect(events.map((e) => e.type)).toEqual(['OrderUpdated', 'OrderTriggered', 'OrderFilled']);
    const update = events[0] as OrderUpdated;
    expect([update.triggerPrice?.toString(), update.price?.toString()]).toEqual(['100.8', '101.3']);
    expect(h.fillSummary()).toEqual(['100.8 x 1 TAKER']);
  });
});

describe('bar matching: the worked example of docs/simulated-venue.md', () => {
  it('fills a gapped stop-limit later on the path and a crossed limit at the open', () => {
    const h = venueHarness();
    const stopLimit = h.factory.stopLimit({ instrumentId: goog.id, side: 'BUY', quantity: 2, triggerPrice: 102, price: 102.5 });
    const limit = h.factory.limit({ instrumentId: goog.id, side: 'SELL', quantity: 3, price: 101.5 });
    h.venue.submit(stopLimit);
    h.venue.submit(limit);
    h.venue.process(bar(goog.id, DAY, 104, 104.5, 101, 102));
    // In path order: at the open the stop-limit triggers and the limit fills; the stop-limit fills later,
    // on the way down from the high.
    expect(h.events.slice(2).map((e) => `${e.type} ${e.clientOrderId}`)).toEqual([
      `OrderTriggered ${stopLimit.clientOrderId}`,
      `OrderFilled ${limit.clientOrderId}`,
      `OrderFilled ${stopLimit.clientOrderId}`,
    ]);
    expect(h.fillSummary()).toEqual(['104 x 3 TAKER', '102.5 x 2 MAKER']);
  });
});

describe('bar matching: several orders along one path', () => {
  it('fills what the path reaches first: a stop-loss hit on the way down before a take-profit reached later', () => {
    const h = venueHarness();
    const takeProfit = h.factory.limit({ instrumentId: goog.id, side: 'SELL', quantity: 1, price: 110 });
    const stopLoss = h.factory.stopMarket({ instrumentId: goog.id, side: 'SELL', quantity: 1, triggerPrice: 95 });
    h.venue.submit(takeProfit); // arrived first
    h.venue.submit(stopLoss);
    // Path 100 → 94 (the nearer extreme) → 111 → 105: the stop is reached on the first segment, the
    // take-profit on the second. Both fill (nothing links them here), in path order.
    h.venue.process(bar(goog.id, DAY, 100, 111, 94, 105));
    expect(h.events.slice(2).map((e) => `${e.type} ${e.clientOrderId}`)).toEqual([
      `OrderTriggered ${stopLoss.clientOrderId}`,
      `OrderFilled ${stopLoss.clientOrderId}`,
      `OrderFilled ${takeProfit.clientOrderId}`,
    ]);
    expect(h.fillSummary()).toEqual(['95 x 1 TAKER', '110 x 1 MAKER']);
  });

  it('lets a limit held back at the open by reduce-only take the market where the path resumes, never at a price outside the bar', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    h.venue.process(bar(goog.id, DAY, 100, 100, 100, 100)); // long 1 at 100
    // A plain SELL limit, a reduce-only SELL limit (accepted: there is a position) and a BUY market order.
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'SELL', quantity: 1, price: 100.2 }));
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'SELL', quantity: 1, price: 100.2, reduceOnly: true }));
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    // At the open 100.21 the plain limit sells (flat), the reduce-only one has nothing to reduce, the
    // market order buys (long 1 again). On the segment up to 100.22 the reduce-only limit, through its
    // price since the open, takes the market where the segment starts: 100.21, not its own 100.2,
    // which is below this bar's low.
    h.venue.process(bar(goog.id, 2 * DAY, 100.21, 100.22, 100.21, 100.21));
    expect(h.fillSummary()).toEqual(['100 x 1 TAKER', '100.21 x 1 TAKER', '100.21 x 1 TAKER', '100.21 x 1 TAKER']);
  });
});

describe('bar matching: time in force and look-ahead', () => {
  it('cancels an IOC limit the open does not cross without looking inside the bar', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 5, price: 99, timeInForce: 'IOC' }));
    h.venue.process(bar(goog.id, DAY, 100, 101, 98, 100));
    expect(h.types()).toEqual(['OrderAccepted', 'OrderCanceled']);
  });

  it('fills an IOC market order up to the participation cap and cancels the rest; a FOK fills nothing', () => {
    const h = venueHarness({ maxParticipation: 0.1 });
    const ioc = h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 150, timeInForce: 'IOC' });
    const fok = h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 150, timeInForce: 'FOK' });
    h.venue.submit(ioc);
    h.venue.submit(fok);
    h.venue.process(bar(goog.id, DAY, 100, 101, 99, 100, 1000));
    expect(h.events.slice(2).map((e: OrderEvent) => `${e.type} ${e.clientOrderId}`)).toEqual([
      `OrderFilled ${ioc.clientOrderId}`,
      `OrderCanceled ${ioc.clientOrderId}`,
      `OrderCanceled ${fok.clientOrderId}`,
    ]);
    expect(h.fillSummary()).toEqual(['100 x 100 TAKER']);
  });

  it('never matches an order against the bar it was decided on, only against later events', () => {
    const h = venueHarness();
    h.clock.advanceTo(DAY);
    h.venue.events.subscribe((e) => {
      if (e.type === 'OrderFilled') h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'SELL', quantity: 1, price: 99 }));
    });
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    h.venue.process(bar(goog.id, 2 * DAY, 100, 101, 99, 100)); // the SELL decided on this bar's fill does not see it
    expect(h.fillSummary()).toEqual(['100 x 1 TAKER']);
    h.venue.process(bar(goog.id, 3 * DAY, 98, 98.5, 97, 98)); // a SELL limit at 99 the open is below: no fill
    h.venue.process(bar(goog.id, 4 * DAY, 99.5, 100, 99, 99.5)); // opens above 99: fills at the open, maker
    expect(h.fillSummary()).toEqual(['100 x 1 TAKER', '99.5 x 1 MAKER']);
  });
});

/** One test per trade-matching rule, with the expected fills computed by hand in each test. */
import { describe, expect, it } from 'vitest';
import { goog, trade, venueHarness } from '../__fixtures__/setup';

describe('trade matching', () => {
  it('fills a resting BUY limit at its price when a print goes through it, for at most the print size', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 10, price: 100 }));
    h.venue.process(trade(goog.id, 1, 100.2, 50)); // arrival: not marketable at 100.2
    h.venue.process(trade(goog.id, 2, 99.9, 4));
    h.venue.process(trade(goog.id, 3, 99.8, 100));
    expect(h.fillSummary()).toEqual(['100 x 4 MAKER', '100 x 6 MAKER']);
  });

  it("does not fill a resting limit on a print at its price under 'through', and does under 'touch'", () => {
    for (const [limitFill, expected] of [['through', []], ['touch', ['100 x 1 MAKER']]] as const) {
      const h = venueHarness({ limitFill });
      h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'SELL', quantity: 1, price: 100 }));
      h.venue.process(trade(goog.id, 1, 99.5, 10));
      h.venue.process(trade(goog.id, 2, 100, 10));
      expect(h.fillSummary()).toEqual(expected);
    }
  });

  it('shares one print among all orders: together they fill at most its size', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 3 }));
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 3 }));
    h.venue.process(trade(goog.id, 1, 100, 5));
    expect(h.fillSummary()).toEqual(['100 x 3 TAKER', '100 x 2 TAKER']);
  });

  it('triggers a stop on the print price and fills it there', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.stopMarket({ instrumentId: goog.id, side: 'SELL', quantity: 2, triggerPrice: 99 }));
    h.venue.process(trade(goog.id, 1, 99.5, 10));
    h.venue.process(trade(goog.id, 2, 98.7, 10));
    expect(h.types()).toEqual(['OrderAccepted', 'OrderTriggered', 'OrderFilled']);
    expect(h.fillSummary()).toEqual(['98.7 x 2 TAKER']);
  });

  it('caps each order by the participation cap of the print size', () => {
    const h = venueHarness({ maxParticipation: 0.25 });
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 30 }));
    h.venue.process(trade(goog.id, 1, 100, 100)); // 25% of 100 = 25
    h.venue.process(trade(goog.id, 2, 100.1, 100));
    expect(h.fillSummary()).toEqual(['100 x 25 TAKER', '100.1 x 5 TAKER']);
  });
});

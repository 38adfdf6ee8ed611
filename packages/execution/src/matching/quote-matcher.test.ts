/** One test per quote-matching rule, with the expected fills computed by hand in each test. */
import { describe, expect, it } from 'vitest';
import { goog, quote, venueHarness } from '../__fixtures__/setup';

describe('quote matching', () => {
  it('fills a market BUY at the ask for at most the ask size and the rest on the next quote', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 }));
    h.venue.process(quote(goog.id, 1, 99.9, 100, 5, 6));
    expect(h.fillSummary()).toEqual(['100 x 6 TAKER']);
    h.venue.process(quote(goog.id, 2, 100, 100.1, 5, 6));
    expect(h.fillSummary()).toEqual(['100 x 6 TAKER', '100.1 x 4 TAKER']);
  });

  it('fills a market SELL at the bid, without a size limit when the quote has no sizes', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'SELL', quantity: 500 }));
    h.venue.process(quote(goog.id, 1, 99.9, 100));
    expect(h.fillSummary()).toEqual(['99.9 x 500 TAKER']);
  });

  it('does not offer the size one order took to the next order on the same quote', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 4 }));
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 4 }));
    h.venue.process(quote(goog.id, 1, 99.9, 100, 5, 6)); // 6 offered: 4, then 2
    expect(h.fillSummary()).toEqual(['100 x 4 TAKER', '100 x 2 TAKER']);
  });

  it('takes at the ask for a limit marketable on arrival (price improvement) and rests the remainder', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 10, price: 100.5 }));
    h.venue.process(quote(goog.id, 1, 99.9, 100, 5, 3));
    expect(h.fillSummary()).toEqual(['100 x 3 TAKER']);
    h.venue.process(quote(goog.id, 2, 100.1, 100.4, 5, 3)); // resting now: 100.4 < 100.5 fills the rest at 100.5
    expect(h.fillSummary()).toEqual(['100 x 3 TAKER', '100.5 x 7 MAKER']);
  });

  it("fills a resting BUY limit when the ask goes through it ('through'), or reaches it ('touch')", () => {
    for (const [limitFill, expected] of [['through', []], ['touch', ['99 x 1 MAKER']]] as const) {
      const h = venueHarness({ limitFill });
      h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 99 }));
      h.venue.process(quote(goog.id, 1, 99.5, 99.6));
      h.venue.process(quote(goog.id, 2, 98.9, 99));
      expect(h.fillSummary()).toEqual(expected);
    }
  });

  it('triggers a BUY stop on the ask and a SELL stop on the bid', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.stopMarket({ instrumentId: goog.id, side: 'BUY', quantity: 1, triggerPrice: 101 }));
    h.venue.submit(h.factory.stopMarket({ instrumentId: goog.id, side: 'SELL', quantity: 1, triggerPrice: 99 }));
    h.venue.process(quote(goog.id, 1, 100.9, 101)); // ask 101 triggers the BUY (bid 100.9 alone would not)
    h.venue.process(quote(goog.id, 2, 99, 99.2)); // bid 99 triggers the SELL
    expect(h.fillSummary()).toEqual(['101 x 1 TAKER', '99 x 1 TAKER']);
    expect(h.types().filter((t) => t === 'OrderTriggered')).toHaveLength(2);
  });

  it('cancels the rest of an IOC after the first quote and a FOK the quote cannot fill completely', () => {
    const h = venueHarness();
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10, timeInForce: 'IOC' }));
    h.venue.submit(h.factory.limit({ instrumentId: goog.id, side: 'SELL', quantity: 10, price: 99, timeInForce: 'FOK' }));
    h.venue.process(quote(goog.id, 1, 99.5, 100, 8, 6));
    expect(h.fillSummary()).toEqual(['100 x 6 TAKER']);
    expect(h.types()).toEqual(['OrderAccepted', 'OrderAccepted', 'OrderFilled', 'OrderCanceled', 'OrderCanceled']);
  });

  it('slips a taker fill on a quote, rounded against the taker', () => {
    const h = venueHarness({ slippageModel: { price: ({ price, quote: q }) => price + (q ? (q.ask - q.bid) / 2 : 0) } });
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    h.venue.process(quote(goog.id, 1, 99.95, 100)); // 100 + 0.025 = 100.025 -> up to 100.03
    expect(h.fillSummary()).toEqual(['100.03 x 1 TAKER']);
  });
});

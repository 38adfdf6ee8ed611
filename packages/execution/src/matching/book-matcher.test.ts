/** One test per L2-book matching rule, with the expected fills computed by hand in each test. */
import type { OrderBookDelta, OrderBookSnapshot } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { btc, quote, trade, venueHarness } from '../__fixtures__/setup';

const snapshot = (ts: number, sequence: number, bids: [number, number][], asks: [number, number][]): OrderBookSnapshot => ({
  type: 'OrderBookSnapshot',
  instrumentId: btc.id,
  ts,
  sequence,
  bids: bids.map(([price, size]) => ({ price, size })),
  asks: asks.map(([price, size]) => ({ price, size })),
});
const delta = (ts: number, sequence: number, bids: [number, number][], asks: [number, number][]): OrderBookDelta => ({ ...snapshot(ts, sequence, bids, asks), type: 'OrderBookDelta' });

describe('L2 book matching', () => {
  it('walks the levels with one fill per level for a market order', () => {
    const h = venueHarness();
    h.venue.process(snapshot(1, 1, [[99.9, 5]], [[100, 1], [100.5, 3]]));
    h.venue.submit(h.factory.market({ instrumentId: btc.id, side: 'BUY', quantity: 2.5 }));
    h.venue.process(delta(2, 2, [], [[101, 1]]));
    expect(h.fillSummary()).toEqual(['100 x 1 TAKER', '100.5 x 1.5 TAKER']);
  });

  it('does not offer the liquidity one order consumed to the next', () => {
    const h = venueHarness();
    h.venue.process(snapshot(1, 1, [[99.9, 5]], [[100, 1], [100.5, 3]]));
    h.venue.submit(h.factory.market({ instrumentId: btc.id, side: 'BUY', quantity: 2 }));
    h.venue.submit(h.factory.market({ instrumentId: btc.id, side: 'BUY', quantity: 2 }));
    h.venue.process(delta(2, 2, [], [[101, 1]]));
    expect(h.fillSummary()).toEqual(['100 x 1 TAKER', '100.5 x 1 TAKER', '100.5 x 2 TAKER']);
  });

  it('takes a marketable limit up to its price, rests the rest, and fills it at its price when the book moves through it', () => {
    const h = venueHarness();
    h.venue.process(snapshot(1, 1, [[99.9, 5]], [[100, 1], [100.5, 3], [101, 5]]));
    h.venue.submit(h.factory.limit({ instrumentId: btc.id, side: 'BUY', quantity: 5, price: 100.5 }));
    h.venue.process(delta(2, 2, [], [[102, 1]]));
    expect(h.fillSummary()).toEqual(['100 x 1 TAKER', '100.5 x 3 TAKER']);
    h.venue.process(delta(3, 3, [], [[100.2, 4]])); // asks now below the resting 100.5: 1 left fills at 100.5
    expect(h.fillSummary()).toEqual(['100 x 1 TAKER', '100.5 x 3 TAKER', '100.5 x 1 MAKER']);
  });

  it('cancels a FOK the book cannot fill completely without a fill', () => {
    const h = venueHarness();
    h.venue.process(snapshot(1, 1, [[99.9, 5]], [[100, 1], [100.5, 3]]));
    h.venue.submit(h.factory.market({ instrumentId: btc.id, side: 'BUY', quantity: 5, timeInForce: 'FOK' }));
    h.venue.process(delta(2, 2, [], [[101, 0.5]]));
    expect(h.types()).toEqual(['OrderAccepted', 'OrderCanceled']);
  });

  it('matches only on book updates once a book exists: quotes and trades of that instrument do not fill', () => {
    const h = venueHarness();
    h.venue.process(snapshot(1, 1, [[99.9, 5]], [[100, 1]]));
    h.venue.submit(h.factory.limit({ instrumentId: btc.id, side: 'BUY', quantity: 1, price: 99 }));
    h.venue.process(quote(btc.id, 2, 98, 98.5, 1, 1));
    h.venue.process(trade(btc.id, 3, 98, 10));
    expect(h.fills()).toEqual([]);
  });

  it('triggers a SELL stop on the best bid and walks the bids', () => {
    const h = venueHarness();
    h.venue.process(snapshot(1, 1, [[99.9, 5]], [[100, 1]]));
    h.venue.submit(h.factory.stopMarket({ instrumentId: btc.id, side: 'SELL', quantity: 3, triggerPrice: 99.5 }));
    h.venue.process(snapshot(2, 2, [[99.5, 2], [99.4, 4]], [[99.6, 1]]));
    expect(h.fillSummary()).toEqual(['99.5 x 2 TAKER', '99.4 x 1 TAKER']);
  });
});

import { describe, expect, it } from 'vitest';
import type { OrderBookDelta, Trade } from '@rxtrade/core';
import { FeedOrder } from './feed-order';
import { A, bar } from './__fixtures__/virtual-time';

describe('FeedOrder', () => {
  it('passes bars of increasing ts only', () => {
    const order = new FeedOrder();
    expect(order.lastTs).toBeUndefined();
    expect([bar(0), bar(60_000), bar(60_000), bar(0), bar(120_000)].map((b) => order.check(b))).toEqual(['pass', 'pass', 'duplicate', 'outOfOrder', 'pass']);
    expect(order.lastTs).toBe(120_000);
  });

  it('passes several trades of one millisecond, each trade id once', () => {
    const trade = (ts: number, tradeId: string): Trade => ({ type: 'Trade', instrumentId: A, ts, price: 10, size: 1, aggressor: 'BUYER', tradeId });
    const order = new FeedOrder();
    const verdicts = [trade(5, 'a'), trade(5, 'b'), trade(5, 'a'), trade(4, 'z'), trade(6, 'a'), trade(5, 'c')].map((t) => order.check(t));
    expect(verdicts).toEqual(['pass', 'pass', 'duplicate', 'outOfOrder', 'pass', 'outOfOrder']);
  });

  it('orders book events by sequence', () => {
    const delta = (sequence: number, ts: number): OrderBookDelta => ({ type: 'OrderBookDelta', instrumentId: A, ts, sequence, bids: [], asks: [] });
    const order = new FeedOrder();
    // Same ts, increasing sequence: all pass; a lower sequence at a later ts is still late.
    expect([delta(1, 5), delta(2, 5), delta(2, 5), delta(1, 9), delta(3, 9)].map((d) => order.check(d))).toEqual(['pass', 'pass', 'duplicate', 'outOfOrder', 'pass']);
  });
});

import { describe, expect, it } from 'vitest';
import type { MarketSpec } from './types';
import { FakeVenue, VenueRejectError } from './venue';

const SPOT: MarketSpec = { id: 'XY', base: 'X', quote: 'Y', kind: 'spot', tickSize: 0.5, stepSize: 0.1, minQty: 0.1, maxQty: 1000, minNotional: 1, makerFee: 0.001, takerFee: 0.002 };
const PERP: MarketSpec = { ...SPOT, id: 'XYP', kind: 'linear', makerFee: 0.0002, takerFee: 0.0005 };

describe('FakeVenue', () => {
  it('fills resting account orders behind the scripted level, in time order at one price', () => {
    const v = new FakeVenue({ markets: [SPOT], balances: { Y: 10_000 } });
    v.setBook('XY', { bids: [[100, 1]], asks: [[101, 1]] });
    const a = v.placeOrder({ symbol: 'XY', side: 'buy', type: 'limit', qty: 1, price: 100, clientOrderId: 'a' });
    const b = v.placeOrder({ symbol: 'XY', side: 'buy', type: 'limit', qty: 1, price: 100, clientOrderId: 'b' });
    const prints = v.trade('XY', { side: 'sell', price: 100, qty: 2.5 });
    // scripted 1 first, then a (1), then 0.5 of b
    expect(prints.map((p) => p.qty)).toEqual([1, 1, 0.5]);
    expect([a.status, a.executedQty, b.status, b.executedQty]).toEqual(['filled', 1, 'partially_filled', 0.5]);
    expect(a.fills[0]).toMatchObject({ maker: true, price: 100, commission: 0.001, commissionAsset: 'X', tradeId: prints[1]!.id });
    // Y: 10_000 − 150 paid; 50 still locked for b's remainder
    expect(v.balances.get('Y')).toEqual({ free: 9_800, locked: 50 });
    v.cancelOrder('XY', { clientOrderId: 'b' });
    expect(v.balances.get('Y')).toEqual({ free: 9_850, locked: 0 });
    expect(v.balances.get('X')).toEqual({ free: 1.5 * 0.999, locked: 0 });
  });

  it('emits one book delta per mutation with contiguous update ids', () => {
    const v = new FakeVenue({ markets: [SPOT], balances: { Y: 1_000 } });
    const deltas: Array<[number, number, number]> = [];
    v.on('book', (d) => deltas.push([d.prevUpdateId, d.firstUpdateId, d.lastUpdateId]));
    v.setBook('XY', { bids: [[100, 1]], asks: [[101, 1]] });
    v.setLevel('XY', 'bid', 99.5, 2);
    v.placeOrder({ symbol: 'XY', side: 'buy', type: 'market', qty: 0.5, clientOrderId: 'm' });
    expect(deltas).toEqual([[100, 101, 101], [101, 102, 102], [102, 103, 103]]);
    expect(v.depth('XY')).toEqual({ lastUpdateId: 103, bids: [[100, 1], [99.5, 2]], asks: [[101, 0.5]] });
  });

  it('rejects post-only orders that would cross, off-tick prices and off-step quantities', () => {
    const v = new FakeVenue({ markets: [SPOT], balances: { Y: 1_000 } });
    v.setBook('XY', { asks: [[101, 1]] });
    const reason = (f: () => unknown): string | undefined => {
      try {
        f();
        return undefined;
      } catch (e) {
        return e instanceof VenueRejectError ? e.reason : 'other';
      }
    };
    expect(reason(() => v.placeOrder({ symbol: 'XY', side: 'buy', type: 'limit', qty: 1, price: 101, postOnly: true, clientOrderId: 'p' }))).toBe('post_only_would_cross');
    expect(reason(() => v.placeOrder({ symbol: 'XY', side: 'buy', type: 'limit', qty: 1, price: 100.2, clientOrderId: 'q' }))).toBe('bad_price');
    expect(reason(() => v.placeOrder({ symbol: 'XY', side: 'buy', type: 'limit', qty: 1.05, price: 100, clientOrderId: 'r' }))).toBe('bad_quantity');
    expect(v.openOrders()).toEqual([]);
  });

  it('keeps a one-way futures position: average entry, realized P&L on a flip, funding by sign', () => {
    const v = new FakeVenue({ markets: [PERP], futuresWallet: { Y: 1_000 } });
    v.setBook('XYP', { bids: [[99, 10]], asks: [[100, 1], [102, 10]] });
    v.placeOrder({ symbol: 'XYP', side: 'buy', type: 'market', qty: 2, clientOrderId: 'l' });
    // 1 @ 100 + 1 @ 102
    expect(v.position('XYP')).toMatchObject({ qty: 2, entryPrice: 101 });
    v.placeOrder({ symbol: 'XYP', side: 'sell', type: 'market', qty: 3, clientOrderId: 's' });
    // closes 2 at 99: realized (99 − 101) × 2 = −4; opens a short of 1 at 99
    expect(v.position('XYP')).toMatchObject({ qty: -1, entryPrice: 99 });
    const fees = 100 * 0.0005 + 102 * 0.0005 + 297 * 0.0005;
    expect(v.wallet.get('Y')).toBeCloseTo(1_000 - 4 - fees, 10);
    v.setMarkPrice('XYP', 98);
    expect(v.unrealizedPnl('XYP')).toBe(1);
    // a short receives positive funding: +0.001 × 1 × 98
    expect(v.applyFunding('XYP', 0.001)?.income).toBeCloseTo(0.098, 12);
    expect(() => v.placeOrder({ symbol: 'XYP', side: 'sell', type: 'market', qty: 1, reduceOnly: true, clientOrderId: 'ro' })).toThrow(VenueRejectError);
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError, type CancelOrder } from '@rxtrade/core';
import { aapl, algoHarness, eth, MINUTE, T0 } from './__fixtures__/algo-harness';
import { pov } from './pov';

const field = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as ValidationError).field;
  }
  return 'no error';
};

describe('pov', () => {
  it('sends participation × volume since the last child − working quantity after each bar', () => {
    const h = algoHarness((ctx) => pov(ctx, { participation: 0.1 }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 1000 }));
    expect(h.children()).toHaveLength(0); // nothing before the market trades
    h.bar(aapl.id, T0 + MINUTE, 1000); // 0.1 × 1000 = 100
    h.bar(aapl.id, T0 + 2 * MINUTE, 500); // 0.1 × 500 − 100 working = −50: nothing, volume accumulates
    h.fill(h.children()[0]!);
    h.bar(aapl.id, T0 + 3 * MINUTE, 2000); // 0.1 × (500 + 2000) − 0 = 250
    h.fill(h.children()[1]!, 50);
    h.bar(aapl.id, T0 + 4 * MINUTE, 3000); // 0.1 × 3000 − 200 working = 100
    expect(h.schedule()).toEqual([
      [MINUTE, '100'],
      [3 * MINUTE, '250'],
      [4 * MINUTE, '100'],
    ]);
  });

  it('rounds down to the lot exactly (0.29 × 100 is 29, not 28)', () => {
    const h = algoHarness((ctx) => pov(ctx, { participation: 0.29 }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'SELL', quantity: 1000 }));
    h.bar(aapl.id, T0 + MINUTE, 100);
    h.fill(h.children()[0]!);
    h.bar(aapl.id, T0 + 2 * MINUTE, 55); // 15.95 → 15
    const e = algoHarness((ctx) => pov(ctx, { participation: 0.25 }));
    e.input.next(e.ctx.orderFactory.market({ instrumentId: eth.id, side: 'BUY', quantity: 5 }));
    e.bar(eth.id, T0 + MINUTE, 0.1235); // 0.030875 → 0.03
    expect(h.schedule().map(([, q]) => q)).toEqual(['29', '15']);
    expect(e.schedule().map(([, q]) => q)).toEqual(['0.03']);
  });

  it('waits for more volume below minChildQuantity, except for the last of the parent', () => {
    const h = algoHarness((ctx) => pov(ctx, { participation: 0.5, minChildQuantity: 50 }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 120 }));
    h.bar(aapl.id, T0 + MINUTE, 60); // 30 < 50: wait
    h.bar(aapl.id, T0 + 2 * MINUTE, 60); // 0.5 × 120 = 60
    h.fill(h.children()[0]!);
    h.bar(aapl.id, T0 + 3 * MINUTE, 60); // 30 < 50: wait
    h.bar(aapl.id, T0 + 4 * MINUTE, 100); // 0.5 × 160 = 80, capped at the 60 left
    h.fill(h.children()[1]!, 20);
    h.bar(aapl.id, T0 + 5 * MINUTE, 1000); // 40 working = everything left: nothing
    expect(h.schedule()).toEqual([
      [2 * MINUTE, '60'],
      [4 * MINUTE, '60'],
    ]);
    const tail = algoHarness((ctx) => pov(ctx, { participation: 0.5, minChildQuantity: 50 }));
    tail.input.next(tail.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 120 }));
    tail.bar(aapl.id, T0 + MINUTE, 200); // 100
    tail.fill(tail.children()[0]!);
    tail.bar(aapl.id, T0 + 2 * MINUTE, 60); // 30 < 50 but ≥ the 20 left: sends the last 20
    expect(tail.schedule().map(([, q]) => q)).toEqual(['100', '20']);
  });

  it('no longer counts a rejected child as working at the next bar', () => {
    const h = algoHarness((ctx) => pov(ctx, { participation: 0.1 }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 1000 }));
    h.bar(aapl.id, T0 + MINUTE, 1000);
    h.reject(h.children()[0]!);
    h.bar(aapl.id, T0 + 2 * MINUTE, 400);
    // the volume since the last child (400) sets the size; the rejected 100 is no longer working
    expect(h.schedule().map(([, q]) => q)).toEqual(['100', '40']);
  });

  it('stops when the parent is filled', () => {
    const h = algoHarness((ctx) => pov(ctx, { participation: 0.5 }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 100 }));
    h.input.complete();
    h.bar(aapl.id, T0 + MINUTE, 1000);
    h.fill(h.children()[0]!);
    expect(h.state.completed).toBe(true);
    h.bar(aapl.id, T0 + 2 * MINUTE, 1000);
    expect(h.schedule()).toEqual([[MINUTE, '100']]);
  });

  it('cancels working children and stops at maxDurationMs', () => {
    const h = algoHarness((ctx) => pov(ctx, { participation: 0.1, maxDurationMs: 2 * MINUTE }));
    h.input.next(h.ctx.orderFactory.limit({ instrumentId: aapl.id, side: 'BUY', quantity: 1000, price: 99 }));
    h.bar(aapl.id, T0 + MINUTE, 1000);
    const child = h.children()[0]!;
    expect([child.orderType, child.price?.toString()]).toEqual(['LIMIT', '99']);
    h.clock.advanceTo(T0 + 2 * MINUTE);
    expect(h.out.filter((c): c is CancelOrder => c.type === 'CancelOrder').map((c) => [c.clientOrderId, c.ts - T0])).toEqual([[child.clientOrderId, 2 * MINUTE]]);
    h.bar(aapl.id, T0 + 3 * MINUTE, 5000);
    expect(h.children()).toHaveLength(1);
  });

  it('can follow trade sizes instead of bar volumes', () => {
    const h = algoHarness((ctx) => pov(ctx, { participation: 0.2, volumeSource: 'trades' }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 100 }));
    h.bar(aapl.id, T0 + 1_000, 10_000); // ignored
    h.trade(aapl.id, T0 + 2_000, 30); // 6
    h.trade(aapl.id, T0 + 3_000, 2); // 0.4 − 6 working: nothing
    expect(h.schedule()).toEqual([[2_000, '6']]);
  });

  it('names the bad option', () => {
    const h = algoHarness((ctx) => pov(ctx, { participation: 0.1 }));
    expect(field(() => pov(h.ctx, { participation: 0 }))).toBe('pov.participation');
    expect(field(() => pov(h.ctx, { participation: 1.5 }))).toBe('pov.participation');
    expect(field(() => pov(h.ctx, { participation: 0.1, minChildQuantity: -1 }))).toBe('pov.minChildQuantity');
    expect(field(() => pov(h.ctx, { participation: 0.1, maxDurationMs: 0 }))).toBe('pov.maxDurationMs');
  });
});

describe('pov market volume', () => {
  it('counts only bars time-stamped after the parent arrived', () => {
    const h = algoHarness((ctx) => pov(ctx, { participation: 0.5 }));
    h.clock.advanceTo(T0 + MINUTE);
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 100 }));
    h.bar(aapl.id, T0 + MINUTE, 1000); // the bar being handled on arrival: ignored
    h.bar(aapl.id, T0 + 2 * MINUTE, 10);
    expect(h.schedule()).toEqual([[2 * MINUTE, '5']]);
  });
});

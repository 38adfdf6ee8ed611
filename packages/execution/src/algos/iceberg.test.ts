import { describe, expect, it } from 'vitest';
import { ValidationError, type CancelOrder } from '@rxtrade/core';
import { aapl, algoHarness, eth, T0 } from './__fixtures__/algo-harness';
import { iceberg } from './iceberg';

describe('iceberg', () => {
  it('shows one child of displayQuantity at the parent price and posts the next when it is completely filled', () => {
    const h = algoHarness((ctx) => iceberg(ctx, { displayQuantity: 300 }));
    h.input.next(h.ctx.orderFactory.limit({ instrumentId: aapl.id, side: 'BUY', quantity: 1000, price: 99.5 }));
    h.input.complete();
    expect(h.schedule()).toEqual([[0, '300']]);
    h.clock.advanceTo(T0 + 1_000);
    h.fill(h.children()[0]!, 100);
    expect(h.children()).toHaveLength(1); // partly filled: still showing the rest
    h.fill(h.children()[0]!, 200);
    h.clock.advanceTo(T0 + 2_000);
    h.fill(h.children()[1]!);
    h.clock.advanceTo(T0 + 3_000);
    h.fill(h.children()[2]!);
    expect(h.schedule()).toEqual([
      [0, '300'],
      [1_000, '300'],
      [2_000, '300'],
      [3_000, '100'],
    ]);
    for (const c of h.children()) expect([c.orderType, c.price?.toString(), c.side]).toEqual(['LIMIT', '99.5', 'BUY']);
    expect(h.state.completed).toBe(false);
    h.fill(h.children()[3]!);
    expect(h.state.completed).toBe(true);
    expect(h.children()).toHaveLength(4);
  });

  it('re-posts after a child closes unfilled at the next bar of the instrument, never from the rejection itself', () => {
    const h = algoHarness((ctx) => iceberg(ctx, { displayQuantity: 300 }));
    // A venue that rejects every order, synchronously.
    h.setOnCommand((c) => {
      if (c.type === 'SubmitOrder') h.reject(c);
    });
    h.input.next(h.ctx.orderFactory.limit({ instrumentId: aapl.id, side: 'SELL', quantity: 1000, price: 101 }));
    expect(h.children()).toHaveLength(1);
    h.bar(eth.id, T0 + 60_000, 10); // another instrument: nothing
    expect(h.children()).toHaveLength(1);
    h.bar(aapl.id, T0 + 120_000, 10);
    h.trade(aapl.id, T0 + 130_000, 5);
    expect(h.schedule()).toEqual([
      [0, '300'],
      [120_000, '300'],
      [130_000, '300'],
    ]);
  });

  it('shows the unfilled rest of the parent after a partly filled child is canceled, never more', () => {
    const h = algoHarness((ctx) => iceberg(ctx, { displayQuantity: 300 }));
    h.input.next(h.ctx.orderFactory.limit({ instrumentId: aapl.id, side: 'BUY', quantity: 500, price: 99 }));
    h.fill(h.children()[0]!, 100);
    h.cancel(h.children()[0]!); // 200 unfilled returns to the parent: 400 left
    h.bar(aapl.id, T0 + 60_000, 10);
    h.fill(h.children()[1]!);
    expect(h.schedule()).toEqual([
      [0, '300'],
      [60_000, '300'],
      [60_000, '100'],
    ]);
  });

  it('cancels the showing child on a CancelOrder for the parent and posts nothing more', () => {
    const h = algoHarness((ctx) => iceberg(ctx, { displayQuantity: 300 }));
    const parent = h.ctx.orderFactory.limit({ instrumentId: aapl.id, side: 'BUY', quantity: 1000, price: 99 });
    h.input.next(parent);
    h.input.next(h.ctx.orderFactory.cancel(parent));
    const child = h.children()[0]!;
    expect(h.out.filter((c): c is CancelOrder => c.type === 'CancelOrder').map((c) => c.clientOrderId)).toEqual([child.clientOrderId]);
    h.cancel(child);
    h.bar(aapl.id, T0 + 60_000, 10);
    expect(h.children()).toHaveLength(1);
  });

  it('rounds the display down to the lot and refuses one below the lot', () => {
    const h = algoHarness((ctx) => iceberg(ctx, { displayQuantity: '0.0105' }));
    h.input.next(h.ctx.orderFactory.limit({ instrumentId: eth.id, side: 'BUY', quantity: '0.025', price: 2000 }));
    h.fill(h.children()[0]!);
    h.fill(h.children()[1]!);
    expect(h.schedule().map(([, q]) => q)).toEqual(['0.01', '0.01', '0.005']);

    const tiny = algoHarness((ctx) => iceberg(ctx, { displayQuantity: '0.0001' }));
    tiny.input.next(tiny.ctx.orderFactory.limit({ instrumentId: eth.id, side: 'BUY', quantity: 1, price: 2000 }));
    expect((tiny.state.error as ValidationError).field).toBe('iceberg.displayQuantity');
  });

  it('executes LIMIT parents only and names a bad option', () => {
    const h = algoHarness((ctx) => iceberg(ctx, { displayQuantity: 10 }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 100 }));
    expect(h.state.error).toBeInstanceOf(ValidationError);
    expect((h.state.error as ValidationError).field).toBe('parent.orderType');
    expect(() => iceberg(h.ctx, { displayQuantity: -1 })).toThrow(/iceberg\.displayQuantity/);
    expect(() => iceberg(h.ctx, { displayQuantity: 'lots' })).toThrow(/iceberg\.displayQuantity/);
  });
});

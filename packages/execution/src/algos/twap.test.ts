import { describe, expect, it } from 'vitest';
import { ValidationError, type CancelOrder, type SubmitOrder } from '@rxtrade/core';
import { aapl, algoHarness, eth, MINUTE, T0 } from './__fixtures__/algo-harness';
import { twap } from './twap';

const cancels = (h: ReturnType<typeof algoHarness>) => h.out.filter((c): c is CancelOrder => c.type === 'CancelOrder').map((c) => c.clientOrderId);

describe('twap', () => {
  it('sends `slices` equal children at start + k × durationMs / slices on the clock', () => {
    const h = algoHarness((ctx) => twap(ctx, { durationMs: 4 * MINUTE, slices: 4 }));
    const parent = h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 100 });
    h.input.next(parent);
    expect(h.schedule()).toEqual([[0, '25']]);
    h.clock.advanceTo(T0 + MINUTE - 1);
    expect(h.schedule()).toHaveLength(1);
    h.clock.advanceTo(T0 + 10 * MINUTE);
    expect(h.schedule()).toEqual([
      [0, '25'],
      [MINUTE, '25'],
      [2 * MINUTE, '25'],
      [3 * MINUTE, '25'],
    ]);
    const children = h.children();
    expect(new Set(children.map((c) => c.clientOrderId)).size).toBe(4);
    expect(children.map((c) => c.clientOrderId)).not.toContain(parent.clientOrderId);
    for (const c of children) expect([c.instrumentId, c.side, c.orderType, c.price]).toEqual([aapl.id, 'BUY', 'MARKET', undefined]);
  });

  it('puts the lot-rounding remainder on the last child', () => {
    const h = algoHarness((ctx) => twap(ctx, { durationMs: 3_000, slices: 4 }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: eth.id, side: 'SELL', quantity: '1.001' }));
    h.clock.advanceTo(T0 + 3_000);
    // 1.001 / 4 = 0.25025 → 0.25 (lot 0.001); last 1.001 − 0.75 = 0.251; times T0 + ⌊k × 750⌋
    expect(h.schedule()).toEqual([
      [0, '0.25'],
      [750, '0.25'],
      [1500, '0.25'],
      [2250, '0.251'],
    ]);
  });

  it('never sends a zero-quantity child', () => {
    const h = algoHarness((ctx) => twap(ctx, { durationMs: 4_000, slices: 4 }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 3 }));
    h.clock.advanceTo(T0 + 4_000);
    expect(h.schedule()).toEqual([[3_000, '3']]);
  });

  it('caps every child of a LIMIT parent at the parent price', () => {
    const h = algoHarness((ctx) => twap(ctx, { durationMs: 2_000, slices: 2 }));
    h.input.next(h.ctx.orderFactory.limit({ instrumentId: aapl.id, side: 'BUY', quantity: 10, price: 99.5 }));
    h.clock.advanceTo(T0 + 2_000);
    expect(h.children().map((c) => [c.orderType, c.price?.toString(), c.quantity.toString()])).toEqual([
      ['LIMIT', '99.5', '5'],
      ['LIMIT', '99.5', '5'],
    ]);
  });

  it('adds the unfilled quantity of a rejected child to the next slice', () => {
    const h = algoHarness((ctx) => twap(ctx, { durationMs: 4 * MINUTE, slices: 4 }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 100 }));
    const [c0] = h.children();
    h.fill(c0!);
    h.clock.advanceTo(T0 + MINUTE);
    h.reject(h.children()[1]!);
    h.clock.advanceTo(T0 + 2 * MINUTE);
    expect(h.schedule()).toEqual([
      [0, '25'],
      [MINUTE, '25'],
      [2 * MINUTE, '50'],
    ]);
  });

  it('sends again only the unfilled part of a partly filled child that was canceled, and counts working children', () => {
    const h = algoHarness((ctx) => twap(ctx, { durationMs: 4 * MINUTE, slices: 4 }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 100 }));
    const c0 = h.children()[0]!;
    h.fill(c0, 10);
    h.clock.advanceTo(T0 + MINUTE); // c0 still working 15: slice 1 sends its own 25 only
    h.cancel(c0); // 15 unfilled
    h.clock.advanceTo(T0 + 2 * MINUTE); // target 75 − filled 10 − working 25 = 40
    h.fill(h.children()[1]!);
    h.fill(h.children()[2]!);
    h.clock.advanceTo(T0 + 3 * MINUTE); // target 100 − filled 75 = 25
    expect(h.schedule().map(([, q]) => q)).toEqual(['25', '25', '40', '25']);
  });

  it('never sends more than the parent: what is unfilled after the last slice is not sent again', () => {
    const h = algoHarness((ctx) => twap(ctx, { durationMs: 2_000, slices: 2 }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 10 }));
    h.fill(h.children()[0]!);
    h.clock.advanceTo(T0 + 1_000);
    h.input.complete();
    expect(h.state.completed).toBe(false); // child 2 is still working
    h.reject(h.children()[1]!);
    h.clock.advanceTo(T0 + 60_000);
    expect(h.schedule()).toEqual([
      [0, '5'],
      [1_000, '5'],
    ]);
    expect(h.state.completed).toBe(true);
  });

  it('completes once the input has completed and every parent is filled', () => {
    const h = algoHarness((ctx) => twap(ctx, { durationMs: 2_000, slices: 2 }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 10 }));
    h.input.complete();
    h.fill(h.children()[0]!);
    h.clock.advanceTo(T0 + 1_000);
    expect(h.state.completed).toBe(false);
    h.fill(h.children()[1]!, 3);
    h.fill(h.children()[1]!, 2);
    expect(h.state.completed).toBe(true);
  });

  it('stops the schedule and cancels open children on a CancelOrder for the parent, passing other commands through', () => {
    const h = algoHarness((ctx) => twap(ctx, { durationMs: 4 * MINUTE, slices: 4 }));
    const parent = h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 100 });
    h.input.next(parent);
    h.fill(h.children()[0]!);
    h.clock.advanceTo(T0 + MINUTE);
    const other = h.ctx.orderFactory.cancel({ clientOrderId: 'X-1' as SubmitOrder['clientOrderId'], instrumentId: aapl.id });
    h.input.next(other);
    expect(h.out.at(-1)).toBe(other);
    h.input.next(h.ctx.orderFactory.cancel(parent));
    expect(cancels(h)).toEqual(['X-1', h.children()[1]!.clientOrderId]);
    h.clock.advanceTo(T0 + 10 * MINUTE);
    expect(h.children()).toHaveLength(2);
  });

  it('executes several parents independently', () => {
    const h = algoHarness((ctx) => twap(ctx, { durationMs: 2_000, slices: 2 }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 10 }));
    h.clock.advanceTo(T0 + 500);
    h.input.next(h.ctx.orderFactory.market({ instrumentId: eth.id, side: 'SELL', quantity: 2 }));
    h.clock.advanceTo(T0 + 2_000);
    expect(h.children().map((c) => [c.ts - T0, c.instrumentId, c.quantity.toString()])).toEqual([
      [0, aapl.id, '5'],
      [500, eth.id, '1'],
      [1_000, aapl.id, '5'],
      [1_500, eth.id, '1'],
    ]);
  });

  it('names the bad option', () => {
    const h = algoHarness((ctx) => twap(ctx, { durationMs: 1, slices: 1 }));
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ValidationError).field;
      }
      return 'no error';
    };
    expect(field(() => twap(h.ctx, { durationMs: 0, slices: 2 }))).toBe('twap.durationMs');
    expect(field(() => twap(h.ctx, { durationMs: 1000, slices: 1.5 }))).toBe('twap.slices');
  });

  it('fails the stream on a parent type it cannot execute', () => {
    const h = algoHarness((ctx) => twap(ctx, { durationMs: 1000, slices: 2 }));
    h.input.next(h.ctx.orderFactory.stopMarket({ instrumentId: aapl.id, side: 'SELL', quantity: 10, triggerPrice: 90 }));
    expect(h.state.error).toBeInstanceOf(ValidationError);
    expect((h.state.error as ValidationError).field).toBe('parent.orderType');
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rxtrade/core';
import { aapl, algoHarness, MINUTE, T0 } from './__fixtures__/algo-harness';
import { vwap } from './vwap';

const field = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as ValidationError).field;
  }
  return 'no error';
};

describe('vwap', () => {
  it('sizes bucket k by profile[k] / Σprofile and sends it at the bucket start', () => {
    const h = algoHarness((ctx) => vwap(ctx, { durationMs: 60 * MINUTE, profile: [4000, 2000, 1000, 3000] }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 1000 }));
    h.clock.advanceTo(T0 + 60 * MINUTE);
    expect(h.schedule()).toEqual([
      [0, '400'],
      [15 * MINUTE, '200'],
      [30 * MINUTE, '100'],
      [45 * MINUTE, '300'],
    ]);
  });

  it('rounds each bucket down to the lot with the remainder on the last bucket', () => {
    const h = algoHarness((ctx) => vwap(ctx, { durationMs: 3_000, profile: [1, 1, 1] }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'SELL', quantity: 100 }));
    h.clock.advanceTo(T0 + 3_000);
    expect(h.schedule()).toEqual([
      [0, '33'],
      [1_000, '33'],
      [2_000, '34'],
    ]);
  });

  it('skips empty buckets but sends redistributed quantity in them', () => {
    const h = algoHarness((ctx) => vwap(ctx, { durationMs: 4_000, profile: [0.5, 0, 0, 0.5] }));
    h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 10 }));
    h.clock.advanceTo(T0 + 500);
    h.reject(h.children()[0]!);
    h.clock.advanceTo(T0 + 4_000);
    // bucket 1 (share 0) carries the rejected 5; buckets 2 (0) send nothing; bucket 3 its 5
    expect(h.schedule()).toEqual([
      [0, '5'],
      [1_000, '5'],
      [3_000, '5'],
    ]);
  });

  it('names the bad option', () => {
    const h = algoHarness((ctx) => vwap(ctx, { durationMs: 1, profile: [1] }));
    expect(field(() => vwap(h.ctx, { durationMs: 1000, profile: [] }))).toBe('vwap.profile');
    expect(field(() => vwap(h.ctx, { durationMs: 1000, profile: [1, -2] }))).toBe('vwap.profile[1]');
    expect(field(() => vwap(h.ctx, { durationMs: 1000, profile: [0, 0] }))).toBe('vwap.profile');
    expect(field(() => vwap(h.ctx, { durationMs: -5, profile: [1] }))).toBe('vwap.durationMs');
  });
});

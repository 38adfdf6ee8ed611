/**
 * The benchmarks' market: a seeded random walk of minute bars with 2-decimal prices, generated lazily
 * and created with one object shape (V8 reads fields fastest from objects that all have one shape).
 */
import type { Bar, InstrumentId } from '@rxtrade/core';

/** Yields `n` bars of `instrumentId`; the same seed gives the same bars. */
export function* syntheticBars(n: number, instrumentId: InstrumentId, seed = 42): Generator<Bar> {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const round = (x: number): number => Math.round(x * 100) / 100;
  let close = 100;
  for (let i = 0; i < n; i++) {
    const open = round(Math.max(1, close * (1 + (rand() - 0.5) * 0.01)));
    close = round(Math.max(1, open * (1 + (rand() - 0.5) * 0.02)));
    const high = round(Math.max(open, close) * (1 + rand() * 0.005));
    const low = round(Math.min(open, close) * (1 - rand() * 0.005));
    yield { type: 'Bar', instrumentId, ts: 946_684_800_000 + i * 60_000, open, high, low, close, volume: 1000 };
  }
}

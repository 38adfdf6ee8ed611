/** Test data for the algorithm integration tests: one-minute bars built from explicit rows. */
import { defineInstrument, type Bar, type Instrument } from '@rxtrade/core';

export const MINUTE = 60_000;
/** 2024-01-02 14:30 UTC (09:30 New York). */
export const T0 = Date.UTC(2024, 0, 2, 14, 30);

export const xyz: Instrument = defineInstrument({ symbol: 'XYZ', venue: 'SIM', assetClass: 'stock', base: 'XYZ', quote: 'USD', tickSize: '0.01', lotSize: '1' });

/** Minute bars from [open, high, low, close, volume] rows, bar i at T0 + i minutes. */
export function minuteBars(rows: readonly (readonly [number, number, number, number, number])[], instrument: Instrument = xyz): Bar[] {
  return rows.map(([open, high, low, close, volume], i) => ({ type: 'Bar', instrumentId: instrument.id, ts: T0 + i * MINUTE, open, high, low, close, volume }));
}

/** n minute bars whose open is 100 + i (high +0.5, low −0.5, close +0.25), all of `volume`. */
export function risingBars(n: number, volume = 1000): Bar[] {
  return minuteBars(Array.from({ length: n }, (_, i) => [100 + i, 100.5 + i, 99.5 + i, 100.25 + i, volume] as const));
}

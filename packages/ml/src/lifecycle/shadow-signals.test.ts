import { map, tap, type OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineInstrument, mapAsync, type Bar, type Pipeline, type WorkTracker } from '@rxtrade/core';
import { readBarsCsv } from '@rxtrade/connectors';
import { runBacktest } from '@rxtrade/backtest';
import type { Signal } from '../signals/signal';
import { sizeSignals } from '../signals/size-signals';
import { fixedFraction } from '../signals/sizing';
import { ShadowLog, shadowSignals } from './shadow-signals';

const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const { bars: all } = readBarsCsv(new URL('../../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url).pathname, { instrumentId: goog.id });
const bars = all.slice(0, 120);
const config = { data: bars, instruments: [goog], ledger: { startingCash: 100_000 } };

const says = (model: string, direction: Signal['direction']) => (bar: Bar): Signal => ({ instrumentId: goog.id, ts: bar.ts, direction, confidence: 1, model, version: 'v1' });
/** A model stage that answers asynchronously, as inference does. */
const asyncModel = (model: string, direction: Signal['direction'], work: WorkTracker): OperatorFunction<Bar, Signal> => mapAsync(async (bar: Bar) => says(model, direction)(bar), { work });
const failing = (work: WorkTracker): OperatorFunction<Bar, Signal> =>
  mapAsync(async (bar: Bar) => {
    if (bar.ts >= bars[10]!.ts) throw new Error('shadow crashed');
    return says('fragile', 'short')(bar);
  }, { work });

const pipeline =
  (log: ShadowLog, liveDirection: Signal['direction']): Pipeline =>
  (ctx) => {
    let last = 0;
    return ctx.market.bars(goog.id).pipe(
      tap((bar) => (last = bar.close)),
      shadowSignals({ live: map(says('current', liveDirection)), shadows: { eager: asyncModel('eager', 'long', ctx.work), fragile: failing(ctx.work) }, log }),
      sizeSignals({ ctx, sizing: fixedFraction(0.5), price: () => last, tolerance: 0.2 }),
    );
  };

describe('shadowSignals', () => {
  it('records the shadows beside the live model and never trades on them', async () => {
    const log = new ShadowLog();
    const result = await runBacktest(pipeline(log, 'flat'), config);
    // The eager shadow wanted to be long all along; the live model stayed flat: no order at all.
    expect(result.summary.orders).toBe(0);
    expect(result.summary.fills).toBe(0);
    expect(log.signals('eager')).toHaveLength(bars.length);
    expect(log.signals('live')).toHaveLength(bars.length);
    expect(log.signals('live').every((s) => s.direction === 'flat' && s.model === 'current')).toBe(true);
    // Beside each other: every bar has the live signal and the shadow's, logged while that bar was handled.
    expect(log.signals('eager').map((s) => s.ts)).toEqual(bars.map((b) => b.ts));
    expect(log.signals('live').map((s) => s.ts)).toEqual(bars.map((b) => b.ts));
    const firstOf = (name: string, ts: number) => log.entries.findIndex((e) => e.name === name && 'signal' in e && e.signal.ts === ts);
    for (let i = 0; i + 1 < bars.length; i++) expect(firstOf('eager', bars[i]!.ts)).toBeLessThan(firstOf('live', bars[i + 1]!.ts));
    // The failing shadow is logged once and the run goes on.
    expect(log.signals('fragile')).toHaveLength(10);
    expect(log.entries.filter((e) => 'error' in e).map((e) => [e.name, ((e as { error: Error }).error).message])).toEqual([['fragile', 'shadow crashed']]);
  });

  it('trades the same signals when they come from the live model (the check above can fail)', async () => {
    const result = await runBacktest(pipeline(new ShadowLog(), 'long'), config);
    expect(result.summary.fills).toBeGreaterThan(0);
  });

  it('refuses a shadow named live and unknown options', () => {
    const log = new ShadowLog();
    expect(() => shadowSignals({ live: map(says('a', 'flat')), shadows: { live: map(says('b', 'flat')) }, log })).toThrow(/shadowSignals\.shadows\.live/);
    expect(() => shadowSignals({ live: map(says('a', 'flat')), shadow: {}, log } as never)).toThrow(/shadowSignals\.shadow: unknown option; did you mean "shadows"\?/);
  });
});

import { EMPTY, filter, map, mergeMap, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineInstrument, ValidationError, type Bar, type Instrument, type MarketData, type Pipeline } from '@rxtrade/core';
import { resultToJson } from './result';
import { runBacktest } from './run-backtest';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2024, 0, 1);

const stock = (symbol: string): Instrument =>
  defineInstrument({ symbol, venue: 'SIM', assetClass: 'stock', base: symbol, quote: 'USD', tickSize: '0.01', lotSize: '1' });

/** A deterministic random walk of bars, generated lazily. */
function* walk(inst: Instrument, n: number, step: number, seed: number, start = T0): Generator<Bar> {
  let x = seed;
  let price = 100 + seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const open = price;
    price = Math.max(1, Math.round((price + (x / 2147483648 - 0.5) * 2) * 100) / 100);
    yield { type: 'Bar', instrumentId: inst.id, ts: start + i * step, open, high: Math.max(open, price) + 0.5, low: Math.min(open, price) - 0.5, close: price, volume: 1 };
  }
}

async function* slowly<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

describe('runBacktest on streamed series', () => {
  const daily = Array.from({ length: 10 }, (_, i) => stock(`D${i}`));
  const hourly = stock('H');
  const instruments = [...daily, hourly];
  const DAYS = 30;

  /** Records the arrival order and trades each daily instrument on its 5th bar and 20th bar. */
  const recorder = (seen: string[]): Pipeline => (ctx) =>
    ctx.market.bars().pipe(
      tap((b) => seen.push(`${b.instrumentId}@${(b.ts - T0) / HOUR}`)),
      filter((b) => b.instrumentId !== hourly.id && ((b.ts - T0) / DAY === 5 || (b.ts - T0) / DAY === 20)),
      map((b) => ctx.orderFactory.market({ instrumentId: b.instrumentId, side: (b.ts - T0) / DAY === 5 ? 'BUY' : 'SELL', quantity: 3 })),
    );
  const series = (): (Iterable<MarketData> | AsyncIterable<MarketData>)[] => [
    ...daily.map((inst, i) => walk(inst, DAYS, DAY, i + 1)),
    slowly(walk(hourly, DAYS * 24, HOUR, 99)),
  ];

  it('merges 10 daily series and an hourly one by (time, series order), identically on every run', async () => {
    const seenA: string[] = [];
    const seenB: string[] = [];
    const a = await runBacktest(recorder(seenA), { data: series(), instruments, ledger: { startingCash: 100_000 }, venue: { commission: 0.001 } });
    const b = await runBacktest(recorder(seenB), { data: series(), instruments, ledger: { startingCash: 100_000 }, venue: { commission: 0.001 } });
    expect(seenA).toHaveLength(DAYS * 10 + DAYS * 24);
    expect(seenB).toEqual(seenA);
    expect(JSON.stringify(resultToJson(b))).toBe(JSON.stringify(resultToJson(a)));
    // At each midnight the daily bars come first in the order given, then the hourly bar; other hours
    // carry the hourly bar alone.
    const expected: string[] = [];
    for (let h = 0; h < DAYS * 24; h++) {
      if (h % 24 === 0) for (let i = 0; i < 10; i++) expected.push(`D${i}.SIM@${h}`);
      expected.push(`H.SIM@${h}`);
    }
    expect(seenA).toEqual(expected);
    // One equity point per distinct time (the hourly grid), 20 fills, 10 round trips.
    expect(a.equityCurve.ts).toHaveLength(DAYS * 24);
    expect(a.fills).toHaveLength(20);
    expect(a.trades).toHaveLength(10);
  });

  it('gives the same result from generators as from arrays', async () => {
    const seen: string[] = [];
    const arrays = series().slice(0, 10).map((s) => Array.from(s as Iterable<MarketData>));
    const fromArrays = await runBacktest(recorder(seen), { data: arrays, instruments, ledger: { startingCash: 100_000 } });
    const fromGenerators = await runBacktest(recorder([]), { data: series().slice(0, 10), instruments, ledger: { startingCash: 100_000 } });
    expect(JSON.stringify(resultToJson(fromGenerators))).toBe(JSON.stringify(resultToJson(fromArrays)));
  });

  it('accepts one generator as the whole data', async () => {
    const result = await runBacktest(() => EMPTY, { data: walk(daily[0]!, 50, DAY, 3), instruments, ledger: { startingCash: 1 } });
    expect(result.summary.events).toBe(50);
  });

  it('names the series and row of a streamed event that goes back in time', async () => {
    function* broken(): Generator<Bar> {
      const bars = Array.from(walk(daily[1]!, 5, DAY, 1));
      [bars[2], bars[3]] = [bars[3]!, bars[2]!];
      yield* bars;
    }
    const e = await runBacktest(() => EMPTY, { data: [walk(daily[0]!, 5, DAY, 1), broken()], instruments, ledger: { startingCash: 1 } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).field).toBe('data[1][3].ts');
  });

  it('warms up before tradingStart: orders are dropped and no equity is recorded before it', async () => {
    const buyEveryBar: Pipeline = (ctx) => ctx.market.bars().pipe(mergeMap((b) => [ctx.orderFactory.market({ instrumentId: b.instrumentId, side: 'BUY', quantity: 1 })]));
    const result = await runBacktest(buyEveryBar, { data: walk(daily[0]!, 10, DAY, 1), instruments, ledger: { startingCash: 10_000 }, tradingStart: T0 + 6 * DAY });
    // Orders from bars 6..8 fill at bars 7..9; the order of bar 9 waits; bars 0..5 only warmed up.
    expect(result.fills.map((f) => (f.ts - T0) / DAY)).toEqual([7, 8, 9]);
    expect(Array.from(result.equityCurve.ts, (t) => (t - T0) / DAY)).toEqual([6, 7, 8, 9]);
  });
});

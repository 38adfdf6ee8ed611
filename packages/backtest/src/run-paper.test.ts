import { EMPTY, filter, map, mergeMap, Subject, tap, throwError, toArray, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineInstrument, LiveClock, mapAsync, ValidationError, type Bar, type MarketData, type Pipeline } from '@rxtrade/core';
import { replayFeed } from './replay-feed';
import { runBacktest } from './run-backtest';
import { runPaper } from './run-paper';

const inst = defineInstrument({ symbol: 'P', venue: 'SIM', assetClass: 'stock', base: 'P', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const bars: Bar[] = Array.from({ length: 12 }, (_, i) => ({
  type: 'Bar' as const,
  instrumentId: inst.id,
  ts: Date.UTC(2024, 0, 1) + i * 60_000,
  open: 50 + (i % 5),
  high: 56,
  low: 49,
  close: 50 + ((i + 2) % 5),
  volume: 1,
}));
const config = { instruments: [inst], ledger: { startingCash: 10_000 }, venue: { commission: 0.001 } };
const alternate: Pipeline = (ctx) =>
  ctx.market.bars().pipe(
    filter((_, i) => i % 3 === 0),
    map((_, i) => ctx.orderFactory.market({ instrumentId: inst.id, side: i % 2 === 0 ? 'BUY' : 'SELL', quantity: 5 })),
  );

describe('replayFeed', () => {
  it('emits every event in time order, spaced by recorded time over the speed-up, then completes', async () => {
    const clock = new LiveClock();
    const started = clock.now();
    const out = await firstValueFrom(replayFeed([bars], { clock, speed: 60_000 / 2 }).pipe(toArray()));
    expect(out.map((e) => e.ts)).toEqual(bars.map((b) => b.ts));
    // 11 gaps of one recorded minute at 30,000x: at least 22 ms of wall time.
    expect(clock.now() - started).toBeGreaterThanOrEqual(20);
  });

  it('names a bad option', () => {
    expect(() => replayFeed([bars], { clock: new LiveClock(), speed: 0 })).toThrow(ValidationError);
    expect(() => replayFeed([bars], { clock: new LiveClock() })).toThrow(/intervalMs/);
  });
});

describe('runPaper', () => {
  it('queues events that arrive during asynchronous work and matches the backtest', async () => {
    const feed = new Subject<MarketData>();
    const clock = new LiveClock();
    const slow: Pipeline = (ctx) =>
      ctx.market.bars().pipe(
        mapAsync((b) => new Promise<Bar>((resolve) => setTimeout(() => resolve(b), 2)), { work: ctx.work }),
        filter((_, i) => i % 3 === 0),
        map((_, i) => ctx.orderFactory.market({ instrumentId: inst.id, side: i % 2 === 0 ? 'BUY' : 'SELL', quantity: 5 })),
      );
    const paper = runPaper(slow, { ...config, clock, feed });
    // The whole feed arrives at once, while the first prediction is still pending.
    for (const b of bars) feed.next(b);
    feed.complete();
    const result = await paper;
    const reference = await runBacktest(alternate, { ...config, data: bars });
    expect(result.fills.map((f) => `${f.ts} ${f.side} ${f.price}`)).toEqual(reference.fills.map((f) => `${f.ts} ${f.side} ${f.price}`));
    expect(result.summary.finalEquity.toString()).toBe(reference.summary.finalEquity.toString());
  });

  it('rejects with a pipeline error, and with a feed error', async () => {
    const boom = new Error('bug');
    const clock = new LiveClock();
    const failing: Pipeline = (ctx) => ctx.market.bars().pipe(mergeMap((_, i) => (i === 2 ? throwError(() => boom) : EMPTY)));
    await expect(runPaper(failing, { ...config, clock, feed: replayFeed([bars], { clock, intervalMs: 0 }) })).rejects.toBe(boom);
    const feedError = new Error('disconnected');
    const feed = new Subject<MarketData>();
    const run = runPaper((ctx) => ctx.market.bars().pipe(tap(() => {}), mergeMap(() => EMPTY)), { ...config, clock, feed });
    feed.next(bars[0]!);
    feed.error(feedError);
    await expect(run).rejects.toBe(feedError);
  });
});

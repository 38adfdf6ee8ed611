import { map, Subject, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineInstrument, LiveClock, ValidationError, type Bar, type Logger, type Pipeline } from '@rxtrade/core';
import { runBacktest } from './run-backtest';
import { runPaper } from './run-paper';

const inst = defineInstrument({ symbol: 'A', venue: 'SIM', assetClass: 'stock', base: 'A', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const T0 = Date.UTC(2024, 0, 1);
const bars: Bar[] = Array.from({ length: 3 }, (_, i) => ({ type: 'Bar', instrumentId: inst.id, ts: T0 + i * 86_400_000, open: 100, high: 101, low: 99, close: 100, volume: 1000 }));
const config = { instruments: [inst], ledger: { startingCash: 100_000 } };

/** Logs each bar it sees, then sends nothing. */
const logsBars: Pipeline = (ctx) =>
  ctx.market.bars().pipe(
    tap((bar) => ctx.logger.info('bar', { close: bar.close })),
    map(() => ctx.orderFactory.market({ instrumentId: inst.id, side: 'BUY', quantity: 1 })),
  );

/** A logger that keeps `[time, message]` pairs, its time read from `now`. */
function recording(now: () => number, into: Array<[number, string]>): Logger {
  const write = (message: string): void => void into.push([now(), message]);
  return { debug: write, info: write, warn: write, error: write };
}

describe('the logger of a run', () => {
  it('can be made from the run\'s clock, so a backtest\'s lines carry the time of the bar being handled', async () => {
    const lines: Array<[number, string]> = [];
    const result = await runBacktest(logsBars, { ...config, data: bars, logger: (clock) => recording(() => clock.now(), lines) });
    expect(result.summary.orders).toBe(3);
    expect(lines).toEqual(bars.map((b) => [b.ts, 'bar']));
  });

  it('is the same object when a Logger is given', async () => {
    const lines: Array<[number, string]> = [];
    await runBacktest(logsBars, { ...config, data: bars, logger: recording(() => 0, lines) });
    expect(lines).toEqual(bars.map(() => [0, 'bar']));
  });

  it('in paper trading, is made from the clock the run was given', async () => {
    const clock = new LiveClock();
    let given: unknown;
    const feed = new Subject<Bar>();
    const run = runPaper(logsBars, {
      ...config,
      clock,
      feed,
      logger: (c) => {
        given = c;
        return recording(() => c.now(), []);
      },
    });
    feed.complete();
    await run;
    expect(given).toBe(clock);
  });

  it('is refused, naming the field, when it is not a Logger or a function', async () => {
    const error = await runBacktest(logsBars, { ...config, data: bars, logger: { info: () => undefined } as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/logger: must be a Logger \(an object with debug, info, warn and error methods\) or a function/);
  });

  it('is refused when the function does not return a Logger', async () => {
    const error = await runBacktest(logsBars, { ...config, data: bars, logger: (() => ({ info: 1 })) as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/logger: the logger function must return a Logger/);
  });
});

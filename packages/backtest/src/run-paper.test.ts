import { EMPTY, filter, interval, map, merge, mergeMap, Observable, Subject, tap, throwError, toArray, firstValueFrom } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { defineInstrument, LiveClock, mapAsync, ValidationError, type Bar, type MarketData, type Pipeline, type SubmitOrder } from '@rxtrade/core';
import { SimulatedVenue } from '@rxtrade/execution';
import { replayFeed } from './replay-feed';
import { runBacktest } from './run-backtest';
import { StageTimeoutError } from './run-errors';
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

/** Records every order the simulated venues receive, with the wall time it arrived at. */
function submitSpy() {
  const submits: number[] = [];
  const spy = vi.spyOn(SimulatedVenue.prototype, 'submit').mockImplementation(function (this: SimulatedVenue, command) {
    submits.push(performance.now());
    return original.call(this, command);
  });
  return { submits, restore: () => spy.mockRestore() };
}
const original = SimulatedVenue.prototype.submit;

/** A feed that pushes one bar a millisecond from its own timer, forever, until unsubscribed. */
function endlessFeed(event: (i: number) => MarketData): { feed: Observable<MarketData>; state: { emitted: number; unsubscribedAt: number | undefined } } {
  const state = { emitted: 0, unsubscribedAt: undefined as number | undefined };
  const feed = new Observable<MarketData>((subscriber) => {
    const id = setInterval(() => subscriber.next(event(state.emitted++)), 1);
    return () => {
      clearInterval(id);
      state.unsubscribedAt = performance.now();
    };
  });
  return { feed, state };
}

const barAt = (i: number, ts = Date.UTC(2024, 0, 1) + i * 60_000): Bar => ({ type: 'Bar', instrumentId: inst.id, ts, open: 50, high: 51, low: 49, close: 50.5, volume: 1 });
/** Buys on every bar and, from the clock's scheduler, every 2 ms. */
const busy: Pipeline = (ctx) =>
  merge(ctx.market.bars(), interval(2, ctx.scheduler)).pipe(map(() => ctx.orderFactory.market({ instrumentId: inst.id, side: 'BUY', quantity: 1 })));

/** Awaits a run's rejection, then records how many orders reached the venue after it, over 30 ms. */
async function afterRejection(run: Promise<unknown>, submits: number[]): Promise<{ error: unknown; rejectedAt: number; late: number }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('runPaper still running after 5 s')), 5_000);
  });
  const error = await Promise.race([run, deadline]).finally(() => clearTimeout(timer)).then(
    () => new Error('the run resolved'),
    (e: unknown) => e,
  );
  const rejectedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 30));
  return { error, rejectedAt, late: submits.filter((t) => t > rejectedAt).length };
}

describe('runPaper stops cleanly', () => {
  it('refuses out-of-order times per instrument: feed off, node stopped, no order after the rejection', async () => {
    const spy = submitSpy();
    try {
      // Bar 3 goes back in time; the feed keeps emitting after it.
      const { feed, state } = endlessFeed((i) => barAt(i, Date.UTC(2024, 0, 1) + (i === 3 ? 1 : i) * 60_000));
      const clock = new LiveClock();
      const { error, rejectedAt, late } = await afterRejection(runPaper(busy, { ...config, clock, feed }), spy.submits);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('feed[3].ts');
      expect(state.unsubscribedAt).toBeLessThanOrEqual(rejectedAt);
      expect(spy.submits.length).toBeGreaterThan(0);
      expect(late).toBe(0);
    } finally {
      spy.restore();
    }
  });

  it('ends with a feed error, and sends nothing afterwards', async () => {
    const spy = submitSpy();
    try {
      const feed = new Subject<MarketData>();
      const clock = new LiveClock();
      const run = runPaper(busy, { ...config, clock, feed });
      feed.next(barAt(0));
      await new Promise((resolve) => setTimeout(resolve, 10));
      const cause = new Error('disconnected');
      feed.error(cause);
      const { error, late } = await afterRejection(run, spy.submits);
      expect(error).toBe(cause);
      expect(late).toBe(0);
    } finally {
      spy.restore();
    }
  });

  it('ends with an operator error, and sends nothing afterwards', async () => {
    const spy = submitSpy();
    try {
      const boom = new Error('stage bug');
      const { feed, state } = endlessFeed((i) => barAt(i));
      const failing: Pipeline = (ctx) =>
        merge(
          busy(ctx),
          ctx.market.bars().pipe(
            map((_, i) => {
              if (i === 4) throw boom;
            }),
            mergeMap(() => EMPTY),
          ),
        );
      const { error, rejectedAt, late } = await afterRejection(runPaper(failing, { ...config, clock: new LiveClock(), feed }), spy.submits);
      expect(error).toBe(boom);
      expect(state.unsubscribedAt).toBeLessThanOrEqual(rejectedAt);
      expect(late).toBe(0);
    } finally {
      spy.restore();
    }
  });

  it('ends a run whose asynchronous stage never settles, after stageTimeoutMs', async () => {
    const spy = submitSpy();
    try {
      const { feed, state } = endlessFeed((i) => barAt(i));
      const hang: Pipeline = (ctx) =>
        merge(
          busy(ctx),
          ctx.market.bars().pipe(
            mapAsync((b, i) => (i === 1 ? new Promise<Bar>(() => {}) : b), { work: ctx.work }),
            mergeMap(() => EMPTY),
          ),
        );
      const { error, rejectedAt, late } = await afterRejection(runPaper(hang, { ...config, clock: new LiveClock(), feed, stageTimeoutMs: 40 }), spy.submits);
      expect(error).toBeInstanceOf(StageTimeoutError);
      expect((error as Error).message).toContain('feed[1] (Bar of P.SIM');
      expect(state.unsubscribedAt).toBeLessThanOrEqual(rejectedAt);
      expect(late).toBe(0);
    } finally {
      spy.restore();
    }
  });

  it('fails on a malformed command, naming the field', async () => {
    const feed = new Subject<MarketData>();
    const bad: Pipeline = (ctx) => ctx.market.bars().pipe(map(() => ({ ...ctx.orderFactory.market({ instrumentId: inst.id, side: 'BUY', quantity: 1 }), side: 'LONG' }) as unknown as SubmitOrder));
    const run = runPaper(bad, { ...config, clock: new LiveClock(), feed });
    feed.next(barAt(0));
    const { error } = await afterRejection(run, []);
    expect((error as ValidationError).field).toBe('command.side');
    expect(feed.observed).toBe(false);
  });
});

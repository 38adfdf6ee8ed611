import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bufferTime, config as rxConfig, filter, from, interval, map, merge, mergeMap, EMPTY, of, tap, throwError, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Decimal, defineInstrument, mapAsync, parseWith, ValidationError, type Bar, type Instrument, type Pipeline } from '@rxtrade/core';
import { BacktestConfigSchema, runBacktest } from './run-backtest';
import { StageTimeoutError } from './run-errors';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

function instrument(symbol: string): Instrument {
  return defineInstrument({ symbol, venue: 'SIM', assetClass: 'stock', base: symbol, quote: 'USD', tickSize: '0.01', lotSize: '1' });
}

/** Bars whose open is 100 + i and close 100.5 + i, one a day: every bar's prices are distinct. */
function bars(inst: Instrument, n: number, start = T0, step = DAY): Bar[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'Bar' as const,
    instrumentId: inst.id,
    ts: start + i * step,
    open: 100 + i,
    high: 101 + i,
    low: 99 + i,
    close: 100.5 + i,
    volume: 1000,
  }));
}

const aaa = instrument('AAA');
const base = { instruments: [aaa], ledger: { startingCash: 1_000_000 } };

/** Buys one share on each of the first `k` bars. */
const buyOnFirst = (k: number): Pipeline => (ctx) =>
  ctx.market.bars().pipe(
    filter((_, i) => i < k),
    map(() => ctx.orderFactory.market({ instrumentId: aaa.id, side: 'BUY', quantity: 1 })),
  );

describe('runBacktest', () => {
  it('fills an order submitted on bar N at bar N+1 open, never at bar N prices', async () => {
    const data = bars(aaa, 5);
    const result = await runBacktest(buyOnFirst(3), { ...base, data });
    expect(result.fills.map((f) => [f.ts, f.price.toNumber()])).toEqual([
      [data[1]!.ts, data[1]!.open],
      [data[2]!.ts, data[2]!.open],
      [data[3]!.ts, data[3]!.open],
    ]);
  });

  it('leaves an order submitted on the last bar unfilled', async () => {
    const data = bars(aaa, 3);
    const result = await runBacktest(
      (ctx) => ctx.market.bars().pipe(filter((b) => b.ts === data[2]!.ts), map(() => ctx.orderFactory.market({ instrumentId: aaa.id, side: 'BUY', quantity: 1 }))),
      { ...base, data },
    );
    expect(result.fills).toEqual([]);
    expect(result.orders.map((o) => o.status)).toEqual(['ACCEPTED']);
  });

  it('snapshots the orders when they are first read: plain frozen copies as the run ended, the same array on every read, in JSON', async () => {
    const data = bars(aaa, 5);
    const result = await runBacktest(buyOnFirst(2), { ...base, data });
    // Not made yet: a sweep that reads only the metrics never pays for the copies.
    expect(typeof Object.getOwnPropertyDescriptor(result, 'orders')?.get).toBe('function');
    const orders = result.orders;
    expect(orders.map((o) => [o.clientOrderId, o.status, o.filledQuantity.toString(), o.avgFillPrice?.toString(), o.tsLast])).toEqual([
      [result.fills[0]!.clientOrderId, 'FILLED', '1', '101', data[1]!.ts],
      [result.fills[1]!.clientOrderId, 'FILLED', '1', '102', data[2]!.ts],
    ]);
    expect(orders.every((o) => Object.isFrozen(o) && Object.getPrototypeOf(o) === Object.prototype)).toBe(true);
    expect(result.orders).toBe(orders);
    // Read-only: a getter without a setter, which a result cannot lose.
    expect(Object.getOwnPropertyDescriptor(result, 'orders')).toMatchObject({ set: undefined, enumerable: true, configurable: false });
    expect(() => {
      (result as { orders: unknown }).orders = [];
    }).toThrow(TypeError);
    expect((JSON.parse(JSON.stringify(result)) as { orders: Array<{ status: string }> }).orders.map((o) => o.status)).toEqual(['FILLED', 'FILLED']);
  });

  it('makes the parts read on first access with getters that every result shares, and keeps nothing else enumerable', async () => {
    // Getters made per run would give each result hidden classes of its own, in the old generation,
    // which kept every short run alive until a full collection: the reason a sweep's runs were
    // copied and promoted by the young generation's collections before they died.
    const [a, b] = await Promise.all([runBacktest(buyOnFirst(1), { ...base, data: bars(aaa, 3) }), runBacktest(buyOnFirst(2), { ...base, data: bars(aaa, 4) })]);
    for (const key of ['orders', 'trades', 'positions', 'drawdownCurve', 'metrics'] as const) {
      const getter = Object.getOwnPropertyDescriptor(a, key)?.get;
      expect(typeof getter, key).toBe('function');
      expect(Object.getOwnPropertyDescriptor(b, key)?.get, key).toBe(getter);
    }
    expect(Object.keys(a)).toEqual(['fills', 'equityCurve', 'summary', 'anomalies', 'orders', 'trades', 'positions', 'drawdownCurve', 'metrics']);
    expect(Object.getOwnPropertySymbols({ ...a })).toEqual([]);
    // Each result computes its own parts, once.
    expect(a.summary.fills).toBe(1);
    expect(b.summary.fills).toBe(2);
    expect([a.orders.length, b.orders.length, a.positions.length, b.positions.length]).toEqual([1, 2, 1, 2]);
    expect(b.metrics).toBe(b.metrics);
    // A frozen result still computes what it is asked for.
    const frozen = Object.freeze(await runBacktest(buyOnFirst(2), { ...base, data: bars(aaa, 4) }));
    expect(frozen.metrics.trades).toBe(b.metrics.trades);
    expect(frozen.orders.map((o) => o.status)).toEqual(['FILLED', 'FILLED']);
  });

  it('shows a stage the state as of bar N only: clock, marks and positions never run ahead', async () => {
    const data = bars(aaa, 6);
    const seen: Array<{ ts: number; now: number; qty: number; equity: number }> = [];
    const pipeline: Pipeline = (ctx) =>
      ctx.market.bars().pipe(
        tap((bar) => seen.push({ ts: bar.ts, now: ctx.clock.now(), qty: ctx.ledger.positionQuantity(aaa.id).toNumber(), equity: ctx.ledger.equity().toNumber() })),
        filter((_, i) => i === 1),
        map(() => ctx.orderFactory.market({ instrumentId: aaa.id, side: 'BUY', quantity: 10 })),
      );
    await runBacktest(pipeline, { ...base, data });
    expect(seen.map((s) => s.now)).toEqual(data.map((b) => b.ts));
    // Bought on bar 1, filled at bar 2's open (102): the position appears at bar 2, marked at bar 2's close.
    expect(seen.map((s) => s.qty)).toEqual([0, 0, 10, 10, 10, 10]);
    expect(seen[2]!.equity).toBe(1_000_000 - 10 * 102 + 10 * 102.5);
  });

  it('delivers the next bar only after an asynchronous stage has settled, with the same result as a synchronous run', async () => {
    const data = bars(aaa, 8);
    const log: string[] = [];
    const slow: Pipeline = (ctx) =>
      ctx.market.bars().pipe(
        tap((b) => log.push(`start ${b.ts}`)),
        mapAsync(
          (b) =>
            new Promise<Bar>((resolve) => {
              // Real wall-clock delay, longer for earlier bars: without settling, order would break.
              setTimeout(() => {
                log.push(`end ${b.ts}`);
                resolve(b);
              }, 8 - (b.ts - T0) / DAY);
            }),
          { work: ctx.work },
        ),
        filter((_, i) => i % 2 === 0),
        map(() => ctx.orderFactory.market({ instrumentId: aaa.id, side: 'BUY', quantity: 1 })),
      );
    const fast: Pipeline = (ctx) =>
      ctx.market.bars().pipe(
        filter((_, i) => i % 2 === 0),
        map(() => ctx.orderFactory.market({ instrumentId: aaa.id, side: 'BUY', quantity: 1 })),
      );
    const a = await runBacktest(slow, { ...base, data });
    const b = await runBacktest(fast, { ...base, data });
    expect(log).toEqual(data.flatMap((bar) => [`start ${bar.ts}`, `end ${bar.ts}`]));
    expect(a.fills.map((f) => f.price.toString())).toEqual(b.fills.map((f) => f.price.toString()));
    expect(a.fills).toHaveLength(4);
  });

  it('fires clock timers between bars in time order', async () => {
    const data = bars(aaa, 4);
    const log: string[] = [];
    const pipeline: Pipeline = (ctx) => {
      ctx.clock.setRepeatingTimer({ interval: DAY / 2, start: T0 + DAY / 2 }, (e) => log.push(`timer ${(e.ts - T0) / DAY}`));
      return ctx.market.bars().pipe(
        tap((b) => log.push(`bar ${(b.ts - T0) / DAY}`)),
        mergeMap(() => EMPTY),
      );
    };
    await runBacktest(pipeline, { ...base, data });
    expect(log).toEqual(['bar 0', 'timer 0.5', 'timer 1', 'bar 1', 'timer 1.5', 'timer 2', 'bar 2', 'timer 2.5', 'timer 3', 'bar 3']);
  });

  it('runs bufferTime on the context scheduler in virtual time', async () => {
    const data = bars(aaa, 10, T0, 1000);
    const sizes: number[] = [];
    const pipeline: Pipeline = (ctx) =>
      ctx.market.bars().pipe(
        bufferTime(3000, ctx.scheduler),
        tap((b) => sizes.push(b.length)),
        mergeMap(() => EMPTY),
      );
    await runBacktest(pipeline, { ...base, data });
    // Buffers close at T0+3000, +6000, +9000 before the bar of that time; the last one on completion.
    expect(sizes).toEqual([3, 3, 3, 1]);
  });

  it('merges several series by time, breaking ties by series order', async () => {
    const bbb = instrument('BBB');
    const a = bars(aaa, 3, T0, 2 * DAY);
    const b = bars(bbb, 4, T0, DAY);
    const order: string[] = [];
    const pipeline: Pipeline = (ctx) => ctx.market.bars().pipe(tap((x) => order.push(`${x.instrumentId}@${(x.ts - T0) / DAY}`)), mergeMap(() => EMPTY));
    await runBacktest(pipeline, { instruments: [aaa, bbb], ledger: { startingCash: 1000 }, data: [b, a] });
    expect(order).toEqual(['BBB.SIM@0', 'AAA.SIM@0', 'BBB.SIM@1', 'BBB.SIM@2', 'AAA.SIM@2', 'BBB.SIM@3', 'AAA.SIM@4']);
  });

  it('fills each instrument at its own next bar', async () => {
    const bbb = instrument('BBB');
    const a = bars(aaa, 3, T0, 2 * DAY);
    const b = bars(bbb, 4, T0 + DAY, DAY).map((x) => ({ ...x, open: x.open + 50, high: x.high + 50, low: x.low + 50, close: x.close + 50 }));
    const pipeline: Pipeline = (ctx) =>
      ctx.market.bars(aaa.id).pipe(
        filter((_, i) => i === 0),
        mergeMap(() => of(ctx.orderFactory.market({ instrumentId: aaa.id, side: 'BUY', quantity: 1 }), ctx.orderFactory.market({ instrumentId: bbb.id, side: 'BUY', quantity: 1 }))),
      );
    const result = await runBacktest(pipeline, { instruments: [aaa, bbb], ledger: { startingCash: 1000 }, data: [a, b] });
    expect(result.fills.map((f) => [f.instrumentId, (f.ts - T0) / DAY, f.price.toNumber()])).toEqual([
      ['BBB.SIM', 1, 150],
      ['AAA.SIM', 2, 101],
    ]);
  });

  it('rejects with the error a pipeline stage raised', async () => {
    const boom = new Error('strategy bug');
    const pipeline: Pipeline = (ctx) => ctx.market.bars().pipe(mergeMap((b) => (b.ts > T0 ? throwError(() => boom) : EMPTY)));
    await expect(runBacktest(pipeline, { ...base, data: bars(aaa, 5) })).rejects.toBe(boom);
  });

  it('names the bad field of a bad config', async () => {
    const e = await runBacktest(buyOnFirst(1), { ...base, ledger: { startingCash: -5 }, data: bars(aaa, 2) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).field).toBe('config.ledger.startingCash');
  });

  it('names the row (and the series, when given a list of series) of data out of time order', async () => {
    const data = bars(aaa, 4);
    [data[2], data[3]] = [data[3]!, data[2]!];
    const e = await runBacktest(buyOnFirst(1), { ...base, data }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).field).toBe('data[3].ts');
    const nested = await runBacktest(buyOnFirst(1), { ...base, data: [data] }).catch((x: unknown) => x);
    expect((nested as ValidationError).field).toBe('data[0][3].ts');
  });

  it('checks the order of an array on every run, unless the array and its events are frozen and were found sorted before', async () => {
    // Two instruments, one series: each instrument's own bars stay in order below, so only the check of
    // the whole array's order (before the run starts) can see the series go back in time.
    const bbb = instrument('BBB');
    const config = { ...base, instruments: [aaa, bbb] };
    const interleaved = (): Bar[] => bars(aaa, 2).flatMap((a, i) => [a, bars(bbb, 2, T0 + DAY / 2)[i]!]);
    // Events that are not frozen can change between runs: a bar moved back in time is caught then.
    const open = Object.freeze(interleaved());
    expect((await runBacktest(buyOnFirst(1), { ...config, data: open })).summary.fills).toBe(1);
    (open[3] as { ts: number }).ts = T0 + DAY - 1;
    expect(((await runBacktest(buyOnFirst(1), { ...config, data: open }).catch((x: unknown) => x)) as ValidationError).field).toBe('data[3].ts');
    // A frozen array of frozen events cannot change: found sorted once, it is not scanned again; one
    // out of order is refused on every run.
    const moved = interleaved();
    (moved[3] as { ts: number }).ts = T0 + DAY - 1;
    const frozen = Object.freeze(moved.map((b) => Object.freeze(b)));
    for (let i = 0; i < 2; i++) expect(((await runBacktest(buyOnFirst(1), { ...config, data: frozen }).catch((x: unknown) => x)) as ValidationError).field).toBe('data[3].ts');
    const sorted = Object.freeze(interleaved().map((b) => Object.freeze(b)));
    for (let i = 0; i < 2; i++) expect((await runBacktest(buyOnFirst(1), { ...config, data: sorted })).summary.fills).toBe(1);
  });

  it('records an equity point per event and can keep one in N', async () => {
    const data = bars(aaa, 10);
    const all = await runBacktest(buyOnFirst(1), { ...base, data });
    const sparse = await runBacktest(buyOnFirst(1), { ...base, data, equityEvery: 4 });
    expect(all.equityCurve.ts).toHaveLength(10);
    expect(Array.from(sparse.equityCurve.ts)).toEqual([0, 4, 8, 9].map((i) => data[i]!.ts));
    expect(sparse.equityCurve.equity[3]).toBe(all.equityCurve.equity[9]);
    expect(all.summary.finalEquity.toNumber()).toBeCloseTo(all.equityCurve.equity[9]!, 6);
  });
});

describe('runBacktest without history', () => {
  it('keeps the exact summary of a full run while holding no closed orders or fills', async () => {
    const data = bars(aaa, 40);
    const flip: Pipeline = (ctx) =>
      ctx.market.bars().pipe(
        filter((_, i) => i % 3 === 0),
        map((_, i) => ctx.orderFactory.market({ instrumentId: aaa.id, side: i % 2 === 0 ? 'BUY' : 'SELL', quantity: 7 })),
      );
    const config = { ...base, venue: { commission: 0.001 }, data };
    const full = await runBacktest(flip, config);
    const lean = await runBacktest(flip, { ...config, keepHistory: false });
    expect(full.fills.length).toBeGreaterThan(10);
    expect(lean.fills).toEqual([]);
    expect(lean.orders.map((o) => o.status)).toEqual(['ACCEPTED']); // the one order still waiting for a bar
    const exact = (r: typeof full) => [r.summary.fills, r.summary.orders, r.summary.finalEquity.toString(), r.summary.totalFees.toString(), r.summary.tradedNotional.toString()];
    expect(exact(lean)).toEqual(exact(full));
    // Summed from the kept fills when read (with history) and fill by fill (without): the same exact sum.
    expect(full.summary.tradedNotional.toString()).toBe(full.fills.reduce((sum, f) => sum.plus(f.price.mul(f.quantity)), new Decimal(0)).toString());
    expect(lean.metrics.sharpeRatio).toBe(full.metrics.sharpeRatio);
    expect(lean.metrics.trades).toBeNaN();
    expect(lean.trades).toEqual([]);
  });
});

/** Rejects with an Error naming `label` when `run` has not settled within `ms` (a run that hangs fails the test). */
function within<T>(run: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} still running after ${ms} ms`)), ms);
  });
  return Promise.race([run, deadline]).finally(() => clearTimeout(timer));
}

const failure = (run: Promise<unknown>): Promise<unknown> => run.then(
  () => new Error('the run resolved'),
  (e: unknown) => e,
);

describe('runBacktest validates every event it is given', () => {
  const seen: number[] = [];
  const watch: Pipeline = (ctx) => ctx.market.bars().pipe(tap((b) => seen.push(b.ts)), mergeMap(() => EMPTY));

  it('names the index and field of a bad bar in an array, before the pipeline sees it', async () => {
    seen.length = 0;
    const data = bars(aaa, 6);
    data[3] = { ...data[3]!, low: data[3]!.open + 0.2 };
    const e = await failure(runBacktest(watch, { ...base, data }));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).message).toBe(`data[3].low: must be <= open and close (low ${data[3]!.low}, open ${data[3]!.open})`);
    expect(seen).toEqual(data.slice(0, 3).map((b) => b.ts));
  });

  it('names the index of a bad event pulled from an iterable', async () => {
    const data = bars(aaa, 6);
    function* stream(): Generator<Bar> {
      for (const [i, b] of data.entries()) yield i === 4 ? { ...b, volume: -1 } : b;
    }
    const e = await failure(runBacktest(watch, { ...base, data: stream() }));
    expect((e as ValidationError).field).toBe('data[4].volume');
  });

  it('names the series and row when several series are merged', async () => {
    const bbb = instrument('BBB');
    const b = bars(bbb, 5);
    b[2] = { ...b[2]!, high: b[2]!.close - 0.5 };
    const e = await failure(runBacktest(watch, { instruments: [aaa, bbb], ledger: { startingCash: 1000 }, data: [bars(aaa, 5), b] }));
    expect((e as ValidationError).field).toBe('data[1][2].high');
    // Per source also for async iterables.
    async function* later(): AsyncGenerator<Bar> {
      yield* b;
    }
    const f = await failure(runBacktest(watch, { instruments: [aaa, bbb], ledger: { startingCash: 1000 }, data: [bars(aaa, 5), later()] }));
    expect((f as ValidationError).field).toBe('data[1][2].high');
  });

  it('refuses a quote whose bid is above its ask, and a second bar of an instrument at the same time', async () => {
    const quotes = [
      { type: 'Quote' as const, instrumentId: aaa.id, ts: T0, bid: 99, ask: 100, bidSize: 1, askSize: 1 },
      { type: 'Quote' as const, instrumentId: aaa.id, ts: T0 + 1, bid: 100.5, ask: 100, bidSize: 1, askSize: 1 },
    ];
    const e = await failure(runBacktest(watch, { ...base, data: quotes }));
    expect((e as ValidationError).message).toBe('data[1].bid: must be <= ask (bid 100.5, ask 100)');
    const data = bars(aaa, 3);
    const dup = [data[0]!, data[1]!, { ...data[1]! }, data[2]!];
    const d = await failure(runBacktest(watch, { ...base, data: dup }));
    expect((d as ValidationError).field).toBe('data[2].ts');
    expect((d as ValidationError).message).toMatch(/strictly increasing/);
  });
});

describe('runBacktest and malformed commands', () => {
  const emitOnBar = (k: number, command: (ctx: Parameters<Pipeline>[0]) => unknown): Pipeline => (ctx) =>
    ctx.market.bars().pipe(
      filter((_, i) => i === k),
      map(() => command(ctx) as ReturnType<typeof ctx.orderFactory.market>),
    );

  it.each([
    ['a quantity that is not a Decimal', (ctx: Parameters<Pipeline>[0]) => ({ ...ctx.orderFactory.market({ instrumentId: aaa.id, side: 'BUY', quantity: 1 }), quantity: 'abc' }), 'command.quantity'],
    ['a missing instrumentId', (ctx: Parameters<Pipeline>[0]) => ({ ...ctx.orderFactory.market({ instrumentId: aaa.id, side: 'BUY', quantity: 1 }), instrumentId: undefined }), 'command.instrumentId'],
    ['an unknown type', () => ({ type: 'BuyEverything' }), 'command.type'],
    ['a bad member of an order list', (ctx: Parameters<Pipeline>[0]) => {
      const list = ctx.orderFactory.bracket({ instrumentId: aaa.id, side: 'BUY', quantity: 1, takeProfit: 110, stopLoss: 95 });
      return { ...list, orders: [list.orders[0], { ...list.orders[1], side: 'UP' }, list.orders[2]] };
    }, 'command.orders[1].side'],
    ['a cancel without a client order id', (ctx: Parameters<Pipeline>[0]) => ({ type: 'CancelOrder', strategyId: ctx.orderFactory.market({ instrumentId: aaa.id, side: 'BUY', quantity: 1 }).strategyId, instrumentId: aaa.id, ts: 0 }), 'command.clientOrderId'],
  ])('fails the run with a ValidationError naming the field of %s', async (_, command, field) => {
    const e = await failure(runBacktest(emitOnBar(1, command), { ...base, data: bars(aaa, 4) }));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).field).toBe(field);
  });

  it('lets nothing escape after it has resolved: late commands, late stage errors, timers', async () => {
    const unhandled: unknown[] = [];
    const onRejection = (reason: unknown): void => void unhandled.push(reason);
    const previous = rxConfig.onUnhandledError;
    rxConfig.onUnhandledError = (error) => unhandled.push(error);
    process.on('unhandledRejection', onRejection);
    try {
      const late: Pipeline = (ctx) =>
        merge(
          // A stage the work tracker does not know of, answering in wall time after the run is over.
          ctx.market.bars().pipe(mergeMap(() => timer(5).pipe(map(() => ({ type: 'BuyEverything' }) as unknown as ReturnType<typeof ctx.orderFactory.market>)))),
          ctx.market.bars().pipe(mergeMap(() => from(new Promise<never>((_, reject) => setTimeout(() => reject(new Error('late stage error')), 5))))),
          interval(2).pipe(map(() => ctx.orderFactory.market({ instrumentId: aaa.id, side: 'BUY', quantity: 1 }))),
        );
      const result = await runBacktest(late, { ...base, data: bars(aaa, 3) });
      expect(result.summary.orders).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 40));
      expect(unhandled).toEqual([]);
    } finally {
      rxConfig.onUnhandledError = previous;
      process.off('unhandledRejection', onRejection);
    }
  });
});

describe('runBacktest stage timeout', () => {
  it('ends the run with the cause even when the stuck stage holds nothing that keeps the process alive', async () => {
    const script = fileURLToPath(new URL('./__fixtures__/never-settling-stage.ts', import.meta.url));
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--conditions=@rxtrade/source', '--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 }, (error, out) => (error ? reject(error) : resolve(out))),
    );
    expect(stdout.trim()).toBe('rejected: StageTimeoutError');
  });

  it('ends a run whose asynchronous stage never settles, naming the event that started it', async () => {
    const hang: Pipeline = (ctx) =>
      ctx.market.bars().pipe(
        mapAsync((b, i) => (i === 2 ? new Promise<Bar>(() => {}) : b), { work: ctx.work }),
        map(() => ctx.orderFactory.market({ instrumentId: aaa.id, side: 'BUY', quantity: 1 })),
      );
    const data = bars(aaa, 5);
    const e = await failure(within(runBacktest(hang, { ...base, data, stageTimeoutMs: 50 }), 5_000, 'runBacktest'));
    expect(e).toBeInstanceOf(StageTimeoutError);
    expect((e as StageTimeoutError).message).toContain(`data[2] (Bar of AAA.SIM at ${new Date(data[2]!.ts).toISOString()})`);
    expect((e as StageTimeoutError).message).toContain('stageTimeoutMs (50 ms)');
    expect(parseWith(BacktestConfigSchema, { ...base, data }, 'config').stageTimeoutMs).toBe(30_000);
  });
});

describe('runBacktest and streamed series', () => {
  it('closes a generator it stops reading early, when the run fails', async () => {
    let closed = false;
    let read = 0;
    function* stream(): Generator<Bar> {
      try {
        for (const b of bars(aaa, 10)) {
          read++;
          yield b;
        }
      } finally {
        closed = true;
      }
    }
    const boom = new Error('strategy bug');
    const failing: Pipeline = (ctx) => ctx.market.bars().pipe(mergeMap((b) => (b.ts >= T0 + 3 * DAY ? throwError(() => boom) : EMPTY)));
    await expect(runBacktest(failing, { ...base, data: stream() })).rejects.toBe(boom);
    expect(read).toBeLessThan(10);
    expect(closed).toBe(true);
  });
});

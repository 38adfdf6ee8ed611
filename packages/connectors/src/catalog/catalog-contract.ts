/**
 * The behaviour every {@link MarketDataCatalog} shares, as one suite run against each catalog (Parquet
 * in `parquet-catalog.contract.test.ts`, PostgreSQL in `postgres-catalog.test.ts`): the same writes
 * give the same query results, ranges, counts and errors, pinned here to the same expected values.
 * `open` gives a new, empty catalog each time.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { filter, map } from 'rxjs';
import { runBacktest } from '@rxtrade/backtest';
import { Decimal, defineInstrument, instrumentId, MARKET_DATA_CHUNKS, Sma, ValidationError, type Bar, type InstrumentId, type MarketData, type Pipeline, type Quote, type Trade } from '@rxtrade/core';
import { CatalogOverlapError } from './catalog-errors';
import type { MarketDataCatalog } from './market-data-catalog';

export const A = instrumentId('AAA.SIM');
export const B = instrumentId('BBB.SIM');
export const MIN = 60_000;
export const T0 = Date.UTC(2024, 0, 1);

export const bar = (id: InstrumentId, ts: number, close = 100 + ((ts / MIN) % 7)): Bar => ({ type: 'Bar', instrumentId: id, ts, open: close, high: close + 1, low: close - 1, close, volume: 10 });
export const bars = (id: InstrumentId, from: number, n: number): Bar[] => Array.from({ length: n }, (_, i) => bar(id, from + i * MIN));
export const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};
const errorOf = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};
const minutes = (ranges: readonly { first: number; last: number }[]): number[][] => ranges.map((r) => [(r.first - T0) / MIN, (r.last - T0) / MIN]);

/** Every event type, -0 sizes, two trades in one millisecond and a year boundary. */
export function everyType(): MarketData[] {
  const trade: Trade = { type: 'Trade', instrumentId: A, ts: T0 + 5, price: 101.5, size: -0, aggressor: 'BUYER', tradeId: 't-1' };
  return [
    ...bars(A, Date.UTC(2023, 11, 31, 23, 59), 2),
    { type: 'Quote', instrumentId: A, ts: T0, bid: 100.25, ask: 100.5, bidSize: 3, askSize: 5e-324 },
    trade,
    { ...trade, tradeId: 't-2', aggressor: 'SELLER', size: 0.1 + 0.2 },
    { type: 'OrderBookDelta', instrumentId: A, ts: T0 + 7, sequence: 2 ** 53 - 1, bids: [{ price: 100, size: -0 }], asks: [{ price: 101, size: 2 }, { price: Number.MAX_VALUE, size: 1 }] },
    { type: 'OrderBookSnapshot', instrumentId: A, ts: T0 + 9, sequence: 43, bids: [{ price: 100, size: 1 }], asks: [] },
  ];
}

/** The SMA(10)/SMA(30) crossover of examples/sma-crossover. */
export function crossover(id: InstrumentId): Pipeline {
  return (ctx) => {
    const fast = new Sma(10);
    const slow = new Sma(30);
    let previous: number | undefined;
    return ctx.market.bars(id).pipe(
      map((b) => {
        const f = fast.update(b.close);
        const s = slow.update(b.close);
        if (f === undefined || s === undefined) return 0;
        const diff = f - s;
        const signal = previous !== undefined && previous < 0 && diff > 0 ? 1 : previous !== undefined && previous > 0 && diff < 0 ? -1 : 0;
        if (diff !== 0) previous = diff;
        return signal;
      }),
      filter((signal) => signal !== 0),
      map((signal) => {
        const delta = new Decimal(signal * 100).minus(ctx.ledger.positionQuantity(id));
        return ctx.orderFactory.market({ instrumentId: id, side: delta.gt(0) ? 'BUY' : 'SELL', quantity: delta.abs() });
      }),
    );
  };
}

/** Registers the shared tests (call inside a `describe`). */
export function catalogContract(open: () => Promise<MarketDataCatalog>): void {
  it('returns every data type as written, -0, subnormals and 2^53 - 1 included, and lists one range per year', async () => {
    const catalog = await open();
    const events = everyType();
    expect(await catalog.write(events)).toMatchObject({ rows: 7, skipped: 0, replaced: 0 });
    const same = (got: readonly unknown[], want: readonly unknown[]): void => {
      expect(got).toEqual(want);
      expect(JSON.stringify(got, (_, v: unknown) => (Object.is(v, -0) ? '-0' : v))).toBe(JSON.stringify(want, (_, v: unknown) => (Object.is(v, -0) ? '-0' : v)));
    };
    same(await collect(catalog.query({ dataType: 'bars', instruments: [A] })), events.slice(0, 2));
    same(await collect(catalog.query({ dataType: 'quotes', instruments: [A] })), [events[2]]);
    same(await collect(catalog.query({ dataType: 'trades', instruments: [A] })), [events[3], events[4]]);
    same(await collect(catalog.query({ dataType: 'book-deltas', instruments: [A] })), [events[5]]);
    same(await collect(catalog.query({ dataType: 'book-snapshots', instruments: [A] })), [events[6]]);
    expect((await catalog.ranges()).map((r) => `${r.dataType} ${r.instrumentId} ${r.year} ${r.first - T0} ${r.last - T0}`)).toEqual([
      'bars AAA.SIM 2023 -60000 -60000',
      'bars AAA.SIM 2024 0 0',
      'quotes AAA.SIM 2024 0 0',
      'trades AAA.SIM 2024 5 5',
      'book-deltas AAA.SIM 2024 7 7',
      'book-snapshots AAA.SIM 2024 9 9',
    ]);
    await catalog.close();
  });

  it('returns random doubles of every magnitude bit for bit (property)', async () => {
    const catalog = await open();
    const positive = fc.oneof(
      fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true }),
      fc.constantFrom(Number.MIN_VALUE, 2.2250738585072014e-308, 2.225073858507201e-308, Number.MAX_VALUE, 0.1 + 0.2, 1 / 3, Number.EPSILON, 2 ** 53 + 2),
    );
    const size = fc.oneof(fc.constantFrom(0, -0), positive);
    const identical = (a: readonly object[], b: readonly object[]): boolean =>
      a.length === b.length && a.every((x, i) => Object.entries(x).every(([k, v]) => Object.is(v, (b[i] as Record<string, unknown>)[k])));
    let base = Date.UTC(2020, 0, 1);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.tuple(positive, positive, positive, positive, size), fc.tuple(positive, positive, size, size), fc.tuple(positive, size)), { minLength: 1, maxLength: 30 }), async (rows) => {
        const t0 = (base += 1_000_000);
        const bs: Bar[] = rows.map(([[a, b, c, d, volume]], i) => {
          const [low, open, close, high] = [a, b, c, d].sort((x, y) => x - y) as [number, number, number, number];
          return { type: 'Bar', instrumentId: A, ts: t0 + i, open, high, low, close, volume };
        });
        const qs: Quote[] = rows.map(([, [x, y, bidSize, askSize]], i) => ({ type: 'Quote', instrumentId: A, ts: t0 + i, bid: Math.min(x, y), ask: Math.max(x, y), bidSize, askSize }));
        const ts: Trade[] = rows.map(([, , [price, s]], i) => ({ type: 'Trade', instrumentId: A, ts: t0 + i, price, size: s, aggressor: 'NONE', tradeId: String(i) }));
        await catalog.write([...bs, ...qs, ...ts]);
        const range = { instruments: [A], start: t0, end: t0 + rows.length };
        expect(identical(await collect(catalog.query({ dataType: 'bars', ...range })), bs)).toBe(true);
        expect(identical(await collect(catalog.query({ dataType: 'quotes', ...range })), qs)).toBe(true);
        expect(identical(await collect(catalog.query({ dataType: 'trades', ...range })), ts)).toBe(true);
      }),
      { numRuns: 15, seed: 20240611, endOnFailure: true },
    );
    // The comparison itself tells -0 from 0.
    expect(identical([{ v: 0 }], [{ v: -0 }])).toBe(false);
    await catalog.close();
  });

  it('queries [start, end) and merges instruments by time, ties by the order of the query then as written', async () => {
    const catalog = await open();
    await catalog.write([...bars(A, T0, 10), ...bars(B, T0 + 5 * MIN, 10)]);
    const t = (e: Bar): string => `${e.instrumentId[0]}${(e.ts - T0) / MIN}`;
    expect((await collect(catalog.query({ dataType: 'bars', instruments: [A, B], start: T0 + 3 * MIN, end: new Date(T0 + 8 * MIN) }))).map(t)).toEqual(['A3', 'A4', 'A5', 'B5', 'A6', 'B6', 'A7', 'B7']);
    expect((await collect(catalog.query({ dataType: 'bars', instruments: [B, 'NONE.SIM', A], start: T0 + 3 * MIN, end: T0 + 8 * MIN }))).map(t)).toEqual(['A3', 'A4', 'B5', 'A5', 'B6', 'A6', 'B7', 'A7']);
    const print = (ts: number, tradeId: string): Trade => ({ type: 'Trade', instrumentId: A, ts, price: 1, size: 1, aggressor: 'NONE', tradeId });
    await catalog.write([print(T0, 'z'), print(T0, 'a'), print(T0 + 1, 'm')]);
    await catalog.write([print(T0 + 2, 'c'), print(T0 + 2, 'b')]);
    const ids = async (): Promise<string[]> => (await collect(catalog.query({ dataType: 'trades', instruments: [A] }))).map((x) => x.tradeId);
    expect(await ids()).toEqual(['z', 'a', 'm', 'c', 'b']);
    expect(await catalog.consolidate()).toEqual({ partitions: 1, filesBefore: 4, filesAfter: 3 });
    expect(await ids()).toEqual(['z', 'a', 'm', 'c', 'b']);
    await catalog.close();
  });

  it('keeps the AsyncIterator contract: next() returns a Promise every time, driven by hand with .then', async () => {
    const catalog = await open();
    await catalog.write([...bars(A, T0, 3000), ...bars(B, T0, 2)]);
    const it = catalog.query({ dataType: 'bars', instruments: [A, B] })[Symbol.asyncIterator]();
    const seen: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const step = (): void => {
        const p = it.next();
        if (!(p instanceof Promise)) return reject(new Error(`next() returned ${String(p)}, not a Promise`));
        p.then((r) => {
          if (r.done) return resolve();
          seen.push(r.value.ts);
          step();
        }, reject);
      };
      step();
    });
    expect(seen.length).toBe(3002);
    expect(seen.every((ts, i) => i === 0 || ts >= seen[i - 1]!)).toBe(true);
    // Calls made without waiting are served in order; after the end, done stays done.
    const it2 = catalog.query({ dataType: 'bars', instruments: [A] })[Symbol.asyncIterator]();
    const first = await Promise.all(Array.from({ length: 2050 }, () => it2.next()));
    expect(first.map((r) => (r.done ? -1 : (r.value.ts - T0) / MIN))).toEqual(Array.from({ length: 2050 }, (_, i) => i));
    expect(await it2.return!()).toEqual({ done: true, value: undefined });
    expect(await it2.next()).toEqual({ done: true, value: undefined });
    // The chunks carry the same events, in order.
    const chunks = catalog.query({ dataType: 'bars', instruments: [A, B] })[MARKET_DATA_CHUNKS]();
    const flat: number[] = [];
    for (let r = await chunks.next(); !r.done; r = await chunks.next()) flat.push(...r.value.map((b) => b.ts));
    expect(flat).toEqual(seen);
    await catalog.close();
  });

  it('stops reading when the consumer breaks off, and each iteration reads the catalog anew', async () => {
    const catalog = await open();
    await catalog.write(bars(A, T0, 5000));
    const q = catalog.query({ dataType: 'bars', instruments: [A] });
    let n = 0;
    for await (const b of q) if (++n === 3 || b.ts < 0) break;
    expect(n).toBe(3);
    await catalog.write(bars(A, T0 + 5000 * MIN, 1));
    expect((await collect(q)).length).toBe(5001);
    await catalog.close();
  });

  it('refuses data over a stored range, naming the instrument, type and range, and changes nothing', async () => {
    const catalog = await open();
    await catalog.write([...bars(A, T0, 10), ...bars(B, T0, 10)]);
    const before = await catalog.ranges();
    const e = await errorOf(catalog.write([...bars(B, T0 + 10 * MIN, 5), ...bars(A, T0 + 8 * MIN, 5)]));
    expect(e).toBeInstanceOf(CatalogOverlapError);
    expect(e.message).toBe(
      "bars of AAA.SIM from 2024-01-01T00:08:00.000Z to 2024-01-01T00:09:00.000Z are already in the catalog: pass onOverlap: 'replace' to overwrite them or 'skip' to keep them",
    );
    expect(await catalog.ranges()).toEqual(before);
    expect((await collect(catalog.query({ dataType: 'bars', instruments: [B] }))).length).toBe(10);
    expect(await errorOf(catalog.write(bars(B, T0, 10)))).toBeInstanceOf(CatalogOverlapError);
    await catalog.write([{ type: 'Quote', instrumentId: A, ts: T0, bid: 1, ask: 2, bidSize: 1, askSize: 1 }]);
    await catalog.close();
  });

  it("onOverlap: 'replace' removes the stored events from the first to the last time written, cutting the range", async () => {
    const catalog = await open();
    await catalog.write(bars(A, T0, 10));
    const fresh = [bar(A, T0 + 3 * MIN, 500), bar(A, T0 + 5 * MIN, 501)];
    expect(await catalog.write(fresh, { onOverlap: 'replace' })).toMatchObject({ rows: 2, skipped: 0, replaced: 3 });
    expect(await collect(catalog.query({ dataType: 'bars', instruments: [A] }))).toEqual([...bars(A, T0, 3), ...fresh, ...bars(A, T0 + 6 * MIN, 4)]);
    expect(minutes(await catalog.ranges())).toEqual([[0, 2], [3, 5], [6, 9]]);
    await catalog.close();
  });

  it("onOverlap: 'skip' keeps the stored events and writes only those outside their ranges, gaps inside a range included", async () => {
    const catalog = await open();
    await catalog.write([bar(A, T0 + 3 * MIN), bar(A, T0 + 5 * MIN)]); // one range 3..5, 4 is a gap inside it
    await catalog.write(bars(A, T0 + 8 * MIN, 2));
    const r = await catalog.write(bars(A, T0, 12).map((b) => ({ ...b, volume: 99 })), { onOverlap: 'skip' });
    expect(r).toMatchObject({ rows: 7, skipped: 5, replaced: 0 });
    const got = await collect(catalog.query({ dataType: 'bars', instruments: [A] }));
    expect(got.map((b) => [(b.ts - T0) / MIN, b.volume])).toEqual([[0, 99], [1, 99], [2, 99], [3, 10], [5, 10], [6, 99], [7, 99], [8, 10], [9, 10], [10, 99], [11, 99]]);
    expect(minutes(await catalog.ranges())).toEqual([[0, 2], [3, 5], [6, 7], [8, 9], [10, 11]]);
    // After consolidation the partition is one range: the gaps inside it are taken.
    expect(await catalog.consolidate()).toEqual({ partitions: 1, filesBefore: 5, filesAfter: 1 });
    expect(minutes(await catalog.ranges())).toEqual([[0, 11]]);
    expect(await catalog.write([bar(A, T0 + 4 * MIN)], { onOverlap: 'skip' })).toMatchObject({ rows: 0, skipped: 1 });
    expect((await collect(catalog.query({ dataType: 'bars', instruments: [A] }))).length).toBe(11);
    await catalog.close();
  });

  it('writes nothing when a write fails half-way through its data', async () => {
    const catalog = await open();
    await catalog.write(bars(A, T0, 3));
    const before = await catalog.ranges();
    function* data(): Generator<Bar> {
      yield* bars(B, T0, 6000);
      yield* bars(A, T0 + 10 * MIN, 10);
      yield { ...bar(A, T0 + 20 * MIN), high: 1 };
    }
    expect((await errorOf(catalog.write(data()))).message).toMatch(/^data\[6010\]\.high: /);
    const dup = await errorOf(catalog.write([bar(A, T0 + 30 * MIN), bar(A, T0 + 31 * MIN), bar(A, T0 + 31 * MIN)]));
    expect(dup).toBeInstanceOf(ValidationError);
    expect(dup.message).toMatch(/^data\[2\]\.ts: /);
    expect(await catalog.ranges()).toEqual(before);
    expect((await collect(catalog.query({ dataType: 'bars', instruments: [A, B] }))).length).toBe(3);
    await catalog.close();
  });

  it('rejects unknown options and bad values, naming the field', async () => {
    const catalog = await open();
    expect(() => catalog.write([], { onOverlaps: 'skip' } as never)).toThrow(/options\.onOverlaps: unknown option; did you mean "onOverlap"\?/);
    expect(() => catalog.query({ dataType: 'bar' as 'bars', instruments: [A] })).toThrow(/query\.dataType/);
    expect(() => catalog.query({ dataType: 'bars', instruments: [A], start: 10, end: 5 })).toThrow(/query\.end: must not be before start/);
    expect(() => catalog.query({ dataType: 'bars', instruments: [] })).toThrow(/query\.instruments: must name at least one instrument/);
    await expect(catalog.write([{ ...bar(A, T0), ts: T0 + 0.5 }])).rejects.toThrow(/data\[0\]\.ts: /);
    await catalog.close();
  });

  it('feeds runBacktest: the crossover from the catalog equals the run on the bars in memory', async () => {
    const catalog = await open();
    const walk: Bar[] = [];
    let price = 100;
    for (let i = 0; i < 3000; i++) {
      const open = price;
      price = Math.round(price * (1 + Math.sin(i / 17) * 0.004 + Math.cos(i / 5) * 0.002) * 100) / 100;
      walk.push({ type: 'Bar', instrumentId: A, ts: T0 + i * MIN, open, high: Math.max(open, price) + 0.01, low: Math.min(open, price) - 0.01, close: price, volume: 100 });
    }
    await catalog.write(walk);
    const instrument = defineInstrument({ symbol: 'AAA', venue: 'SIM', assetClass: 'stock', base: 'AAA', quote: 'USD', tickSize: '0.01', lotSize: '1' });
    expect(instrument.id).toBe(A);
    const config = { instruments: [instrument], ledger: { startingCash: 100_000 } };
    const fromCatalog = await runBacktest(crossover(A), { ...config, data: catalog.query({ dataType: 'bars', instruments: [A] }) });
    const inMemory = await runBacktest(crossover(A), { ...config, data: walk });
    expect(fromCatalog.summary.fills).toBeGreaterThan(10);
    expect(fromCatalog.fills).toEqual(inMemory.fills);
    expect(fromCatalog.summary.finalEquity.toString()).toBe(inMemory.summary.finalEquity.toString());
    await catalog.close();
  });
}

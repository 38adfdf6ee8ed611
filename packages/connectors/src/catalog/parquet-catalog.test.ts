import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filter, map } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { runBacktest } from '@rxtrade/backtest';
import { Decimal, defineInstrument, instrumentId, Sma, ValidationError, type Bar, type InstrumentId, type MarketData, type Pipeline, type Trade } from '@rxtrade/core';
import { readBarsCsv } from '../read-bars-csv';
import { CatalogFileError, CatalogOverlapError } from './catalog-errors';
import { instrumentFolder } from './catalog-layout';
import { ParquetCatalog } from './parquet-catalog';

const googCsv = fileURLToPath(new URL('../../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url));
const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const googBars = readBarsCsv(googCsv, { instrumentId: goog.id }).bars;
const A = instrumentId('AAA.SIM');
const B = instrumentId('BBB.SIM');
const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);

const roots: string[] = [];
const open = async (): Promise<ParquetCatalog> => {
  const root = mkdtempSync(join(tmpdir(), 'catalog-'));
  roots.push(root);
  return ParquetCatalog.open(root, { threads: 1 });
};
let duck: DuckDBInstance;
beforeAll(async () => {
  duck = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', threads: '1' });
});
afterAll(() => duck.closeSync());
/** Plain DuckDB SQL, as any Parquet tool would read the files. */
const sql = async (q: string): Promise<unknown[][]> => {
  const con = await duck.connect();
  try {
    return (await con.runAndReadAll(q)).getRows();
  } finally {
    con.closeSync();
  }
};

const bar = (id: InstrumentId, ts: number, close = 100 + (ts / MIN) % 7): Bar => ({ type: 'Bar', instrumentId: id, ts, open: close, high: close + 1, low: close - 1, close, volume: 10 });
const bars = (id: InstrumentId, from: number, n: number): Bar[] => Array.from({ length: n }, (_, i) => bar(id, from + i * MIN));
const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};
/** Every file under a folder, relative, sorted (names starting with a dot included). */
const tree = (root: string): string[] => {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, name.name);
      if (name.isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
};
const errorOf = async (p: Promise<unknown> | (() => unknown)): Promise<Error> => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

describe('ParquetCatalog: layout and round trip', () => {
  it('writes each data type to <root>/<type>/<instrument>/<yyyy>/<first>_<last>.parquet, files any Parquet reader can read', async () => {
    const catalog = await open();
    const trade: Trade = { type: 'Trade', instrumentId: A, ts: T0 + 5, price: 101.5, size: 0.25, aggressor: 'BUYER', tradeId: 't-1' };
    const events: MarketData[] = [
      ...bars(A, Date.UTC(2023, 11, 31, 23, 59), 2), // crosses a year: two partitions
      { type: 'Quote', instrumentId: A, ts: T0, bid: 100.25, ask: 100.5, bidSize: 3, askSize: 4 },
      trade,
      { ...trade, ts: T0 + 5, tradeId: 't-2', aggressor: 'SELLER' }, // two prints in one millisecond
      { type: 'OrderBookDelta', instrumentId: A, ts: T0 + 7, sequence: 42, bids: [{ price: 100, size: 0 }], asks: [{ price: 101, size: 2 }, { price: 102, size: 1 }] },
      { type: 'OrderBookSnapshot', instrumentId: A, ts: T0 + 9, sequence: 43, bids: [{ price: 100, size: 1 }], asks: [] },
    ];
    const result = await catalog.write(events);
    expect(result).toMatchObject({ rows: 7, skipped: 0, replaced: 0 });
    expect(tree(catalog.root)).toEqual([
      'bars/AAA.SIM/2023/20231231T235900.000Z_20231231T235900.000Z.parquet',
      'bars/AAA.SIM/2024/20240101T000000.000Z_20240101T000000.000Z.parquet',
      'book-deltas/AAA.SIM/2024/20240101T000000.007Z_20240101T000000.007Z.parquet',
      'book-snapshots/AAA.SIM/2024/20240101T000000.009Z_20240101T000000.009Z.parquet',
      'quotes/AAA.SIM/2024/20240101T000000.000Z_20240101T000000.000Z.parquet',
      'trades/AAA.SIM/2024/20240101T000000.005Z_20240101T000000.005Z.parquet',
    ]);
    const tradesFile = join(catalog.root, 'trades/AAA.SIM/2024/20240101T000000.005Z_20240101T000000.005Z.parquet');
    expect(await sql(`SELECT * FROM read_parquet('${tradesFile}')`)).toEqual([
      ['AAA.SIM', BigInt(T0 + 5), 101.5, 0.25, 'BUYER', 't-1'],
      ['AAA.SIM', BigInt(T0 + 5), 101.5, 0.25, 'SELLER', 't-2'],
    ]);
    expect(await sql(`SELECT count(*), min(ts), max(close) FROM read_parquet('${catalog.root}/bars/**/*.parquet')`)).toEqual([[2n, BigInt(Date.UTC(2023, 11, 31, 23, 59)), 100 + ((T0 / MIN) % 7)]]);
    const deltas = await sql(`SELECT sequence, bids, asks FROM read_parquet('${catalog.root}/book-deltas/*/*/*.parquet')`);
    expect(String(deltas[0]![2])).toBe('[{\'price\': 101, \'size\': 2}, {\'price\': 102, \'size\': 1}]');

    expect(await collect(catalog.query({ dataType: 'bars', instruments: [A] }))).toEqual(events.slice(0, 2));
    expect(await collect(catalog.query({ dataType: 'quotes', instruments: [A] }))).toEqual([events[2]]);
    expect(await collect(catalog.query({ dataType: 'trades', instruments: [A] }))).toEqual([events[3], events[4]]);
    expect(await collect(catalog.query({ dataType: 'book-deltas', instruments: [A] }))).toEqual([events[5]]);
    expect(await collect(catalog.query({ dataType: 'book-snapshots', instruments: [A] }))).toEqual([events[6]]);
    catalog.close();
  });

  it('encodes instrument ids that are not safe folder names', async () => {
    expect(instrumentFolder('BTC/USDT.BINANCE')).toBe('BTC%2FUSDT.BINANCE');
    expect(instrumentFolder('..')).toBe('%2E.');
    const catalog = await open();
    const id = instrumentId('BTC/USDT:USDT.BINANCE');
    await catalog.write(bars(id, T0, 3));
    expect(readdirSync(join(catalog.root, 'bars'))).toEqual(['BTC%2FUSDT%3AUSDT.BINANCE']);
    expect(catalog.files().map((f) => f.instrumentId)).toEqual([id]);
    expect(await collect(catalog.query({ dataType: 'bars', instruments: [id] }))).toEqual(bars(id, T0, 3));
    catalog.close();
  });

  it('queries a time range [start, end) and merges instruments by time, ties by the order of the query then as written', async () => {
    const catalog = await open();
    await catalog.write([...bars(A, T0, 10), ...bars(B, T0 + 5 * MIN, 10)]);
    const t = (e: Bar): string => `${e.instrumentId[0]}${(e.ts - T0) / MIN}`;
    const ab = await collect(catalog.query({ dataType: 'bars', instruments: [A, B], start: T0 + 3 * MIN, end: new Date(T0 + 8 * MIN) }));
    expect(ab.map(t)).toEqual(['A3', 'A4', 'A5', 'B5', 'A6', 'B6', 'A7', 'B7']);
    const ba = await collect(catalog.query({ dataType: 'bars', instruments: [B, goog.id, A], start: T0 + 3 * MIN, end: T0 + 8 * MIN }));
    expect(ba.map(t)).toEqual(['A3', 'A4', 'B5', 'A5', 'B6', 'A6', 'B7', 'A7']);

    // Trades of one millisecond keep the order they were written in, across two writes and after consolidation.
    const print = (ts: number, tradeId: string): Trade => ({ type: 'Trade', instrumentId: A, ts, price: 1, size: 1, aggressor: 'NONE', tradeId });
    await catalog.write([print(T0, 'z'), print(T0, 'a'), print(T0 + 1, 'm')]);
    await catalog.write([print(T0 + 2, 'c'), print(T0 + 2, 'b')]);
    const ids = async (): Promise<string[]> => (await collect(catalog.query({ dataType: 'trades', instruments: [A] }))).map((x) => x.tradeId);
    expect(await ids()).toEqual(['z', 'a', 'm', 'c', 'b']);
    await catalog.consolidate();
    expect(await ids()).toEqual(['z', 'a', 'm', 'c', 'b']);
    catalog.close();
  });

  it('stops reading when the consumer breaks off, and each iteration reads the files anew', async () => {
    const catalog = await open();
    await catalog.write(bars(A, T0, 5000));
    const q = catalog.query({ dataType: 'bars', instruments: [A] });
    let n = 0;
    for await (const b of q) if (++n === 3 || b.ts < 0) break;
    expect(n).toBe(3);
    await catalog.write(bars(A, T0 + 5000 * MIN, 1));
    expect((await collect(q)).length).toBe(5001);
    catalog.close();
  });

  it('feeds runBacktest: the SMA crossover on GOOG from the catalog equals the run on the bars in memory', async () => {
    const catalog = await open();
    await catalog.importBarsCsv(googCsv, { instrumentId: goog.id });
    const config = { instruments: [goog], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 } };
    const fromCatalog = await runBacktest(crossover(goog.id), { ...config, data: catalog.query({ dataType: 'bars', instruments: [goog] }) });
    const inMemory = await runBacktest(crossover(goog.id), { ...config, data: googBars });
    expect(fromCatalog.summary.fills).toBe(31);
    expect(fromCatalog.summary.finalEquity.toFixed(3)).toBe('176251.036');
    expect(fromCatalog.fills).toEqual(inMemory.fills);
    catalog.close();
  });
});

describe('ParquetCatalog: overlaps', () => {
  it('refuses data over a stored range, naming the instrument, the data type and the overlapping range, and changes nothing', async () => {
    const catalog = await open();
    await catalog.write([...bars(A, T0, 10), ...bars(B, T0, 10)]);
    const before = tree(catalog.root);
    // B's new bars would be fine; A's overlap, so neither is written.
    const e = await errorOf(catalog.write([...bars(B, T0 + 10 * MIN, 5), ...bars(A, T0 + 8 * MIN, 5)]));
    expect(e).toBeInstanceOf(CatalogOverlapError);
    expect(e.message).toBe(
      "bars of AAA.SIM from 2024-01-01T00:08:00.000Z to 2024-01-01T00:09:00.000Z are already in the catalog: pass onOverlap: 'replace' to overwrite them or 'skip' to keep them",
    );
    expect(e).toMatchObject({ instrumentId: A, dataType: 'bars', from: T0 + 8 * MIN, to: T0 + 9 * MIN });
    expect(tree(catalog.root)).toEqual(before);
    // Writing the same data again is an overlap too.
    expect(await errorOf(catalog.write(bars(B, T0, 10)))).toBeInstanceOf(CatalogOverlapError);
    // Other data types of the same instrument are not in the way.
    await catalog.write([{ type: 'Quote', instrumentId: A, ts: T0, bid: 1, ask: 2, bidSize: 1, askSize: 1 }]);
    catalog.close();
  });

  it('refuses duplicate bars within one write, naming the row', async () => {
    const catalog = await open();
    const e = await errorOf(catalog.write([bar(A, T0), bar(A, T0 + MIN), bar(A, T0 + MIN)]));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toMatch(/^data\[2\]\.ts: /);
    expect(tree(catalog.root)).toEqual([]);
    catalog.close();
  });

  it("onOverlap: 'replace' removes the stored events from the first to the last time written, keeping those around them", async () => {
    const catalog = await open();
    await catalog.write(bars(A, T0, 10));
    const fresh = [bar(A, T0 + 3 * MIN, 500), bar(A, T0 + 5 * MIN, 501)]; // the bar at 4 minutes goes too
    const r = await catalog.write(fresh, { onOverlap: 'replace' });
    expect(r).toMatchObject({ rows: 2, skipped: 0, replaced: 3 });
    const got = await collect(catalog.query({ dataType: 'bars', instruments: [A] }));
    expect(got).toEqual([...bars(A, T0, 3), ...fresh, ...bars(A, T0 + 6 * MIN, 4)]);
    expect(catalog.files().map((f) => [(f.first - T0) / MIN, (f.last - T0) / MIN])).toEqual([[0, 2], [3, 5], [6, 9]]);
    expect(tree(catalog.root).filter((p) => p.includes('/.') || p.startsWith('.'))).toEqual([]);
    catalog.close();
  });

  it("onOverlap: 'skip' keeps the stored events and writes only those outside their ranges", async () => {
    const catalog = await open();
    await catalog.write(bars(A, T0 + 3 * MIN, 3)); // 3..5
    await catalog.write(bars(A, T0 + 8 * MIN, 2)); // 8..9
    const r = await catalog.write(bars(A, T0, 12).map((b) => ({ ...b, volume: 99 })), { onOverlap: 'skip' });
    expect(r).toMatchObject({ rows: 7, skipped: 5, replaced: 0 });
    const got = await collect(catalog.query({ dataType: 'bars', instruments: [A] }));
    expect(got.map((b) => [(b.ts - T0) / MIN, b.volume])).toEqual([[0, 99], [1, 99], [2, 99], [3, 10], [4, 10], [5, 10], [6, 99], [7, 99], [8, 10], [9, 10], [10, 99], [11, 99]]);
    catalog.close();
  });

  it('leaves nothing behind when a write fails half-way through its data', async () => {
    const catalog = await open();
    await catalog.write(bars(A, T0, 3));
    const before = tree(catalog.root);
    function* data(): Generator<Bar> {
      yield* bars(B, T0, 5000);
      yield* bars(A, T0 + 10 * MIN, 10);
      yield { ...bar(A, T0 + 20 * MIN), high: 1 }; // high below low
    }
    const e = await errorOf(catalog.write(data()));
    expect(e.message).toMatch(/^data\[5010\]\.high: /);
    expect(tree(catalog.root)).toEqual(before);
    catalog.close();
  });
});

describe('ParquetCatalog: consolidation', () => {
  it('merges the files of each partition into one, with the same query results before and after', async () => {
    const catalog = await open();
    for (let i = 0; i < 6; i++) await catalog.write([...bars(A, T0 + i * 100 * MIN, 100), ...bars(B, T0 + i * 100 * MIN, 100)]);
    await catalog.write(bars(A, Date.UTC(2025, 0, 1), 10));
    const q = { dataType: 'bars', instruments: [A, B], start: T0 + 50 * MIN, end: Date.UTC(2026, 0, 1) } as const;
    const before = await collect(catalog.query(q));
    expect(catalog.files()).toHaveLength(13);
    const r = await catalog.consolidate({ dataType: 'bars' });
    expect(r).toEqual({ partitions: 2, filesBefore: 13, filesAfter: 3 });
    expect(await collect(catalog.query(q))).toEqual(before);
    expect(tree(catalog.root)).toEqual([
      'bars/AAA.SIM/2024/20240101T000000.000Z_20240101T095900.000Z.parquet',
      'bars/AAA.SIM/2025/20250101T000000.000Z_20250101T000900.000Z.parquet',
      'bars/BBB.SIM/2024/20240101T000000.000Z_20240101T095900.000Z.parquet',
    ]);
    expect(await catalog.consolidate()).toEqual({ partitions: 0, filesBefore: 3, filesAfter: 3 });
    catalog.close();
  });

  it('finishes a partition swap that a crash cut off when the catalog is opened again', async () => {
    const catalog = await open();
    await catalog.write(bars(A, T0, 5));
    await catalog.write(bars(A, T0 + 5 * MIN, 5));
    const expected = await collect(catalog.query({ dataType: 'bars', instruments: [A] }));
    await catalog.consolidate();
    catalog.close();
    // Recreate the moment between the two renames: the old folder moved aside, the new one not yet in place.
    const dir = join(catalog.root, 'bars/AAA.SIM');
    renameSync(join(dir, '2024'), join(dir, '.2024.next-ab12'));
    mkdirSync(join(dir, '.2024.old-ab12'));
    // And a swap of another instrument that was still being built: rolled back.
    await (async () => {
      const c = await ParquetCatalog.open(catalog.root);
      await c.write(bars(B, T0, 2));
      c.close();
    })();
    mkdirSync(join(catalog.root, 'bars/BBB.SIM/.2024.next-cd34'));
    const reopened = await ParquetCatalog.open(catalog.root);
    expect(await collect(reopened.query({ dataType: 'bars', instruments: [A] }))).toEqual(expected);
    expect(tree(reopened.root).filter((p) => p.includes('/.'))).toEqual([]);
    expect(readdirSync(join(catalog.root, 'bars/BBB.SIM'))).toEqual(['2024']);
    reopened.close();
  });
});

describe('ParquetCatalog: importers', () => {
  it('imports a CSV through readBarsCsv and its column options', async () => {
    const catalog = await open();
    const dir = mkdtempSync(join(tmpdir(), 'catalog-csv-'));
    const csv = join(dir, 'eu.csv');
    writeFileSync(csv, 'Datum;Schluss;Hoch;Tief;Eroeffnung;Umsatz\n02.01.2024;10,5;11;10;10,25;100\n03.01.2024;10,75;11,5;10,5;10,5;200\n');
    const r = await catalog.importBarsCsv(csv, {
      instrumentId: A,
      delimiter: ';',
      decimal: ',',
      timestampFormat: 'DD.MM.YYYY',
      columns: { time: 'Datum', open: 'Eroeffnung', high: 'Hoch', low: 'Tief', close: 'Schluss', volume: 'Umsatz' },
    });
    expect(r.rows).toBe(2);
    expect(await collect(catalog.query({ dataType: 'bars', instruments: [A] }))).toEqual([
      { type: 'Bar', instrumentId: A, ts: Date.UTC(2024, 0, 2), open: 10.25, high: 11, low: 10, close: 10.5, volume: 100 },
      { type: 'Bar', instrumentId: A, ts: Date.UTC(2024, 0, 3), open: 10.5, high: 11.5, low: 10.5, close: 10.75, volume: 200 },
    ]);
    // GOOG's 1,047 bars, four yearly files.
    expect((await catalog.importBarsCsv(googCsv, { instrumentId: goog.id })).files).toHaveLength(5);
    expect(await collect(catalog.query({ dataType: 'bars', instruments: [goog] }))).toEqual(googBars);
    catalog.close();
  });

  it('imports a Parquet file written by DuckDB with its own column names and a TIMESTAMP column', async () => {
    const catalog = await open();
    const dir = mkdtempSync(join(tmpdir(), 'catalog-pq-'));
    const file = join(dir, 'foreign.parquet');
    // Written out of order, with a DECIMAL column and microsecond timestamps.
    await sql(`COPY (SELECT * FROM (VALUES
        (TIMESTAMP '2024-03-01 00:01:00', 10.5, 11.0, 10.0, 10.75::DECIMAL(18,4), 7),
        (TIMESTAMP '2024-03-01 00:00:00', 10.0, 10.5, 9.5, 10.5::DECIMAL(18,4), 5)
      ) t(time, o, h, l, c, vol)) TO '${file}' (FORMAT parquet)`);
    const r = await catalog.importParquet(file, { dataType: 'bars', instrumentId: A, columns: { ts: 'time', open: 'o', high: 'h', low: 'l', close: 'c', volume: 'vol' } });
    expect(r.rows).toBe(2);
    const t = Date.UTC(2024, 2, 1);
    expect(await collect(catalog.query({ dataType: 'bars', instruments: [A] }))).toEqual([
      { type: 'Bar', instrumentId: A, ts: t, open: 10, high: 10.5, low: 9.5, close: 10.5, volume: 5 },
      { type: 'Bar', instrumentId: A, ts: t + MIN, open: 10.5, high: 11, low: 10, close: 10.75, volume: 7 },
    ]);

    // Trades with epoch nanoseconds, no aggressor and no trade id column.
    const trades = join(dir, 'trades.parquet');
    await sql(`COPY (SELECT * FROM (VALUES (1709251200000000000::BIGINT, 10.5, 2.0), (1709251200001000000::BIGINT, 10.25, 1.0)) t(ts_ns, px, qty)) TO '${trades}' (FORMAT parquet)`);
    await catalog.importParquet(trades, { dataType: 'trades', instrumentId: A, columns: { ts: 'ts_ns', price: 'px', size: 'qty' }, timestampUnit: 'ns' });
    expect(await collect(catalog.query({ dataType: 'trades', instruments: [A] }))).toEqual([
      { type: 'Trade', instrumentId: A, ts: t, price: 10.5, size: 2, aggressor: 'NONE', tradeId: '1' },
      { type: 'Trade', instrumentId: A, ts: t + 1, price: 10.25, size: 1, aggressor: 'NONE', tradeId: '2' },
    ]);

    // A time that is not a whole millisecond is refused, not rounded.
    const fine = join(dir, 'fine.parquet');
    await sql(`COPY (SELECT 1709251200000000500::BIGINT AS ts, 1.0 AS price, 1.0 AS size) TO '${fine}' (FORMAT parquet)`);
    const e = await errorOf(catalog.importParquet(fine, { dataType: 'trades', instrumentId: B, timestampUnit: 'ns' }));
    expect(e.message).toMatch(/^fine\.parquet\[0\]\.ts: must be a whole number of milliseconds/);
    catalog.close();
  });

  it('names the option of a column the file does not have', async () => {
    const catalog = await open();
    const dir = mkdtempSync(join(tmpdir(), 'catalog-pq-'));
    const file = join(dir, 'x.parquet');
    await sql(`COPY (SELECT 1 AS ts, 1.0 AS open) TO '${file}' (FORMAT parquet)`);
    const e = await errorOf(catalog.importParquet(file, { dataType: 'bars', instrumentId: A, columns: { high: 'hi' } }));
    expect(e.message).toBe('options.columns.high: column "hi" is not in x.parquet (its columns: ts, open)');
    catalog.close();
  });
});

describe('ParquetCatalog: validation', () => {
  it('rejects unknown options and bad values, naming the field', async () => {
    const catalog = await open();
    expect((await errorOf(() => catalog.write([], { onOverlap: 'merge' as 'skip' }))).message).toMatch(/^options\.onOverlap: /);
    expect((await errorOf(() => catalog.write([], { onOverlaps: 'skip' } as object))).message).toMatch(/^options\.onOverlaps: unknown option; did you mean "onOverlap"\?/);
    expect((await errorOf(() => catalog.query({ dataType: 'bar' as 'bars', instruments: [A] }))).message).toMatch(/^query\.dataType: /);
    expect((await errorOf(() => catalog.query({ dataType: 'bars', instruments: [] }))).message).toBe('query.instruments: must name at least one instrument');
    expect((await errorOf(() => catalog.query({ dataType: 'bars', instruments: [A], start: 10, end: 5 }))).message).toMatch(/^query\.end: must not be before start/);
    expect((await errorOf(() => catalog.query({ dataType: 'bars', instruments: [A, A] }))).message).toBe('query.instruments[1]: AAA.SIM is named twice');
    expect((await errorOf(() => catalog.importParquet('x.parquet', { dataType: 'bars', instrumentId: A, columns: { opn: 'o' } as object })))).toBeInstanceOf(ValidationError);
    expect((await errorOf(ParquetCatalog.open(catalog.root, { thread: 2 } as object))).message).toMatch(/^config\.thread: unknown option; did you mean "threads"\?/);
    expect((await errorOf(catalog.write([{ ...bar(A, T0), ts: T0 + 0.5 }]))).message).toMatch(/^data\[0\]\.ts: must be a whole number of milliseconds/);
    catalog.close();
  });

  it('a query left early (while the next chunk is being read ahead) releases its connection; the catalog reads on and closes', async () => {
    const catalog = await open();
    await catalog.write(bars(A, T0, 10_000)); // five chunks of 2,048
    for (let round = 0; round < 3; round++) {
      let seen = 0;
      for await (const b of catalog.query({ dataType: 'bars', instruments: [A] })) {
        expect(b.ts).toBe(T0 + seen * MIN);
        if (++seen === 2_100) break; // in the second chunk, the third being read
      }
      expect(seen).toBe(2_100);
    }
    const all = await collect(catalog.query({ dataType: 'bars', instruments: [A] }));
    expect(all).toEqual(bars(A, T0, 10_000));
    catalog.close();
  });

  it('names a corrupt file, a foreign Parquet file and a stray file in the layout', async () => {
    const catalog = await open();
    await catalog.write(bars(A, T0, 3));
    const [file] = catalog.files();
    const good = readFileSync(file!.path);
    // Read once while good (its columns checked and remembered): a file changed afterwards is checked again.
    expect(await collect(catalog.query({ dataType: 'bars', instruments: [A] }))).toHaveLength(3);
    writeFileSync(file!.path, good.subarray(0, 100));
    let e = await errorOf(collect(catalog.query({ dataType: 'bars', instruments: [A] })));
    expect(e).toBeInstanceOf(CatalogFileError);
    expect(e.message.startsWith(`${file!.path}: cannot be read as Parquet`)).toBe(true);

    await sql(`COPY (SELECT 1::BIGINT AS ts, 2.0::DOUBLE AS price) TO '${file!.path}' (FORMAT parquet)`);
    e = await errorOf(collect(catalog.query({ dataType: 'bars', instruments: [A] })));
    expect(e.message).toBe(`${file!.path}: is not a file of bars: its columns are (ts BIGINT, price DOUBLE), expected (instrument_id VARCHAR, ts BIGINT, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE)`);
    // A null where a number must be, in the last partial word of the validity mask and past the first 64 rows.
    for (const [rows, at] of [[3, 1], [200, 130]] as const) {
      await sql(
        `COPY (SELECT 'AAA.SIM' AS instrument_id, ${T0}::BIGINT AS ts, 1.0::DOUBLE AS open, 2.0::DOUBLE AS high, 0.5::DOUBLE AS low, CASE WHEN i = ${at} THEN NULL ELSE 1.5 END::DOUBLE AS close, 10.0::DOUBLE AS volume FROM range(${rows}) t(i)) TO '${file!.path}' (FORMAT parquet)`,
      );
      e = await errorOf(collect(catalog.query({ dataType: 'bars', instruments: [A] })));
      expect(e.message).toBe(`${file!.path}: column close is null in a row of time ${T0}`);
    }
    writeFileSync(file!.path, good);

    const stray = join(dirname(file!.path), 'notes.txt');
    writeFileSync(stray, 'x');
    e = await errorOf(collect(catalog.query({ dataType: 'bars', instruments: [A] })));
    expect(e.message).toMatch(/notes\.txt: is not a file of the catalog: its name must be <first>_<last>\.parquet/);
    expect((await errorOf(catalog.write(bars(A, T0 + 10 * MIN, 1)))).message).toMatch(/notes\.txt: is not a file of the catalog/);
    expect(existsSync(stray)).toBe(true);
    catalog.close();
  });
});

/** The SMA(10)/SMA(30) crossover of the docs' prelude: targets +size on an upward cross, -size on a downward one. */
function crossover(instrumentId: InstrumentId, fastPeriod = 10, slowPeriod = 30, size = 100): Pipeline {
  return (ctx) => {
    const fast = new Sma(fastPeriod);
    const slow = new Sma(slowPeriod);
    let previous: number | undefined;
    return ctx.market.bars(instrumentId).pipe(
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
        const delta = new Decimal(signal * size).minus(ctx.ledger.positionQuantity(instrumentId));
        return ctx.orderFactory.market({ instrumentId, side: delta.gt(0) ? 'BUY' : 'SELL', quantity: delta.abs() });
      }),
    );
  };
}

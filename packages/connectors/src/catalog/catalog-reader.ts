/**
 * Reads a catalog query as a stream: one DuckDB streaming result per instrument, fetched a chunk (2,048
 * rows) at a time and file by file in time order, so that memory holds one chunk per instrument whatever
 * the size of the result. The instruments' streams are merged by (time, position of the instrument in
 * the query); events of one instrument keep the order they were written in.
 */
import { statSync } from 'node:fs';
import { DuckDBDoubleVector, type DuckDBConnection, type DuckDBDataChunk, type DuckDBInstance, type DuckDBListValue, type DuckDBResult, type DuckDBStructValue } from '@duckdb/node-api';
import { MARKET_DATA_CHUNKS, type BookLevel, type ChunkedMarketData, type InstrumentId, type MarketData } from '@rxtrade/core';
import { CatalogFileError } from './catalog-errors';
import { CATALOG_COLUMNS, type CatalogDataType, type CatalogFile } from './catalog-layout';

/** Quotes a string as an SQL literal. */
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

interface Vector {
  getItem(i: number): unknown;
}

/** The select list of each data type, as a query reads it. */
export const SELECTS: Readonly<Record<CatalogDataType, string>> = {
  bars: 'ts::DOUBLE, open, high, low, close, volume',
  quotes: 'ts::DOUBLE, bid, ask, bid_size, ask_size',
  trades: 'ts::DOUBLE, price, size, aggressor, trade_id',
  'book-deltas': 'ts::DOUBLE, sequence::DOUBLE, bids, asks',
  'book-snapshots': 'ts::DOUBLE, sequence::DOUBLE, bids, asks',
};

const AGGRESSORS = new Set(['BUYER', 'SELLER', 'NONE']);

/**
 * Checks that a file has exactly the columns of its data type (names and types, in order); a file that
 * is not Parquet, or has other columns, is a {@link CatalogFileError} naming it.
 */
export async function checkFileSchema(con: DuckDBConnection, file: string, dataType: CatalogDataType): Promise<void> {
  let rows: unknown[][];
  try {
    rows = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`)).getRows();
  } catch (error) {
    throw new CatalogFileError(file, `cannot be read as Parquet (${(error as Error).message.split('\n')[0]})`, { cause: error });
  }
  const expected = CATALOG_COLUMNS[dataType];
  const found = rows.map((r) => `${String(r[0])} ${String(r[1])}`);
  const want = expected.map(([n, t]) => `${n} ${t}`);
  if (found.join(', ') !== want.join(', '))
    throw new CatalogFileError(file, `is not a file of ${dataType}: its columns are (${found.join(', ')}), expected (${want.join(', ')})`);
}

const ALL_VALID = 0xffff_ffff_ffff_ffffn;

/**
 * The values of a DOUBLE column of a chunk as the Float64Array DuckDB filled, when none of its first `n`
 * is null; otherwise undefined (the caller reads item by item and names the null). DuckDB's vector keeps
 * the array and its validity mask private, and its `getItem` tests the mask with BigInt arithmetic on
 * every call; reading the array once the mask has been checked a 64-row word at a time is several times
 * faster, and gives the same numbers.
 */
export function denseDoubles(vector: unknown, n: number): Float64Array | undefined {
  if (!(vector instanceof DuckDBDoubleVector)) return undefined;
  const inner = vector as unknown as { items?: unknown; validity?: { data?: unknown; offset?: unknown } };
  const items = inner.items;
  const validity = inner.validity;
  if (!(items instanceof Float64Array) || items.length < n || validity === undefined) return undefined;
  const mask = validity.data;
  if (mask === null) return items;
  if (!(mask instanceof BigUint64Array) || validity.offset !== 0) return undefined;
  const full = Math.floor(n / 64);
  for (let w = 0; w < full; w++) if (mask[w] !== ALL_VALID) return undefined;
  const rest = n % 64;
  if (rest > 0) {
    const bits = (1n << BigInt(rest)) - 1n;
    if (((mask[full] ?? 0n) & bits) !== bits) return undefined;
  }
  return items;
}

/**
 * How many chunks a query reads ahead of its consumer, over all its instruments (each gets its share, at
 * least 2). DuckDB decompresses a Parquet row group (122,880 rows) in one go when its first chunk is
 * asked for: a consumer that asks for one chunk at a time waits for that whole burst every 60 chunks,
 * while one that keeps a few dozen chunks asked for ahead finds them read by then. 64 chunks of bars hold
 * about 6 MB.
 */
export const READ_AHEAD_CHUNKS = 64;

/**
 * The chunks of one streaming result, fetched one after the other (DuckDB serves one fetch of a result at
 * a time) into a queue of at most `depth`, while the consumer works on the ones before.
 */
export class ReadAhead {
  private readonly queue: (DuckDBDataChunk | null)[] = [];
  private fetching: Promise<void> | undefined;
  private waiter: (() => void) | undefined;
  private ended = false;
  private stopped = false;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly result: DuckDBResult,
    private readonly depth: number,
  ) {
    this.pump();
  }

  /** The next chunk; null at the end of the result. One call at a time: the next after this one settled. */
  async next(): Promise<DuckDBDataChunk | null> {
    while (this.queue.length === 0) {
      if (this.failure !== undefined) throw this.failure.error;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    const chunk = this.queue.shift()!;
    this.pump();
    return chunk;
  }

  /** Stops reading ahead; resolves once no fetch is in flight, so that the connection may close. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    await this.fetching;
  }

  private pump(): void {
    if (this.fetching !== undefined || this.ended || this.stopped || this.failure !== undefined || this.queue.length >= this.depth) return;
    this.fetching = this.result.fetchChunk().then(
      (chunk) => {
        this.fetching = undefined;
        if (this.stopped) return;
        if (chunk === null || chunk.rowCount === 0) {
          this.ended = true;
          this.queue.push(null);
        } else this.queue.push(chunk);
        this.wake();
        this.pump();
      },
      (error: unknown) => {
        this.fetching = undefined;
        this.failure = { error };
        this.wake();
      },
    );
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

/**
 * Files whose columns a query checked, per database instance: the path, and its size, modification time
 * and inode when checked. A later query skips the check (a `DESCRIBE` of the file, about a millisecond)
 * while they are the same; a catalog replaces a file by renaming a new one over it, which changes them.
 */
const CHECKED = new WeakMap<DuckDBInstance, Map<string, string>>();

/** {@link checkFileSchema}, skipped while the file is the one checked before (same size, time and inode). */
export async function checkFileSchemaOnce(instance: DuckDBInstance, con: DuckDBConnection, file: string, dataType: CatalogDataType): Promise<void> {
  const st = statSync(file, { throwIfNoEntry: false });
  const stamp = st === undefined ? undefined : `${dataType} ${st.size} ${st.mtimeMs} ${st.ino}`;
  let checked = CHECKED.get(instance);
  if (checked === undefined) CHECKED.set(instance, (checked = new Map()));
  if (stamp !== undefined && checked.get(file) === stamp) return;
  await checkFileSchema(con, file, dataType);
  if (stamp === undefined) return;
  if (checked.size >= 100_000) checked.clear();
  checked.set(file, stamp);
}

/** The events of one instrument: its files in time order, a chunk at a time. */
export class InstrumentSource implements ChunkSource {
  buf: MarketData[] = [];
  pos = 0;
  private fileIndex = 0;
  private con: DuckDBConnection | undefined;
  private reader: ReadAhead | undefined;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly files: readonly CatalogFile[],
    private readonly dataType: CatalogDataType,
    private readonly id: InstrumentId,
    private readonly start: number,
    private readonly end: number,
    /** Chunks read ahead (see {@link READ_AHEAD_CHUNKS}). */
    private readonly readAhead = 2,
  ) {}

  /** Loads the next chunk into `buf`; false at the end of the instrument's data. */
  async fill(): Promise<boolean> {
    this.buf = [];
    this.pos = 0;
    for (;;) {
      const file = this.files[this.fileIndex];
      if (file === undefined) {
        await this.close();
        return false;
      }
      try {
        if (this.reader === undefined) {
          this.con ??= await this.instance.connect();
          await checkFileSchemaOnce(this.instance, this.con, file.path, this.dataType);
          const result = await this.con.stream(
            `SELECT ${SELECTS[this.dataType]} FROM read_parquet(${sqlString(file.path)}) WHERE ts >= ${this.start} AND ts < ${this.end}`,
          );
          this.reader = new ReadAhead(result, this.readAhead);
        }
        const chunk = await this.reader.next();
        if (chunk === null) {
          this.reader = undefined;
          this.fileIndex++;
          continue;
        }
        this.decode(chunk, file.path);
        return true;
      } catch (error) {
        await this.close();
        if (error instanceof CatalogFileError) throw error;
        throw new CatalogFileError(file.path, `cannot be read (${(error as Error).message.split('\n')[0]})`, { cause: error });
      }
    }
  }

  /** Releases the connection, once the chunk being read ahead (if any) has arrived. */
  async close(): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    this.fileIndex = this.files.length;
    const con = this.con;
    this.con = undefined;
    await reader?.stop();
    con?.closeSync();
  }

  private decode(chunk: DuckDBDataChunk, file: string): void {
    const n = chunk.rowCount;
    const cols: Vector[] = [];
    for (let c = 0; c < chunk.columnCount; c++) cols.push(chunk.getColumnVector(c) as Vector);
    const names = CATALOG_COLUMNS[this.dataType].slice(1).map(([name]) => name);
    const value = (c: number, j: number): unknown => {
      const v = cols[c]!.getItem(j);
      if (v === null) throw new CatalogFileError(file, `column ${names[c]} is null in a row of time ${String(cols[0]!.getItem(j))}`);
      return v;
    };
    const id = this.id;
    const out = this.buf;
    const num = (c: number, j: number): number => value(c, j) as number;
    switch (this.dataType) {
      case 'bars': {
        const ts = denseDoubles(cols[0], n);
        const open = denseDoubles(cols[1], n);
        const high = denseDoubles(cols[2], n);
        const low = denseDoubles(cols[3], n);
        const close = denseDoubles(cols[4], n);
        const volume = denseDoubles(cols[5], n);
        if (ts !== undefined && open !== undefined && high !== undefined && low !== undefined && close !== undefined && volume !== undefined) {
          for (let j = 0; j < n; j++) out.push({ type: 'Bar', instrumentId: id, ts: ts[j]!, open: open[j]!, high: high[j]!, low: low[j]!, close: close[j]!, volume: volume[j]! });
          return;
        }
        for (let j = 0; j < n; j++)
          out.push({ type: 'Bar', instrumentId: id, ts: num(0, j), open: num(1, j), high: num(2, j), low: num(3, j), close: num(4, j), volume: num(5, j) });
        return;
      }
      case 'quotes':
        for (let j = 0; j < n; j++) out.push({ type: 'Quote', instrumentId: id, ts: num(0, j), bid: num(1, j), ask: num(2, j), bidSize: num(3, j), askSize: num(4, j) });
        return;
      case 'trades':
        for (let j = 0; j < n; j++) {
          const aggressor = value(3, j) as string;
          if (!AGGRESSORS.has(aggressor)) throw new CatalogFileError(file, `column aggressor holds ${JSON.stringify(aggressor)}, not BUYER, SELLER or NONE`);
          out.push({ type: 'Trade', instrumentId: id, ts: num(0, j), price: num(1, j), size: num(2, j), aggressor: aggressor as 'NONE', tradeId: value(4, j) as string });
        }
        return;
      case 'book-deltas':
      case 'book-snapshots': {
        const type = this.dataType === 'book-deltas' ? 'OrderBookDelta' : 'OrderBookSnapshot';
        for (let j = 0; j < n; j++)
          out.push({ type, instrumentId: id, ts: num(0, j), sequence: num(1, j), bids: levels(value(2, j)), asks: levels(value(3, j)) });
        return;
      }
    }
  }
}

function levels(list: unknown): BookLevel[] {
  return (list as DuckDBListValue).items.map((item) => {
    const e = (item as DuckDBStructValue).entries;
    return { price: e['price'] as number, size: e['size'] as number };
  });
}

/**
 * One instrument's events, a chunk at a time: `buf` holds the current chunk and `pos` the next event in
 * it. `fill` replaces `buf` with a new array (a chunk handed out is never written to again) and resolves
 * false at the end of the data, having released what the source held.
 */
export interface ChunkSource<E extends MarketData = MarketData> {
  buf: E[];
  pos: number;
  fill(): Promise<boolean>;
  close(): void | Promise<void>;
}

const DONE: IteratorResult<never, undefined> = Object.freeze({ done: true, value: undefined });

/** The sources of one iteration of a query, and what releases what they share (a database session). */
export interface OpenedSources<E extends MarketData = MarketData> {
  readonly sources: ChunkSource<E>[];
  /** Called once, after every source was closed; with the error that ended the iteration, if any. */
  readonly release?: (error?: unknown) => void | Promise<void>;
}

/**
 * The merged events of several instruments' sources as chunks: each `next()` merges until one source's
 * chunk runs out (that source must be refilled before the merge may go on), so a chunk is at most the
 * sum of the sources' chunks. One source's chunks are handed out as they are. Ties go to the source
 * named first. Sources are opened by the first `next()` and closed at the end, on an error, or by
 * `return()`; calls are served one after the other.
 */
export class MergedChunks<E extends MarketData> implements AsyncIterator<readonly E[], undefined> {
  /** The sources that still have data, in the order of the query. */
  private active: ChunkSource<E>[] | undefined;
  private all: ChunkSource<E>[] = [];
  private release: OpenedSources<E>['release'];
  private done = false;
  private serial: Promise<unknown> = Promise.resolve();

  constructor(private readonly open: () => Promise<OpenedSources<E>>) {}

  next(): Promise<IteratorResult<readonly E[], undefined>> {
    const run = this.serial.then(() => this.step());
    this.serial = run.catch(() => undefined);
    return run;
  }

  return(): Promise<IteratorResult<readonly E[], undefined>> {
    const run = this.serial.then(() => this.finish());
    this.serial = run.catch(() => undefined);
    return run;
  }

  private async step(): Promise<IteratorResult<readonly E[], undefined>> {
    if (this.done) return DONE;
    try {
      let active = this.active;
      if (active === undefined) {
        const opened = await this.open();
        this.all = opened.sources;
        this.release = opened.release;
        active = this.active = [...this.all];
      }
      // Refill the sources the last merge drained; drop those at their end.
      for (let s = 0; s < active.length; s++) {
        const src = active[s]!;
        if (src.pos < src.buf.length) continue;
        if (!(await src.fill())) active.splice(s--, 1);
      }
      if (active.length === 0) return await this.finish();
      if (active.length === 1) {
        const src = active[0]!;
        const chunk = src.pos === 0 ? src.buf : src.buf.slice(src.pos);
        src.pos = src.buf.length;
        return { done: false, value: chunk };
      }
      const out: E[] = [];
      for (;;) {
        let best = active[0]!;
        let bestTs = best.buf[best.pos]!.ts;
        // Strictly earlier wins, so that on a tie the instrument named first in the query goes first.
        for (let s = 1; s < active.length; s++) {
          const src = active[s]!;
          const ts = src.buf[src.pos]!.ts;
          if (ts < bestTs) {
            best = src;
            bestTs = ts;
          }
        }
        out.push(best.buf[best.pos++]!);
        if (best.pos === best.buf.length) return { done: false, value: out };
      }
    } catch (error) {
      await this.finish(error).catch(() => undefined);
      throw error;
    }
  }

  private async finish(error?: unknown): Promise<IteratorResult<readonly E[], undefined>> {
    if (this.done) return DONE;
    this.done = true;
    this.active = [];
    try {
      for (const s of this.all) await s.close();
    } finally {
      await this.release?.(error);
    }
    return DONE;
  }
}

/**
 * The events of a {@link MergedChunks}, one at a time. `next()` always returns a Promise (the
 * AsyncIterator contract), resolved at once while the current chunk holds the next event. Calls made
 * before the previous one settled are served in order.
 */
export class CatalogEventIterator<E extends MarketData> implements AsyncIterableIterator<E, undefined> {
  private chunk: readonly E[] = [];
  private i = 0;
  private pending: Promise<unknown> | undefined;

  constructor(private readonly chunks: MergedChunks<E>) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<E, undefined>> {
    if (this.pending !== undefined) return this.pending.then(() => this.next());
    if (this.i < this.chunk.length) return Promise.resolve({ done: false, value: this.chunk[this.i++]! });
    const p = this.chunks.next().then((r): IteratorResult<E, undefined> => {
      this.pending = undefined;
      if (r.done) return DONE;
      this.chunk = r.value;
      this.i = 1;
      return { done: false, value: r.value[0]! };
    });
    this.pending = p.catch(() => {
      this.pending = undefined;
    });
    return p;
  }

  return(): Promise<IteratorResult<E, undefined>> {
    this.chunk = [];
    this.i = 0;
    return this.chunks.return().then(() => DONE);
  }
}

/**
 * What a catalog's `query` returns: an `AsyncIterable` of the events, each iteration reading the
 * catalog anew, that also offers them in chunks (`MARKET_DATA_CHUNKS`), which `runBacktest` reads
 * without a Promise per event.
 *
 * @example
 * ```ts
 * const bars: CatalogQueryResult<Bar> = catalog.query({ dataType: 'bars', instruments: [goog] });
 * for await (const bar of bars) console.log(bar.close);
 * ```
 */
export interface CatalogQueryResult<E extends MarketData = MarketData> extends ChunkedMarketData<E> {
  [Symbol.asyncIterator](): AsyncIterableIterator<E, undefined>;
  [MARKET_DATA_CHUNKS](): AsyncIterator<readonly E[], undefined>;
}

/** A {@link CatalogQueryResult} whose iterations read the sources that `open` makes (called once per iteration). */
export function catalogQueryResult<E extends MarketData>(open: () => Promise<OpenedSources<E>>): CatalogQueryResult<E> {
  return {
    [Symbol.asyncIterator]: () => new CatalogEventIterator(new MergedChunks(open)),
    [MARKET_DATA_CHUNKS]: () => new MergedChunks(open),
  };
}

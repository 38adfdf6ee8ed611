/**
 * Reads a catalog query as a stream: one DuckDB streaming result per instrument, fetched a chunk (2,048
 * rows) at a time and file by file in time order, so that memory holds one chunk per instrument whatever
 * the size of the result. The instruments' streams are merged by (time, position of the instrument in
 * the query); events of one instrument keep the order they were written in.
 */
import type { DuckDBConnection, DuckDBDataChunk, DuckDBInstance, DuckDBListValue, DuckDBResult, DuckDBStructValue } from '@duckdb/node-api';
import type { BookLevel, InstrumentId, MarketData } from '@rxtrade/core';
import { CatalogFileError } from './catalog-errors';
import { CATALOG_COLUMNS, type CatalogDataType, type CatalogFile } from './catalog-layout';

/** Quotes a string as an SQL literal. */
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

interface Vector {
  getItem(i: number): unknown;
}

const SELECTS: Readonly<Record<CatalogDataType, string>> = {
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

/** The events of one instrument: its files in time order, a chunk at a time. */
class InstrumentSource {
  buf: MarketData[] = [];
  pos = 0;
  private fileIndex = 0;
  private con: DuckDBConnection | undefined;
  private result: DuckDBResult | undefined;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly files: readonly CatalogFile[],
    private readonly dataType: CatalogDataType,
    private readonly id: InstrumentId,
    private readonly start: number,
    private readonly end: number,
  ) {}

  /** Loads the next chunk into `buf`; false at the end of the instrument's data. */
  async fill(): Promise<boolean> {
    this.buf = [];
    this.pos = 0;
    for (;;) {
      const file = this.files[this.fileIndex];
      if (file === undefined) {
        this.close();
        return false;
      }
      try {
        if (this.result === undefined) {
          this.con ??= await this.instance.connect();
          await checkFileSchema(this.con, file.path, this.dataType);
          this.result = await this.con.stream(
            `SELECT ${SELECTS[this.dataType]} FROM read_parquet(${sqlString(file.path)}) WHERE ts >= ${this.start} AND ts < ${this.end}`,
          );
        }
        const chunk = await this.result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) {
          this.result = undefined;
          this.fileIndex++;
          continue;
        }
        this.decode(chunk, file.path);
        return true;
      } catch (error) {
        this.close();
        if (error instanceof CatalogFileError) throw error;
        throw new CatalogFileError(file.path, `cannot be read (${(error as Error).message.split('\n')[0]})`, { cause: error });
      }
    }
  }

  close(): void {
    this.result = undefined;
    this.fileIndex = this.files.length;
    this.con?.closeSync();
    this.con = undefined;
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
      case 'bars':
        for (let j = 0; j < n; j++)
          out.push({ type: 'Bar', instrumentId: id, ts: num(0, j), open: num(1, j), high: num(2, j), low: num(3, j), close: num(4, j), volume: num(5, j) });
        return;
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
 * An async iterator over the merged events of several instruments. Files are listed when iteration
 * starts; connections are opened lazily and closed at the end, on an error, or when the consumer stops
 * early (`return`).
 */
export class CatalogStream<E extends MarketData> implements AsyncIterableIterator<E> {
  private sources: InstrumentSource[] | undefined;
  private done = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly list: () => readonly (readonly CatalogFile[])[],
    private readonly dataType: CatalogDataType,
    private readonly ids: readonly InstrumentId[],
    private readonly start: number,
    private readonly end: number,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * The next event. While the current chunks hold it (2,047 calls in 2,048), the result itself is
   * returned rather than a Promise of it: `await`, `for await` and `runBacktest` accept both, and
   * skipping the Promise and its microtask is most of the cost of reading a bar. Only the call that
   * must fetch a chunk returns a Promise.
   */
  next(): Promise<IteratorResult<E, undefined>> {
    if (this.done) return { done: true, value: undefined } as unknown as Promise<IteratorResult<E, undefined>>;
    const sources = this.sources;
    if (sources === undefined) return this.open().then(() => this.next());
    try {
      let best: InstrumentSource | undefined;
      let bestTs = Infinity;
      // Strictly earlier wins, so that on a tie the instrument named first in the query goes first.
      for (let s = 0; s < sources.length; s++) {
        const src = sources[s]!;
        const head = src.buf[src.pos];
        if (head !== undefined && head.ts < bestTs) {
          best = src;
          bestTs = head.ts;
        }
      }
      if (best === undefined) return this.finish() as unknown as Promise<IteratorResult<E, undefined>>;
      const result: IteratorResult<E, undefined> = { done: false, value: best.buf[best.pos++] as E };
      if (best.pos < best.buf.length) return result as unknown as Promise<IteratorResult<E, undefined>>;
      return best.fill().then(
        () => result,
        (error: unknown) => {
          this.finish();
          throw error;
        },
      );
    } catch (error) {
      this.finish();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<E, undefined>> {
    return this.finish();
  }

  private async open(): Promise<void> {
    try {
      const files = this.list();
      const sources = this.ids.map((id, i) => new InstrumentSource(this.instance, files[i]!, this.dataType, id, this.start, this.end));
      this.sources = sources;
      for (const s of sources) await s.fill();
    } catch (error) {
      this.finish();
      throw error;
    }
  }

  private finish(): IteratorResult<E, undefined> {
    this.done = true;
    for (const s of this.sources ?? []) s.close();
    return { done: true, value: undefined };
  }
}

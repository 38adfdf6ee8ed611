/**
 * Merges series given as arrays, iterables or async iterables by (ts, series index), pulling one event
 * at a time so that a generator of ten million bars is never held in memory. Ties between series are
 * broken by the order the series were given in, as in `mergeByTime`; a series that goes back in time
 * fails with a `ValidationError` naming the series and row. With a validator, every event it hands out
 * is checked (fields, and time per instrument across all series) and named by series and row.
 */
import { isBarColumns, isChunkedMarketData, MARKET_DATA_CHUNKS, marketDataIssue, ValidationError, type BarColumns, type MarketData, type MarketDataValidator } from '@rxtrade/core';

/** One series of market data: an array, `BarColumns`, a (generator) iterable, or an async iterable, sorted by `ts`. */
export type MarketSeries = readonly MarketData[] | BarColumns | Iterable<MarketData> | AsyncIterable<MarketData>;

type Pull = IteratorResult<MarketData, unknown> | Promise<IteratorResult<MarketData, unknown>>;

interface Source {
  readonly next: () => Pull;
  /** Ends the iterator early (a generator's finally blocks run, a file reader closes). */
  readonly close: () => unknown;
  head: MarketData | undefined;
  lastTs: number;
  row: number;
}

const isPromise = (v: unknown): v is Promise<unknown> => typeof (v as { then?: unknown } | null)?.then === 'function';

/** Options of a {@link StreamMerge}. */
export interface StreamMergeOptions {
  /**
   * Whether the input was given as a list of series (error paths `data[series][row]`, the default) or
   * as one series (`data[row]`).
   */
  readonly nested?: boolean;
  /** Checks every event handed out; none by default. */
  readonly validator?: MarketDataValidator;
}

/**
 * @internal A pull-based k-way merge. `next()` returns the next event, `undefined` at the end, or a
 * Promise of either when the series to refill is asynchronous (synchronous series never cost an await).
 */
export class StreamMerge {
  private readonly sources: Source[];
  private readonly nested: boolean;
  private readonly validator: MarketDataValidator | undefined;
  private lastSource = -1;
  private lastRow = -1;

  private constructor(series: readonly MarketSeries[], options: StreamMergeOptions) {
    this.nested = options.nested ?? true;
    this.validator = options.validator;
    this.sources = series.map((s) => {
      // A chunked stream (a catalog query) costs a Promise per chunk rather than one per event.
      if (isChunkedMarketData(s)) return { ...chunkPull(s[MARKET_DATA_CHUNKS]()), head: undefined, lastTs: -Infinity, row: -1 };
      // Columns hand out a fresh Bar per row without an iterator's result object.
      if (isBarColumns(s)) return { ...columnsPull(s), head: undefined, lastTs: -Infinity, row: -1 };
      const it = Symbol.asyncIterator in s ? (s as AsyncIterable<MarketData>)[Symbol.asyncIterator]() : (s as Iterable<MarketData>)[Symbol.iterator]();
      return { next: () => it.next(), close: () => it.return?.(), head: undefined, lastTs: -Infinity, row: -1 };
    });
  }

  /** Builds a merge and pulls the first event of every series. */
  static async open(series: readonly MarketSeries[], options: StreamMergeOptions = {}): Promise<StreamMerge> {
    const m = new StreamMerge(series, options);
    for (let s = 0; s < m.sources.length; s++) {
      const r = m.refill(s);
      if (r !== undefined) await r;
    }
    return m;
  }

  /** Builds a merge over synchronous series (arrays, generators): `next()` then never returns a Promise. */
  static openSync(series: readonly (readonly MarketData[] | Iterable<MarketData>)[], options: StreamMergeOptions = {}): StreamMerge {
    const m = new StreamMerge(series, options);
    for (let s = 0; s < m.sources.length; s++) m.refill(s);
    return m;
  }

  /** Time of the earliest pending event, or undefined when every series is empty. */
  firstTs(): number | undefined {
    let best: number | undefined;
    for (const s of this.sources) if (s.head !== undefined && (best === undefined || s.head.ts < best)) best = s.head.ts;
    return best;
  }

  next(): MarketData | undefined | Promise<MarketData | undefined> {
    const sources = this.sources;
    let best = -1;
    let bestTs = Infinity;
    for (let s = 0; s < sources.length; s++) {
      const h = sources[s]!.head;
      if (h !== undefined && h.ts < bestTs) {
        best = s;
        bestTs = h.ts;
      }
    }
    if (best < 0) return undefined;
    const source = sources[best]!;
    const event = source.head!;
    this.lastSource = best;
    this.lastRow = source.row;
    this.validator?.check(event, source.row, this.nested ? best : -1);
    const r = this.refill(best);
    return r === undefined ? event : r.then(() => event);
  }

  private refill(s: number): Promise<void> | undefined {
    const source = this.sources[s]!;
    const r = source.next();
    if (isPromise(r)) return r.then((x) => this.accept(s, x));
    this.accept(s, r);
    return undefined;
  }

  /**
   * Ends every series not read to the end, so that a generator or a streaming reader releases what it
   * holds when a run stops early. Errors from closing are ignored: the run has already ended.
   */
  close(): void {
    for (const source of this.sources) {
      if (source.head === undefined) continue;
      source.head = undefined;
      try {
        const r = source.close();
        if (isPromise(r)) r.catch(() => undefined);
      } catch {
        // Closing is best effort.
      }
    }
  }

  /** Where the last event handed out came from, as in error paths: `data[1][1523]` or `data[1523]`. */
  position(): string {
    return this.nested ? `data[${this.lastSource}][${this.lastRow}]` : `data[${this.lastRow}]`;
  }

  private accept(s: number, r: IteratorResult<MarketData, unknown>): void {
    const source = this.sources[s]!;
    if (r.done) {
      source.head = undefined;
      return;
    }
    const e = r.value as MarketData | null | undefined;
    source.row++;
    const ts = typeof e === 'object' && e !== null ? e.ts : undefined;
    // A time that is not a number (or NaN) could never be picked by the merge: refuse it here.
    if (typeof ts !== 'number' || !(ts >= source.lastTs)) throw unsorted(e, ts, source.lastTs, this.nested ? ['data', s, source.row] : ['data', source.row]);
    source.lastTs = ts;
    source.head = e!;
  }
}

/**
 * Pulls the bars of columns one by one, each a fresh object. The result object is reused: `accept`
 * reads it at once and keeps only its bar.
 */
function columnsPull(c: BarColumns): Pick<Source, 'next' | 'close'> {
  const { instrumentId, ts, open, high, low, close, volume, length } = c;
  const result = { done: false as const, value: undefined as unknown as MarketData };
  const end = { done: true as const, value: undefined };
  let i = 0;
  return {
    next: () => {
      if (i >= length) return end;
      result.value = { type: 'Bar', instrumentId, ts: ts[i]!, open: open[i]!, high: high[i]!, low: low[i]!, close: close[i]!, volume: volume[i]! };
      i++;
      return result;
    },
    close: () => {
      i = length;
    },
  };
}

/** Pulls the events of a chunk iterator one by one: synchronously within a chunk, a Promise at each new chunk. */
function chunkPull(chunks: AsyncIterator<readonly MarketData[], undefined>): Pick<Source, 'next' | 'close'> {
  let chunk: readonly MarketData[] = [];
  let i = 0;
  const take = (r: IteratorResult<readonly MarketData[], undefined>): Pull => {
    if (r.done) return { done: true, value: undefined };
    chunk = r.value;
    i = 0;
    return i < chunk.length ? { done: false, value: chunk[i++]! } : chunks.next().then(take);
  };
  return {
    next: () => (i < chunk.length ? { done: false, value: chunk[i++]! } : chunks.next().then(take)),
    close: () => chunks.return?.(),
  };
}

/**
 * @internal The error for an event whose time breaks its series' order (or is not a time at all):
 * the event's own first fault when it has one, else the order.
 */
export function unsorted(event: unknown, ts: unknown, previous: number, at: readonly (string | number)[]): ValidationError {
  const issue = typeof ts === 'number' && !Number.isNaN(ts) ? undefined : marketDataIssue(event);
  if (issue !== undefined) return new ValidationError([{ path: [...at, ...issue.path], message: issue.message }]);
  return new ValidationError([{ path: [...at, 'ts'], message: `time ${String(ts)} is before the previous event's ${previous}: each series must be sorted by ts` }]);
}

/**
 * Merges series given as arrays, iterables or async iterables by (ts, series index), pulling one event
 * at a time so that a generator of ten million bars is never held in memory. Ties between series are
 * broken by the order the series were given in, as in `mergeByTime`; a series that goes back in time
 * fails with a `ValidationError` naming the series and row.
 */
import { ValidationError, type MarketData } from '@rxtrade/core';

/** One series of market data: an array, a (generator) iterable, or an async iterable, sorted by `ts`. */
export type MarketSeries = readonly MarketData[] | Iterable<MarketData> | AsyncIterable<MarketData>;

type Pull = IteratorResult<MarketData, unknown> | Promise<IteratorResult<MarketData, unknown>>;

interface Source {
  readonly next: () => Pull;
  head: MarketData | undefined;
  lastTs: number;
  row: number;
}

const isPromise = (v: unknown): v is Promise<unknown> => typeof (v as { then?: unknown } | null)?.then === 'function';

/**
 * @internal A pull-based k-way merge. `next()` returns the next event, `undefined` at the end, or a
 * Promise of either when the series to refill is asynchronous (synchronous series never cost an await).
 */
export class StreamMerge {
  private readonly sources: Source[];

  private constructor(series: readonly MarketSeries[]) {
    this.sources = series.map((s) => {
      const it = Symbol.asyncIterator in s ? (s as AsyncIterable<MarketData>)[Symbol.asyncIterator]() : (s as Iterable<MarketData>)[Symbol.iterator]();
      return { next: () => it.next(), head: undefined, lastTs: -Infinity, row: -1 };
    });
  }

  /** Builds a merge and pulls the first event of every series. */
  static async open(series: readonly MarketSeries[]): Promise<StreamMerge> {
    const m = new StreamMerge(series);
    for (let s = 0; s < m.sources.length; s++) {
      const r = m.refill(s);
      if (r !== undefined) await r;
    }
    return m;
  }

  /** Builds a merge over synchronous series (arrays, generators): `next()` then never returns a Promise. */
  static openSync(series: readonly (readonly MarketData[] | Iterable<MarketData>)[]): StreamMerge {
    const m = new StreamMerge(series);
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
    const event = sources[best]!.head!;
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

  private accept(s: number, r: IteratorResult<MarketData, unknown>): void {
    const source = this.sources[s]!;
    if (r.done) {
      source.head = undefined;
      return;
    }
    const e = r.value;
    source.row++;
    if (e.ts < source.lastTs)
      throw new ValidationError([
        { path: ['data', s, source.row, 'ts'], message: `time ${e.ts} is before the previous event's ${source.lastTs}: each series must be sorted by ts` },
      ]);
    source.lastTs = e.ts;
    source.head = e;
  }
}

/**
 * A protocol for streams of market data that arrive a chunk at a time (a file reader, a database
 * cursor): besides being an ordinary `AsyncIterable` of events, whose `next()` costs a Promise per
 * event, such a stream hands out its events as arrays under {@link MARKET_DATA_CHUNKS}, one Promise per
 * chunk. Consumers that know the protocol (`runBacktest`) read the chunks; every other consumer reads
 * the events through `for await` and gets the same events in the same order.
 */
import type { MarketData } from '../domain/market-data';

/**
 * The key of a stream's chunk iterator: a registered symbol (`Symbol.for('rxtrade.marketDataChunks')`),
 * the same in every copy of the package.
 *
 * @example
 * ```ts
 * const chunks = MARKET_DATA_CHUNKS in data ? data[MARKET_DATA_CHUNKS]() : undefined;
 * ```
 */
export const MARKET_DATA_CHUNKS: unique symbol = Symbol.for('rxtrade.marketDataChunks') as typeof MARKET_DATA_CHUNKS;

/**
 * An async iterable of events that can also hand them out a chunk at a time: each chunk is a non-empty
 * array of the next events in order, the concatenation of the chunks is exactly what iterating the
 * events yields, and `return()` on the chunk iterator releases what the stream holds. A chunk belongs
 * to the consumer once handed out.
 *
 * @example
 * ```ts
 * async function count(data: ChunkedMarketData): Promise<number> {
 *   let n = 0;
 *   const chunks = data[MARKET_DATA_CHUNKS]();
 *   for (let r = await chunks.next(); !r.done; r = await chunks.next()) n += r.value.length;
 *   return n;
 * }
 * ```
 */
export interface ChunkedMarketData<E extends MarketData = MarketData> extends AsyncIterable<E> {
  [MARKET_DATA_CHUNKS](): AsyncIterator<readonly E[], undefined>;
}

/**
 * Whether a value offers its events in chunks ({@link ChunkedMarketData}).
 *
 * @example
 * ```ts
 * if (isChunkedMarketData(data)) for await (const chunk of { [Symbol.asyncIterator]: () => data[MARKET_DATA_CHUNKS]() }) console.log(chunk.length);
 * ```
 */
export function isChunkedMarketData(value: unknown): value is ChunkedMarketData {
  return typeof value === 'object' && value !== null && typeof (value as Partial<ChunkedMarketData>)[MARKET_DATA_CHUNKS] === 'function';
}

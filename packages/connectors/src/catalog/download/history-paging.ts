/**
 * How a venue pages its history over ccxt's `fetchOHLCV` and `fetchTrades`, where ccxt's own
 * structures do not say it. Bars need nothing here: `features[type].fetchOHLCV.limit` is the page size
 * and every venue ccxt knows takes `since` with `until`. Trades differ per venue:
 *
 * - Binance `GET /api/v3/aggTrades` (and USDⓈ-M `/fapi/v1/aggTrades`): `startTime` and `endTime` at most
 *   one hour apart, `limit` at most 1000 (Binance spot API docs, "Compressed/Aggregate trades list").
 * - Coinbase Advanced Trade `GET /api/v3/brokerage/market/products/{id}/ticker`: `start` and `end` in
 *   whole UNIX seconds, `limit` at most 1000, newest first (Coinbase Advanced Trade API, "Get Market
 *   Trades"); ccxt's `fetchTrades` refuses `since` without `until`.
 * - Bybit `GET /v5/market/recent-trade`: the latest trades only, no time parameters, `limit` at most 60
 *   for spot and 1000 for the other categories (Bybit v5 API docs, "Get Public Recent Trading History").
 *
 * @example
 * ```ts
 * const paging: TradePaging = tradePaging('coinbase'); // { known: true, timeUnitMs: 1000, history: 'time', limit }
 * ```
 */
export interface TradePaging {
  /** Whether the venue is one of those above (its limit is documented, and a larger `pageLimit` is cut to it). */
  readonly known: boolean;
  /** Trades per request at most. */
  readonly limit: (marketType: string) => number;
  /** The longest window the venue accepts, ms from `since` to `until` (both sent; the venue may include `until`). */
  readonly maxWindowMs?: number;
  /** The venue reads times in units of this many ms (Coinbase: seconds). */
  readonly timeUnitMs?: number;
  /** `recent`: only the latest trades are served, whatever the times asked for. */
  readonly history: 'time' | 'recent';
}

// `endTime` is inclusive and the window must stay under an hour: a window of 3,599,999 ms asked with
// `until` at its end covers [start, start + 3,599,999].
const BINANCE: TradePaging = { known: true, limit: () => 1000, maxWindowMs: 3_599_999, history: 'time' };

const TRADE_PAGING: Readonly<Record<string, TradePaging>> = {
  binance: BINANCE,
  binanceus: BINANCE,
  binanceusdm: BINANCE,
  binancecoinm: BINANCE,
  coinbase: { known: true, limit: () => 1000, timeUnitMs: 1000, history: 'time' },
  bybit: { known: true, limit: (type) => (type === 'spot' ? 60 : 1000), history: 'recent' },
};

/**
 * The trade paging of an exchange; an exchange not in the table is taken to page by `since` and `until`
 * in milliseconds with up to 1000 trades a request (pass `pageLimit` when its maximum is lower).
 *
 * @example
 * ```ts
 * tradePaging('binance').maxWindowMs; // 3599999
 * ```
 */
export function tradePaging(exchangeId: string): TradePaging {
  return TRADE_PAGING[exchangeId] ?? { known: false, limit: () => 1000, history: 'time' };
}

/**
 * A time range, epoch ms, `end` excluded.
 *
 * @example
 * ```ts
 * const january: TimeSpan = { start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 1, 1) };
 * ```
 */
export interface TimeSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * What is missing from `[start, end)` given the stored ranges (first and last event of each, sorted or
 * not): the time before the first stored event, after the last one, and with `fillGaps` the holes
 * between stored ranges. `step` is the smallest distance between two events that leaves nothing out
 * between them: a bar's length for bars (the bar after one at `t` is at `t + step`), 1 ms for trades.
 *
 * @example
 * ```ts
 * missingSpans([{ first: 100, last: 200 }], 0, 1000, 10, false); // [{ start: 0, end: 100 }, { start: 210, end: 1000 }]
 * ```
 */
export function missingSpans(ranges: readonly { first: number; last: number }[], start: number, end: number, step: number, fillGaps: boolean): TimeSpan[] {
  const inside = ranges.filter((r) => r.last >= start && r.first < end).sort((a, b) => a.first - b.first);
  if (inside.length === 0) return start < end ? [{ start, end }] : [];
  const out: TimeSpan[] = [];
  if (inside[0]!.first > start) out.push({ start, end: inside[0]!.first });
  if (fillGaps) {
    for (let i = 1; i < inside.length; i++) {
      const from = inside[i - 1]!.last + step;
      if (inside[i]!.first > from) out.push({ start: from, end: inside[i]!.first });
    }
  }
  const from = Math.max(start, Math.max(...inside.map((r) => r.last)) + step);
  if (from < end) out.push({ start: from, end });
  return out;
}

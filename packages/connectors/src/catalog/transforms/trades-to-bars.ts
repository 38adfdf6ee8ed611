/**
 * `tradesToBars`: reads an instrument's trades from a catalog and writes the bars built from them
 * (time, tick, volume or value bars: `TradeBarAggregator` of `@rxtrade/core`) back as a bar series of
 * its own, streaming: the trades are read a chunk at a time and the bars written as they complete, so
 * memory holds one chunk of trades and its bars whatever the range.
 *
 * The series is stored under the instrument id {@link barSeriesId} gives (`BTCUSDT.BINANCE-100-TICK-LAST`,
 * `GOOG.NASDAQ-1-MINUTE-LAST`), beside the instrument's own bars, and is queried like any bars. The
 * write is the catalog's: all or nothing, refused over stored bars of the series unless `onOverlap`
 * says how to merge.
 */
import {
  barSeriesId,
  MARKET_DATA_CHUNKS,
  parseWith,
  TradeBarAggregator,
  TradeBarSpecSchema,
  ValidationError,
  type Bar,
  type InstrumentId,
  type Trade,
  type TradeBar,
} from '@rxtrade/core';
import { z } from 'zod';
import type { MarketDataCatalog } from '../market-data-catalog';

const time = z.union([z.number().int().nonnegative(), z.date().transform((d) => d.getTime())]);
const isCatalog = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && typeof (v as MarketDataCatalog).query === 'function' && typeof (v as MarketDataCatalog).write === 'function';

/**
 * Schema of {@link tradesToBars}' options.
 *
 * @example
 * ```ts
 * parseWith(TradesToBarsOptionsSchema, { instrumentId: 'BTCUSDT.BINANCE', bars: { type: 'tick', trades: 100 } }, 'options');
 * ```
 */
export const TradesToBarsOptionsSchema = z
  .strictObject({
    /** The instrument whose trades are read. */
    instrumentId: z.string().min(1),
    /**
     * The bars to build (a `TradeBarSpec`). `closeAt: 'trade'` and `split: true` are refused: they can
     * make two bars of one time, which a catalog does not store.
     */
    bars: TradeBarSpecSchema,
    /** First trade time read, epoch ms UTC or a Date (default: the earliest stored). */
    start: time.optional(),
    /**
     * First trade time not read (default: after the latest stored). Time bars: the periods that end
     * by `end` are complete; one that reaches past it is the partial last bar.
     */
    end: time.optional(),
    /** The id the bars are stored under (default `barSeriesId(instrumentId, bars)`). */
    seriesId: z.string().min(1).optional(),
    /** The catalog the bars are written to (default: the one the trades are read from). */
    target: z.custom<MarketDataCatalog>(isCatalog, { message: 'must be a MarketDataCatalog' }).optional(),
    /** Bars of the series already stored over the range: `'error'` (default), `'replace'` or `'skip'`, as `catalog.write`. */
    onOverlap: z.enum(['error', 'replace', 'skip']).default('error'),
    /** Stops the transform: the write fails and the catalog is left as it was. */
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, { message: 'must be an AbortSignal' }).optional(),
  })
  .superRefine((o, ctx) => {
    if (o.bars.type !== 'time' && o.bars.closeAt === 'trade')
      ctx.addIssue({ code: 'custom', path: ['bars', 'closeAt'], message: "must be 'millisecond' here: with 'trade' two bars may share a time, which a catalog does not store" });
    if ((o.bars.type === 'volume' || o.bars.type === 'value') && o.bars.split)
      ctx.addIssue({ code: 'custom', path: ['bars', 'split'], message: 'must be false here: the parts of a split trade make bars of one time, which a catalog does not store' });
    if (o.start !== undefined && o.end !== undefined && o.end < o.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must not be before start' });
  });
/**
 * Options of {@link tradesToBars}.
 *
 * @example
 * ```ts
 * const options: TradesToBarsOptions = { instrumentId: 'BTCUSDT.BINANCE', bars: { type: 'value', value: 1_000_000 }, start: Date.UTC(2024, 0, 1) };
 * ```
 */
export type TradesToBarsOptions = z.input<typeof TradesToBarsOptionsSchema>;

/**
 * What {@link tradesToBars} did.
 *
 * @example
 * ```ts
 * const { seriesId, trades, rows } = await tradesToBars(catalog, options);
 * ```
 */
export interface TradesToBarsSummary {
  /** The id the bars were written under. */
  readonly seriesId: InstrumentId;
  /** Trades read. */
  readonly trades: number;
  /** Bars built. */
  readonly bars: number;
  /** Bars written, skipped (stored bars cover their time) and stored bars replaced, as `catalog.write` counts them. */
  readonly rows: number;
  readonly skipped: number;
  readonly replaced: number;
}

/**
 * Builds bars from an instrument's trades in a catalog and writes them back as a bar series, streaming.
 *
 * @example
 * ```ts
 * const summary = await tradesToBars(catalog, { instrumentId: 'BTCUSDT.BINANCE', bars: { type: 'volume', volume: 50 } });
 * for await (const bar of catalog.query({ dataType: 'bars', instruments: [summary.seriesId] })) console.log(bar.ts, bar.close);
 * ```
 */
export async function tradesToBars(catalog: MarketDataCatalog, options: TradesToBarsOptions): Promise<TradesToBarsSummary> {
  if (!isCatalog(catalog)) throw new ValidationError([{ path: ['catalog'], message: 'must be a MarketDataCatalog' }]);
  const o = parseWith(TradesToBarsOptionsSchema, options, 'options');
  const seriesId = (o.seriesId ?? barSeriesId(o.instrumentId, o.bars)) as InstrumentId;
  if (seriesId === o.instrumentId) throw new ValidationError([{ path: ['options', 'seriesId'], message: 'must differ from instrumentId (the instrument may have bars of its own)' }]);
  const aggregator = new TradeBarAggregator(o.bars, 'tradesToBars');
  let trades = 0;
  let built = 0;

  async function* bars(): AsyncGenerator<Bar> {
    const query = catalog.query({ dataType: 'trades', instruments: [o.instrumentId], ...(o.start !== undefined && { start: o.start }), ...(o.end !== undefined && { end: o.end }) });
    const chunks = query[MARKET_DATA_CHUNKS]();
    const out: Bar[] = [];
    // Plain bars: the catalog stores the OHLCV columns, and the series has its own id.
    const emit = (b: TradeBar): void => {
      out.push({ type: 'Bar', instrumentId: seriesId, ts: b.ts, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume });
    };
    try {
      for (let r = await chunks.next(); !r.done; r = await chunks.next()) {
        o.signal?.throwIfAborted();
        for (const t of r.value as readonly Trade[]) aggregator.push(t, emit);
        trades += r.value.length;
        built += out.length;
        yield* out;
        out.length = 0;
      }
      if (o.end !== undefined) aggregator.advanceTo(o.end, emit);
      aggregator.finish(emit);
      built += out.length;
      yield* out;
    } finally {
      await chunks.return?.();
    }
  }

  const counts = await (o.target ?? catalog).write(bars(), { onOverlap: o.onOverlap });
  return { seriesId, trades, bars: built, rows: counts.rows, skipped: counts.skipped, replaced: counts.replaced };
}

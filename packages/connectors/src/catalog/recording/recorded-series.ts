/**
 * The queries that replay a recorded session: one per data type, in a fixed order, which `runBacktest`
 * merges by time (ties by the order of the series, then of the instruments, then as written).
 */
import { z } from 'zod';
import { parseWith, type Instrument, type InstrumentId, type MarketData } from '@rxtrade/core';
import type { CatalogDataType } from '../catalog-layout';
import type { CatalogQueryResult } from '../catalog-reader';
import type { MarketDataCatalog } from '../market-data-catalog';

/**
 * The data types of a recorded session in the order {@link recordedSeries} returns them: at one
 * millisecond a book snapshot replays before a book change, then quotes, trades and bars.
 */
export const RECORDED_ORDER: readonly CatalogDataType[] = ['book-snapshots', 'book-deltas', 'quotes', 'trades', 'bars'];

const time = z.union([z.number(), z.date().transform((d) => d.getTime())]);

/**
 * Schema of {@link RecordedSeriesOptions}.
 *
 * @example
 * ```ts
 * RecordedSeriesOptionsSchema.parse({ instruments: ['BTC/USDT.BINANCE'], dataTypes: ['trades', 'quotes'] });
 * ```
 */
export const RecordedSeriesOptionsSchema = z.strictObject({
  /** The instruments, by id or definition; at one millisecond, events of the first come first. */
  instruments: z.array(z.union([z.string().min(1), z.looseObject({ id: z.string().min(1) }).transform((i) => i.id)])).min(1, 'must name at least one instrument'),
  /** The data types to replay (default: all five), replayed in {@link RECORDED_ORDER} whatever the order given. */
  dataTypes: z.array(z.enum(RECORDED_ORDER as [CatalogDataType, ...CatalogDataType[]])).min(1, 'must name at least one data type').optional(),
  /** First time included, epoch ms or a Date (default: the earliest stored). */
  start: time.optional(),
  /** First time excluded (default: after the latest stored). */
  end: time.optional(),
});

/**
 * Options of {@link recordedSeries}.
 *
 * @example
 * ```ts
 * const options: RecordedSeriesOptions = { instruments: [btc], dataTypes: ['trades'], start: Date.UTC(2024, 0, 1) };
 * ```
 */
export interface RecordedSeriesOptions {
  readonly instruments: readonly (InstrumentId | string | Pick<Instrument, 'id'>)[];
  readonly dataTypes?: readonly CatalogDataType[];
  readonly start?: number | Date;
  readonly end?: number | Date;
}

/**
 * The series of a recorded session, one catalog query per data type in {@link RECORDED_ORDER}: pass
 * them as `runBacktest`'s `data`, which merges them by time, to replay what a `CatalogRecorder` wrote.
 *
 * @example
 * ```ts
 * const result = await runBacktest(pipeline, {
 *   data: recordedSeries(catalog, { instruments: [btc] }),
 *   instruments: [btc],
 *   ledger: { startingCash: 10_000 },
 * });
 * ```
 */
export function recordedSeries(catalog: MarketDataCatalog, options: RecordedSeriesOptions): CatalogQueryResult<MarketData>[] {
  const o = parseWith(RecordedSeriesOptionsSchema, options, 'options');
  const wanted = new Set(o.dataTypes ?? RECORDED_ORDER);
  return RECORDED_ORDER.filter((t) => wanted.has(t)).map(
    (dataType) =>
      catalog.query({
        dataType,
        instruments: o.instruments,
        ...(o.start !== undefined ? { start: o.start } : {}),
        ...(o.end !== undefined ? { end: o.end } : {}),
      }) as CatalogQueryResult<MarketData>,
  );
}

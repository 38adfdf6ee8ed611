/**
 * Options of the Parquet catalog, checked with zod at each call: unknown keys are errors naming the key,
 * and a bad value names its field.
 */
import { z } from 'zod';
import type { Instrument, InstrumentId } from '@rxtrade/core';
import { CatalogDataType, DATA_TYPES, MAX_TS } from './catalog-layout';

const dataType = z.enum(DATA_TYPES as [CatalogDataType, ...CatalogDataType[]]);

/**
 * Schema of {@link ParquetCatalogConfig}.
 *
 * @example
 * ```ts
 * ParquetCatalogConfigSchema.parse({ threads: 2, memoryLimit: '1GB' });
 * ```
 */
export const ParquetCatalogConfigSchema = z.strictObject({
  /** DuckDB worker threads (default: DuckDB's, one per core). */
  threads: z.number().int().positive().optional(),
  /** DuckDB's memory limit, such as `'1GB'` (default: 80% of the machine's memory); beyond it, writes spill to `<root>/.tmp`. */
  memoryLimit: z.string().regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'must be a size such as "512MB" or "2GB"').optional(),
});
/** Options of {@link ParquetCatalog.open}. */
export type ParquetCatalogConfig = z.input<typeof ParquetCatalogConfigSchema>;

/** How a write treats data over a time range the catalog already holds. */
export const OnOverlap = { ERROR: 'error', REPLACE: 'replace', SKIP: 'skip' } as const;
export type OnOverlap = (typeof OnOverlap)[keyof typeof OnOverlap];

/**
 * Schema of {@link CatalogWriteOptions}.
 *
 * @example
 * ```ts
 * CatalogWriteOptionsSchema.parse({ onOverlap: 'skip' });
 * ```
 */
export const CatalogWriteOptionsSchema = z.strictObject({
  /**
   * `'error'` (the default): refuse the write when any of its data falls within the time range of data
   * stored for the same instrument and data type; `'replace'`: remove the stored data from the first to
   * the last time written (per instrument and data type), then write; `'skip'`: keep the stored data and
   * write only the events outside its ranges.
   */
  onOverlap: z.enum(['error', 'replace', 'skip']).default('error'),
});
/** Options of {@link ParquetCatalog.write}. */
export type CatalogWriteOptions = z.input<typeof CatalogWriteOptionsSchema>;

/** A time bound of a query: epoch milliseconds or a Date, a whole millisecond from 1970 to 9999. */
export const time = z.union([z.number(), z.date().transform((d) => d.getTime())]).pipe(z.number().int('must be a whole number of milliseconds').min(0).max(MAX_TS + 1));
const instrument = z.union([z.string().min(1), z.looseObject({ id: z.string().min(1) }).transform((i) => i.id)]);

/**
 * Schema of {@link CatalogQuery}.
 *
 * @example
 * ```ts
 * CatalogQuerySchema.parse({ dataType: 'bars', instruments: ['GOOG.NASDAQ'], start: Date.UTC(2005, 0, 1) });
 * ```
 */
export const CatalogQuerySchema = z
  .strictObject({
    dataType,
    instruments: z.array(instrument).min(1, 'must name at least one instrument'),
    start: time.optional(),
    end: time.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.start !== undefined && q.end !== undefined && q.end < q.start)
      ctx.addIssue({ code: 'custom', path: ['end'], message: `must not be before start (${new Date(q.start).toISOString()})` });
    const seen = new Set<string>();
    q.instruments.forEach((id, i) => {
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: ['instruments', i], message: `${id} is named twice` });
      seen.add(id);
    });
  });

/** A query of {@link ParquetCatalog.query}. */
export interface CatalogQuery<T extends CatalogDataType = CatalogDataType> {
  /** What to read: `'bars'`, `'quotes'`, `'trades'`, `'book-deltas'` or `'book-snapshots'`. */
  readonly dataType: T;
  /**
   * The instruments, by id or definition. Their events are merged by time; events of the same time are
   * ordered by this list, then as they were written.
   */
  readonly instruments: readonly (InstrumentId | string | Pick<Instrument, 'id'>)[];
  /** First time included, epoch milliseconds UTC or a Date (default: the earliest stored). */
  readonly start?: number | Date;
  /** First time excluded, epoch milliseconds UTC or a Date (default: after the latest stored). */
  readonly end?: number | Date;
}

const column = z.string().min(1).optional();

/**
 * Schema of {@link ImportParquetOptions}.
 *
 * @example
 * ```ts
 * ImportParquetOptionsSchema.parse({ dataType: 'bars', instrumentId: 'BTCUSDT.BINANCE', columns: { ts: 'open_time', volume: 'vol' }, timestampUnit: 'ms' });
 * ```
 */
export const ImportParquetOptionsSchema = z.strictObject({
  /** What the file holds: `'bars'`, `'quotes'` or `'trades'`. */
  dataType: z.enum(['bars', 'quotes', 'trades']),
  /** The instrument of every row. */
  instrumentId: z.string().min(1),
  /**
   * The file's column of each field, where its name differs from the field's: `ts`, then `open`, `high`,
   * `low`, `close`, `volume` (bars), `bid`, `ask`, `bidSize`, `askSize` (quotes) or `price`, `size`,
   * `aggressor`, `tradeId` (trades; without an aggressor column every trade's is `NONE`, without a trade
   * id column it is the row number).
   */
  columns: z
    .strictObject({
      ts: column,
      open: column,
      high: column,
      low: column,
      close: column,
      volume: column,
      bid: column,
      ask: column,
      bidSize: column,
      askSize: column,
      price: column,
      size: column,
      aggressor: column,
      tradeId: column,
    })
    .default({}),
  /**
   * What an integer time column counts: `'s'`, `'ms'` (the default), `'us'` or `'ns'`. A TIMESTAMP or
   * DATE column is read as the instant it is; a time that is not a whole millisecond is an error.
   */
  timestampUnit: z.enum(['s', 'ms', 'us', 'ns']).default('ms'),
});
/** Options of {@link ParquetCatalog.importParquet}. */
export type ImportParquetOptions = z.input<typeof ImportParquetOptionsSchema>;

/**
 * Schema of {@link ConsolidateOptions}.
 *
 * @example
 * ```ts
 * ConsolidateOptionsSchema.parse({ dataType: 'bars', instruments: ['GOOG.NASDAQ'] });
 * ```
 */
export const ConsolidateOptionsSchema = z.strictObject({
  /** Only this data type (default: all). */
  dataType: dataType.optional(),
  /** Only these instruments (default: all). */
  instruments: z.array(instrument).optional(),
});
/** Options of {@link ParquetCatalog.consolidate}. */
export type ConsolidateOptions = z.input<typeof ConsolidateOptionsSchema>;

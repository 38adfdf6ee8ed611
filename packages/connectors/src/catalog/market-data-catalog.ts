/**
 * What every market-data catalog offers, whatever stores it: `ParquetCatalog` (Parquet files in a
 * folder, read through an in-process DuckDB) and `PostgresCatalog` (tables on a PostgreSQL server).
 * Both refuse overlapping writes unless told how to merge, write all or nothing, stream queries in
 * bounded memory merged by time with the same tie rule, and return every number bit for bit.
 */
import { MarketDataValidator, ValidationError, type InstrumentId, type MarketData } from '@rxtrade/core';
import type { ReadBarsCsvOptions } from '../read-bars-csv';
import type { CatalogQuery, CatalogWriteOptions, ConsolidateOptions } from './catalog-config';
import type { CatalogQueryResult } from './catalog-reader';
import { MAX_TS, type CatalogDataType, type CatalogEventOf } from './catalog-layout';

/**
 * A stored time range of one instrument and data type: a file of a `ParquetCatalog`, a row of the
 * ranges table of a `PostgresCatalog`. Ranges of one instrument and type never overlap, never cross a
 * UTC year, and run from their first stored event to their last: a write over any part of a range,
 * gaps between its events included, is an overlap.
 *
 * @example
 * ```ts
 * for (const r of await catalog.ranges({ dataType: 'bars' })) console.log(r.instrumentId, new Date(r.first), new Date(r.last));
 * ```
 */
export interface CatalogRange {
  readonly dataType: CatalogDataType;
  readonly instrumentId: InstrumentId;
  /** UTC year of its events. */
  readonly year: number;
  /** Time of its first event, epoch milliseconds UTC. */
  readonly first: number;
  /** Time of its last event, epoch milliseconds UTC. */
  readonly last: number;
}

/**
 * What a write did, in any catalog.
 *
 * @example
 * ```ts
 * const { rows, skipped, replaced }: CatalogWriteCounts = await catalog.write(bars, { onOverlap: 'skip' });
 * ```
 */
export interface CatalogWriteCounts {
  /** Events written. */
  readonly rows: number;
  /** Events not written because stored data covers their time (`onOverlap: 'skip'`). */
  readonly skipped: number;
  /** Stored events removed because the write covered their time (`onOverlap: 'replace'`). */
  readonly replaced: number;
}

/**
 * What a consolidation did: the stored ranges (files of a `ParquetCatalog`) before and after.
 *
 * @example
 * ```ts
 * const { partitions, filesBefore, filesAfter }: ConsolidateResult = await catalog.consolidate();
 * ```
 */
export interface ConsolidateResult {
  /** Partitions (instrument, data type, year) whose ranges were merged. */
  readonly partitions: number;
  /** Ranges (files) before and after. */
  readonly filesBefore: number;
  readonly filesAfter: number;
}

/**
 * A market-data catalog: writes events of any type and instrument without overlaps, streams them back
 * merged by time, lists and consolidates its stored ranges. `ParquetCatalog` and `PostgresCatalog`
 * implement it with the same rules and results.
 *
 * @example
 * ```ts
 * async function copyBars(from: MarketDataCatalog, to: MarketDataCatalog, ids: string[]): Promise<number> {
 *   return (await to.write(from.query({ dataType: 'bars', instruments: ids }))).rows;
 * }
 * ```
 */
export interface MarketDataCatalog {
  /**
   * Writes events (each instrument's events of a type in time order, bars strictly), all or nothing;
   * data over a stored range is a `CatalogOverlapError` unless `onOverlap` is `'replace'` or `'skip'`.
   */
  write(data: Iterable<MarketData> | AsyncIterable<MarketData>, options?: CatalogWriteOptions): Promise<CatalogWriteCounts>;
  /** Imports a CSV file of bars through `readBarsCsv`'s options, streaming it. */
  importBarsCsv(path: string, csv: ReadBarsCsvOptions, options?: CatalogWriteOptions): Promise<CatalogWriteCounts>;
  /**
   * The events of some instruments of one type from `start` (included) to `end` (excluded), merged by
   * time; ties in the order of `instruments`, then as written. Each iteration reads the catalog anew.
   */
  query<T extends CatalogDataType>(query: CatalogQuery<T>): CatalogQueryResult<CatalogEventOf[T]>;
  /** The stored ranges, by data type, instrument and time. */
  ranges(filter?: ConsolidateOptions): Promise<CatalogRange[]>;
  /** Merges the ranges of each partition (instrument, data type, year) into one; queries return the same events after. */
  consolidate(options?: ConsolidateOptions): Promise<ConsolidateResult>;
  /** Releases the catalog's resources. */
  close(): void | Promise<void>;
}

/**
 * Checks one event of a write as every catalog does: `runBacktest`'s validation (fields, and time order
 * per instrument), whole milliseconds from 1970 to 9999, and book sequences that are safe integers.
 */
export function checkCatalogEvent(validator: MarketDataValidator, e: MarketData, i: number, label: string): void {
  validator.check(e, i);
  if (!Number.isInteger(e.ts) || e.ts < 0 || e.ts > MAX_TS)
    throw new ValidationError([{ path: [label, i, 'ts'], message: `must be a whole number of milliseconds from 0 (1970) to ${MAX_TS} (9999), got ${e.ts}` }]);
  if ((e.type === 'OrderBookDelta' || e.type === 'OrderBookSnapshot') && !Number.isSafeInteger(e.sequence))
    throw new ValidationError([{ path: [label, i, 'sequence'], message: `must be a safe integer, got ${e.sequence}` }]);
}

/**
 * The folder layout of a {@link ParquetCatalog}, shared by its writer and reader:
 *
 * ```text
 * <root>/<data type>/<instrument id>/<yyyy>/<first>_<last>.parquet
 * ```
 *
 * `<data type>` is one of {@link CatalogDataType}; `<instrument id>` is the id with every character
 * outside `A-Z a-z 0-9 . _ -` percent-encoded (and a leading dot as `%2E`); `<yyyy>` is the UTC year of
 * every row in the folder; `<first>` and `<last>` are the UTC times of the file's first and last rows in
 * the ISO 8601 basic format (`20240102T143000.000Z`), so that names sort in time order. The files of one
 * instrument and data type never overlap in time. Names that start with a dot are the catalog's own
 * work in progress and are never read.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Bar, InstrumentId, MarketData, OrderBookDelta, OrderBookSnapshot, Quote, Trade } from '@rxtrade/core';
import { CatalogFileError } from './catalog-errors';

/**
 * The kinds of data a catalog stores, one top-level folder each.
 *
 * @example
 * ```ts
 * const bars = catalog.query({ dataType: CatalogDataType.BARS, instruments: [goog.id] });
 * ```
 */
export const CatalogDataType = {
  BARS: 'bars',
  QUOTES: 'quotes',
  TRADES: 'trades',
  BOOK_DELTAS: 'book-deltas',
  BOOK_SNAPSHOTS: 'book-snapshots',
} as const;
export type CatalogDataType = (typeof CatalogDataType)[keyof typeof CatalogDataType];

/** The event type stored under each {@link CatalogDataType}. */
export interface CatalogEventOf {
  readonly bars: Bar;
  readonly quotes: Quote;
  readonly trades: Trade;
  readonly 'book-deltas': OrderBookDelta;
  readonly 'book-snapshots': OrderBookSnapshot;
}

export const DATA_TYPES: readonly CatalogDataType[] = Object.values(CatalogDataType);

/** The data type an event is stored under. */
export function dataTypeOf(event: MarketData): CatalogDataType {
  switch (event.type) {
    case 'Bar':
      return 'bars';
    case 'Quote':
      return 'quotes';
    case 'Trade':
      return 'trades';
    case 'OrderBookDelta':
      return 'book-deltas';
    case 'OrderBookSnapshot':
      return 'book-snapshots';
  }
}

const LEVELS = 'STRUCT(price DOUBLE, size DOUBLE)[]';

/**
 * The columns of each data type's files, in order, with their DuckDB types (Parquet INT64, DOUBLE,
 * BYTE_ARRAY UTF8 and LIST of STRUCT). Prices and sizes are IEEE 754 doubles: the numbers written are
 * the numbers read, bit for bit.
 */
export const CATALOG_COLUMNS: Readonly<Record<CatalogDataType, readonly (readonly [name: string, type: string])[]>> = {
  bars: [['instrument_id', 'VARCHAR'], ['ts', 'BIGINT'], ['open', 'DOUBLE'], ['high', 'DOUBLE'], ['low', 'DOUBLE'], ['close', 'DOUBLE'], ['volume', 'DOUBLE']],
  quotes: [['instrument_id', 'VARCHAR'], ['ts', 'BIGINT'], ['bid', 'DOUBLE'], ['ask', 'DOUBLE'], ['bid_size', 'DOUBLE'], ['ask_size', 'DOUBLE']],
  trades: [['instrument_id', 'VARCHAR'], ['ts', 'BIGINT'], ['price', 'DOUBLE'], ['size', 'DOUBLE'], ['aggressor', 'VARCHAR'], ['trade_id', 'VARCHAR']],
  'book-deltas': [['instrument_id', 'VARCHAR'], ['ts', 'BIGINT'], ['sequence', 'BIGINT'], ['bids', LEVELS], ['asks', LEVELS]],
  'book-snapshots': [['instrument_id', 'VARCHAR'], ['ts', 'BIGINT'], ['sequence', 'BIGINT'], ['bids', LEVELS], ['asks', LEVELS]],
};

/** The latest time a catalog stores: 9999-12-31T23:59:59.999Z (file names have four-digit years). */
export const MAX_TS = 253_402_300_799_999;

/** The folder name of an instrument id. */
export function instrumentFolder(id: string): string {
  const encoded = id.replace(/[^A-Za-z0-9._-]/g, (c) =>
    Array.from(new TextEncoder().encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  return encoded.startsWith('.') ? `%2E${encoded.slice(1)}` : encoded;
}

/** The instrument id of a folder name. */
export function instrumentOfFolder(folder: string): InstrumentId {
  return decodeURIComponent(folder) as InstrumentId;
}

/** `20240102T143000.000Z`: a UTC time in ISO 8601 basic format, milliseconds included. */
export function basicTime(ts: number): string {
  return new Date(ts).toISOString().replace(/[-:]/g, '');
}

const NAME = /^(\d{8}T\d{6}\.\d{3}Z)_(\d{8}T\d{6}\.\d{3}Z)\.parquet$/;

function parseBasicTime(s: string): number {
  return Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 11)}:${s.slice(11, 13)}:${s.slice(13)}`);
}

/** The file name of rows from `first` to `last` (inclusive). */
export function partFileName(first: number, last: number): string {
  return `${basicTime(first)}_${basicTime(last)}.parquet`;
}

/** The UTC year of a time. */
export function yearOf(ts: number): number {
  return new Date(ts).getUTCFullYear();
}

/** One data file of the catalog. */
export interface CatalogFile {
  /** Absolute path of the file. */
  readonly path: string;
  readonly dataType: CatalogDataType;
  readonly instrumentId: InstrumentId;
  /** UTC year of its rows (its folder). */
  readonly year: number;
  /** Time of its first row, epoch milliseconds UTC. */
  readonly first: number;
  /** Time of its last row, epoch milliseconds UTC. */
  readonly last: number;
}

const isDir = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The files of one instrument and data type, sorted by time. A file or folder in the layout that is not
 * the catalog's (a name that does not parse, a file in the wrong year, a range that runs backwards, two
 * files whose ranges overlap) is a {@link CatalogFileError} naming it.
 */
export function listInstrumentFiles(root: string, dataType: CatalogDataType, id: string): CatalogFile[] {
  const dir = join(root, dataType, instrumentFolder(id));
  if (!isDir(dir)) return [];
  const files: CatalogFile[] = [];
  for (const yearName of readdirSync(dir).sort()) {
    if (yearName.startsWith('.')) continue;
    const yearDir = join(dir, yearName);
    if (!/^\d{4}$/.test(yearName) || !isDir(yearDir))
      throw new CatalogFileError(yearDir, `is not a year folder of the catalog (expected <yyyy> under ${dataType}/${instrumentFolder(id)})`);
    const year = Number(yearName);
    for (const name of readdirSync(yearDir).sort()) {
      if (name.startsWith('.')) continue;
      const path = join(yearDir, name);
      const m = NAME.exec(name);
      const first = m ? parseBasicTime(m[1]!) : NaN;
      const last = m ? parseBasicTime(m[2]!) : NaN;
      if (!m || !Number.isFinite(first) || !Number.isFinite(last) || first > last)
        throw new CatalogFileError(path, 'is not a file of the catalog: its name must be <first>_<last>.parquet, two UTC times such as 20240102T143000.000Z');
      if (yearOf(first) !== year || yearOf(last) !== year) throw new CatalogFileError(path, `holds times outside its year folder ${yearName}`);
      files.push({ path, dataType, instrumentId: id as InstrumentId, year, first, last });
    }
  }
  for (let i = 1; i < files.length; i++)
    if (files[i]!.first <= files[i - 1]!.last) throw new CatalogFileError(files[i]!.path, `overlaps ${files[i - 1]!.path}: the files of an instrument must not overlap in time`);
  return files;
}

/** The instrument ids that have a folder under a data type. */
export function listInstruments(root: string, dataType: CatalogDataType): InstrumentId[] {
  const dir = join(root, dataType);
  if (!isDir(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.') && isDir(join(dir, name)))
    .sort()
    .map(instrumentOfFolder);
}

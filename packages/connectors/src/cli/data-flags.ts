/**
 * Flags and helpers that several `rxtrade data` subcommands share: where the catalog is, which data type,
 * times given as dates, ISO times or epoch milliseconds, and the row counts of catalog files.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { instrumentId, type InstrumentId } from '@rxtrade/core';
import { ParquetCatalog } from '../catalog/parquet-catalog';
import { DATA_TYPES, MAX_TS, type CatalogDataType, type CatalogFile } from '../catalog/catalog-layout';
import { sqlString } from '../catalog/catalog-reader';
import { DataUsageError, type DataCliIo } from './data-io';

/** The environment variable that names the catalog folder when `--catalog` is not given. */
export const CATALOG_ENV = 'RXTRADE_CATALOG';

/** `--catalog` and `--json`, which every subcommand takes. */
export const commonFlags = {
  catalog: { type: 'string', requiresArg: true, describe: `the catalog folder (default: $${CATALOG_ENV})` },
  json: { type: 'boolean', default: false, describe: 'print one JSON object on stdout' },
} as const;

/** `--start` and `--end`. */
export const rangeFlags = {
  start: { type: 'string', requiresArg: true, describe: 'first time included: 2024-01-31, 2024-01-31T09:30:00Z (UTC when no offset) or epoch milliseconds' },
  end: { type: 'string', requiresArg: true, describe: 'first time excluded, written as --start' },
} as const;

/** A path as given, resolved against the io's folder. */
export function resolvePath(io: DataCliIo, path: string): string {
  return isAbsolute(path) ? path : resolve(io.cwd ?? process.cwd(), path);
}

/** The catalog folder from `--catalog` or `$RXTRADE_CATALOG`; a missing one is a usage error. */
export function catalogFolder(io: DataCliIo, flag: string | undefined, options: { mustExist: boolean }): string {
  const given = flag ?? (io.env ?? process.env)[CATALOG_ENV];
  if (given === undefined || given === '') throw new DataUsageError(`--catalog <folder> is required (or set ${CATALOG_ENV})`);
  const dir = resolvePath(io, given);
  const from = flag === undefined ? `$${CATALOG_ENV}` : '--catalog';
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new DataUsageError(`${from}: ${dir} is not a folder`);
  if (options.mustExist && !existsSync(dir)) throw new DataUsageError(`${from}: no catalog at ${dir} (no such folder)`);
  return dir;
}

/** Opens the catalog of `--catalog`, runs `fn` and closes it, whatever `fn` does. */
export async function withCatalog<T>(io: DataCliIo, flag: string | undefined, options: { mustExist: boolean }, fn: (catalog: ParquetCatalog) => Promise<T>): Promise<T> {
  const catalog = await ParquetCatalog.open(catalogFolder(io, flag, options));
  try {
    return await fn(catalog);
  } finally {
    catalog.close();
  }
}

/** The data type of `--type`. */
export function dataTypeOf(value: string | undefined): CatalogDataType {
  const type = value ?? 'bars';
  if (!(DATA_TYPES as readonly string[]).includes(type)) throw new DataUsageError(`--type: ${JSON.stringify(type)} is not a data type: one of ${DATA_TYPES.join(', ')}`);
  return type as CatalogDataType;
}

/** The instrument id of `--instrument`, required. */
export function instrumentOf(value: string | undefined, flag = '--instrument'): InstrumentId {
  if (value === undefined || value.trim() === '') throw new DataUsageError(`${flag} <id> is required (an instrument id such as GOOG.NASDAQ or BTC/USDT.BINANCE)`);
  return instrumentId(value.trim());
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A time of `--start` or `--end` in epoch milliseconds UTC: a date (`2024-01-31`, midnight UTC), a date
 * and time (`2024-01-31T09:30:00.250Z`, UTC when written without an offset) or epoch milliseconds.
 * Anything else, a day that does not exist included, is a usage error naming the flag.
 */
export function parseTime(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  let ts: number;
  if (/^\d+$/.test(text)) ts = Number(text);
  else {
    const d = DATE.exec(text);
    const t = d ? undefined : DATE_TIME.exec(text);
    const m = d ?? t;
    if (!m) throw new DataUsageError(`${flag}: ${JSON.stringify(value)} is not a time: write 2024-01-31, 2024-01-31T09:30:00Z or epoch milliseconds`);
    const [y, mo, day, h = '0', mi = '0', s = '0', ms = '0'] = m.slice(1, 8).map((x) => x ?? undefined) as string[];
    const fields = [Number(y), Number(mo) - 1, Number(day), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, '0'))] as const;
    const utc = Date.UTC(...fields);
    const check = new Date(utc);
    if (check.getUTCFullYear() !== fields[0] || check.getUTCMonth() !== fields[1] || check.getUTCDate() !== fields[2] || check.getUTCHours() !== fields[3] || check.getUTCMinutes() !== fields[4] || check.getUTCSeconds() !== fields[5])
      throw new DataUsageError(`${flag}: ${JSON.stringify(value)} is not a time: there is no such day or time of day`);
    const zone = t?.[8];
    ts = utc - zoneOffsetMs(zone);
  }
  if (!Number.isSafeInteger(ts) || ts < 0 || ts > MAX_TS + 1) throw new DataUsageError(`${flag}: ${JSON.stringify(value)} is outside the years 1970 to 9999`);
  return ts;
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/** `--start` and `--end` as a range, checked: the end must not be before the start. */
export function parseRange(values: { start?: string | undefined; end?: string | undefined }): { start: number | undefined; end: number | undefined } {
  const start = parseTime('--start', values.start);
  const end = parseTime('--end', values.end);
  if (start !== undefined && end !== undefined && end < start) throw new DataUsageError(`--end: ${values.end} is before --start ${values.start}`);
  return { start, end };
}

/** An epoch-milliseconds time as ISO 8601 UTC. */
export const iso = (ts: number): string => new Date(ts).toISOString();

/**
 * The number of rows and the size of each file, read from the Parquet footers (no row is read), in the
 * order of `files`.
 */
export async function fileStats(files: readonly CatalogFile[]): Promise<{ rows: number; bytes: number }[]> {
  if (files.length === 0) return [];
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const duck = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const con = await duck.connect();
  try {
    const stats = new Map<string, { rows: number; bytes: number }>();
    // A few hundred files a statement keeps the SQL text small for catalogs of many files.
    for (let i = 0; i < files.length; i += 500) {
      const list = files
        .slice(i, i + 500)
        .map((f) => sqlString(f.path))
        .join(', ');
      const result = await con.runAndReadAll(`SELECT file_name, num_rows, file_size_bytes FROM parquet_file_metadata([${list}])`);
      for (const [name, rows, bytes] of result.getRows()) stats.set(String(name), { rows: Number(rows), bytes: Number(bytes) });
    }
    return files.map((f) => {
      const s = stats.get(f.path);
      if (s === undefined) throw new Error(`${f.path}: DuckDB returned no footer for it`);
      return s;
    });
  } finally {
    con.closeSync();
    duck.closeSync();
  }
}

/** Whole numbers with thousands separators, for the readable output. */
export const count = (n: number): string => n.toLocaleString('en-US');


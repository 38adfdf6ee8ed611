/**
 * `rxtrade data import <file> --instrument <id>`: a CSV file of bars (with `readBarsCsv`'s column
 * mapping and presets) or a Parquet file of bars, quotes or trades written elsewhere, into the catalog.
 */
import { extname, relative } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { BarsCsvPresets, ValidationError, type Bar } from '@rxtrade/core';
import { CatalogOverlapError } from '../catalog/catalog-errors';
import type { CatalogWriteResult } from '../catalog/parquet-catalog';
import { ReadBarsCsvOptionsSchema, streamBarsCsv, type ReadBarsCsvOptions } from '../read-bars-csv';
import { defineDataCommand, type DataCliArgv, type DataCliOptions } from './data-command';
import { commonFlags, count, instrumentOf, iso, resolvePath, withCatalog } from './data-flags';
import { DataUsageError, println, type DataCliIo } from './data-io';
import { DataProgress } from './data-progress';

const options = {
  instrument: { alias: 'i', type: 'string', requiresArg: true, describe: 'the instrument id of every row (GOOG.NASDAQ, BTC/USDT.BINANCE)' },
  ...commonFlags,
  from: { type: 'string', requiresArg: true, choices: ['csv', 'parquet'], describe: "the file's format (default: by its extension, .parquet or else CSV)" },
  type: { type: 'string', requiresArg: true, choices: ['bars', 'quotes', 'trades'], describe: 'what a Parquet file holds (default bars; a CSV file holds bars)' },
  'on-overlap': { type: 'string', requiresArg: true, choices: ['error', 'replace', 'skip'], default: 'error', describe: 'data over a stored range: refuse the import, replace the stored data, or skip the rows' },
  columns: { type: 'string', requiresArg: true, describe: 'JSON: the column of each field where its name differs, as readBarsCsv or importParquet take it: \'{"time":"Date","adjClose":"Adj Close"}\'' },
  format: { type: 'string', requiresArg: true, choices: Object.keys(BarsCsvPresets), describe: "CSV: the options of a common export" },
  header: { type: 'boolean', describe: 'CSV: whether the first line names the columns (default true; --no-header for none)' },
  delimiter: { type: 'string', requiresArg: true, choices: [',', ';', 'tab', '|', 'auto'], describe: 'CSV: the field delimiter (default ,)' },
  decimal: { type: 'string', requiresArg: true, choices: ['.', ','], describe: 'CSV: the decimal separator (default .)' },
  thousands: { type: 'string', requiresArg: true, choices: [',', '.', ' ', "'"], describe: 'CSV: a thousands separator to accept' },
  'timestamp-format': { type: 'string', requiresArg: true, describe: "CSV: a time pattern such as 'DD.MM.YYYY HH:mm'" },
  'timestamp-unit': { type: 'string', requiresArg: true, choices: ['auto', 's', 'ms', 'us', 'ns'], describe: 'the unit of epoch-number times (CSV default auto; Parquet integer columns default ms)' },
  'time-zone': { type: 'string', requiresArg: true, describe: 'CSV: IANA zone of times written without an offset (default UTC)' },
  price: { type: 'string', requiresArg: true, choices: ['close', 'adjClose'], describe: 'CSV: adjClose back-adjusts every price by the adjusted close' },
  'on-invalid': { type: 'string', requiresArg: true, choices: ['error', 'skip'], describe: 'CSV: a bad row fails the import (default) or is left out and counted' },
} as const satisfies DataCliOptions;

type ImportArgv = DataCliArgv<typeof options> & { readonly file?: unknown };

/** The `--flag` of each CSV option, for messages. */
const CSV_FLAGS: Readonly<Record<string, string>> = {
  instrumentId: '--instrument',
  format: '--format',
  header: '--header',
  columns: '--columns',
  delimiter: '--delimiter',
  decimal: '--decimal',
  thousands: '--thousands',
  timestampFormat: '--timestamp-format',
  timestampUnit: '--timestamp-unit',
  timeZone: '--time-zone',
  price: '--price',
  onInvalid: '--on-invalid',
};
const CSV_ONLY = ['format', 'header', 'delimiter', 'decimal', 'thousands', 'timestamp-format', 'time-zone', 'price', 'on-invalid'] as const;

/**
 * `rxtrade data import`: a CSV or Parquet file into the catalog.
 *
 * @example
 * ```ts
 * await dataMain(['import', 'goog.csv', '--instrument', 'GOOG.NASDAQ', '--catalog', 'data/catalog'], dataProcessIo());
 * ```
 */
export const importCommand = defineDataCommand({
  name: 'import',
  summary: 'import a CSV file of bars or a Parquet file of bars, quotes or trades',
  usage: `Usage: $0 import <file> --instrument <id> [--catalog <folder>] [options]

Imports a CSV file of bars (the options of readBarsCsv: --format yahoo|binance|metatrader4|metatrader5, --columns, --delimiter, --timestamp-format, --time-zone, ...) or a Parquet file of bars, quotes or trades (--type, --columns, --timestamp-unit) into the catalog. Data over a range the catalog holds is refused unless --on-overlap says replace or skip; an import is all or nothing.`,
  epilog: `Examples:
  rxtrade data import goog.csv --instrument GOOG.NASDAQ --catalog data/catalog
  rxtrade data import BTCUSDT-1h.csv --format binance --instrument BTCUSDT.BINANCE --on-overlap skip
  rxtrade data import trades.parquet --type trades --instrument BTCUSDT.BINANCE --columns '{"ts":"time","size":"qty"}'`,
  positional: { name: 'file', describe: 'the CSV or Parquet file' },
  options,
  run: importFile,
});

async function importFile(argv: ImportArgv, io: DataCliIo): Promise<number> {
  if (typeof argv.file !== 'string' || argv.file === '') throw new DataUsageError('expected one file: rxtrade data import <file> --instrument <id>');
  const file = resolvePath(io, argv.file);
  if (!existsSync(file)) throw new DataUsageError(`<file>: ${file}: no such file`);
  if (statSync(file).isDirectory()) throw new DataUsageError(`<file>: ${file} is a folder, not a file`);
  const id = instrumentOf(argv.instrument);
  const from = argv.from ?? (extname(file).toLowerCase() === '.parquet' ? 'parquet' : 'csv');
  const columns = parseColumns(argv.columns);
  const onOverlap = argv['on-overlap'] as 'error' | 'replace' | 'skip';

  let result: CatalogWriteResult;
  let dataType: 'bars' | 'quotes' | 'trades' = 'bars';
  let invalid = 0;
  if (from === 'parquet') {
    const csvOnly = CSV_ONLY.filter((f) => argv[f] !== undefined);
    if (csvOnly.length > 0) throw new DataUsageError(`--${csvOnly[0]} is an option of CSV files; ${file} is read as Parquet`);
    if (argv['timestamp-unit'] === 'auto') throw new DataUsageError('--timestamp-unit: auto is for CSV files; a Parquet integer time column needs s, ms, us or ns');
    dataType = (argv.type ?? 'bars') as typeof dataType;
    result = await withCatalog(io, argv.catalog, { mustExist: false }, (catalog) =>
      overlapHint(
        catalog.importParquet(
          file,
          {
            dataType,
            instrumentId: id,
            ...(columns ? { columns: columns as Record<string, string> } : {}),
            ...(argv['timestamp-unit'] ? { timestampUnit: argv['timestamp-unit'] as 's' | 'ms' | 'us' | 'ns' } : {}),
          },
          { onOverlap },
        ),
      ).catch((e: unknown) => {
        throw flagNames(e, { 'options.columns': '--columns', 'options.timestampUnit': '--timestamp-unit' });
      }),
    );
  } else {
    if (argv.type !== undefined && argv.type !== 'bars') throw new DataUsageError(`--type: a CSV file holds bars; ${argv.type} are imported from Parquet files`);
    const csv = csvOptions(argv, id, columns, () => invalid++);
    const progress = new DataProgress({ label: 'import', unit: 'bars', sink: io.stderr });
    try {
      result = await withCatalog(io, argv.catalog, { mustExist: false }, (catalog) =>
        overlapHint(catalog.write(counted(streamBarsCsv(file, csv), progress), { onOverlap })).catch((e: unknown) => {
          throw flagNames(e, Object.fromEntries(Object.entries(CSV_FLAGS).map(([k, v]) => [`options.${k}`, v])));
        }),
      );
    } finally {
      progress.done();
    }
  }

  const summary = {
    command: 'import',
    file,
    instrumentId: id,
    dataType,
    rows: result.rows,
    skipped: result.skipped,
    replaced: result.replaced,
    invalid,
    files: result.files.length,
  };
  if (argv.json) println(io.stdout, JSON.stringify({ ...summary, written: result.files }));
  else {
    const parts = [`imported ${count(result.rows)} ${dataType} of ${id} from ${relative(io.cwd ?? process.cwd(), file) || file}`, `${result.files.length} file${result.files.length === 1 ? '' : 's'} written`];
    if (result.skipped > 0) parts.push(`${count(result.skipped)} already stored, skipped`);
    if (result.replaced > 0) parts.push(`${count(result.replaced)} stored rows replaced`);
    if (invalid > 0) parts.push(`${count(invalid)} invalid rows left out`);
    println(io.stdout, parts.join('; '));
  }
  return 0;
}

/** The readBarsCsv options of the flags, checked, with errors naming the flag. */
function csvOptions(argv: ImportArgv, id: string, columns: Record<string, unknown> | undefined, onSkip: () => void): ReadBarsCsvOptions {
  const o: Record<string, unknown> = { instrumentId: id };
  if (argv.format !== undefined) o['format'] = argv.format;
  if (argv.header !== undefined) o['header'] = argv.header;
  if (columns !== undefined) o['columns'] = columns;
  if (argv.delimiter !== undefined) o['delimiter'] = argv.delimiter === 'tab' ? '\t' : argv.delimiter;
  if (argv.decimal !== undefined) o['decimal'] = argv.decimal;
  if (argv.thousands !== undefined) o['thousands'] = argv.thousands;
  if (argv['timestamp-format'] !== undefined) o['timestampFormat'] = argv['timestamp-format'];
  if (argv['timestamp-unit'] !== undefined) o['timestampUnit'] = argv['timestamp-unit'];
  if (argv['time-zone'] !== undefined) o['timeZone'] = argv['time-zone'];
  if (argv.price !== undefined) o['price'] = argv.price;
  if (argv['on-invalid'] !== undefined) {
    o['onInvalid'] = argv['on-invalid'];
    if (argv['on-invalid'] === 'skip') o['onSkip'] = onSkip;
  }
  const parsed = ReadBarsCsvOptionsSchema.safeParse(o);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [key, ...rest] = issue.path.map(String);
    const flag = CSV_FLAGS[key ?? ''] ?? `--${key}`;
    throw new DataUsageError(`${flag}${rest.length > 0 ? ` (${rest.join('.')})` : ''}: ${issue.message}`);
  }
  return o as unknown as ReadBarsCsvOptions;
}

/** `--columns` as an object: JSON, or a usage error quoting it. */
function parseColumns(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DataUsageError(`--columns: ${JSON.stringify(text)} is not JSON: write an object such as '{"time":"Date","close":"Adj Close"}'`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new DataUsageError(`--columns: ${JSON.stringify(text)} is not a JSON object of field: column`);
  return value as Record<string, unknown>;
}

/** Bars as they stream into the catalog, counted on the progress line. */
async function* counted(bars: AsyncIterable<Bar>, progress: DataProgress): AsyncGenerator<Bar> {
  for await (const bar of bars) {
    progress.tick();
    yield bar;
  }
}

/** An overlap names the CLI's flag rather than the library's option. */
function overlapHint<T>(p: Promise<T>): Promise<T> {
  return p.catch((e: unknown) => {
    if (e instanceof CatalogOverlapError)
      throw new DataUsageError(`${e.dataType} of ${e.instrumentId} from ${iso(e.from)} to ${iso(e.to)} are already in the catalog: pass --on-overlap replace to overwrite them or --on-overlap skip to keep them`);
    throw e;
  });
}

/** A library ValidationError with its option paths spelled as the flags that set them. */
function flagNames(e: unknown, paths: Readonly<Record<string, string>>): unknown {
  if (!(e instanceof ValidationError)) return e;
  let message = e.message;
  for (const [path, flag] of Object.entries(paths).sort((a, b) => b[0].length - a[0].length)) message = message.split(path).join(flag);
  return message === e.message ? e : new ValidationError([{ path: [], message }]);
}

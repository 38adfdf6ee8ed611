/**
 * `rxtrade data export --instrument <id> --out <file>`: one series of the catalog, or part of it, to a
 * CSV file (readable by `readBarsCsv` and spreadsheets) or a Parquet file (the catalog's columns).
 */
import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MARKET_DATA_CHUNKS } from '@rxtrade/core';
import { CatalogDataType as DataTypes, type CatalogFile } from '../catalog/catalog-layout';
import { sqlString } from '../catalog/catalog-reader';
import { defineDataCommand, type DataCliArgv, type DataCliOptions } from './data-command';
import { commonFlags, count, dataTypeOf, fileStats, instrumentOf, iso, parseRange, rangeFlags, resolvePath, withCatalog } from './data-flags';
import { DataUsageError, println, type DataCliIo } from './data-io';
import { DataProgress } from './data-progress';
import { csvField, eventRow, ROW_HEADERS } from './data-rows';

const options = {
  instrument: { alias: 'i', type: 'string', requiresArg: true, describe: 'the instrument id' },
  type: { type: 'string', requiresArg: true, choices: Object.values(DataTypes) as string[], default: 'bars', describe: 'the data type' },
  ...rangeFlags,
  out: { alias: 'o', type: 'string', requiresArg: true, describe: 'the file to write (.csv or .parquet)' },
  to: { type: 'string', requiresArg: true, choices: ['csv', 'parquet'], describe: "the file's format (default: by the extension of --out)" },
  overwrite: { type: 'boolean', default: false, describe: 'replace --out when it exists' },
  ...commonFlags,
} as const satisfies DataCliOptions;

/** Rows of CSV gathered before each write. */
const CSV_BATCH = 4096;

/**
 * `rxtrade data export`: a series of the catalog to CSV or Parquet.
 *
 * @example
 * ```ts
 * await dataMain(['export', '--instrument', 'GOOG.NASDAQ', '--start', '2006-01-01', '--end', '2007-01-01', '--out', 'goog-2006.csv'], dataProcessIo());
 * ```
 */
export const exportCommand = defineDataCommand({
  name: 'export',
  summary: 'write one instrument, or a time range of it, to a CSV or Parquet file',
  usage: `Usage: $0 export --instrument <id> --out <file.csv|file.parquet> [--type <type>] [--start <time>] [--end <time>] [--catalog <folder>] [--overwrite] [--json]

Writes one series of the catalog from --start (included) to --end (excluded) in time order. CSV: a header (time, then the fields: open, high, low, close, volume for bars), times in ISO 8601 UTC, numbers as the shortest text that reads back as the same double; \`rxtrade data import\` and readBarsCsv read an exported bars file back unchanged. Parquet: the catalog's own columns (instrument_id, ts in epoch milliseconds, ...), readable by any Parquet tool and by \`rxtrade data import --from parquet\`. Order books are exported to Parquet only. The file appears when it is complete: an export that fails leaves no file.`,
  options,
  run: exportSeries,
});

async function exportSeries(argv: DataCliArgv<typeof options>, io: DataCliIo): Promise<number> {
  const id = instrumentOf(argv.instrument);
  const dataType = dataTypeOf(argv.type);
  const { start, end } = parseRange(argv);
  if (argv.out === undefined || argv.out === '') throw new DataUsageError('--out <file> is required (.csv or .parquet)');
  const out = resolvePath(io, argv.out);
  const to = argv.to ?? (extname(out).toLowerCase() === '.parquet' ? 'parquet' : extname(out).toLowerCase() === '.csv' ? 'csv' : undefined);
  if (to === undefined) throw new DataUsageError(`--out: ${basename(out)} ends in neither .csv nor .parquet: name the format with --to csv or --to parquet`);
  if (to === 'csv' && (dataType === 'book-deltas' || dataType === 'book-snapshots')) throw new DataUsageError(`--to csv: ${dataType} hold lists of levels per row: export them with --to parquet`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new DataUsageError(`--out: ${out} is a folder`);
  if (existsSync(out) && !argv.overwrite) throw new DataUsageError(`--out: ${out} exists: pass --overwrite to replace it`);
  if (!existsSync(dirname(out))) throw new DataUsageError(`--out: the folder ${dirname(out)} does not exist`);

  // Written beside the target and renamed onto it when complete.
  const tmp = join(dirname(out), `.${basename(out)}.${randomBytes(4).toString('hex')}.tmp`);
  let rows = 0;
  try {
    rows = await withCatalog(io, argv.catalog, { mustExist: true }, async (catalog) => {
      const listed = catalog.files({ dataType, instruments: [id] });
      if (listed.length === 0) throw new DataUsageError(`--instrument: the catalog holds no ${dataType} of ${id}`);
      const files = listed.filter((f) => (start === undefined || f.last >= start) && (end === undefined || f.first < end));
      if (to === 'parquet') return writeParquet(files.length > 0 ? files : listed.slice(0, 1), tmp, files.length > 0 ? start : 1, files.length > 0 ? end : 0);
      const whole = start === undefined && end === undefined;
      const total = whole ? (await fileStats(files)).reduce((s, f) => s + f.rows, 0) : undefined;
      const progress = new DataProgress({ label: `export ${id}`, unit: 'rows', sink: io.stderr, ...(total !== undefined ? { total } : {}) });
      const fd = openSync(tmp, 'w');
      let n = 0;
      try {
        writeSync(fd, `${ROW_HEADERS[dataType].join(',')}\n`);
        const chunks = catalog.query({ dataType, instruments: [id], ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) })[MARKET_DATA_CHUNKS]();
        let batch: string[] = [];
        for (let r = await chunks.next(); !r.done; r = await chunks.next()) {
          for (const e of r.value) {
            batch.push(eventRow(e).map(csvField).join(','));
            if (batch.length === CSV_BATCH) {
              writeSync(fd, `${batch.join('\n')}\n`);
              batch = [];
            }
          }
          n += r.value.length;
          progress.tick(r.value.length);
        }
        if (batch.length > 0) writeSync(fd, `${batch.join('\n')}\n`);
      } finally {
        closeSync(fd);
        progress.done();
      }
      return n;
    });
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
  }

  const bytes = statSync(out).size;
  if (argv.json)
    println(
      io.stdout,
      JSON.stringify({ command: 'export', instrumentId: id, dataType, format: to, out, rows, bytes, ...(start !== undefined ? { start: iso(start) } : {}), ...(end !== undefined ? { end: iso(end) } : {}) }),
    );
  else println(io.stdout, `wrote ${count(rows)} ${dataType} of ${id} to ${out} (${to}, ${count(bytes)} bytes)`);
  return 0;
}

/**
 * The rows of `files` in the range, copied by DuckDB into one Parquet file in the catalog's format. The
 * files are read in the order given (time order, each in its written order), which DuckDB keeps
 * (`preserve_insertion_order`). A range without files is given one file and an empty range, so that the
 * file written has the columns and no rows, as a CSV export writes its header.
 */
async function writeParquet(files: readonly CatalogFile[], tmp: string, start: number | undefined, end: number | undefined): Promise<number> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const duck = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', preserve_insertion_order: 'true' });
  const con = await duck.connect();
  try {
    const where = [start !== undefined ? `ts >= ${start}` : undefined, end !== undefined ? `ts < ${end}` : undefined].filter(Boolean).join(' AND ');
    const source = `read_parquet([${files.map((f) => sqlString(f.path)).join(', ')}])`;
    // Dictionary encoding off, as in the catalog's own files: DuckDB's dictionary merges -0 and 0.
    const result = await con.run(`COPY (SELECT * FROM ${source}${where ? ` WHERE ${where}` : ''}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd, DICTIONARY_SIZE_LIMIT 0)`);
    const rows = await result.getRows();
    return Number(rows[0]?.[0] ?? 0);
  } finally {
    con.closeSync();
    duck.closeSync();
  }
}

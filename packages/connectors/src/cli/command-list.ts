/**
 * `rxtrade data list`: what the catalog holds, one line per instrument and data type (first and last
 * times, rows, files, size), or one line per file with `--files`.
 */
import { relative } from 'node:path';
import { ParquetCatalog } from '../catalog/parquet-catalog';
import { CatalogDataType, type CatalogFile } from '../catalog/catalog-layout';
import { defineDataCommand, type DataCliArgv, type DataCliOptions } from './data-command';
import { catalogFolder, commonFlags, count, dataTypeOf, fileStats, iso } from './data-flags';
import { println, type DataCliIo } from './data-io';
import { formatTable } from './data-rows';

const options = {
  ...commonFlags,
  type: { type: 'string', requiresArg: true, choices: Object.values(CatalogDataType) as string[], describe: 'only this data type' },
  instrument: { alias: 'i', type: 'string', requiresArg: true, describe: 'only this instrument' },
  files: { type: 'boolean', default: false, describe: 'one line per file instead of per instrument and data type' },
} as const satisfies DataCliOptions;

/** One instrument and data type of the catalog, as `list --json` prints it. */
interface SeriesSummary {
  readonly dataType: CatalogDataType;
  readonly instrumentId: string;
  readonly first: string;
  readonly last: string;
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
}

/**
 * `rxtrade data list`: the stored ranges of the catalog.
 *
 * @example
 * ```ts
 * await dataMain(['list', '--catalog', 'data/catalog', '--json'], dataProcessIo());
 * ```
 */
export const listCommand = defineDataCommand({
  name: 'list',
  summary: 'list what the catalog holds: instrument, data type, first and last time, rows, files',
  usage: `Usage: $0 list [--catalog <folder>] [--type <type>] [--instrument <id>] [--files] [--json]

Lists the catalog's series (an instrument's data of one type) with their first and last times (UTC), rows, files and size on disk; --files lists every file. Rows are read from the Parquet footers, not counted row by row.`,
  options,
  run: list,
});

async function list(argv: DataCliArgv<typeof options>, io: DataCliIo): Promise<number> {
  const root = catalogFolder(io, argv.catalog, { mustExist: true });
  const catalog = await ParquetCatalog.open(root);
  let files: CatalogFile[];
  try {
    files = catalog.files({ ...(argv.type ? { dataType: dataTypeOf(argv.type) } : {}), ...(argv.instrument ? { instruments: [argv.instrument] } : {}) });
  } finally {
    catalog.close();
  }
  const stats = await fileStats(files);
  const series: SeriesSummary[] = [];
  files.forEach((f, i) => {
    const last = series.at(-1);
    const { rows, bytes } = stats[i]!;
    if (last && last.dataType === f.dataType && last.instrumentId === f.instrumentId)
      series[series.length - 1] = { ...last, last: iso(f.last), rows: last.rows + rows, files: last.files + 1, bytes: last.bytes + bytes };
    else series.push({ dataType: f.dataType, instrumentId: f.instrumentId, first: iso(f.first), last: iso(f.last), rows, files: 1, bytes });
  });

  if (argv.json) {
    const out: Record<string, unknown> = { command: 'list', catalog: root, series };
    if (argv.files)
      out['files'] = files.map((f, i) => ({ dataType: f.dataType, instrumentId: f.instrumentId, year: f.year, first: iso(f.first), last: iso(f.last), rows: stats[i]!.rows, bytes: stats[i]!.bytes, path: relative(root, f.path) }));
    println(io.stdout, JSON.stringify(out));
    return 0;
  }
  if (series.length === 0) {
    println(io.stdout, `${root}: no data${argv.type || argv.instrument ? ' matches' : ' yet: rxtrade data import <file> --instrument <id> adds some'}`);
    return 0;
  }
  const lines = argv.files
    ? formatTable(
        ['instrument', 'type', 'first', 'last', 'rows', 'size', 'file'],
        files.map((f, i) => [f.instrumentId, f.dataType, iso(f.first), iso(f.last), count(stats[i]!.rows), size(stats[i]!.bytes), relative(root, f.path)]),
      )
    : formatTable(
        ['instrument', 'type', 'first', 'last', 'rows', 'files', 'size'],
        series.map((s) => [s.instrumentId, s.dataType, s.first, s.last, count(s.rows), count(s.files), size(s.bytes)]),
      );
  for (const line of lines) println(io.stdout, line);
  const rows = series.reduce((n, s) => n + s.rows, 0);
  println(io.stdout, `${count(series.length)} series, ${count(rows)} rows in ${count(files.length)} files (${size(stats.reduce((n, s) => n + s.bytes, 0))}) in ${root}`);
  return 0;
}

/** Bytes in the unit that keeps three significant digits or so. */
function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}

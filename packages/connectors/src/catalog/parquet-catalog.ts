/**
 * An embedded market-data catalog: Parquet files in a documented folder layout (see `catalog-layout.ts`
 * and docs/catalog.md), written and queried through an in-process DuckDB. Prices and sizes are stored as
 * IEEE 754 doubles, so what is written is read back bit for bit. Writes refuse data over a stored time
 * range unless told how to merge; every file is written to a temporary name first and moved into place
 * only when the whole write has succeeded. Queries stream in bounded memory, straight into
 * `runBacktest`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { DuckDBAppender, DuckDBConnection, DuckDBDoubleVector, DuckDBInstance, DuckDBListType } from '@duckdb/node-api';
import { MarketDataValidator, parseWith, StateError, ValidationError, type BarColumns, type InstrumentId, type MarketData } from '@rxtrade/core';
import { streamBarsCsv, type ReadBarsCsvOptions } from '../read-bars-csv';
import { readParquetBarColumns, resolveBarColumnsQuery, type BarColumnsQuery } from './catalog-bar-columns';
import {
  CatalogQuerySchema,
  CatalogWriteOptionsSchema,
  ConsolidateOptionsSchema,
  ImportParquetOptionsSchema,
  ParquetCatalogConfigSchema,
  type CatalogQuery,
  type CatalogWriteOptions,
  type ConsolidateOptions,
  type ImportParquetOptions,
  type OnOverlap,
  type ParquetCatalogConfig,
} from './catalog-config';
import { CatalogOverlapError } from './catalog-errors';
import { checkCatalogEvent, type CatalogRange, type CatalogWriteCounts, type ConsolidateResult, type MarketDataCatalog } from './market-data-catalog';
import {
  CATALOG_COLUMNS,
  DATA_TYPES,
  dataTypeOf,
  instrumentFolder,
  listInstrumentFiles,
  listInstruments,
  MAX_TS,
  partFileName,
  yearOf,
  type CatalogDataType,
  type CatalogEventOf,
  type CatalogFile,
} from './catalog-layout';
import { catalogQueryResult, checkFileSchema, InstrumentSource, READ_AHEAD_CHUNKS, sqlString, type CatalogQueryResult, type ChunkSource } from './catalog-reader';

/** What a write of a {@link ParquetCatalog} did. */
export interface CatalogWriteResult extends CatalogWriteCounts {
  /** The files written, absolute paths (a replaced file's remainder included). */
  readonly files: readonly string[];
}


/** The temporary table of one (data type, instrument) of a write, filled through a DuckDB appender. */
interface Group {
  readonly dataType: CatalogDataType;
  readonly id: InstrumentId;
  readonly table: string;
  readonly appender: DuckDBAppender;
  readonly append: (e: MarketData) => void;
  readonly flush: () => void;
  first: number;
  last: number;
  rows: number;
}

/** One file to move into the layout when a write or a consolidation commits. */
interface Planned {
  readonly tmp: string;
  readonly dir: string;
  readonly name: string;
}

/**
 * DuckDB's module, loaded by the first `ParquetCatalog.open` rather than when the package is imported:
 * it brings a native library of its own (about 100 MB of resident memory), which an application that
 * never opens a catalog should not pay for.
 */
type DuckDb = typeof import('@duckdb/node-api');
let duckDb: DuckDb | undefined;
let levelsType: DuckDBListType | undefined;
async function loadDuckDb(): Promise<DuckDb> {
  duckDb ??= await import('@duckdb/node-api');
  levelsType ??= duckDb.LIST(duckDb.STRUCT({ price: duckDb.DOUBLE, size: duckDb.DOUBLE }));
  return duckDb;
}
/** The module, once a catalog is open (every method that writes runs on an open catalog). */
function duck(): DuckDb {
  if (duckDb === undefined) throw new StateError('catalog: DuckDB is not loaded: open the catalog with ParquetCatalog.open');
  return duckDb;
}
const WORK_COLUMNS: Readonly<Record<CatalogDataType, string>> = {
  bars: 'ts DOUBLE, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE',
  quotes: 'ts DOUBLE, bid DOUBLE, ask DOUBLE, bid_size DOUBLE, ask_size DOUBLE',
  trades: 'ts DOUBLE, price DOUBLE, size DOUBLE, aggressor VARCHAR, trade_id VARCHAR',
  'book-deltas': `ts DOUBLE, sequence DOUBLE, bids STRUCT(price DOUBLE, size DOUBLE)[], asks STRUCT(price DOUBLE, size DOUBLE)[]`,
  'book-snapshots': `ts DOUBLE, sequence DOUBLE, bids STRUCT(price DOUBLE, size DOUBLE)[], asks STRUCT(price DOUBLE, size DOUBLE)[]`,
};
/** The select list that turns a work table's rows into a file's columns. */
const FILE_SELECT: Readonly<Record<CatalogDataType, string>> = {
  bars: 'ts::BIGINT AS ts, open, high, low, close, volume',
  quotes: 'ts::BIGINT AS ts, bid, ask, bid_size, ask_size',
  trades: 'ts::BIGINT AS ts, price, size, aggressor, trade_id',
  'book-deltas': 'ts::BIGINT AS ts, sequence::BIGINT AS sequence, bids, asks',
  'book-snapshots': 'ts::BIGINT AS ts, sequence::BIGINT AS sequence, bids, asks',
};
/**
 * Parquet 1.0 pages (every reader has them), zstd, and no dictionary encoding: DuckDB's dictionary treats
 * -0 and 0 as one value, so a column holding both would come back with one of them changed.
 */
const PARQUET = '(FORMAT parquet, COMPRESSION zstd, DICTIONARY_SIZE_LIMIT 0)';

const isIterable = (v: unknown): v is Iterable<unknown> | AsyncIterable<unknown> =>
  typeof v === 'object' && v !== null && (Symbol.iterator in v || Symbol.asyncIterator in v);
const yearStart = (y: number): number => Date.UTC(y, 0, 1);
const yearEnd = (y: number): number => Date.UTC(y + 1, 0, 1) - 1;
const iso = (ts: number): string => new Date(ts).toISOString();

/**
 * A market-data catalog on a folder of Parquet files: bars, quotes, trades and order-book updates per
 * instrument, written without overlaps and read back as a time-ordered stream for `runBacktest`.
 *
 * One process writes to a folder at a time; a query lists its files when iteration starts.
 *
 * @example
 * ```ts
 * const catalog = await ParquetCatalog.open('data/catalog');
 * await catalog.importBarsCsv('goog.csv', { instrumentId: goog.id });
 * const result = await runBacktest(pipeline, {
 *   data: catalog.query({ dataType: 'bars', instruments: [goog], start: Date.UTC(2005, 0, 1) }),
 *   instruments: [goog],
 *   ledger: { startingCash: 100_000 },
 * });
 * catalog.close();
 * ```
 */
export class ParquetCatalog implements MarketDataCatalog {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private tables = 0;

  private constructor(
    /** The catalog's folder, absolute. */
    readonly root: string,
    private readonly instance: DuckDBInstance,
  ) {}

  /**
   * Opens (and creates, when missing) the catalog in `root`. A write or consolidation cut off by a crash
   * is finished or rolled back here, so that every partition is either as before or as after it.
   *
   * @param root the catalog's folder.
   * @param config DuckDB's threads and memory limit.
   * @example
   * ```ts
   * const catalog = await ParquetCatalog.open(join(tmpdir(), 'catalog'), { threads: 2 });
   * ```
   */
  static async open(root: string, config: ParquetCatalogConfig = {}): Promise<ParquetCatalog> {
    if (typeof root !== 'string' || root.length === 0) throw new ValidationError([{ path: ['root'], message: 'must be a folder path' }]);
    const c = parseWith(ParquetCatalogConfigSchema, config, 'config');
    const dir = resolve(root);
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new ValidationError([{ path: ['root'], message: `${dir} is not a folder` }]);
    mkdirSync(dir, { recursive: true });
    recover(dir);
    const tmp = join(dir, '.tmp');
    rmSync(tmp, { recursive: true, force: true });
    const options: Record<string, string> = {
      // Parquet is built in; nothing is ever downloaded.
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      temp_directory: join(tmp, 'duckdb'),
    };
    if (c.threads !== undefined) options['threads'] = String(c.threads);
    if (c.memoryLimit !== undefined) options['memory_limit'] = c.memoryLimit;
    return new ParquetCatalog(dir, await (await loadDuckDb()).DuckDBInstance.create(':memory:', options));
  }

  /**
   * Writes market data (any mix of types and instruments, each instrument's events of a type in time
   * order) and returns what was written. Events are validated as a backtest validates them, times must be
   * whole milliseconds from 1970 to 9999, and book sequences safe integers. Data over a time range
   * already stored for the same instrument and data type is refused with a {@link CatalogOverlapError}
   * unless `onOverlap` says how to merge. On any error nothing is changed.
   *
   * @param data an array, iterable or async iterable of events (a generator streams them: only DuckDB
   *   holds them until the files are written, spilling to disk beyond its memory limit).
   * @example
   * ```ts
   * const { rows, files } = await catalog.write(bars, { onOverlap: 'replace' });
   * ```
   */
  write(data: Iterable<MarketData> | AsyncIterable<MarketData>, options: CatalogWriteOptions = {}): Promise<CatalogWriteResult> {
    const o = parseWith(CatalogWriteOptionsSchema, options, 'options');
    if (!isIterable(data)) throw new ValidationError([{ path: ['data'], message: 'must be an array, an iterable or an async iterable of market data events' }]);
    return this.exclusive(() => this.writeNow(data, o.onOverlap, 'data'));
  }

  /**
   * Imports a CSV file of bars through `readBarsCsv`'s rules and options (columns, formats, time zones;
   * see docs/bars-from-csv.md), streaming it.
   *
   * @example
   * ```ts
   * await catalog.importBarsCsv('goog.csv', { instrumentId: goog.id }, { onOverlap: 'skip' });
   * ```
   */
  importBarsCsv(path: string, csv: ReadBarsCsvOptions, options: CatalogWriteOptions = {}): Promise<CatalogWriteResult> {
    return this.write(streamBarsCsv(path, csv), options);
  }

  /**
   * Imports bars, quotes or trades from a Parquet file written elsewhere, its columns named by
   * `columns` where they differ from the fields (`ts`, `open`, ..., `bidSize`, `tradeId`). Rows are read
   * in time order; numbers are read as doubles (a DECIMAL or FLOAT column is converted to the nearest
   * double); a time that is not a whole millisecond, a null, or a row that fails validation is an error
   * naming the file, the row and the field.
   *
   * @example
   * ```ts
   * await catalog.importParquet('btc.parquet', { dataType: 'bars', instrumentId: 'BTCUSDT.BINANCE', columns: { ts: 'open_time' } });
   * ```
   */
  importParquet(path: string, options: ImportParquetOptions, write: CatalogWriteOptions = {}): Promise<CatalogWriteResult> {
    const o = parseWith(ImportParquetOptionsSchema, options, 'options');
    const w = parseWith(CatalogWriteOptionsSchema, write, 'write');
    return this.exclusive(async () => {
      const con = await this.connect();
      try {
        const rows = await this.foreignRows(con, resolve(path), o);
        return await this.writeNow(rows, w.onOverlap, basename(path));
      } finally {
        con.closeSync();
      }
    });
  }

  /**
   * Streams the events of some instruments of one data type in a time range, merged by time: events of
   * the same time are ordered by the instruments' positions in `instruments`, then as they were written.
   * Memory holds one chunk of 2,048 rows per instrument. The files are listed when iteration starts, and
   * each iteration reads them anew; the result goes straight into `runBacktest` as `data`.
   *
   * @example
   * ```ts
   * for await (const bar of catalog.query({ dataType: 'bars', instruments: [goog.id], start: Date.UTC(2006, 0, 1), end: Date.UTC(2006, 1, 1) }))
   *   console.log(bar.close);
   * ```
   */
  query<T extends CatalogDataType>(query: CatalogQuery<T>): CatalogQueryResult<CatalogEventOf[T]> {
    const q = parseWith(CatalogQuerySchema, query, 'query');
    const start = q.start ?? 0;
    const end = q.end ?? MAX_TS + 1;
    const ids = q.instruments as InstrumentId[];
    const list = (): CatalogFile[][] => ids.map((id) => listInstrumentFiles(this.root, q.dataType, id).filter((f) => f.last >= start && f.first < end));
    return catalogQueryResult<CatalogEventOf[T]>(async () => {
      this.assertOpen();
      const files = list();
      return { sources: ids.map((id, i) => new InstrumentSource(this.instance, files[i]!, q.dataType, id, start, end, Math.max(2, Math.floor(READ_AHEAD_CHUNKS / ids.length))) as unknown as ChunkSource<CatalogEventOf[T]>) };
    });
  }

  /**
   * The bars of one instrument from `start` (included) to `end` (excluded) as `BarColumns`: the bars
   * `query({ dataType: 'bars', instruments: [instrument], start, end })` returns, number for number, held
   * as a `Float64Array` per field (48 bytes a bar) and made without a `Bar` object per row. The rows are
   * counted first and DuckDB's result is copied into the columns a chunk at a time; an instrument or
   * range without bars gives empty columns. `runBacktest` takes the result as `data`.
   *
   * @example
   * ```ts
   * const columns = await catalog.barColumns({ instrument: goog, start: Date.UTC(2006, 0, 1), end: Date.UTC(2007, 0, 1) });
   * console.log(columns.length, columns.close[0], columns.barAt(columns.length - 1).ts);
   * ```
   */
  async barColumns(query: BarColumnsQuery): Promise<BarColumns> {
    const { id, start, end } = resolveBarColumnsQuery(query);
    this.assertOpen();
    const files = listInstrumentFiles(this.root, 'bars', id).filter((f) => f.last >= start && f.first < end);
    return readParquetBarColumns(this.instance, files, id, start, end);
  }

  /**
   * The catalog's files, sorted by data type, instrument and time.
   *
   * @example
   * ```ts
   * for (const f of catalog.files({ dataType: 'bars' })) console.log(f.instrumentId, new Date(f.first), new Date(f.last));
   * ```
   */
  files(filter: ConsolidateOptions = {}): CatalogFile[] {
    const f = parseWith(ConsolidateOptionsSchema, filter, 'filter');
    const out: CatalogFile[] = [];
    for (const dataType of f.dataType ? [f.dataType] : DATA_TYPES)
      for (const id of f.instruments ?? listInstruments(this.root, dataType)) out.push(...listInstrumentFiles(this.root, dataType, id));
    return out;
  }

  /**
   * The stored ranges: the {@link files}, without their paths (the same listing as other catalogs give).
   *
   * @example
   * ```ts
   * const years = new Set((await catalog.ranges({ dataType: 'bars' })).map((r) => r.year));
   * ```
   */
  async ranges(filter: ConsolidateOptions = {}): Promise<CatalogRange[]> {
    return this.files(filter).map(({ dataType, instrumentId, year, first, last }) => ({ dataType, instrumentId, year, first, last }));
  }

  /**
   * Merges the files of each partition (instrument, data type, year) into one, keeping every row and its
   * order, so that queries return the same events before and after. Each partition is swapped in one
   * rename.
   *
   * @example
   * ```ts
   * const { filesBefore, filesAfter } = await catalog.consolidate({ dataType: 'bars' });
   * ```
   */
  consolidate(options: ConsolidateOptions = {}): Promise<ConsolidateResult> {
    const o = parseWith(ConsolidateOptionsSchema, options, 'options');
    return this.exclusive(async () => {
      const files = this.files(o);
      const partitions = new Map<string, CatalogFile[]>();
      for (const f of files) {
        const dir = dirname(f.path);
        const list = partitions.get(dir) ?? [];
        list.push(f);
        partitions.set(dir, list);
      }
      const con = await this.connect();
      const plans: { dir: string; add: Planned[] }[] = [];
      let merged = 0;
      let after = 0;
      try {
        for (const [dir, list] of partitions) {
          if (list.length < 2) {
            after += list.length;
            continue;
          }
          for (const f of list) await checkFileSchema(con, f.path, f.dataType);
          const tmp = this.tmpFile();
          const columns = CATALOG_COLUMNS[list[0]!.dataType].map(([n]) => n).join(', ');
          const sources = `[${list.map((f) => sqlString(f.path)).join(', ')}]`;
          // Files of an instrument never overlap in time, so rows of one time come from one file, in its order.
          await con.run(`COPY (SELECT ${columns} FROM read_parquet(${sources}, filename = true, file_row_number = true) ORDER BY ts, filename, file_row_number) TO ${sqlString(tmp)} ${PARQUET}`);
          plans.push({ dir, add: [{ tmp, dir, name: partFileName(list[0]!.first, list.at(-1)!.last) }] });
          merged++;
          after++;
        }
      } catch (error) {
        this.cleanTmp(plans.flatMap((p) => p.add));
        throw error;
      } finally {
        con.closeSync();
      }
      for (const p of plans) swapPartition(p.dir, [], p.add);
      return { partitions: merged, filesBefore: files.length, filesAfter: after };
    });
  }

  /** Releases DuckDB; the catalog cannot be used afterwards. Queries still iterating fail. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.instance.closeSync();
  }

  private assertOpen(): void {
    if (this.closed) throw new StateError(`the catalog at ${this.root} is closed`);
  }

  private async connect(): Promise<DuckDBConnection> {
    this.assertOpen();
    return this.instance.connect();
  }

  /** Runs writes and consolidations one at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private tmpFile(): string {
    const dir = join(this.root, '.tmp');
    mkdirSync(dir, { recursive: true });
    return join(dir, `${randomBytes(8).toString('hex')}.parquet`);
  }

  private cleanTmp(planned: readonly Planned[]): void {
    for (const p of planned) rmSync(p.tmp, { force: true });
  }

  private async writeNow(data: Iterable<MarketData> | AsyncIterable<MarketData>, onOverlap: OnOverlap, label: string): Promise<CatalogWriteResult> {
    const con = await this.connect();
    const groups = new Map<string, Group>();
    const planned: Planned[] = [];
    try {
      const validator = new MarketDataValidator(label);
      let i = 0;
      let lastKey = '';
      let group: Group | undefined;
      // Returns a promise only when the event starts a new group (a table to create), so that an array or
      // a generator is written without an await per event.
      const accept = (e: MarketData): Promise<void> | undefined => {
        checkCatalogEvent(validator, e, i, label);
        const dataType = dataTypeOf(e);
        const key = `${dataType}\u0000${e.instrumentId}`;
        const add = (g: Group): void => {
          g.append(e);
          if (g.rows === 0) g.first = e.ts;
          g.last = e.ts;
          g.rows++;
          i++;
        };
        if (key === lastKey) {
          add(group!);
          return undefined;
        }
        const known = groups.get(key);
        lastKey = key;
        if (known !== undefined) {
          add((group = known));
          return undefined;
        }
        return this.createGroup(con, dataType, e.instrumentId, groups.size).then((g) => {
          groups.set(key, g);
          add((group = g));
        });
      };
      if (Symbol.asyncIterator in data)
        for await (const e of data) {
          const p = accept(e);
          if (p !== undefined) await p;
        }
      else
        for (const e of data) {
          const p = accept(e);
          if (p !== undefined) await p;
        }
      for (const g of groups.values()) g.flush();

      // Plan every group before touching the layout, so that an overlap leaves nothing half written.
      const overlaps = [...groups.values()].map((g) => ({ g, existing: listInstrumentFiles(this.root, g.dataType, g.id) }));
      if (onOverlap === 'error')
        for (const { g, existing } of overlaps) {
          const hit = existing.filter((f) => f.first <= g.last && f.last >= g.first);
          if (hit.length > 0) throw new CatalogOverlapError(g.id, g.dataType, Math.max(g.first, hit[0]!.first), Math.min(g.last, hit.at(-1)!.last));
        }

      let rows = 0;
      let replaced = 0;
      const removed = new Map<string, Set<string>>();
      for (const { g, existing } of overlaps) {
        const dir = join(this.root, g.dataType, instrumentFolder(g.id));
        let kept = existing.map((f) => [f.first, f.last] as const);
        if (onOverlap === 'replace') {
          kept = [];
          for (const f of existing) {
            if (f.last < g.first || f.first > g.last) {
              kept.push([f.first, f.last]);
              continue;
            }
            await checkFileSchema(con, f.path, g.dataType);
            const partition = dirname(f.path);
            removed.set(partition, (removed.get(partition) ?? new Set()).add(basename(f.path)));
            const source = `read_parquet(${sqlString(f.path)})`;
            const total = Number((await con.runAndReadAll(`SELECT count(*) FROM ${source}`)).getRows()[0]![0]);
            let remaining = 0;
            for (const where of [`ts < ${g.first}`, `ts > ${g.last}`]) {
              const piece = await this.copyPiece(con, `SELECT * FROM ${source} WHERE ${where}`, partition);
              if (piece) {
                planned.push(piece.planned);
                kept.push([piece.first, piece.last]);
                remaining += piece.rows;
              }
            }
            replaced += total - remaining;
          }
          kept.sort((a, b) => a[0] - b[0]);
        }
        // The new rows go in the gaps between the ranges kept, one file per gap and year.
        const gaps: [number, number][] = [];
        let from = 0;
        for (const [a, b] of kept) {
          if (a > from) gaps.push([from, a - 1]);
          from = b + 1;
        }
        gaps.push([from, MAX_TS]);
        const columns = `${sqlString(g.id)} AS instrument_id, ${FILE_SELECT[g.dataType]}`;
        for (const [a, b] of gaps) {
          const lo = Math.max(a, g.first);
          const hi = Math.min(b, g.last);
          if (lo > hi) continue;
          for (let y = yearOf(lo); y <= yearOf(hi); y++) {
            const where = `ts >= ${Math.max(lo, yearStart(y))} AND ts <= ${Math.min(hi, yearEnd(y))}`;
            const piece = await this.copyPiece(con, `SELECT ${columns} FROM ${g.table} WHERE ${where}`, join(dir, String(y)));
            if (piece) {
              planned.push(piece.planned);
              rows += piece.rows;
            }
          }
        }
      }
      const total = [...groups.values()].reduce((n, g) => n + g.rows, 0);

      // Commit: partitions that lose a file are rebuilt and swapped in one rename; the others gain files.
      const byDir = new Map<string, Planned[]>();
      for (const p of planned) byDir.set(p.dir, [...(byDir.get(p.dir) ?? []), p]);
      for (const dir of removed.keys()) if (!byDir.has(dir)) byDir.set(dir, []);
      for (const [dir, add] of byDir) {
        const gone = removed.get(dir);
        if (gone === undefined) {
          mkdirSync(dir, { recursive: true });
          for (const p of add) renameSync(p.tmp, join(dir, p.name));
        } else {
          const keep = existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.') && !gone.has(n)) : [];
          swapPartition(dir, keep, add);
        }
      }
      return { rows, skipped: total - rows, replaced, files: planned.map((p) => join(p.dir, p.name)) };
    } catch (error) {
      this.cleanTmp(planned);
      throw error;
    } finally {
      for (const g of groups.values()) {
        try {
          g.appender.closeSync();
        } catch {
          // Already closed by flush.
        }
      }
      try {
        for (const g of groups.values()) await con.run(`DROP TABLE IF EXISTS temp.${g.table}`);
      } finally {
        con.closeSync();
      }
    }
  }

  /** Copies the rows of `select` into a temporary file, named after their first and last time; undefined when there are none. */
  private async copyPiece(con: DuckDBConnection, select: string, dir: string): Promise<{ planned: Planned; first: number; last: number; rows: number } | undefined> {
    const stats = (await con.runAndReadAll(`SELECT min(ts)::DOUBLE, max(ts)::DOUBLE, count(*)::DOUBLE FROM (${select})`)).getRows()[0]!;
    const rows = stats[2] as number;
    if (rows === 0) return undefined;
    const first = stats[0] as number;
    const last = stats[1] as number;
    const tmp = this.tmpFile();
    await con.run(`COPY (${select}) TO ${sqlString(tmp)} ${PARQUET}`);
    return { planned: { tmp, dir, name: partFileName(first, last) }, first, last, rows };
  }

  private async createGroup(con: DuckDBConnection, dataType: CatalogDataType, id: InstrumentId, n: number): Promise<Group> {
    const table = `w${++this.tables}_${n}`;
    await con.run(`CREATE TEMP TABLE ${table} (${WORK_COLUMNS[dataType]})`);
    const appender = await con.createAppender(table, 'main', 'temp');
    const group = { dataType, id, table, appender, first: 0, last: 0, rows: 0 } as Group;
    if (dataType === 'bars' || dataType === 'quotes') {
      // All-double rows go in whole chunks: one native call per 2,048 rows instead of one per value.
      const fields = dataType === 'bars' ? (['ts', 'open', 'high', 'low', 'close', 'volume'] as const) : (['ts', 'bid', 'ask', 'bidSize', 'askSize'] as const);
      const chunk = duck().DuckDBDataChunk.create(fields.map(() => duck().DOUBLE));
      const size = 2048;
      chunk.rowCount = size;
      const vectors = fields.map((_, c) => chunk.getColumnVector(c) as DuckDBDoubleVector);
      let k = 0;
      const flushChunk = (): void => {
        for (const v of vectors) v.flush();
        if (k < size) chunk.rowCount = k;
        appender.appendDataChunk(chunk);
        k = 0;
      };
      return Object.assign(group, {
        append: (e: MarketData) => {
          const r = e as unknown as Record<string, number>;
          for (let c = 0; c < fields.length; c++) vectors[c]!.setItem(k, r[fields[c]!]!);
          if (++k === size) flushChunk();
        },
        flush: () => {
          if (k > 0) flushChunk();
          appender.closeSync();
        },
      });
    }
    return Object.assign(group, {
      append: (e: MarketData) => {
        if (e.type === 'Trade') {
          appender.appendDouble(e.ts);
          appender.appendDouble(e.price);
          appender.appendDouble(e.size);
          appender.appendVarchar(e.aggressor);
          appender.appendVarchar(e.tradeId);
        } else if (e.type === 'OrderBookDelta' || e.type === 'OrderBookSnapshot') {
          appender.appendDouble(e.ts);
          appender.appendDouble(e.sequence);
          appender.appendList(duck().listValue(e.bids.map((l) => duck().structValue({ price: l.price, size: l.size }))), levelsType);
          appender.appendList(duck().listValue(e.asks.map((l) => duck().structValue({ price: l.price, size: l.size }))), levelsType);
        }
        appender.endRow();
      },
      flush: () => appender.closeSync(),
    });
  }

  /** The rows of a foreign Parquet file as events, in time order, a chunk at a time. */
  private async *foreignRows(con: DuckDBConnection, path: string, o: ReturnType<typeof ImportParquetOptionsSchema.parse>): AsyncGenerator<MarketData> {
    const file = basename(path);
    let described: unknown[][];
    try {
      described = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`)).getRows();
    } catch (error) {
      throw new ValidationError([{ path: ['path'], message: `${path} cannot be read as Parquet (${(error as Error).message.split('\n')[0]})` }]);
    }
    const types = new Map(described.map((r) => [String(r[0]), String(r[1])]));
    const fields =
      o.dataType === 'bars'
        ? (['ts', 'open', 'high', 'low', 'close', 'volume'] as const)
        : o.dataType === 'quotes'
          ? (['ts', 'bid', 'ask', 'bidSize', 'askSize'] as const)
          : (['ts', 'price', 'size', 'aggressor', 'tradeId'] as const);
    const columnOf = (field: string): string | undefined => {
      const name = (o.columns as Record<string, string | undefined>)[field] ?? field;
      if (types.has(name)) return name;
      if (o.columns[field as keyof typeof o.columns] === undefined && (field === 'aggressor' || field === 'tradeId')) return undefined;
      throw new ValidationError([{ path: ['options', 'columns', field], message: `column ${JSON.stringify(name)} is not in ${file} (its columns: ${[...types.keys()].join(', ')})` }]);
    };
    const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
    const exprs = fields.map((field) => {
      const name = columnOf(field);
      if (field === 'ts') return tsExpression(q(name!), types.get(name!)!, o.timestampUnit);
      if (field === 'aggressor') return name === undefined ? `'NONE'` : `${q(name)}::VARCHAR`;
      if (field === 'tradeId') return name === undefined ? `(file_row_number + 1)::VARCHAR` : `${q(name)}::VARCHAR`;
      return `${q(name!)}::DOUBLE`;
    });
    const result = await con.stream(`SELECT ${exprs.join(', ')}, file_row_number FROM read_parquet(${sqlString(path)}, file_row_number = true) ORDER BY 1, file_row_number`);
    const id = o.instrumentId as InstrumentId;
    let row = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) return;
      const cols = fields.map((_, c) => chunk.getColumnVector(c) as unknown as { getItem(i: number): unknown });
      for (let j = 0; j < chunk.rowCount; j++, row++) {
        const v = fields.map((field, c) => {
          const x = cols[c]!.getItem(j);
          if (x === null) throw new ValidationError([{ path: [file, row, field], message: `is null (column ${JSON.stringify(columnOf(field))})` }]);
          return x;
        }) as [number, ...unknown[]];
        if (o.dataType === 'bars')
          yield { type: 'Bar', instrumentId: id, ts: v[0], open: v[1] as number, high: v[2] as number, low: v[3] as number, close: v[4] as number, volume: v[5] as number };
        else if (o.dataType === 'quotes') yield { type: 'Quote', instrumentId: id, ts: v[0], bid: v[1] as number, ask: v[2] as number, bidSize: v[3] as number, askSize: v[4] as number };
        else {
          const aggressor = v[3] as string;
          if (aggressor !== 'BUYER' && aggressor !== 'SELLER' && aggressor !== 'NONE')
            throw new ValidationError([{ path: [file, row, 'aggressor'], message: `must be BUYER, SELLER or NONE, got ${JSON.stringify(aggressor)}` }]);
          yield { type: 'Trade', instrumentId: id, ts: v[0], price: v[1] as number, size: v[2] as number, aggressor, tradeId: v[4] as string };
        }
      }
    }
  }
}

/**
 * The SQL that turns a foreign time column into epoch milliseconds (a DOUBLE, fractional where the time
 * is not a whole millisecond, which validation then refuses rather than rounding).
 */
function tsExpression(column: string, type: string, unit: 's' | 'ms' | 'us' | 'ns'): string {
  const split = (x: string, per: number): string => `((${x}) // ${per})::DOUBLE + ((${x}) % ${per})::DOUBLE / ${per}`;
  if (type === 'DATE') return `epoch_ms(${column}::TIMESTAMP)::DOUBLE`;
  if (type === 'TIMESTAMP_S' || type === 'TIMESTAMP_MS') return `epoch_ms(${column})::DOUBLE`;
  if (type === 'TIMESTAMP_NS') return split(`epoch_ns(${column})`, 1_000_000);
  if (type.startsWith('TIMESTAMP')) return split(`epoch_us(${column})`, 1000);
  if (!/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|DOUBLE|FLOAT|DECIMAL.*)$/.test(type))
    throw new ValidationError([{ path: ['options', 'columns', 'ts'], message: `column ${column} is ${type}: expected a TIMESTAMP, DATE or integer column` }]);
  if (unit === 's') return `(${column})::DOUBLE * 1000`;
  if (unit === 'ms') return `(${column})::DOUBLE`;
  return split(`(${column})::HUGEINT`, unit === 'us' ? 1000 : 1_000_000);
}

/**
 * Replaces a partition folder by one holding `keep` (hard links to its current files) and `add`, in one
 * rename: `<yyyy>` becomes `.<yyyy>.old-<id>`, `.<yyyy>.next-<id>` becomes `<yyyy>`, and the old folder
 * is removed. {@link recover} finishes a swap a crash cut off.
 */
function swapPartition(dir: string, keep: readonly string[], add: readonly Planned[]): void {
  const parent = dirname(dir);
  const year = basename(dir);
  const tag = randomBytes(4).toString('hex');
  const next = join(parent, `.${year}.next-${tag}`);
  const old = join(parent, `.${year}.old-${tag}`);
  mkdirSync(next, { recursive: true });
  for (const name of keep) linkSync(join(dir, name), join(next, name));
  for (const p of add) renameSync(p.tmp, join(next, p.name));
  if (existsSync(dir)) renameSync(dir, old);
  if (keep.length + add.length > 0) renameSync(next, dir);
  else rmSync(next, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
}

/**
 * Finishes or rolls back partition swaps cut off by a crash: a complete `.<yyyy>.next-*` folder whose
 * `<yyyy>` is gone (renamed to `.old`) becomes `<yyyy>`; any other `.next-*` or `.old-*` is removed.
 */
function recover(root: string): void {
  for (const dataType of DATA_TYPES) {
    const typeDir = join(root, dataType);
    if (!existsSync(typeDir)) continue;
    for (const inst of readdirSync(typeDir)) {
      const instDir = join(typeDir, inst);
      if (!statSync(instDir).isDirectory()) continue;
      const entries = readdirSync(instDir);
      for (const name of entries) {
        const m = /^\.(\d{4})\.(next|old)-[0-9a-f]+$/.exec(name);
        if (!m) continue;
        const target = join(instDir, m[1]!);
        const tag = name.slice(name.lastIndexOf('-') + 1);
        const hasOld = entries.includes(`.${m[1]}.old-${tag}`);
        if (m[2] === 'next' && !existsSync(target) && hasOld) renameSync(join(instDir, name), target);
        else rmSync(join(instDir, name), { recursive: true, force: true });
      }
    }
  }
}

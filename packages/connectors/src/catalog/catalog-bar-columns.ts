/**
 * The bars of one instrument over a time range as `BarColumns` (a `Float64Array` per field, 48 bytes a
 * bar), read without making a `Bar` object per row: a Parquet catalog copies DuckDB's result chunks,
 * column by column, into a builder sized by a count of the rows first; a PostgreSQL catalog appends the
 * rows of its cursor. The numbers are those `query({ dataType: 'bars', ... })` returns, in its order.
 */
import type { DuckDBConnection, DuckDBDataChunk, DuckDBInstance } from '@duckdb/node-api';
import { z } from 'zod';
import { BarColumnsBuilder, parseWith, type BarColumns, type Instrument, type InstrumentId } from '@rxtrade/core';
import { time } from './catalog-config';
import { CatalogFileError } from './catalog-errors';
import { MAX_TS, type CatalogFile } from './catalog-layout';
import { checkFileSchemaOnce, denseDoubles, READ_AHEAD_CHUNKS, ReadAhead, SELECTS, sqlString } from './catalog-reader';

/** An instrument by id or definition, as in a `CatalogQuery` (a missing one said in words, not as zod's "Invalid input"). */
const instrument = z.union([z.string().min(1), z.looseObject({ id: z.string().min(1) }).transform((i) => i.id)], {
  error: 'must be an instrument id or an instrument (an object with an id)',
});

/**
 * Schema of {@link BarColumnsQuery}: strict (an unknown key is an error naming it), `end` not before
 * `start`.
 *
 * @example
 * ```ts
 * BarColumnsQuerySchema.parse({ instrument: 'GOOG.NASDAQ', start: Date.UTC(2005, 0, 1) });
 * ```
 */
export const BarColumnsQuerySchema = z
  .strictObject({
    instrument,
    start: time.optional(),
    end: time.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.start !== undefined && q.end !== undefined && q.end < q.start)
      ctx.addIssue({ code: 'custom', path: ['end'], message: `must not be before start (${new Date(q.start).toISOString()})` });
  });

/**
 * What `barColumns` reads: the bars of one instrument from `start` (included) to `end` (excluded), as
 * in a `CatalogQuery` of `dataType: 'bars'`.
 *
 * @example
 * ```ts
 * const q: BarColumnsQuery = { instrument: 'GOOG.NASDAQ', start: new Date('2006-01-01'), end: Date.UTC(2007, 0, 1) };
 * ```
 */
export interface BarColumnsQuery {
  /** The instrument, by id or definition. */
  readonly instrument: InstrumentId | string | Pick<Instrument, 'id'>;
  /** First time included, epoch milliseconds UTC or a Date (default: the earliest stored). */
  readonly start?: number | Date;
  /** First time excluded, epoch milliseconds UTC or a Date (default: after the latest stored). */
  readonly end?: number | Date;
}

/**
 * @internal A query checked (a ValidationError naming the field under `query`) and resolved: the
 * instrument's id and the range `[start, end)` with its defaults (all stored time).
 */
export function resolveBarColumnsQuery(query: BarColumnsQuery): { id: InstrumentId; start: number; end: number } {
  const q = parseWith(BarColumnsQuerySchema, query, 'query');
  return { id: q.instrument as InstrumentId, start: q.start ?? 0, end: q.end ?? MAX_TS + 1 };
}

const BARS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Reads the bars of `files` (one instrument's files of bars, in time order) with times in
 * `[start, end)` into columns. The rows are counted first (DuckDB answers from the time column alone),
 * so the builder makes its arrays once, at their final size; each chunk's columns are then copied
 * straight from the `Float64Array`s DuckDB filled. A file that cannot be read, or holds a null, is a
 * {@link CatalogFileError} naming it, as in a query.
 */
export async function readParquetBarColumns(instance: DuckDBInstance, files: readonly CatalogFile[], id: InstrumentId, start: number, end: number): Promise<BarColumns> {
  if (files.length === 0) return new BarColumnsBuilder(id, { capacity: 0 }).build();
  const con = await instance.connect();
  let builder: BarColumnsBuilder;
  try {
    const where = `WHERE ts >= ${start} AND ts < ${end}`;
    for (const file of files) await readFile(file.path, () => checkFileSchemaOnce(instance, con, file.path, 'bars'));
    const list = `[${files.map((f) => sqlString(f.path)).join(', ')}]`;
    const count = await readFile(files[0]!.path, async () => Number((await con.runAndReadAll(`SELECT count(*)::DOUBLE FROM read_parquet(${list}) ${where}`)).getRows()[0]![0]));
    // A write between the count and the read changes nothing here but the builder's growth.
    builder = new BarColumnsBuilder(id, { capacity: count });
    for (const file of files) await readFile(file.path, () => appendFile(con, file.path, where, builder));
  } finally {
    con.closeSync();
  }
  return builder.build();
}

/** Runs `fn`, turning an error of DuckDB into a {@link CatalogFileError} naming `file`, as a query does. */
async function readFile<T>(file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof CatalogFileError) throw error;
    throw new CatalogFileError(file, `cannot be read (${(error as Error).message.split('\n')[0]})`, { cause: error });
  }
}

async function appendFile(con: DuckDBConnection, file: string, where: string, builder: BarColumnsBuilder): Promise<void> {
  const reader = new ReadAhead(await con.stream(`SELECT ${SELECTS.bars} FROM read_parquet(${sqlString(file)}) ${where}`), READ_AHEAD_CHUNKS);
  try {
    for (let chunk = await reader.next(); chunk !== null; chunk = await reader.next()) appendChunk(chunk, file, builder);
  } finally {
    await reader.stop();
  }
}

function appendChunk(chunk: DuckDBDataChunk, file: string, builder: BarColumnsBuilder): void {
  const n = chunk.rowCount;
  const ts = denseDoubles(chunk.getColumnVector(0), n);
  const open = denseDoubles(chunk.getColumnVector(1), n);
  const high = denseDoubles(chunk.getColumnVector(2), n);
  const low = denseDoubles(chunk.getColumnVector(3), n);
  const close = denseDoubles(chunk.getColumnVector(4), n);
  const volume = denseDoubles(chunk.getColumnVector(5), n);
  if (ts !== undefined && open !== undefined && high !== undefined && low !== undefined && close !== undefined && volume !== undefined) {
    for (let j = 0; j < n; j++) builder.add(ts[j]!, open[j]!, high[j]!, low[j]!, close[j]!, volume[j]!);
    return;
  }
  // A column with nulls (or a vector of another layout): value by value, naming the null as a query does.
  const cols = BARS.map((_, c) => chunk.getColumnVector(c) as unknown as { getItem(i: number): unknown });
  const num = (c: number, j: number): number => {
    const v = cols[c]!.getItem(j);
    if (v === null) throw new CatalogFileError(file, `column ${BARS[c]} is null in a row of time ${String(cols[0]!.getItem(j))}`);
    return v as number;
  };
  for (let j = 0; j < n; j++) builder.add(num(0, j), num(1, j), num(2, j), num(3, j), num(4, j), num(5, j));
}

/**
 * Appends rows fetched as `ts::float8, open, high, low, close, volume` in array mode (node-postgres reads
 * float8 as numbers, exactly with `extra_float_digits = 3`).
 */
export function appendBarRows(builder: BarColumnsBuilder, rows: readonly unknown[][]): void {
  for (const r of rows) builder.add(r[0] as number, r[1] as number, r[2] as number, r[3] as number, r[4] as number, r[5] as number);
}

/**
 * The market-data catalog on a PostgreSQL server: the same interface, rules and results as the Parquet
 * catalog (see `market-data-catalog.ts` and docs/catalog.md, "PostgreSQL"), in tables a team can share.
 *
 * - One table per data type (`<prefix>bars`, ...), keyed by (instrument, time, position in its write),
 *   and a table of stored ranges (`<prefix>ranges`) that plays the part of the Parquet files: the
 *   overlap rules read and cut it exactly as they do files.
 * - Prices and sizes are `float8`: every double is sent as its shortest round-trip text (`-0` spelled
 *   out) and read back with `extra_float_digits = 3`, so what is written is read bit for bit.
 * - A write is one transaction: staged in temporary tables (the server holds the events, not
 *   JavaScript), checked and merged under a transaction-scoped advisory lock (one writer per catalog at
 *   a time, across processes), committed or rolled back whole.
 * - A query is one read-only REPEATABLE READ transaction on a connection of its own, one cursor per
 *   instrument fetched `fetchRows` at a time, merged by time in JavaScript with the tie rule of the
 *   Parquet catalog.
 */
import type pg from 'pg';
import { z } from 'zod';
import { BarColumnsBuilder, MarketDataValidator, parseWith, StateError, ValidationError, type BarColumns, type InstrumentId, type MarketData } from '@rxtrade/core';
import { PostgresClientConfigSchema } from '../live/journal-postgres/postgres-journal';
import { errorText, redactor, urlPassword } from '../postgres/pg-redaction';
import { streamBarsCsv, type ReadBarsCsvOptions } from '../read-bars-csv';
import { appendBarRows, resolveBarColumnsQuery, type BarColumnsQuery } from './catalog-bar-columns';
import { CatalogQuerySchema, CatalogWriteOptionsSchema, ConsolidateOptionsSchema, type CatalogQuery, type CatalogWriteOptions, type ConsolidateOptions, type OnOverlap } from './catalog-config';
import { CatalogDatabaseError, CatalogOverlapError } from './catalog-errors';
import { DATA_TYPES, dataTypeOf, MAX_TS, yearOf, type CatalogDataType, type CatalogEventOf } from './catalog-layout';
import { catalogQueryResult, type CatalogQueryResult, type ChunkSource } from './catalog-reader';
import { checkCatalogEvent, type CatalogRange, type CatalogWriteCounts, type ConsolidateResult, type MarketDataCatalog } from './market-data-catalog';

const identifier = (what: string, max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[a-z_][a-z0-9_]*$/, `must be a lower-case SQL identifier (letters, digits, _; not starting with a digit) for the ${what}`);

/**
 * Schema of {@link PostgresCatalogConfig}: strict (an unknown key is an error naming it), exactly one of
 * `connectionString` and `client`.
 *
 * @example
 * ```ts
 * parseWith(PostgresCatalogConfigSchema, { connectionString: 'postgres://rxtrade@db/market', schema: 'market' }, 'config');
 * ```
 */
export const PostgresCatalogConfigSchema = z
  .strictObject({
    /** `postgres://user:password@host:port/database?…`; the password never appears in an error or log. */
    connectionString: z.string().min(1).optional(),
    /** Or the connection settings field by field (host, port, user, password, database, ssl, ...). */
    client: PostgresClientConfigSchema.optional(),
    /** Schema of the tables (created when missing; default `rxtrade`). */
    schema: identifier('schema', 63).default('rxtrade'),
    /** Prefix of the table names: `<prefix>bars`, ..., `<prefix>ranges` (default `catalog_`). */
    tablePrefix: identifier('table prefix', 40).default('catalog_'),
    /** Connections at most (default 10): each query being iterated holds one, a write holds one. */
    poolSize: z.number().int().min(1).max(1000).default(10),
    /** Rows fetched per instrument at a time by a query (default 2,048): memory holds that many per instrument. */
    fetchRows: z.number().int().min(1).max(1_000_000).default(2048),
    /** Rows sent per statement while a write stages its events (default 5,000). */
    writeBatchRows: z.number().int().min(1).max(1_000_000).default(5000),
  })
  .superRefine((c, ctx) => {
    if ((c.connectionString === undefined) === (c.client === undefined))
      ctx.addIssue({ code: 'custom', path: [c.connectionString === undefined ? 'connectionString' : 'client'], message: 'give exactly one of connectionString and client' });
  });
/**
 * Configuration of {@link PostgresCatalog.open}.
 *
 * @example
 * ```ts
 * const config: PostgresCatalogConfig = { connectionString: process.env.RXTRADE_CATALOG_URL!, schema: 'market' };
 * ```
 */
export type PostgresCatalogConfig = z.input<typeof PostgresCatalogConfigSchema>;
type Config = z.output<typeof PostgresCatalogConfigSchema>;

/**
 * What a write of a {@link PostgresCatalog} did: the counts, and the ranges it stored (a replaced
 * range's remainders included), as `CatalogWriteResult.files` lists a Parquet catalog's files.
 *
 * @example
 * ```ts
 * const { rows, ranges } = await catalog.write(bars);
 * ```
 */
export interface PostgresWriteResult extends CatalogWriteCounts {
  readonly ranges: readonly CatalogRange[];
}

/** Per data type: the table's name suffix and its value columns with their SQL types. */
const TABLES: Readonly<Record<CatalogDataType, { readonly table: string; readonly columns: readonly (readonly [string, string])[] }>> = {
  bars: { table: 'bars', columns: [['open', 'float8'], ['high', 'float8'], ['low', 'float8'], ['close', 'float8'], ['volume', 'float8']] },
  quotes: { table: 'quotes', columns: [['bid', 'float8'], ['ask', 'float8'], ['bid_size', 'float8'], ['ask_size', 'float8']] },
  trades: { table: 'trades', columns: [['price', 'float8'], ['size', 'float8'], ['aggressor', 'text'], ['trade_id', 'text']] },
  'book-deltas': { table: 'book_deltas', columns: [['sequence', 'int8'], ['bid_prices', 'float8[]'], ['bid_sizes', 'float8[]'], ['ask_prices', 'float8[]'], ['ask_sizes', 'float8[]']] },
  'book-snapshots': { table: 'book_snapshots', columns: [['sequence', 'int8'], ['bid_prices', 'float8[]'], ['bid_sizes', 'float8[]'], ['ask_prices', 'float8[]'], ['ask_sizes', 'float8[]']] },
};

/** A double as PostgreSQL's float8 input reads it back exactly: shortest round-trip text, `-0` kept. */
const float = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));
/** A float8[] literal. */
const floats = (xs: readonly number[]): string => `{${xs.map(float).join(',')}}`;

/** The values of one event in the order of its table's columns (floats as text, arrays as literals). */
function valuesOf(e: MarketData): (string | number)[] {
  switch (e.type) {
    case 'Bar':
      return [float(e.open), float(e.high), float(e.low), float(e.close), float(e.volume)];
    case 'Quote':
      return [float(e.bid), float(e.ask), float(e.bidSize), float(e.askSize)];
    case 'Trade':
      return [float(e.price), float(e.size), e.aggressor, e.tradeId];
    case 'OrderBookDelta':
    case 'OrderBookSnapshot':
      return [e.sequence, floats(e.bids.map((l) => l.price)), floats(e.bids.map((l) => l.size)), floats(e.asks.map((l) => l.price)), floats(e.asks.map((l) => l.size))];
  }
}

/** The event of a row fetched as `ts::float8, <columns>` in array mode. */
function eventOf(dataType: CatalogDataType, id: InstrumentId, r: unknown[]): MarketData {
  const n = (i: number): number => r[i] as number;
  switch (dataType) {
    case 'bars':
      return { type: 'Bar', instrumentId: id, ts: n(0), open: n(1), high: n(2), low: n(3), close: n(4), volume: n(5) };
    case 'quotes':
      return { type: 'Quote', instrumentId: id, ts: n(0), bid: n(1), ask: n(2), bidSize: n(3), askSize: n(4) };
    case 'trades':
      return { type: 'Trade', instrumentId: id, ts: n(0), price: n(1), size: n(2), aggressor: r[3] as 'NONE', tradeId: r[4] as string };
    case 'book-deltas':
    case 'book-snapshots': {
      const levels = (p: number[], s: number[]) => p.map((price, i) => ({ price, size: s[i]! }));
      return {
        type: dataType === 'book-deltas' ? 'OrderBookDelta' : 'OrderBookSnapshot',
        instrumentId: id,
        ts: n(0),
        sequence: n(1),
        bids: levels(r[2] as number[], r[3] as number[]),
        asks: levels(r[4] as number[], r[5] as number[]),
      };
    }
  }
}

/** One (data type, instrument) of a write: its events are rows of the data type's staging table with group number `g`. */
interface Group {
  readonly g: number;
  readonly dataType: CatalogDataType;
  readonly id: InstrumentId;
  first: number;
  last: number;
  rows: number;
}

const quoteIdent = (s: string): string => `"${s}"`;
const pgString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * A market-data catalog in PostgreSQL tables: bars, quotes, trades and order-book updates per
 * instrument, written without overlaps in one transaction each and read back as a time-ordered stream
 * for `runBacktest`, with the same rules and results as {@link ParquetCatalog}.
 *
 * @example
 * ```ts
 * const catalog = await PostgresCatalog.open({ connectionString: process.env.RXTRADE_CATALOG_URL!, schema: 'market' });
 * await catalog.importBarsCsv('goog.csv', { instrumentId: goog.id });
 * const result = await runBacktest(pipeline, { data: catalog.query({ dataType: 'bars', instruments: [goog] }), instruments: [goog], ledger: { startingCash: 100_000 } });
 * await catalog.close();
 * ```
 */
export class PostgresCatalog implements MarketDataCatalog {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly c: Config,
    private readonly pool: pg.Pool,
    private readonly redact: (text: string) => string,
    /** Where the catalog is: server, database and tables, never the password. */
    readonly location: string,
  ) {}

  private table(dataType: CatalogDataType | 'ranges'): string {
    return `${quoteIdent(this.c.schema)}.${quoteIdent(`${this.c.tablePrefix}${dataType === 'ranges' ? 'ranges' : TABLES[dataType].table}`)}`;
  }

  /**
   * Connects and creates the schema and tables when missing. A bad config is a `ValidationError`
   * naming the field; a server that cannot be reached or refuses the login is a
   * {@link CatalogDatabaseError}, without the password.
   *
   * @example
   * ```ts
   * const catalog = await PostgresCatalog.open({ client: { host: '/var/run/postgresql', database: 'market' }, tablePrefix: 'md_' });
   * ```
   */
  static async open(config: PostgresCatalogConfig): Promise<PostgresCatalog> {
    const c = parseWith(PostgresCatalogConfigSchema, config, 'config');
    const secrets: string[] = [];
    if (c.client?.password) secrets.push(c.client.password);
    const inUrl = c.connectionString === undefined ? undefined : urlPassword(c.connectionString);
    if (inUrl) secrets.push(inUrl);
    // Loaded here rather than when the package is imported: most applications never open one.
    const { default: postgres } = await import('pg');
    let redact = redactor(secrets, c.connectionString);
    const settings = { keepAlive: true, application_name: 'rxtrade-catalog', ...(c.connectionString !== undefined ? { connectionString: c.connectionString } : c.client) };
    let o: pg.Client;
    try {
      // A client that never connects: how node-postgres resolves the settings (URL, PG* variables, defaults).
      o = new postgres.Client(settings);
    } catch (e) {
      throw new ValidationError([{ path: ['config', 'connectionString'], message: `is not a valid connection string: ${redact(errorText(e))}` }]);
    }
    // The password may also come from PGPASSWORD or the URL's query: whatever the client resolved is never shown.
    const resolved = (o as unknown as { password?: unknown }).password;
    if (typeof resolved === 'string' && resolved.length > 0) redact = redactor([...secrets, resolved], c.connectionString);
    const pool = new postgres.Pool({ ...settings, max: c.poolSize });
    // A connection that drops while idle in the pool is discarded by the pool; the next use reconnects.
    pool.on('error', () => undefined);
    const location = `postgres://${o.user ?? ''}@${o.host ?? ''}:${o.port ?? ''}/${o.database ?? ''} ${c.schema}.${c.tablePrefix}*`;
    const catalog = new PostgresCatalog(c, pool, redact, location);
    try {
      await catalog.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [catalog.lockKey()]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(c.schema)}`);
        for (const dataType of DATA_TYPES) {
          const cols = TABLES[dataType].columns.map(([n, t]) => `${n} ${t} NOT NULL`).join(', ');
          await client.query(`CREATE TABLE IF NOT EXISTS ${catalog.table(dataType)} (instrument_id text NOT NULL, ts int8 NOT NULL, n int8 NOT NULL, ${cols}, PRIMARY KEY (instrument_id, ts, n))`);
        }
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${catalog.table('ranges')} (data_type text NOT NULL, instrument_id text NOT NULL, year int4 NOT NULL, first_ts int8 NOT NULL, last_ts int8 NOT NULL, PRIMARY KEY (data_type, instrument_id, first_ts))`,
        );
      }, 'could not open');
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
    return catalog;
  }

  /** The advisory lock of this catalog's tables: one writer at a time, in any process. */
  private lockKey(): string {
    // A stable 63-bit key from the schema and prefix (FNV-1a, 64-bit, top bit cleared).
    let h = 0xcbf29ce484222325n;
    for (const b of Buffer.from(`rxtrade.catalog:${this.c.schema}.${this.c.tablePrefix}`)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
    return String(h & 0x7fffffffffffffffn);
  }

  /**
   * Writes market data (any mix of types and instruments, each instrument's events of a type in time
   * order) in one transaction, with the overlap rules of the Parquet catalog. On any error nothing is
   * changed.
   *
   * @param data an array, iterable or async iterable of events (a generator streams them: the server
   *   holds them in temporary tables until the transaction commits).
   * @example
   * ```ts
   * const { rows, skipped } = await catalog.write(bars, { onOverlap: 'skip' });
   * ```
   */
  write(data: Iterable<MarketData> | AsyncIterable<MarketData>, options: CatalogWriteOptions = {}): Promise<PostgresWriteResult> {
    const o = parseWith(CatalogWriteOptionsSchema, options, 'options');
    if (typeof data !== 'object' || data === null || !(Symbol.iterator in data || Symbol.asyncIterator in data))
      throw new ValidationError([{ path: ['data'], message: 'must be an array, an iterable or an async iterable of market data events' }]);
    return this.exclusive(() => this.transaction((client) => this.writeNow(client, data, o.onOverlap, 'data'), 'write failed'));
  }

  /**
   * Imports a CSV file of bars through `readBarsCsv`'s rules and options, streaming it.
   *
   * @example
   * ```ts
   * await catalog.importBarsCsv('goog.csv', { instrumentId: goog.id }, { onOverlap: 'skip' });
   * ```
   */
  importBarsCsv(path: string, csv: ReadBarsCsvOptions, options: CatalogWriteOptions = {}): Promise<PostgresWriteResult> {
    return this.write(streamBarsCsv(path, csv), options);
  }

  /**
   * Streams the events of some instruments of one data type in a time range, merged by time (ties in
   * the order of `instruments`, then as written). Each iteration is one read-only snapshot of the
   * tables on a connection of its own, fetching `fetchRows` rows per instrument at a time; the result
   * goes straight into `runBacktest`.
   *
   * @example
   * ```ts
   * for await (const bar of catalog.query({ dataType: 'bars', instruments: [goog.id], start: Date.UTC(2006, 0, 1) })) console.log(bar.close);
   * ```
   */
  query<T extends CatalogDataType>(query: CatalogQuery<T>): CatalogQueryResult<CatalogEventOf[T]> {
    const q = parseWith(CatalogQuerySchema, query, 'query');
    const start = q.start ?? 0;
    const end = q.end ?? MAX_TS + 1;
    const ids = q.instruments as InstrumentId[];
    // Times and book sequences (int8, which node-postgres reads as strings) come back as float8: exact below 2^53.
    const select = `ts::float8, ${TABLES[q.dataType].columns.map(([n, t]) => (t === 'int8' ? `${n}::float8` : n)).join(', ')}`;
    return catalogQueryResult<CatalogEventOf[T]>(async () => {
      this.assertOpen();
      const client = await this.connect();
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await client.query('SET LOCAL extra_float_digits = 3');
        for (let i = 0; i < ids.length; i++)
          await client.query(
            `DECLARE c${i} NO SCROLL CURSOR FOR SELECT ${select} FROM ${this.table(q.dataType)} WHERE instrument_id = ${pgString(ids[i]!)} AND ts >= ${start} AND ts < ${end} ORDER BY ts, n`,
          );
      } catch (e) {
        client.release(true);
        throw this.dbError('query failed', e);
      }
      const sources = ids.map((id, i) => new CursorSource<CatalogEventOf[T]>(client, `c${i}`, this.c.fetchRows, q.dataType, id, (e) => this.dbError('query failed', e)));
      return {
        sources,
        release: async (error) => {
          if (error !== undefined) return client.release(true);
          try {
            await client.query('COMMIT');
            client.release();
          } catch {
            client.release(true);
          }
        },
      };
    });
  }

  /**
   * The bars of one instrument from `start` (included) to `end` (excluded) as `BarColumns`: the rows a
   * `query` of that instrument returns (one read-only snapshot, counted first, then fetched `fetchRows`
   * at a time through a cursor), appended to the columns without a `Bar` object per row.
   *
   * @example
   * ```ts
   * const columns = await catalog.barColumns({ instrument: goog, start: Date.UTC(2006, 0, 1) });
   * const result = await runBacktest(pipeline, { data: columns, instruments: [goog], ledger: { startingCash: 100_000 } });
   * ```
   */
  async barColumns(query: BarColumnsQuery): Promise<BarColumns> {
    const { id, start, end } = resolveBarColumnsQuery(query);
    this.assertOpen();
    const client = await this.connect();
    let builder: BarColumnsBuilder;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query('SET LOCAL extra_float_digits = 3');
      const from = `FROM ${this.table('bars')} WHERE instrument_id = ${pgString(id)} AND ts >= ${start} AND ts < ${end}`;
      const count = (await client.query<unknown[]>({ text: `SELECT count(*)::float8 ${from}`, rowMode: 'array' })).rows[0]![0] as number;
      builder = new BarColumnsBuilder(id, { capacity: count });
      const columns = TABLES.bars.columns.map(([n]) => n).join(', ');
      await client.query(`DECLARE bars NO SCROLL CURSOR FOR SELECT ts::float8, ${columns} ${from} ORDER BY ts, n`);
      for (;;) {
        const rows = (await client.query<unknown[]>({ text: `FETCH ${this.c.fetchRows} FROM bars`, rowMode: 'array' })).rows;
        if (rows.length === 0) break;
        appendBarRows(builder, rows);
      }
      await client.query('COMMIT');
    } catch (e) {
      client.release(true);
      throw this.dbError('query failed', e);
    }
    client.release();
    return builder.build();
  }

  /**
   * The stored ranges, by data type, instrument and time.
   *
   * @example
   * ```ts
   * for (const r of await catalog.ranges({ dataType: 'bars' })) console.log(r.instrumentId, r.year, new Date(r.first));
   * ```
   */
  async ranges(filter: ConsolidateOptions = {}): Promise<CatalogRange[]> {
    const f = parseWith(ConsolidateOptionsSchema, filter, 'filter');
    const client = await this.connect();
    try {
      return await this.rangesOf(client, f.dataType, f.instruments);
    } catch (e) {
      throw this.dbError('listing ranges failed', e);
    } finally {
      client.release();
    }
  }

  /**
   * Merges the stored ranges of each partition (instrument, data type, year) into one, as the Parquet
   * catalog merges files (afterwards a write into a gap of the merged range is an overlap), then runs
   * `VACUUM (ANALYZE)` on the tables of the data types it looked at. Rows are not moved: queries
   * return the same events before and after.
   *
   * @example
   * ```ts
   * const { filesBefore, filesAfter } = await catalog.consolidate({ dataType: 'bars' });
   * ```
   */
  consolidate(options: ConsolidateOptions = {}): Promise<ConsolidateResult> {
    const o = parseWith(ConsolidateOptionsSchema, options, 'options');
    return this.exclusive(async () => {
      const result = await this.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [this.lockKey()]);
        const ranges = await this.rangesOf(client, o.dataType, o.instruments);
        const partitions = new Map<string, CatalogRange[]>();
        for (const r of ranges) {
          const key = `${r.dataType}\u0000${r.instrumentId}\u0000${r.year}`;
          partitions.set(key, [...(partitions.get(key) ?? []), r]);
        }
        let merged = 0;
        for (const list of partitions.values()) {
          if (list.length < 2) continue;
          const { dataType, instrumentId, year } = list[0]!;
          await client.query(`DELETE FROM ${this.table('ranges')} WHERE data_type = $1 AND instrument_id = $2 AND year = $3`, [dataType, instrumentId, year]);
          await client.query(`INSERT INTO ${this.table('ranges')} VALUES ($1, $2, $3, $4, $5)`, [dataType, instrumentId, year, list[0]!.first, list.at(-1)!.last]);
          merged++;
        }
        return { partitions: merged, filesBefore: ranges.length, filesAfter: partitions.size };
      }, 'consolidation failed');
      const client = await this.connect();
      try {
        for (const dataType of o.dataType ? [o.dataType] : DATA_TYPES) await client.query(`VACUUM (ANALYZE) ${this.table(dataType)}`);
      } catch (e) {
        throw this.dbError('VACUUM failed', e);
      } finally {
        client.release();
      }
      return result;
    });
  }

  /** Closes the connections; the catalog cannot be used afterwards. Queries still iterating fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private assertOpen(): void {
    if (this.closed) throw new StateError(`the catalog at ${this.location} is closed`);
  }

  private async connect(): Promise<pg.PoolClient> {
    this.assertOpen();
    try {
      return await this.pool.connect();
    } catch (e) {
      throw this.dbError('could not connect', e);
    }
  }

  private dbError(what: string, e: unknown): Error {
    if (e instanceof CatalogDatabaseError) return e;
    return new CatalogDatabaseError(`catalog ${this.location}: ${what}: ${this.redact(errorText(e))}`);
  }

  /** Runs writes and consolidations of this instance one at a time (the advisory lock orders them across processes). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. Errors of the catalog's own pass through. */
  private async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>, what: string): Promise<T> {
    const client = await this.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      if (e instanceof ValidationError || e instanceof CatalogOverlapError || e instanceof StateError) throw e;
      throw this.dbError(what, e);
    } finally {
      client.release(broken);
    }
  }

  private async rangesOf(client: pg.PoolClient, dataType: CatalogDataType | undefined, instruments: readonly string[] | undefined): Promise<CatalogRange[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (dataType !== undefined) where.push(`data_type = $${params.push(dataType)}`);
    if (instruments !== undefined) where.push(`instrument_id = ANY($${params.push(instruments)}::text[])`);
    const rows = await client.query<{ data_type: CatalogDataType; instrument_id: string; year: number; first: number; last: number }>(
      `SELECT data_type, instrument_id, year, first_ts::float8 AS first, last_ts::float8 AS last FROM ${this.table('ranges')}
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY array_position($${params.push(DATA_TYPES)}::text[], data_type), instrument_id COLLATE "C", first_ts`,
      params,
    );
    return rows.rows.map((r) => ({ dataType: r.data_type, instrumentId: r.instrument_id as InstrumentId, year: r.year, first: r.first, last: r.last }));
  }

  private async writeNow(client: pg.PoolClient, data: Iterable<MarketData> | AsyncIterable<MarketData>, onOverlap: OnOverlap, label: string): Promise<PostgresWriteResult> {
    const groups = new Map<string, Group>();
    const staged = new Set<CatalogDataType>();
    const batches = new Map<CatalogDataType, { g: number[]; n: number[]; ts: number[]; values: (string | number)[][] }>();
    const flush = async (dataType: CatalogDataType): Promise<void> => {
      const b = batches.get(dataType);
      if (b === undefined || b.g.length === 0) return;
      const { columns } = TABLES[dataType];
      if (!staged.has(dataType)) {
        staged.add(dataType);
        await client.query(`CREATE TEMP TABLE ${stageOf(dataType)} (g int4, n int8, ts int8, ${columns.map(([c, t]) => `${c} ${t}`).join(', ')}) ON COMMIT DROP`);
      }
      // Floats travel as text (exact); array columns as the text of their literals, cast on the server.
      const params: unknown[] = [b.g, b.n, b.ts, ...columns.map((_, c) => b.values.map((v) => v[c]))];
      const types = ['int4', 'int8', 'int8', ...columns.map(([, t]) => (t === 'float8' || t.endsWith('[]') ? 'text' : t))];
      const casts = ['g', 'n', 'ts', ...columns.map(([name, t], c) => (t === 'text' || t === 'int8' ? `c${c}` : `c${c}::${t}`) + ` AS ${name}`)];
      await client.query(
        `INSERT INTO ${stageOf(dataType)} SELECT ${casts.join(', ')} FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS u(g, n, ts, ${columns.map((_, c) => `c${c}`).join(', ')})`,
        params,
      );
      batches.set(dataType, { g: [], n: [], ts: [], values: [] });
    };
    const validator = new MarketDataValidator(label);
    let i = 0;
    const accept = (e: MarketData): Promise<void> | undefined => {
      checkCatalogEvent(validator, e, i, label);
      const dataType = dataTypeOf(e);
      const key = `${dataType}\u0000${e.instrumentId}`;
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = { g: groups.size, dataType, id: e.instrumentId, first: e.ts, last: e.ts, rows: 0 }));
      group.last = e.ts;
      group.rows++;
      let b = batches.get(dataType);
      if (b === undefined) batches.set(dataType, (b = { g: [], n: [], ts: [], values: [] }));
      b.g.push(group.g);
      b.n.push(i);
      b.ts.push(e.ts);
      b.values.push(valuesOf(e));
      i++;
      return b.g.length >= this.c.writeBatchRows ? flush(dataType) : undefined;
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
    for (const dataType of batches.keys()) await flush(dataType);
    for (const dataType of staged) if ([...groups.values()].filter((g) => g.dataType === dataType).length > 1) await client.query(`CREATE INDEX ON ${stageOf(dataType)} (g, ts)`);

    // The events are on the server; from here on one writer at a time.
    await client.query('SELECT pg_advisory_xact_lock($1)', [this.lockKey()]);
    const ranges = this.table('ranges');
    const existingOf = async (g: Group): Promise<{ first: number; last: number }[]> =>
      (await client.query<{ first: number; last: number }>(`SELECT first_ts::float8 AS first, last_ts::float8 AS last FROM ${ranges} WHERE data_type = $1 AND instrument_id = $2 ORDER BY first_ts`, [g.dataType, g.id])).rows;
    const overlaps: { g: Group; existing: { first: number; last: number }[] }[] = [];
    for (const g of groups.values()) overlaps.push({ g, existing: await existingOf(g) });
    if (onOverlap === 'error')
      for (const { g, existing } of overlaps) {
        const hit = existing.filter((f) => f.first <= g.last && f.last >= g.first);
        if (hit.length > 0) throw new CatalogOverlapError(g.id, g.dataType, Math.max(g.first, hit[0]!.first), Math.min(g.last, hit.at(-1)!.last));
      }

    let rows = 0;
    let replaced = 0;
    const written: CatalogRange[] = [];
    const addRange = async (g: Group, first: number, last: number): Promise<void> => {
      await client.query(`INSERT INTO ${ranges} VALUES ($1, $2, $3, $4, $5)`, [g.dataType, g.id, yearOf(first), first, last]);
      written.push({ dataType: g.dataType, instrumentId: g.id, year: yearOf(first), first, last });
    };
    for (const { g, existing } of overlaps) {
      const table = this.table(g.dataType);
      let kept = existing.map((f) => [f.first, f.last] as const);
      if (onOverlap === 'replace') {
        kept = [];
        for (const f of existing) {
          if (f.last < g.first || f.first > g.last) {
            kept.push([f.first, f.last]);
            continue;
          }
          // The range is cut: its events within the write's span go, the parts outside stay as ranges of their own.
          const del = await client.query(`DELETE FROM ${table} WHERE instrument_id = $1 AND ts >= $2 AND ts <= $3`, [g.id, Math.max(f.first, g.first), Math.min(f.last, g.last)]);
          replaced += del.rowCount ?? 0;
          await client.query(`DELETE FROM ${ranges} WHERE data_type = $1 AND instrument_id = $2 AND first_ts = $3`, [g.dataType, g.id, f.first]);
          const bounds = await client.query<{ below: number | null; above: number | null }>(
            `SELECT (SELECT max(ts)::float8 FROM ${table} WHERE instrument_id = $1 AND ts >= $2 AND ts < $3) AS below,
                    (SELECT min(ts)::float8 FROM ${table} WHERE instrument_id = $1 AND ts > $4 AND ts <= $5) AS above`,
            [g.id, f.first, g.first, g.last, f.last],
          );
          const { below, above } = bounds.rows[0]!;
          if (below !== null) {
            await addRange(g, f.first, below);
            kept.push([f.first, below]);
          }
          if (above !== null) {
            await addRange(g, above, f.last);
            kept.push([above, f.last]);
          }
        }
        kept.sort((a, b) => a[0] - b[0]);
      }
      // The new events go in the gaps between the ranges kept, one range per gap and year.
      const gaps: [number, number][] = [];
      let from = 0;
      for (const [a, b] of kept) {
        if (a > from) gaps.push([from, a - 1]);
        from = b + 1;
      }
      gaps.push([from, MAX_TS]);
      const columns = ['instrument_id', 'ts', 'n', ...TABLES[g.dataType].columns.map(([n]) => n)];
      for (const [a, b] of gaps) {
        const lo = Math.max(a, g.first);
        const hi = Math.min(b, g.last);
        if (lo > hi) continue;
        for (let y = yearOf(lo); y <= yearOf(hi); y++) {
          const piece = await client.query<{ rows: number; first: number | null; last: number | null }>(
            `WITH ins AS (INSERT INTO ${table} (${columns.join(', ')}) SELECT $1, ${columns.slice(1).join(', ')} FROM ${stageOf(g.dataType)} WHERE g = $2 AND ts >= $3 AND ts <= $4 RETURNING ts)
             SELECT count(*)::float8 AS rows, min(ts)::float8 AS first, max(ts)::float8 AS last FROM ins`,
            [g.id, g.g, Math.max(lo, Date.UTC(y, 0, 1)), Math.min(hi, Date.UTC(y + 1, 0, 1) - 1)],
          );
          const p = piece.rows[0]!;
          if (p.rows > 0) {
            await addRange(g, p.first!, p.last!);
            rows += p.rows;
          }
        }
      }
    }
    const total = [...groups.values()].reduce((n, g) => n + g.rows, 0);
    return { rows, skipped: total - rows, replaced, ranges: written };
  }
}

const stageOf = (dataType: CatalogDataType): string => `pg_temp.rxtrade_stage_${TABLES[dataType].table}`;

/** One instrument's events through a cursor of the query's transaction, `fetchRows` at a time. */
class CursorSource<E extends MarketData> implements ChunkSource<E> {
  buf: E[] = [];
  pos = 0;
  private ended = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly cursor: string,
    private readonly fetchRows: number,
    private readonly dataType: CatalogDataType,
    private readonly id: InstrumentId,
    private readonly wrap: (e: unknown) => Error,
  ) {}

  async fill(): Promise<boolean> {
    this.buf = [];
    this.pos = 0;
    if (this.ended) return false;
    let rows: unknown[][];
    try {
      rows = (await this.client.query<unknown[]>({ text: `FETCH ${this.fetchRows} FROM ${this.cursor}`, rowMode: 'array' })).rows;
    } catch (e) {
      this.ended = true;
      throw this.wrap(e);
    }
    if (rows.length === 0) {
      this.ended = true;
      return false;
    }
    const out = this.buf;
    for (const r of rows) out.push(eventOf(this.dataType, this.id, r) as E);
    return true;
  }

  close(): void {
    // The cursor ends with the query's transaction.
    this.ended = true;
  }
}

/**
 * `barColumns` of both catalogs against their own `query`: the same catalog and range give, row for
 * row, the same numbers bit for bit (-0 and subnormals included), over several instruments, ranges
 * that cut files and year partitions, and empty ranges; errors name the field as `query` does. The
 * PostgreSQL half runs on a throwaway cluster and is skipped when the PostgreSQL binaries are missing,
 * unless RXTRADE_REQUIRE_SERVICES=1.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { runBacktest } from '@rxtrade/backtest';
import { BAR_COLUMN_FIELDS, defineInstrument, instrumentId, isBarColumns, StateError, ValidationError, type Bar, type BarColumns, type InstrumentId } from '@rxtrade/core';
import { skipWithoutPostgres, startPostgres, type TestPostgres } from '../../../../tooling/test-kit/postgres';
import { collect, crossover } from './catalog-contract';
import { CatalogFileError } from './catalog-errors';
import { ParquetCatalog } from './parquet-catalog';
import { PostgresCatalog } from './postgres-catalog';

const A = instrumentId('AAA.SIM');
const B = instrumentId('BBB.SIM');
const C = instrumentId('CCC.SIM');
const MIN = 60_000;
/** Two hours before the turn of 2024: A's bars run across a year partition. */
const T0 = Date.UTC(2023, 11, 31, 22);

type Catalog = ParquetCatalog | PostgresCatalog;

/** Bars of awkward doubles from a fixed seed: thirds, 0.1 + 0.2 sums, -0 and subnormal volumes. */
function walk(id: InstrumentId, from: number, n: number, step: number, seed: number): Bar[] {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  let price = 100 / 3;
  const out: Bar[] = [];
  for (let i = 0; i < n; i++) {
    const open = price;
    price = price * (1 + (rnd() - 0.5) * 0.01) + 0.1 + 0.2 - 0.3;
    const high = Math.max(open, price) + rnd() / 7;
    const low = Math.min(open, price) - rnd() / 9;
    const volume = i % 97 === 0 ? -0 : i % 89 === 0 ? 5e-324 : rnd() * 1e6;
    out.push({ type: 'Bar', instrumentId: id, ts: from + i * step, open, high, low, close: price, volume });
  }
  return out;
}

/** Rows where the columns differ from the bars, bit for bit (Object.is tells -0 from 0); empty when equal. */
function differences(columns: BarColumns, bars: readonly Bar[]): string[] {
  const out: string[] = [];
  if (columns.length !== bars.length) out.push(`length ${columns.length} != ${bars.length}`);
  for (let i = 0; i < Math.min(columns.length, bars.length) && out.length < 5; i++) {
    const got = columns.barAt(i);
    if (got.instrumentId !== bars[i]!.instrumentId) out.push(`[${i}].instrumentId`);
    for (const f of BAR_COLUMN_FIELDS) if (!Object.is(got[f], bars[i]![f])) out.push(`[${i}].${f}: ${got[f]} != ${bars[i]![f]}`);
  }
  return out;
}

/** The tests both catalogs pass; `open` gives a new, empty catalog. */
function barColumnsSuite(open: () => Promise<Catalog>): void {
  it('gives the bars of query, bit for bit, for every instrument and range: files and years cut, empty ranges', async () => {
    const catalog = await open();
    // A: 5,000 minutes across the turn of the year, in three writes (several files a partition), then B
    // interleaved with it at odd times, and C never written.
    const a = walk(A, T0, 5000, MIN, 1);
    await catalog.write(a.slice(0, 1500));
    await catalog.write(a.slice(1500, 3700));
    await catalog.write(a.slice(3700));
    await catalog.write(walk(B, T0 + 30_001, 700, 7 * MIN, 2));
    const year = Date.UTC(2024, 0, 1);
    const ranges: { start?: number | Date; end?: number | Date }[] = [
      {},
      { start: T0 + 1499 * MIN, end: T0 + 1501 * MIN }, // across the first two files, one bar each side
      { start: year - 5 * MIN, end: new Date(year + 5 * MIN) }, // across the year partitions
      { start: new Date(T0 + 777 * MIN + 1) }, // from between two bars to the end
      { end: T0 + 4321 * MIN }, // the end excluded
      { start: T0 + 10 * MIN, end: T0 + 10 * MIN }, // empty: start = end
      { start: T0 + 10 * MIN + 1, end: T0 + 11 * MIN }, // empty: between two bars
      { end: T0 }, // empty: before the data
      { start: T0 + 6000 * MIN }, // empty: after it
    ];
    let bars = 0;
    for (const id of [A, B, C])
      for (const range of ranges) {
        const expected = await collect(catalog.query({ dataType: 'bars', instruments: [id], ...range }));
        const columns = await catalog.barColumns({ instrument: id, ...range });
        expect(isBarColumns(columns)).toBe(true);
        expect(columns.instrumentId).toBe(id);
        expect(differences(columns, expected), `${id} ${JSON.stringify(range)}`).toEqual([]);
        bars += expected.length;
      }
    // The comparison is not vacuous: the ranges hold bars, -0 among them, and a changed bit is seen.
    expect(bars).toBeGreaterThan(10_000);
    const all = await catalog.barColumns({ instrument: { id: A } });
    expect(all.length).toBe(5000);
    // Counted first: every column made once at its final size. (A builder left to grow from its default
    // 1,024 would hand out views of 1,024-row arrays for these 1,000 rows.)
    const thousand = await catalog.barColumns({ instrument: A, start: T0 + 1000 * MIN, end: T0 + 2000 * MIN });
    for (const f of BAR_COLUMN_FIELDS) expect(thousand[f].buffer.byteLength, f).toBe(1000 * 8);
    expect(Object.is(all.volume[97], -0)).toBe(true);
    expect(all.volume[89]).toBe(5e-324);
    expect(differences(all, a)).toEqual([]);
    expect(differences(all, [...a.slice(0, 97), { ...a[97]!, volume: 0 }, ...a.slice(98)])).toEqual(['[97].volume: 0 != 0']);
    await catalog.close();
  });

  it('feeds runBacktest: the crossover on the columns equals the run on the query', async () => {
    const catalog = await open();
    await catalog.write(walk(A, T0, 3000, MIN, 3));
    const instrument = defineInstrument({ symbol: 'AAA', venue: 'SIM', assetClass: 'stock', base: 'AAA', quote: 'USD', tickSize: '0.01', lotSize: '1' });
    const config = { instruments: [instrument], ledger: { startingCash: 100_000 } };
    const fromColumns = await runBacktest(crossover(A), { ...config, data: await catalog.barColumns({ instrument }) });
    const fromQuery = await runBacktest(crossover(A), { ...config, data: catalog.query({ dataType: 'bars', instruments: [A] }) });
    expect(fromQuery.summary.fills).toBeGreaterThan(10);
    expect(fromColumns.fills).toEqual(fromQuery.fills);
    expect(fromColumns.summary.finalEquity.toString()).toBe(fromQuery.summary.finalEquity.toString());
    await catalog.close();
  });

  it('rejects unknown keys and bad values, naming the field as query does, and a closed catalog', async () => {
    const catalog = await open();
    const fails = async (query: unknown, message: RegExp): Promise<void> => {
      const e = await catalog.barColumns(query as never).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as Error).message).toMatch(message);
    };
    await fails({ instruments: [A] }, /query\.instruments: unknown option; did you mean "instrument"\?/);
    await fails({ instrument: A, dataType: 'bars' }, /query\.dataType: unknown option/);
    await fails({ start: 0 }, /^query\.instrument: must be an instrument id or an instrument \(an object with an id\)$/);
    await fails({ instrument: { symbol: 'AAA' } }, /^query\.instrument: must be an instrument id/);
    await fails({ instrument: '' }, /query\.instrument: /);
    await fails({ instrument: A, start: 10, end: 5 }, /query\.end: must not be before start/);
    await fails({ instrument: A, start: 1.5 }, /query\.start: must be a whole number of milliseconds/);
    await fails(undefined, /query/);
    await catalog.close();
    await expect(catalog.barColumns({ instrument: A })).rejects.toThrow(StateError);
  });
}

describe('ParquetCatalog.barColumns', () => {
  const roots: string[] = [];
  const open = async (): Promise<ParquetCatalog> => {
    const root = mkdtempSync(join(tmpdir(), 'catalog-columns-'));
    roots.push(root);
    return ParquetCatalog.open(root, { threads: 1 });
  };
  afterAll(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  barColumnsSuite(open);

  it('names a corrupt file, and a null, as query does', async () => {
    const catalog = await open();
    await catalog.write(walk(A, T0 + 3 * 3600_000, 3, MIN, 4));
    const [file] = catalog.files();
    const good = readFileSync(file!.path);
    const duck = await DuckDBInstance.create(':memory:');
    const con = await duck.connect();
    const messageOf = async (p: Promise<unknown>): Promise<string> => p.then(() => 'no error', (e: unknown) => `${(e as Error).constructor.name}: ${(e as Error).message}`);
    try {
      writeFileSync(file!.path, good.subarray(0, 100));
      const m = await messageOf(catalog.barColumns({ instrument: A }));
      expect(m.startsWith(`CatalogFileError: ${file!.path}: cannot be read as Parquet`)).toBe(true);
      // The same null, past the first 64 rows, as query names it.
      await con.run(
        `COPY (SELECT 'AAA.SIM' AS instrument_id, (${T0} + i * ${MIN})::BIGINT AS ts, 1.0::DOUBLE AS open, 2.0::DOUBLE AS high, 0.5::DOUBLE AS low, CASE WHEN i = 130 THEN NULL ELSE 1.5 END::DOUBLE AS close, 10.0::DOUBLE AS volume FROM range(200) t(i)) TO '${file!.path}' (FORMAT parquet)`,
      );
      const fromQuery = await messageOf(collect(catalog.query({ dataType: 'bars', instruments: [A] })));
      expect(fromQuery).toBe(`CatalogFileError: ${file!.path}: column close is null in a row of time ${T0 + 130 * MIN}`);
      expect(await messageOf(catalog.barColumns({ instrument: A }))).toBe(fromQuery);
      expect(CatalogFileError.name).toBe('CatalogFileError');
      writeFileSync(file!.path, good);
      expect((await catalog.barColumns({ instrument: A })).length).toBe(3);
    } finally {
      con.closeSync();
      duck.closeSync();
      catalog.close();
    }
  });
});

const { skip, reason } = skipWithoutPostgres();

describe.skipIf(skip)(`PostgresCatalog.barColumns on a real server${skip ? ` (skipped: ${reason})` : ''}`, () => {
  let server: TestPostgres;
  let n = 0;
  beforeAll(async () => {
    server = await startPostgres({ password: 'Cols-s3cret-Pz81' });
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  });

  // A small fetch size, so that the cursor is read in many fetches.
  barColumnsSuite(() => PostgresCatalog.open({ connectionString: server.connectionString, schema: `c${++n}`, poolSize: 2, fetchRows: 700 }));
});

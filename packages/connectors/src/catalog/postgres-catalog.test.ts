/**
 * PostgresCatalog against a real server (a throwaway cluster of this file, password authentication):
 * the shared catalog suite (`catalog-contract.ts`, the same expectations as the Parquet catalog), the
 * same random writes through both catalogs giving the same events, counts, errors and ranges, what
 * the tables hold, a query's snapshot, two catalogs writing at once, and configs (strict, the
 * password in no message). Skipped when the PostgreSQL binaries are missing, unless
 * RXTRADE_REQUIRE_SERVICES=1.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bar, MarketData } from '@rxtrade/core';
import { skipWithoutPostgres, startPostgres, type TestPostgres } from '../../../../tooling/test-kit/postgres';
import { A, B, bar, bars, catalogContract, collect, everyType, MIN, T0 } from './catalog-contract';
import { CatalogDatabaseError } from './catalog-errors';
import { ParquetCatalog } from './parquet-catalog';
import { PostgresCatalog, PostgresCatalogConfigSchema } from './postgres-catalog';

const { skip, reason } = skipWithoutPostgres();
const PASSWORD = 'Cat-s3cret-Wq47';

describe.skipIf(skip)(`PostgresCatalog on a real server${skip ? ` (skipped: ${reason})` : ''}`, () => {
  let server: TestPostgres;
  let admin: pg.Client;
  let n = 0;
  /** A catalog in a schema of its own: a new, empty catalog on the shared server. */
  const open = (extra: Partial<Parameters<typeof PostgresCatalog.open>[0]> = {}): Promise<PostgresCatalog> =>
    PostgresCatalog.open({ connectionString: server.connectionString, schema: `t${++n}`, poolSize: 3, ...extra });

  beforeAll(async () => {
    server = await startPostgres({ password: PASSWORD });
    admin = new pg.Client({ connectionString: server.connectionString });
    await admin.connect();
  }, 30_000);
  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await server?.stop();
  });

  describe('the shared catalog suite', () => {
    catalogContract(() => open({ fetchRows: 700, writeBatchRows: 1000 }));
  });

  it('stores float8 columns a team can query, -0 and subnormals as themselves, and one row per stored range', async () => {
    const catalog = await open({ schema: 'market', tablePrefix: 'md_' });
    await catalog.write(everyType());
    const q = async (sql: string): Promise<unknown[][]> => (await admin.query({ text: sql, rowMode: 'array' })).rows as unknown[][];
    expect(await q(`SELECT ts, size::text, aggressor, trade_id FROM market.md_trades ORDER BY ts, n`)).toEqual([
      [String(T0 + 5), '-0', 'BUYER', 't-1'],
      [String(T0 + 5), '0.30000000000000004', 'SELLER', 't-2'],
    ]);
    expect(await q(`SELECT ask_size::text FROM market.md_quotes`)).toEqual([['5e-324']]);
    expect(await q(`SELECT sequence::text, bid_sizes::text, ask_prices::text FROM market.md_book_deltas`)).toEqual([['9007199254740991', '{-0}', '{101,1.7976931348623157e+308}']]);
    expect(await q(`SELECT data_type, instrument_id, year, first_ts - ${T0}, last_ts - ${T0} FROM market.md_ranges WHERE data_type = 'bars' ORDER BY first_ts`)).toEqual([
      ['bars', 'AAA.SIM', 2023, '-60000', '-60000'],
      ['bars', 'AAA.SIM', 2024, '0', '0'],
    ]);
    await catalog.close();
  });

  it('gives the same events, counts, errors and ranges as the Parquet catalog for the same random writes', async () => {
    const op = fc.record({
      id: fc.constantFrom(A, B),
      from: fc.integer({ min: 0, max: 60 }),
      n: fc.integer({ min: 1, max: 12 }),
      step: fc.constantFrom(1, 2, 3),
      onOverlap: fc.constantFrom('error' as const, 'replace' as const, 'skip' as const),
      volume: fc.integer({ min: 1, max: 9 }),
      consolidate: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 6 }), async (ops) => {
        const parquet = await ParquetCatalog.open(mkdtempSync(join(tmpdir(), 'catalog-diff-')), { threads: 1 });
        const postgres = await open();
        try {
          for (const o of ops) {
            // Minute bars, some spanning New Year so that ranges split by year.
            const start = Date.UTC(2023, 11, 31, 23, 30) + o.from * MIN;
            const data: Bar[] = Array.from({ length: o.n }, (_, i) => ({ ...bar(o.id, start + i * o.step * MIN), volume: o.volume }));
            const outcome = async (c: ParquetCatalog | PostgresCatalog): Promise<unknown> => {
              try {
                const { rows, skipped, replaced } = await c.write(data, { onOverlap: o.onOverlap });
                if (o.consolidate) await c.consolidate();
                return { rows, skipped, replaced };
              } catch (e) {
                return (e as Error).message;
              }
            };
            expect(await outcome(postgres)).toEqual(await outcome(parquet));
            expect(await postgres.ranges()).toEqual(await parquet.ranges());
          }
          const q = { dataType: 'bars' as const, instruments: [B, A], start: Date.UTC(2023, 11, 31, 23, 40), end: Date.UTC(2024, 0, 1, 0, 50) };
          expect(await collect(postgres.query(q))).toEqual(await collect(parquet.query(q)));
        } finally {
          parquet.close();
          await postgres.close();
        }
      }),
      { numRuns: 8, seed: 4242, endOnFailure: true },
    );
  }, 30_000);

  it('reads one snapshot per iteration: a write that commits while a query is read is not seen by it', async () => {
    const catalog = await open({ fetchRows: 10 });
    await catalog.write(bars(A, T0, 100));
    const it = catalog.query({ dataType: 'bars', instruments: [A] })[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    await catalog.write(bars(A, T0 + 100 * MIN, 50));
    let count = 1;
    for (let r = await it.next(); !r.done; r = await it.next()) count++;
    expect(count).toBe(100);
    expect((await collect(catalog.query({ dataType: 'bars', instruments: [A] }))).length).toBe(150);
    await catalog.close();
  });

  it('lets two catalogs on the same tables write at once, one after the other: the second sees the first', async () => {
    const schema = `t${++n}`;
    const one = await PostgresCatalog.open({ connectionString: server.connectionString, schema });
    const two = await PostgresCatalog.open({ connectionString: server.connectionString, schema });
    const results = await Promise.allSettled([one.write(bars(A, T0, 2000)), two.write(bars(A, T0 + 1000 * MIN, 2000))]);
    // Whichever took the lock second found the other's range: exactly one write is refused as an overlap.
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(String(refused.reason.message)).toMatch(/^bars of AAA\.SIM from .* are already in the catalog/);
    expect((await collect(one.query({ dataType: 'bars', instruments: [A] }))).length).toBe(2000);
    await one.close();
    await two.close();
  });

  it('checks its config strictly and never shows the password', async () => {
    expect(() => PostgresCatalogConfigSchema.parse({ connectionString: 'postgres://x@h/d', schemas: 'x' })).toThrow(/schemas/);
    await expect(PostgresCatalog.open({ connectionString: server.connectionString, tablePrefix: 'Bad-Prefix' })).rejects.toThrow(/config\.tablePrefix: must be a lower-case SQL identifier/);
    await expect(PostgresCatalog.open({ schema: 'x' })).rejects.toThrow(/config\.connectionString: give exactly one of connectionString and client/);
    await expect(PostgresCatalog.open({ connectionString: server.connectionString, poolSize: 0 })).rejects.toThrow(/config\.poolSize/);

    const wrong = 'Not-the-pw-93';
    const shown: string[] = [];
    for (const config of [
      { connectionString: `postgres://rxtrade:${wrong}@127.0.0.1:${server.port}/postgres` },
      { client: { host: '127.0.0.1', port: server.port, user: 'rxtrade', password: wrong, database: 'postgres' } },
    ]) {
      const e = await PostgresCatalog.open(config).then(
        () => undefined,
        (x: unknown) => x as Error,
      );
      expect(e).toBeInstanceOf(CatalogDatabaseError);
      expect(e!.message).toMatch(/password authentication failed/);
      shown.push(e!.message, e!.stack ?? '', inspect(e, { depth: 10 }));
    }
    // A catalog whose server went away fails its queries with the location, not the connection string.
    const catalog = await open();
    await catalog.write(bars(A, T0, 3));
    const gone = await PostgresCatalog.open({ client: { host: '127.0.0.1', port: server.port, user: 'rxtrade', password: PASSWORD, database: 'nosuchdb' } }).then(
      () => undefined,
      (x: unknown) => x as Error,
    );
    expect(gone).toBeInstanceOf(CatalogDatabaseError);
    expect(gone!.message).toMatch(/^catalog postgres:\/\/rxtrade@127\.0\.0\.1:\d+\/nosuchdb rxtrade\.catalog_\*: could not connect: database "nosuchdb" does not exist/);
    shown.push(gone!.message, inspect(gone, { depth: 10 }));
    await catalog.close();
    expect(() => catalog.query({ dataType: 'bars', instruments: [A] })[Symbol.asyncIterator]().next()).not.toThrow();
    await expect(collect(catalog.query({ dataType: 'bars', instruments: [A] }))).rejects.toThrow(/is closed/);
    for (const text of shown) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(PASSWORD);
    }
  });

  it('streams a large write and query in bounded pages: 40,000 quotes of two instruments', async () => {
    const catalog = await open({ writeBatchRows: 4000 });
    function* quotes(): Generator<MarketData> {
      for (let i = 0; i < 20_000; i++)
        for (const id of [A, B]) yield { type: 'Quote', instrumentId: id, ts: T0 + i * 1000, bid: 100 + (i % 50) / 100, ask: 100.5 + (i % 50) / 100, bidSize: i % 7, askSize: 1 };
    }
    expect((await catalog.write(quotes())).rows).toBe(40_000);
    let k = 0;
    let ordered = true;
    let last = -1;
    for await (const q of catalog.query({ dataType: 'quotes', instruments: [B, A] })) {
      const want = k % 2 === 0 ? B : A; // ties: B first, as named
      if (q.instrumentId !== want || q.ts < last || q.bidSize !== Math.floor(k / 2) % 7) ordered = false;
      last = q.ts;
      k++;
    }
    expect(k).toBe(40_000);
    expect(ordered).toBe(true);
    await catalog.close();
  }, 20_000);
});

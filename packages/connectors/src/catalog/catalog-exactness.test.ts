/**
 * What goes into the catalog comes out bit for bit: random doubles (subnormals, -0 where a field allows
 * it, the largest finite double, values with no short decimal form) through write, Parquet and query,
 * compared with `Object.is`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentId, type Bar, type Quote, type Trade } from '@rxtrade/core';
import { ParquetCatalog } from './parquet-catalog';

const id = instrumentId('X.SIM');
let catalog: ParquetCatalog;
beforeAll(async () => {
  catalog = await ParquetCatalog.open(mkdtempSync(join(tmpdir(), 'catalog-exact-')), { threads: 1 });
});
afterAll(() => catalog.close());

/** Positive doubles of every magnitude, subnormals and the extremes included. */
const positive = fc.oneof(
  fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true }),
  fc.constantFrom(Number.MIN_VALUE, 2.2250738585072014e-308, 2.225073858507201e-308, Number.MAX_VALUE, 0.1 + 0.2, 1 / 3, Number.EPSILON, 2 ** 53 + 2),
);
/** Sizes: >= 0, -0 included. */
const size = fc.oneof(fc.constantFrom(0, -0), positive);

const same = (a: readonly object[], b: readonly object[]): boolean =>
  a.length === b.length && a.every((x, i) => Object.entries(x).every(([k, v]) => Object.is(v, (b[i] as Record<string, unknown>)[k])));

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

let base = Date.UTC(2020, 0, 1);

describe('catalog exactness', () => {
  it('returns every price and size written, bit for bit (bars, quotes, trades)', async () => {
    const barRow = fc.tuple(positive, positive, positive, positive, size);
    const quoteRow = fc.tuple(positive, positive, size, size);
    const tradeRow = fc.tuple(positive, size);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(barRow, quoteRow, tradeRow), { minLength: 1, maxLength: 40 }), async (rows) => {
        const t0 = (base += 1_000_000);
        const bars: Bar[] = rows.map(([[a, b, c, d, volume]], i) => {
          const [low, open, close, high] = [a, b, c, d].sort((x, y) => x - y) as [number, number, number, number];
          return { type: 'Bar', instrumentId: id, ts: t0 + i, open, high, low, close, volume };
        });
        const quotes: Quote[] = rows.map(([, [x, y, bidSize, askSize]], i) => ({ type: 'Quote', instrumentId: id, ts: t0 + i, bid: Math.min(x, y), ask: Math.max(x, y), bidSize, askSize }));
        const trades: Trade[] = rows.map(([, , [price, s]], i) => ({ type: 'Trade', instrumentId: id, ts: t0 + i, price, size: s, aggressor: 'NONE', tradeId: String(i) }));
        await catalog.write([...bars, ...quotes, ...trades]);
        const range = { instruments: [id], start: t0, end: t0 + rows.length };
        expect(same(await collect(catalog.query({ dataType: 'bars', ...range })), bars)).toBe(true);
        expect(same(await collect(catalog.query({ dataType: 'quotes', ...range })), quotes)).toBe(true);
        expect(same(await collect(catalog.query({ dataType: 'trades', ...range })), trades)).toBe(true);
      }),
      { numRuns: 25, seed: 20240611, endOnFailure: true },
    );
  });

  it('returns book levels bit for bit, -0 sizes included', async () => {
    const t0 = (base += 1_000_000);
    const levels = [
      { price: Number.MIN_VALUE, size: -0 },
      { price: 0.1 + 0.2, size: Number.MAX_VALUE },
      { price: 2.2250738585072014e-308, size: 5e-324 },
    ];
    await catalog.write([{ type: 'OrderBookDelta', instrumentId: id, ts: t0, sequence: 2 ** 53 - 1, bids: levels, asks: levels }]);
    const [delta] = await collect(catalog.query({ dataType: 'book-deltas', instruments: [id] }));
    expect(delta!.sequence).toBe(2 ** 53 - 1);
    expect(same(delta!.bids, levels) && same(delta!.asks, levels)).toBe(true);
    expect(Object.is(delta!.bids[0]!.size, -0)).toBe(true);
  });

  it('keeps -0 and 0 apart in a column that holds both, however many rows repeat them', async () => {
    // A Parquet dictionary would store one of the two (DuckDB's does), changing the other on the way out.
    const t0 = (base += 1_000_000);
    const volumes = Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : 1));
    const bars: Bar[] = volumes.map((volume, i) => ({ type: 'Bar', instrumentId: id, ts: t0 + i, open: 1, high: 1, low: 1, close: 1, volume }));
    await catalog.write(bars);
    const got = await collect(catalog.query({ dataType: 'bars', instruments: [id], start: t0, end: t0 + bars.length }));
    expect(got.filter((b, i) => !Object.is(b.volume, volumes[i])).length).toBe(0);
  });

  it('catches a difference: 0 and -0 are not the same to the comparison', () => {
    expect(same([{ v: 0 }], [{ v: -0 }])).toBe(false);
    expect(same([{ v: 0.30000000000000004 }], [{ v: 0.3 }])).toBe(false);
  });
});

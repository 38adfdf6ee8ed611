import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '../errors';
import { instrumentId } from '../domain/ids';
import type { Bar } from '../domain/market-data';
import { MarketDataValidator } from '../domain/validate-market-data';
import { BarColumns, BarColumnsBuilder, isBarColumns, type BarColumnsInput } from './bar-columns';
import { parseBarsCsvColumns } from './bar-columns-csv';
import { parseBarsCsv, type SkippedRow } from './bars-csv';

const id = instrumentId('AAA.SIM');

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

/** Three sound bars as columns, with one value changed. */
function input(change: Partial<Record<keyof BarColumnsInput, unknown>> = {}): BarColumnsInput {
  return {
    instrumentId: id,
    ts: Float64Array.of(0, 60_000, 120_000),
    open: Float64Array.of(10, 10.5, 11),
    high: Float64Array.of(11, 11, 11.5),
    low: Float64Array.of(9.5, 10.2, 10.8),
    close: Float64Array.of(10.5, 10.8, 11.2),
    volume: Float64Array.of(100, 80, 0),
    ...change,
  } as BarColumnsInput;
}

const bar = (ts: number, open: number, high: number, low: number, close: number, volume: number): Bar => ({ type: 'Bar', instrumentId: id, ts, open, high, low, close, volume });

describe('BarColumns.from', () => {
  it('wraps sound columns and reads bars back by row and by iteration', () => {
    const c = BarColumns.from(input());
    expect(c.length).toBe(3);
    expect(c.instrumentId).toBe(id);
    expect(c.barAt(1)).toEqual(bar(60_000, 10.5, 11, 10.2, 10.8, 80));
    expect([...c]).toEqual([bar(0, 10, 11, 9.5, 10.5, 100), bar(60_000, 10.5, 11, 10.2, 10.8, 80), bar(120_000, 11, 11.5, 10.8, 11.2, 0)]);
    // A fresh object per read: nothing downstream can see a bar change under it.
    expect(c.barAt(1)).not.toBe(c.barAt(1));
    expect(isBarColumns(c)).toBe(true);
    expect(isBarColumns({ ...input() })).toBe(false);
  });

  it('gives a bar its fields in the order of a Bar, so that all bars share one shape', () => {
    expect(Object.keys(BarColumns.from(input()).barAt(0))).toEqual(['type', 'instrumentId', 'ts', 'open', 'high', 'low', 'close', 'volume']);
  });

  it.each([
    ['low above open', { low: Float64Array.of(9.5, 10.6, 10.8) }, 'columns.low[1]: must be <= open and close (low 10.6, open 10.5)'],
    ['high below close', { high: Float64Array.of(11, 11, 11.1) }, 'columns.high[2]: must be >= open and close (high 11.1, close 11.2)'],
    ['a price of 0', { open: Float64Array.of(0, 10.5, 11) }, 'columns.open[0]: must be > 0, got 0'],
    ['a NaN close', { close: Float64Array.of(10.5, NaN, 11.2) }, 'columns.close[1]: must be a finite number, got NaN'],
    ['an infinite high', { high: Float64Array.of(11, Infinity, 11.5) }, 'columns.high[1]: must be a finite number, got Infinity'],
    ['a negative volume', { volume: Float64Array.of(100, -1, 0) }, 'columns.volume[1]: must be a finite number >= 0, got -1'],
    ['a time out of order', { ts: Float64Array.of(0, 120_000, 60_000) }, 'columns.ts[2]: 60000 is not after the previous bar of AAA.SIM at 120000: bars of an instrument must have strictly increasing times'],
    ['a repeated time', { ts: Float64Array.of(0, 0, 60_000) }, 'columns.ts[1]: 0 is not after the previous bar of AAA.SIM at 0: bars of an instrument must have strictly increasing times'],
    ['a NaN time', { ts: Float64Array.of(0, NaN, 60_000) }, 'columns.ts[1]: must be a finite number, got NaN'],
    ['an infinite time', { ts: Float64Array.of(0, 60_000, Infinity) }, 'columns.ts[2]: must be a finite number, got Infinity'],
  ])('refuses %s, naming the column and row with the runner’s message', (_, change, message) => {
    const e = errorOf(() => BarColumns.from(input(change)));
    expect(e.message).toBe(message);
    expect(e.field).toBe(message.slice(0, message.indexOf(':')));
  });

  it('checks the shape of the input: an array per field, of one length, a known key, an instrument', () => {
    expect(errorOf(() => BarColumns.from(input({ close: [10.5, 10.8, 11.2] }))).message).toBe('columns.close: must be a Float64Array, got Array');
    expect(errorOf(() => BarColumns.from(input({ volume: new Float32Array(3) }))).message).toBe('columns.volume: must be a Float64Array, got Float32Array');
    expect(errorOf(() => BarColumns.from(input({ low: undefined }))).message).toBe('columns.low: must be a Float64Array, got undefined');
    expect(errorOf(() => BarColumns.from(input({ high: Float64Array.of(11, 11) }))).message).toBe('columns.high: has 2 values but ts has 3: every column must have one value per bar');
    expect(errorOf(() => BarColumns.from({ ...input(), price: Float64Array.of(1, 2, 3) } as BarColumnsInput)).message).toBe(
      'columns.price: unknown key (the columns are ts, open, high, low, close, volume)',
    );
    expect(errorOf(() => BarColumns.from(input({ instrumentId: '' }))).message).toBe('columns.instrumentId: must be a non-empty string, got ""');
    expect(errorOf(() => BarColumns.from({ ...input(), length: 2 })).message).toBe('columns.length: is 2 but the columns have 3 values');
    // A copy made by structuredClone (or sent to a worker) is a plain object with the same fields.
    const copy = structuredClone({ ...BarColumns.from(input()) });
    expect([...BarColumns.from(copy)]).toEqual([...BarColumns.from(input())]);
    expect(errorOf(() => BarColumns.from(input({ low: Float64Array.of(9.5, 11, 10.8) }), { label: 'goog' })).field).toBe('goog.low[1]');
  });

  it('accepts empty columns', () => {
    const e = new Float64Array(0);
    const c = BarColumns.from({ instrumentId: id, ts: e, open: e, high: e, low: e, close: e, volume: e });
    expect(c.length).toBe(0);
    expect([...c]).toEqual([]);
  });

  it('refuses a row outside the columns in barAt', () => {
    const c = BarColumns.from(input());
    expect(errorOf(() => c.barAt(3)).message).toBe('index: must be an integer in [0, 3), got 3');
    expect(errorOf(() => c.barAt(-1)).field).toBe('index');
    expect(errorOf(() => c.barAt(0.5)).field).toBe('index');
  });

  it('slices rows without copying, with negative starts as Array.prototype.slice has them', () => {
    const c = BarColumns.from(input());
    const tail = c.slice(-2);
    expect(tail.length).toBe(2);
    expect(tail.barAt(0)).toEqual(c.barAt(1));
    expect(tail.close.buffer).toBe(c.close.buffer);
    expect(c.slice(2, 1).length).toBe(0);
    expect([...c.slice(0, 2)]).toEqual([c.barAt(0), c.barAt(1)]);
  });
});

describe('BarColumns.firstInvalidRow', () => {
  it('finds the first row changed to a bad bar since the columns were made, by the validator’s rules', () => {
    const fields = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
    const value = fc.oneof(fc.double({ min: -1, max: 20 }), fc.constantFrom(0, -0, Infinity, -Infinity, NaN, 10, 10.5, 60_000));
    const change = fc.tuple(fc.constantFrom(...fields), fc.integer({ min: 0, max: 2 }), value);
    fc.assert(
      fc.property(fc.array(change, { maxLength: 4 }), fc.boolean(), (changes, plain) => {
        const columns = BarColumns.from(input());
        // Arrays replaced by plain ones after the columns were made are read bar by bar.
        if (plain) for (const f of fields) (columns as unknown as Record<string, number[]>)[f] = Array.from(columns[f]);
        for (const [field, row, v] of changes) columns[field][row] = v;
        const v = new MarketDataValidator('columns');
        let expected = -1;
        for (let i = 0; i < columns.length && expected < 0; i++) {
          try {
            v.check(columns.barAt(i), i);
          } catch {
            expected = i;
          }
        }
        expect(columns.firstInvalidRow()).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('reads a value of another type, and a lost instrument, as bad', () => {
    const columns = BarColumns.from(input());
    expect(columns.firstInvalidRow()).toBe(-1);
    const open = Array.from(columns.open) as unknown[];
    open[2] = '11';
    (columns as unknown as { open: unknown[] }).open = open;
    expect(columns.firstInvalidRow()).toBe(2);
    (columns as unknown as { open: Float64Array }).open = Float64Array.of(10, 10.5, 11);
    (columns as unknown as { instrumentId: string }).instrumentId = '';
    expect(columns.firstInvalidRow()).toBe(0);
  });
});

describe('BarColumns.fromBars', () => {
  it('holds the same bars as the array', () => {
    const bars = [bar(0, 10, 11, 9, 10.5, 100), bar(1, 10.5, 12, 10, 12, 200)];
    expect([...BarColumns.fromBars(bars)]).toEqual(bars);
  });

  it('names the bar at fault: another instrument, another type, a bad field, a time out of order', () => {
    const good = bar(0, 10, 11, 9, 10.5, 100);
    expect(errorOf(() => BarColumns.fromBars([good, { ...good, ts: 1, instrumentId: instrumentId('BBB.SIM') }])).message).toBe(
      'bars[1].instrumentId: is "BBB.SIM" but bars[0] is of "AAA.SIM": columns hold one instrument',
    );
    const quote = { type: 'Quote', instrumentId: id, ts: 1, bid: 1, ask: 2, bidSize: 1, askSize: 1 } as unknown as Bar;
    expect(errorOf(() => BarColumns.fromBars([good, quote])).message).toBe('bars[1].type: must be a Bar, got "Quote"');
    expect(errorOf(() => BarColumns.fromBars([good, { ...good, ts: 1, low: 11 }])).field).toBe('bars[1].low');
    expect(errorOf(() => BarColumns.fromBars([good, good])).field).toBe('bars[1].ts');
    expect(errorOf(() => BarColumns.fromBars([])).message).toBe('bars: is empty: give at least one bar (its instrument names the columns)');
  });
});

describe('BarColumnsBuilder', () => {
  it('grows by doubling across many boundaries and builds exactly the bars it was given', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 40 }), (n, capacity) => {
        const b = new BarColumnsBuilder(id, { capacity });
        const want: Bar[] = [];
        for (let i = 0; i < n; i++) {
          const x = bar(i * 1000, 10 + (i % 7), 20, 5, 10 + (i % 5), i);
          want.push(x);
          if (i % 2 === 0) b.push(x);
          else b.add(x.ts, x.open, x.high, x.low, x.close, x.volume);
        }
        expect(b.length).toBe(n);
        const c = b.build();
        expect(c.length).toBe(n);
        expect([...c]).toEqual(want);
        for (const f of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(c[f].length).toBe(n);
      }),
    );
  });

  it('builds without a copy when the capacity is exact, and copies a mostly empty capacity', () => {
    const full = new BarColumnsBuilder(id, { capacity: 2 });
    full.add(0, 1, 1, 1, 1, 0);
    full.add(1, 1, 1, 1, 1, 0);
    expect(full.build().close.buffer.byteLength).toBe(16);
    const sparse = new BarColumnsBuilder(id, { capacity: 1000 });
    sparse.add(0, 1, 1, 1, 1, 0);
    expect(sparse.build().close.buffer.byteLength).toBe(8);
  });

  it('validates what it builds, and is used once', () => {
    const b = new BarColumnsBuilder(id);
    b.add(0, 10, 11, 9, 10, 1);
    b.add(0, 10, 11, 9, 10, 1);
    expect(errorOf(() => b.build()).message).toBe('columns.ts[1]: 0 is not after the previous bar of AAA.SIM at 0: bars of an instrument must have strictly increasing times');
    expect(errorOf(() => b.add(1, 1, 1, 1, 1, 1)).field).toBe('builder');
    expect(errorOf(() => new BarColumnsBuilder(id).push({ ...bar(0, 1, 1, 1, 1, 1), instrumentId: instrumentId('BBB.SIM') })).field).toBe('instrumentId');
    expect(errorOf(() => new BarColumnsBuilder(id, { capacity: -1 })).field).toBe('capacity');
    expect(errorOf(() => new BarColumnsBuilder('')).field).toBe('instrumentId');
  });

  it('agrees with the runners’ validator on random bars: a fault is found exactly when the validator finds one', () => {
    const price = fc.oneof(fc.double({ min: -1, max: 20, noNaN: false }), fc.constantFrom(0, Infinity, NaN));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), price, price, price, price, fc.double({ min: -1, max: 10 })), { maxLength: 8 }), (rows) => {
        const b = new BarColumnsBuilder(id, { capacity: rows.length });
        for (const r of rows) b.add(...r);
        const v = new MarketDataValidator('columns');
        let expected: string | undefined;
        try {
          rows.forEach((r, i) => v.check(bar(...r), i));
        } catch (e) {
          expected = (e as ValidationError).issues[0]!.message;
        }
        let got: string | undefined;
        try {
          b.build();
        } catch (e) {
          got = (e as ValidationError).issues[0]!.message;
        }
        expect(got).toBe(expected);
      }),
    );
  });
});

describe('parseBarsCsvColumns', () => {
  it('reads the GOOG file to exactly the bars parseBarsCsv reads', () => {
    const text = readFileSync(new URL('../../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url), 'utf8');
    const options = { instrumentId: instrumentId('GOOG.NASDAQ'), source: 'goog.csv' };
    const objects = parseBarsCsv(text, options);
    const columns = parseBarsCsvColumns(text, options);
    expect(columns.columns.length).toBe(objects.bars.length);
    expect(columns.columns.length).toBeGreaterThan(1000);
    expect([...columns.columns]).toEqual(objects.bars);
    expect(columns.pricePrecision).toBe(objects.pricePrecision);
  });

  it('skips and reports the rows parseBarsCsv skips, and fails where it fails', () => {
    const text = ['Date,Open,High,Low,Close,Volume', '2024-01-02,10,11,9,10.5,100', '2024-01-03,10,9,11,10.5,100', '2042-01-04,1,1,1,1,1', '2024-01-05,10,12,9,11,5', 'x', '2024-01-08,11,12,10,11.5,7'].join('\n');
    const seen: SkippedRow[] = [];
    const options = { instrumentId: id, onInvalid: 'skip' as const };
    const objects = parseBarsCsv(text, options);
    const columns = parseBarsCsvColumns(text, { ...options, onSkip: (s) => seen.push(s) });
    expect([...columns.columns]).toEqual(objects.bars);
    expect(columns.columns.length).toBe(3);
    expect(columns.skipped).toEqual(objects.skipped);
    expect(seen).toHaveLength(3);
    expect(errorOf(() => parseBarsCsvColumns(text, { instrumentId: id, source: 'x.csv' })).message).toBe(errorOf(() => parseBarsCsv(text, { instrumentId: id, source: 'x.csv' })).message);
    expect(errorOf(() => parseBarsCsvColumns(text, { instrumentId: id, capacity: 3 } as never)).field).toBe('options.capacity');
  });

  it('reads an empty file (a header only) to empty columns', () => {
    expect(parseBarsCsvColumns('Date,Open,High,Low,Close\n', { instrumentId: id }).columns.length).toBe(0);
  });
});

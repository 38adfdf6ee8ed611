import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '../errors';
import { instrumentId } from '../domain/ids';
import { parseBarsCsv, parseBarsCsvChunks, type SkippedRow } from './bars-csv';

const id = instrumentId('TEST.SIM');
const header = 'Date,Open,High,Low,Close,Volume';
const good = ['2024-01-02,10,11,9,10.5,100', '2024-01-03,10.5,12.25,10,12,200'];
const csv = (...rows: string[]): string => [header, ...rows].join('\n') + '\n';

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('parseBarsCsv', () => {
  it('parses bars in order with UTC timestamps and reports the price precision', () => {
    const { bars, skipped, pricePrecision } = parseBarsCsv(csv(...good), { instrumentId: id });
    expect(bars).toEqual([
      { type: 'Bar', instrumentId: id, ts: Date.UTC(2024, 0, 2), open: 10, high: 11, low: 9, close: 10.5, volume: 100 },
      { type: 'Bar', instrumentId: id, ts: Date.UTC(2024, 0, 3), open: 10.5, high: 12.25, low: 10, close: 12, volume: 200 },
    ]);
    expect(skipped).toEqual([]);
    expect(pricePrecision).toBe(2);
  });

  it('reads intraday times, ISO times with offsets and epoch milliseconds', () => {
    const text = ['ts,open,high,low,close', '2024-01-02 09:30,1,1,1,1', '2024-01-02T11:30:00+01:00,1,1,1,1', `${Date.UTC(2024, 0, 2, 12)},1,1,1,1`].join('\n');
    const { bars } = parseBarsCsv(text, { instrumentId: id });
    expect(bars.map((b) => b.ts)).toEqual([Date.UTC(2024, 0, 2, 9, 30), Date.UTC(2024, 0, 2, 10, 30), Date.UTC(2024, 0, 2, 12)]);
    expect(bars.every((b) => b.volume === 0)).toBe(true);
  });

  it.each([
    ['a malformed row', '2024-01-04,10,11', 4, 'low', /row has 3 columns/],
    ['a price that is not a number', '2024-01-04,10,abc,9,10,1', 4, 'high', /is not a decimal number: "abc"/],
    ['an empty price', '2024-01-04,10,11,,10,1', 4, 'low', /is empty/],
    ['a NaN price', '2024-01-04,NaN,11,9,10,1', 4, 'open', /is not a decimal number: "NaN"/],
    ['a negative price', '2024-01-04,10,11,-9,10,1', 4, 'low', /low must be positive, got -9/],
    ['high below low', '2024-01-04,10,9,11,10,1', 4, 'high', /high \(9\) is below low \(11\)/],
    ['close outside the range', '2024-01-04,10,11,9,12,1', 4, 'close', /close \(12\) is outside/],
    ['a negative volume', '2024-01-04,10,11,9,10,-5', 4, 'volume', /volume must be a finite number >= 0/],
    ['an impossible date', '2024-02-30,10,11,9,10,1', 4, 'date', /not a recognised time/],
    ['a timestamp out of order', '2024-01-01,10,11,9,10,1', 4, 'date', /strictly increasing time order/],
    ['a duplicated timestamp', '2024-01-03,10,11,9,10,1', 4, 'date', /strictly increasing/],
  ])('fails on %s with a ValidationError naming the row and field', (_name, row, line, field, message) => {
    const e = errorOf(() => parseBarsCsv(csv(...good, row, '2024-01-10,10,11,9,10,1'), { instrumentId: id, source: 'x.csv' }));
    expect(e.row).toBe(line);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(new RegExp(`^x\\.csv row ${line}: ${field}`));
  });

  it('names missing columns', () => {
    const e = errorOf(() => parseBarsCsv('Date,Open,High,Close\n2024-01-02,1,1,1\n', { instrumentId: id }));
    expect(e.row).toBe(1);
    expect(e.field).toBe('low');
  });

  it("skips and counts bad rows under the 'skip' policy, keeping every good one", () => {
    const { bars, skipped } = parseBarsCsv(csv(good[0]!, '2024-01-03,10,9,11,10,1', '2024-01-01,10,11,9,10,1', good[1]!), {
      instrumentId: id,
      onInvalid: 'skip',
    });
    expect(bars.map((b) => b.close)).toEqual([10.5, 12]);
    expect(skipped.map((s) => [s.row, s.field])).toEqual([
      [3, 'high'],
      [4, 'date'],
    ]);
  });
});

describe('parseBarsCsv numbers', () => {
  const parse = (row: string) => parseBarsCsv(csv(good[0]!, row), { instrumentId: id, source: 'x.csv' });

  it.each([
    ['a hexadecimal price', '2024-01-04,0x1F,40,9,10,1', 'open', /not a decimal number: "0x1F"/],
    ['a binary price', '2024-01-04,10,0b1111,9,10,1', 'high', /not a decimal number: "0b1111"/],
    ['a quoted price with a thousands separator', '2024-01-04,"1,234.5",1300,1200,1250,1', 'open', /thousands separator/],
    ['a price with a space as thousands separator', '2024-01-04,10,11,9,"1 000",1', 'close', /not a decimal number: "1 000"/],
    ['a price with an underscore separator', '2024-01-04,10,11,9,10,1_000', 'volume', /not a decimal number: "1_000"/],
    ['an Infinity price', '2024-01-04,10,Infinity,9,10,1', 'high', /not a decimal number: "Infinity"/],
    ['an empty volume', '2024-01-04,10,11,9,10,', 'volume', /is empty/],
    ['a quoted empty price', '2024-01-04,10,11,"",10,1', 'low', /is empty/],
  ])('fails on %s, naming the row and column', (_name, row, field, message) => {
    const e = errorOf(() => parse(row));
    expect(e.row).toBe(3);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(new RegExp(`^x\\.csv row 3: ${field}: `));
    expect(e.message).toMatch(message);
  });

  it('fails on an unquoted thousands separator rather than shifting the columns', () => {
    // `1,234.5` splits into two cells: read by position, open would be 1 and high 234.5.
    const e = errorOf(() => parse('2024-01-04,1,234.5,1300,1200,1250,1'));
    expect(e.row).toBe(3);
    expect(e.message).toMatch(/row has 7 columns, the header has 6/);
  });

  it('reads plain decimals, surrounding blanks, quotes and scientific notation exactly', () => {
    const { bars, pricePrecision } = parse('2024-01-04, 10 ,"11.5",9.25,1e1,2.5E3');
    expect(bars[1]).toMatchObject({ open: 10, high: 11.5, low: 9.25, close: 10, volume: 2500 });
    expect(pricePrecision).toBe(2);
  });

  it('counts the decimal places of a price in scientific notation', () => {
    const { pricePrecision } = parseBarsCsv(['ts,open,high,low,close', '2024-01-02,1.5e-4,2e-4,1e-4,1.25e-4'].join('\n'), { instrumentId: id });
    expect(pricePrecision).toBe(6);
  });

  it('reads a quoted field with an escaped quote in an ignored column', () => {
    const { bars } = parseBarsCsv(['date,note,open,high,low,close', '2024-01-02,"say ""hi"", then go",1,2,1,1.5'].join('\r\n'), { instrumentId: id });
    expect(bars[0]).toMatchObject({ open: 1, high: 2, low: 1, close: 1.5 });
  });

  it('reads the header of a file that starts with a byte order mark', () => {
    const { bars } = parseBarsCsv('\uFEFF' + csv(good[0]!), { instrumentId: id });
    expect(bars).toHaveLength(1);
  });
});

describe('parseBarsCsv epoch timestamps', () => {
  const jan2 = Date.UTC(2024, 0, 2);
  const epochCsv = (...ts: (string | number)[]) => ['timestamp,open,high,low,close', ...ts.map((t) => `${t},1,1,1,1`)].join('\n');
  const times = (text: string, timestampUnit?: 'auto' | 's' | 'ms' | 'us' | 'ns') =>
    parseBarsCsv(text, { instrumentId: id, ...(timestampUnit ? { timestampUnit } : {}) }).bars.map((b) => b.ts);

  it('reads 10-digit epoch seconds as seconds, never as milliseconds', () => {
    expect(times(epochCsv(jan2 / 1000, jan2 / 1000 + 60))).toEqual([jan2, jan2 + 60_000]);
  });

  it('reads epoch milliseconds, microseconds and nanoseconds by their magnitude', () => {
    expect(times(epochCsv(jan2, jan2 + 1))).toEqual([jan2, jan2 + 1]);
    expect(times(epochCsv(`${jan2}000`, `${jan2 + 1}999`))).toEqual([jan2, jan2 + 1]);
    expect(times(epochCsv(`${jan2}123456`, `${jan2 + 7}000001`))).toEqual([jan2, jan2 + 7]);
  });

  it('reads nanoseconds beyond 2^53 exactly', () => {
    expect(times(epochCsv('1704153600123456789'))).toEqual([1704153600123]);
  });

  it('decides the unit once for the file: milliseconds from 1970 are not read as seconds', () => {
    // 0 and 60000 are seconds or milliseconds alike; the file's later value 2e11 is milliseconds only.
    const text = epochCsv(0, 60_000, 200_000_000_000);
    const e = errorOf(() => times(text));
    expect(e.row).toBe(2);
    expect(e.field).toBe('timestamp');
    expect(e.message).toMatch(/timestampUnit/);
    expect(times(text, 'ms')).toEqual([0, 60_000, 200_000_000_000]);
    expect(times(text, 's')).toEqual([0, 60_000_000, 200_000_000_000_000]);
  });

  it('fails on a file that mixes seconds and milliseconds, even under the skip policy', () => {
    const text = epochCsv(jan2 / 1000, jan2 / 1000 + 60, jan2 + 120_000);
    for (const onInvalid of ['error', 'skip'] as const) {
      const e = errorOf(() => parseBarsCsv(text, { instrumentId: id, onInvalid }));
      expect(e.row).toBe(4);
      expect(e.field).toBe('timestamp');
      expect(e.message).toMatch(/milliseconds.*seconds|seconds.*milliseconds/);
    }
  });

  it('honours a forced unit', () => {
    expect(times(epochCsv(jan2 / 1000), 's')).toEqual([jan2]);
    expect(times(epochCsv(jan2), 'ms')).toEqual([jan2]);
    expect(times(epochCsv(`${jan2}000`), 'us')).toEqual([jan2]);
    expect(times(epochCsv(`${jan2}000000`), 'ns')).toEqual([jan2]);
  });

  it('rejects an unknown option or unit, naming it', () => {
    const bad = (options: object) => errorOf(() => parseBarsCsv(epochCsv(jan2), { instrumentId: id, ...options } as never));
    expect(bad({ timestampUnits: 's' }).message).toMatch(/timestampUnits/);
    expect(bad({ timestampUnit: 'sec' }).field).toBe('options.timestampUnit');
    expect(bad({ onInvalid: 'drop' }).field).toBe('options.onInvalid');
  });
});

describe("parseBarsCsv 'skip' policy", () => {
  const day = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  const rows = (n: number) => Array.from({ length: n }, (_, i) => `${day(i)},10,11,9,10,1`);

  it('keeps the valid rows after a row whose time is far in the future, and reports that row', () => {
    const r = rows(10);
    r[3] = '2042-01-04,10,11,9,10,1';
    const { bars, skipped } = parseBarsCsv(csv(...r), { instrumentId: id, onInvalid: 'skip' });
    expect(bars.map((b) => b.ts)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9].map((i) => Date.parse(day(i))));
    expect(skipped).toEqual([{ row: 5, field: 'date', message: expect.stringMatching(/2042-01-04 is after the rows that follow/) }]);
  });

  it('skips a run of up to 8 misdated rows and keeps the rows after them', () => {
    const r = rows(40);
    for (let i = 10; i < 18; i++) r[i] = `2042-01-${String(i).padStart(2, '0')},10,11,9,10,1`;
    const { bars, skipped } = parseBarsCsv(csv(...r), { instrumentId: id, onInvalid: 'skip' });
    expect(bars.map((b) => b.ts)).toEqual([...Array(40).keys()].filter((i) => i < 10 || i >= 18).map((i) => Date.parse(day(i))));
    expect(skipped.map((s) => s.row)).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('keeps every valid row around bad rows of every kind (property)', () => {
    const bad = fc.constantFrom('2099-01-01,10,11,9,10,1', '2000-01-01,10,11,9,10,1', 'x,10,11,9,10,1', '2024-06-01,10,9,11,10,1', '2024-06-01,10,11', '2024-06-01,0x10,11,9,10,1');
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 40 }), fc.array(fc.tuple(fc.nat(), bad), { maxLength: 3 }), (n, inserts) => {
        const lines: { text: string; good: boolean }[] = rows(n).map((text) => ({ text, good: true }));
        // Bad rows never sit next to each other, never open the file and are followed by two good rows at least:
        // a last row dated in the future cannot be told from a real one.
        const used = new Set<number>();
        for (const [at, text] of inserts) {
          const i = 1 + (at % (n - 3));
          if (used.has(i) || used.has(i - 1) || used.has(i + 1)) continue;
          used.add(i);
          lines[i] = { text, good: false };
        }
        const { bars, skipped } = parseBarsCsv(csv(...lines.map((l) => l.text)), { instrumentId: id, onInvalid: 'skip' });
        const expected = lines.flatMap((l, i) => (l.good ? [Date.parse(day(i))] : []));
        expect(bars.map((b) => b.ts)).toEqual(expected);
        expect(skipped.map((s) => s.row)).toEqual(lines.flatMap((l, i) => (l.good ? [] : [i + 2])));
      }),
    );
  });
});

describe('parseBarsCsvChunks', () => {
  const collect = async (chunks: Iterable<string> | AsyncIterable<string>, options: Partial<Parameters<typeof parseBarsCsv>[1]> = {}) => {
    const skipped: SkippedRow[] = [];
    const bars = [];
    for await (const bar of parseBarsCsvChunks(chunks, { instrumentId: id, ...options, onSkip: (s) => skipped.push(s) })) bars.push(bar);
    return { bars, skipped };
  };
  const text = [
    'Date,"Open",High,Low,Close,Volume,Note',
    '2024-01-02,10,11,9,10.5,100,"a, ""quoted"" note"',
    '2024-01-03,10.5,12.25,10,12,200,',
    '2042-01-04,10,11,9,10,1,typo',
    '2024-01-05,0x10,11,9,10,1,hex',
    '2024-01-06,10,11,9,10,1,',
    '2024-01-07,10,11,9,10,1,',
    '2024-01-08,10,11,9,10,1,',
  ].join('\r\n');

  it('yields what parseBarsCsv returns, however the text is cut into chunks (property)', async () => {
    const expected = parseBarsCsv(text, { instrumentId: id, onInvalid: 'skip' });
    expect(expected.bars).toHaveLength(5);
    expect(expected.skipped.map((s) => s.row)).toEqual([4, 5]);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), text.length];
        const chunks = at.slice(1).map((end, i) => text.slice(at[i], end));
        const { bars, skipped } = await collect(chunks, { onInvalid: 'skip' });
        expect(bars).toEqual(expected.bars);
        expect([...skipped].sort((a, b) => a.row - b.row)).toEqual(expected.skipped);
      }),
    );
  });

  it('yields the first bars before it has read the whole input', async () => {
    let pulled = 0;
    async function* chunks() {
      yield 'date,open,high,low,close\n';
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield `${Date.UTC(2024, 0, 1) + i * 60_000},1,1,1,1\n`;
      }
    }
    for await (const bar of parseBarsCsvChunks(chunks(), { instrumentId: id })) {
      expect(bar.ts).toBe(Date.UTC(2024, 0, 1));
      break;
    }
    expect(pulled).toBeLessThan(5);
  });

  it('fails on the bad row, naming the source, row and column', async () => {
    await expect(collect([text.replace('2042-01-04', '2024-01-04')], { source: 'x.csv' })).rejects.toThrow(/^x\.csv row 5: open: is not a decimal number: "0x10"/);
  });

  it('fails on a line that never ends rather than holding it all', async () => {
    const endless = function* () {
      yield 'date,open,high,low,close\n2024-01-02,';
      for (let i = 0; i < 100; i++) yield '1'.repeat(64 * 1024);
    };
    await expect(collect(endless())).rejects.toThrow(/row 2: row: line is longer than/);
  });
});

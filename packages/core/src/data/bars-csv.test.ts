import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { Decimal } from '../decimal';
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

describe('parseBarsCsv columns and header', () => {
  const parse = (text: string, options: Partial<Parameters<typeof parseBarsCsv>[1]> = {}) => parseBarsCsv(text, { instrumentId: id, source: 'x.csv', ...options });

  it('reads columns named by the columns option, exactly or case-insensitively, in any order', () => {
    const text = 'Kurs,Zeit,Hi,Lo,Anfang,Umsatz\n10.5,2024-01-02,11,9,10,100\n';
    const { bars } = parse(text, { columns: { time: 'Zeit', open: 'anfang', high: 'Hi', low: 'Lo', close: 'Kurs', volume: 'Umsatz' } });
    expect(bars).toEqual([{ type: 'Bar', instrumentId: id, ts: Date.UTC(2024, 0, 2), open: 10, high: 11, low: 9, close: 10.5, volume: 100 }]);
  });

  it('names a column of the columns option that the header lacks, listing the header', () => {
    const e = errorOf(() => parse(csv(good[0]!), { columns: { close: 'Adj Clse' } }));
    expect(e.row).toBe(1);
    expect(e.field).toBe('options.columns.close');
    expect(e.message).toBe('x.csv row 1: options.columns.close: no column "Adj Clse" in the header: Date, Open, High, Low, Close, Volume');
  });

  it('reads a file without header by column index, the first line being a row', () => {
    const { bars } = parse('1704153600000,10,11,9,10.5,100,ignored\n1704240000000,10.5,12.25,10,12,200,x\n', {
      header: false,
      columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 },
    });
    expect(bars.map((b) => [b.ts, b.close, b.volume])).toEqual([
      [Date.UTC(2024, 0, 2), 10.5, 100],
      [Date.UTC(2024, 0, 3), 12, 200],
    ]);
  });

  it('names the bar field at fault in a file without header, and suggests a header on a bad first row', () => {
    const columns = { time: 0, open: 1, high: 2, low: 3, close: 4 };
    const e = errorOf(() => parse('1704153600000,10,abc,9,10.5\n', { header: false, columns }));
    expect(e.message).toMatch(/^x\.csv row 1: high: is not a decimal number: "abc"/);
    const h = errorOf(() => parse('open_time,open,high,low,close\n1704153600000,10,11,9,10.5\n', { header: false, columns }));
    expect(h.message).toMatch(/^x\.csv row 1: time: is not a recognised time: "open_time".*set header: true/);
  });

  it('refuses header names or missing columns in a file without header, naming the option', () => {
    const e = errorOf(() => parse('1,2,3,4,5\n', { header: false, columns: { time: 'Date', open: 1, high: 2, low: 3 } }));
    expect(e.issues.map((i) => i.path.join('.'))).toEqual(['options.columns.time', 'options.columns.close']);
    const beyond = errorOf(() => parse('1704153600000,10,11,9,10.5\n', { header: false, columns: { time: 0, open: 1, high: 2, low: 3, close: 7 } }));
    expect(beyond.message).toMatch(/row 1: options\.columns\.close: column 7 is beyond the 5 columns of row 1/);
  });

  it('joins a date column and a time column', () => {
    const { bars } = parse('2020.01.02,00:00,1.1212,1.1214,1.121,1.1213,123\n2020.01.02,00:01,1.1213,1.1215,1.1211,1.1214,99\n', {
      header: false,
      columns: { time: [0, 1], open: 2, high: 3, low: 4, close: 5, volume: 6 },
      timestampFormat: 'YYYY.MM.DD HH:mm',
    });
    expect(bars.map((b) => new Date(b.ts).toISOString())).toEqual(['2020-01-02T00:00:00.000Z', '2020-01-02T00:01:00.000Z']);
    const e = errorOf(() => parse('2020.01.02,25:00,1,1,1,1,1\n', { header: false, columns: { time: [0, 1], open: 2, high: 3, low: 4, close: 5 }, timestampFormat: 'YYYY.MM.DD HH:mm' }));
    expect(e.message).toMatch(/^x\.csv row 1: date\+time: hour 25 is out of range in "2020\.01\.02 25:00"/);
  });

  it('rejects an unknown key of columns, naming it', () => {
    const e = errorOf(() => parse(csv(good[0]!), { columns: { closing: 'Close' } as never }));
    expect(e.field).toBe('options.columns.closing');
  });
});

describe('parseBarsCsv delimiters and decimal commas', () => {
  const parse = (text: string, options: Partial<Parameters<typeof parseBarsCsv>[1]> = {}) => parseBarsCsv(text, { instrumentId: id, source: 'x.csv', ...options });
  const german = 'Datum;Eröffnung;Hoch;Tief;Schluss;Volumen\n02.01.2024;1.100,50;1.120,00;1.090,00;1.110,25;12.000\n03.01.2024;1.110,25;1.130,00;1.100,00;1.125,00;8.000\n';
  const germanColumns = { time: 'Datum', open: 'Eröffnung', high: 'Hoch', low: 'Tief', close: 'Schluss', volume: 'Volumen' };

  it('reads a semicolon file with decimal commas and named thousands separators', () => {
    const { bars, pricePrecision } = parse(german, { delimiter: ';', decimal: ',', thousands: '.', columns: germanColumns, timestampFormat: 'DD.MM.YYYY' });
    expect(bars.map((b) => [new Date(b.ts).toISOString(), b.open, b.high, b.low, b.close, b.volume])).toEqual([
      ['2024-01-02T00:00:00.000Z', 1100.5, 1120, 1090, 1110.25, 12000],
      ['2024-01-03T00:00:00.000Z', 1110.25, 1130, 1100, 1125, 8000],
    ]);
    expect(pricePrecision).toBe(2);
  });

  it("finds the delimiter with 'auto', leaving out the decimal separator", () => {
    const options = { delimiter: 'auto', decimal: ',', thousands: '.', columns: germanColumns, timestampFormat: 'DD.MM.YYYY' } as const;
    expect(parse(german, options).bars).toHaveLength(2);
    expect(parse('<DATE>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\n2024-01-02\t1\t2\t0.5\t1.5\n', { delimiter: 'auto', columns: { time: '<DATE>', open: '<OPEN>', high: '<HIGH>', low: '<LOW>', close: '<CLOSE>' } }).bars).toHaveLength(1);
    const e = errorOf(() => parse('a;b,c\n', { delimiter: 'auto' }));
    expect(e.field).toBe('options.delimiter');
  });

  it('refuses thousands separators unless named, and says which option reads them', () => {
    const e = errorOf(() => parse(german, { delimiter: ';', decimal: ',', columns: germanColumns, timestampFormat: 'DD.MM.YYYY' }));
    expect(e.message).toMatch(/^x\.csv row 2: eröffnung: is not a decimal number: "1\.100,50": thousands separators are not accepted unless named: set thousands: '\.' to read it as 1100\.50/);
  });

  it('says that a semicolon header was read with the comma delimiter', () => {
    const e = errorOf(() => parse(german));
    expect(e.message).toMatch(/it has no ',' but has ';': set delimiter: ';' or 'auto'/);
  });

  it('refuses a decimal comma with the comma delimiter, and a thousands separator equal to the decimal one', () => {
    expect(errorOf(() => parse(german, { decimal: ',' })).field).toBe('options.decimal');
    expect(errorOf(() => parse(german, { delimiter: ';', decimal: ',', thousands: ',' })).field).toBe('options.thousands');
  });

  it('reads quoted fields that hold the delimiter, quotes and line breaks, numbering rows by line', () => {
    const text = ['date;note;open;high;low;close', '2024-01-02;"a; ""quoted""', 'two-line note";1;2;1;1,5', '2024-01-03;;1;2;1;abc'].join('\r\n');
    const skipped: SkippedRow[] = [];
    const { bars } = parse(text, { delimiter: ';', decimal: ',', onInvalid: 'skip', onSkip: (s) => skipped.push(s) });
    expect(bars).toEqual([{ type: 'Bar', instrumentId: id, ts: Date.UTC(2024, 0, 2), open: 1, high: 2, low: 1, close: 1.5, volume: 0 }]);
    expect(skipped).toEqual([{ row: 4, field: 'close', message: expect.stringMatching(/"abc"/) }]);
  });

  it('fails on a quoted field that is never closed, naming the row it opened on', () => {
    const e = errorOf(() => parse(['date,note,open,high,low,close', '2024-01-02,"open,1,2,1,1.5', '2024-01-03,,1,2,1,1.5'].join('\n')));
    expect(e.row).toBe(2);
    expect(e.message).toMatch(/quoted field opened on this row is not closed/);
  });

  it('skips only the row of a stray opening quote, reading the lines it swallowed as rows', () => {
    const lines = ['date,note,open,high,low,close', '2024-01-02,,1,2,1,1.5', '2024-01-03,"stray,1,2,1,1.5', ...[4, 5, 6, 7].map((d) => `2024-01-0${d},,1,2,1,1.5`)];
    const { bars, skipped } = parse(lines.join('\n'), { onInvalid: 'skip' });
    expect(bars.map((b) => new Date(b.ts).getUTCDate())).toEqual([2, 4, 5, 6, 7]);
    expect(skipped).toEqual([{ row: 3, field: 'row', message: expect.stringMatching(/quoted field opened on this row is not closed/) }]);
  });

  it('gives up a quoted field still open after 1 MiB, without reading the whole input again and again', () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `${Date.UTC(2024, 0, 1) + i * 60_000},,1,2,1,1.5`);
    rows[1] = rows[1]!.replace(',,', ',"stray,');
    const started = performance.now();
    const { bars, skipped } = parse(['ts,note,open,high,low,close', ...rows].join('\n'), { onInvalid: 'skip' });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(bars).toHaveLength(59_999);
    expect(skipped.map((s) => [s.row, s.field])).toEqual([[3, 'row']]);
    expect(skipped[0]!.message).toMatch(/still open after 1048576 characters/);
  });
});

describe('parseBarsCsv timestamp patterns and time zones', () => {
  const parse = (text: string, options: Partial<Parameters<typeof parseBarsCsv>[1]> = {}) => parseBarsCsv(text, { instrumentId: id, source: 'x.csv', ...options });
  const rows = (times: string[]) => ['time,open,high,low,close', ...times.map((t) => `${t},1,2,0.5,1.5`)].join('\n');
  const isoOf = (text: string, options: Partial<Parameters<typeof parseBarsCsv>[1]>) => parse(text, options).bars.map((b) => new Date(b.ts).toISOString());

  it('reads dates in a time zone as the start of the local day', () => {
    expect(isoOf(rows(['02.01.2024', '01.07.2024']), { timestampFormat: 'DD.MM.YYYY', timeZone: 'Europe/Berlin' })).toEqual(['2024-01-01T23:00:00.000Z', '2024-06-30T22:00:00.000Z']);
    expect(isoOf(rows(['2024-01-02', '2024-07-01 09:30']), { timeZone: 'America/New_York' })).toEqual(['2024-01-02T05:00:00.000Z', '2024-07-01T13:30:00.000Z']);
  });

  it('leaves epoch times and times with an offset as the instants they are', () => {
    expect(isoOf(rows(['1704153600', '2024-01-02T10:00:00+01:00', '2024-01-02T10:00:00Z']), { timeZone: 'America/New_York' })).toEqual([
      '2024-01-02T00:00:00.000Z',
      '2024-01-02T09:00:00.000Z',
      '2024-01-02T10:00:00.000Z',
    ]);
  });

  it('reads minute bars through the repeated hour of New York in order', () => {
    // 2024-11-03: 01:00-01:59 EDT, then 01:00-01:59 EST again.
    const times = ['00:58', '00:59', '01:00', '01:59', '01:00', '01:01', '01:59', '02:00'].map((t) => `2024-11-03 ${t}`);
    expect(isoOf(rows(times), { timeZone: 'America/New_York' })).toEqual([
      '2024-11-03T04:58:00.000Z',
      '2024-11-03T04:59:00.000Z',
      '2024-11-03T05:00:00.000Z',
      '2024-11-03T05:59:00.000Z',
      '2024-11-03T06:00:00.000Z',
      '2024-11-03T06:01:00.000Z',
      '2024-11-03T06:59:00.000Z',
      '2024-11-03T07:00:00.000Z',
    ]);
  });

  it('fails on a time in the skipped hour, naming the row and column, and skips it under the skip policy', () => {
    const text = rows(['2024-03-10 01:59', '2024-03-10 02:30', '2024-03-10 03:00']);
    const e = errorOf(() => parse(text, { timeZone: 'America/New_York' }));
    expect(e.message).toBe(
      'x.csv row 3: time: 2024-03-10 02:30 does not exist in America/New_York: the clocks moved forward from UTC-05:00 to UTC-04:00 over it (is timeZone right?)',
    );
    const { bars, skipped } = parse(text, { timeZone: 'America/New_York', onInvalid: 'skip' });
    expect(bars.map((b) => new Date(b.ts).toISOString())).toEqual(['2024-03-10T06:59:00.000Z', '2024-03-10T07:00:00.000Z']);
    expect(skipped.map((s) => [s.row, s.field])).toEqual([[3, 'time']]);
  });

  it('reads a date whose midnight the clocks skip as the first instant of that day, as luxon does', () => {
    // Cuba sets its clocks from 00:00 to 01:00 on the second Sunday of March.
    const expected = DateTime.fromObject({ year: 2024, month: 3, day: 10 }, { zone: 'America/Havana' }).toMillis();
    expect(DateTime.fromMillis(expected, { zone: 'America/Havana' }).hour).toBe(1);
    expect(parse(rows(['2024-03-09', '2024-03-10']), { timeZone: 'America/Havana' }).bars[1]!.ts).toBe(expected);
  });

  it('refuses contradicting or unknown timestamp options, naming them', () => {
    expect(errorOf(() => parse(rows(['2024-01-02']), { timeZone: 'Mars/Olympus' })).message).toMatch(/^options\.timeZone: unknown time zone "Mars\/Olympus"/);
    expect(errorOf(() => parse(rows(['2024-01-02']), { timestampFormat: 'yyyy-MM-dd' })).field).toBe('options.timestampFormat');
    expect(errorOf(() => parse(rows(['2024-01-02']), { timestampFormat: 'YYYY-MM-DD', timestampUnit: 'ms' })).field).toBe('options.timestampFormat');
  });

  it('names the row and column of a time that does not match the pattern', () => {
    const e = errorOf(() => parse(rows(['02.01.2024', '2024-01-03']), { timestampFormat: 'DD.MM.YYYY' }));
    expect(e.message).toBe('x.csv row 3: time: does not match timestampFormat "DD.MM.YYYY": "2024-01-03"');
  });
});

describe('parseBarsCsv adjusted prices', () => {
  const text = ['Date,Open,High,Low,Close,Adj Close,Volume', '2014-10-03,38.500000,39.119999,38.400002,38.889999,36.470814,15289500', '2014-10-06,38.970001,39.240002,38.950001,39.080002,36.762436,14168000'].join('\n');

  it('scales open, high, low and close by adjClose / close and keeps the volume (checked with decimal.js)', () => {
    const { bars, pricePrecision } = parseBarsCsv(text, { instrumentId: id, price: 'adjClose' });
    const rows = text.split('\n').slice(1).map((r) => r.split(','));
    rows.forEach(([, open, high, low, close, adj, volume], i) => {
      const f = new Decimal(adj!).div(close!);
      const bar = bars[i]!;
      for (const [got, raw] of [[bar.open, open], [bar.high, high], [bar.low, low], [bar.close, close]] as const) expect(Math.abs(got / new Decimal(raw!).mul(f).toNumber() - 1)).toBeLessThan(1e-15);
      expect(Math.abs(bar.close - Number(adj))).toBeLessThanOrEqual(Number.EPSILON * Number(adj));
      expect(bar.volume).toBe(Number(volume));
      expect(bar.low <= Math.min(bar.open, bar.close) && bar.high >= Math.max(bar.open, bar.close)).toBe(true);
    });
    expect(pricePrecision).toBe(6);
  });

  it('finds Adj Close by its usual names, and names the column when it is missing', () => {
    expect(parseBarsCsv(text.replace('Adj Close', 'adjclose'), { instrumentId: id, price: 'adjClose' }).bars).toHaveLength(2);
    const e = errorOf(() => parseBarsCsv(text.replace('Adj Close', 'Dividends'), { instrumentId: id, price: 'adjClose' }));
    expect(e.field).toBe('adjClose');
    expect(e.message).toMatch(/no column named adj close, .* in the header: Date, Open, High, Low, Close, Dividends, Volume/);
  });

  it("ignores the adjusted close under price 'close'", () => {
    expect(parseBarsCsv(text, { instrumentId: id }).bars[0]).toMatchObject({ open: 38.5, close: 38.889999 });
  });
});

describe('parseBarsCsv presets', () => {
  it('reads each format as the options it stands for', () => {
    const binance = '1704153600000,42283.58,44184.10,42180.77,44179.55,27174.29,1704239999999,1168546413.7,1177643,13659.3,587459549.1,0\n';
    expect(parseBarsCsv(binance, { instrumentId: id, format: 'binance' }).bars[0]).toMatchObject({ ts: Date.UTC(2024, 0, 2), open: 42283.58, close: 44179.55, volume: 27174.29 });
    const mt4 = '2021.05.11,00:00,1.21280,1.21817,1.21230,1.21470,57217\n';
    expect(parseBarsCsv(mt4, { instrumentId: id, format: 'metatrader4' }).bars[0]).toMatchObject({ ts: Date.UTC(2021, 4, 11), open: 1.2128, volume: 57217 });
    const mt5 = '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\n2025.06.23\t01:00:00\t1.14721\t1.14943\t1.14721\t1.14885\t3043\t0\t7\n';
    expect(parseBarsCsv(mt5, { instrumentId: id, format: 'metatrader5' }).bars[0]).toMatchObject({ ts: Date.UTC(2025, 5, 23, 1), close: 1.14885, volume: 3043 });
    const yahoo = 'Date,Open,High,Low,Close,Adj Close,Volume\n2014-10-06,38.970001,39.240002,38.950001,39.080002,36.762436,14168000\n';
    expect(parseBarsCsv(yahoo, { instrumentId: id, format: 'yahoo' }).bars[0]).toMatchObject({ ts: Date.UTC(2014, 9, 6), close: 39.080002 });
  });

  it('lets options beside the format win, merging columns field by field', () => {
    const mt5 = '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\n2025.06.23\t01:00:00\t1.14721\t1.14943\t1.14721\t1.14885\t3043\t17\t7\n';
    expect(parseBarsCsv(mt5, { instrumentId: id, format: 'metatrader5', columns: { volume: '<VOL>' } }).bars[0]).toMatchObject({ close: 1.14885, volume: 17 });
    expect(errorOf(() => parseBarsCsv(mt5, { instrumentId: id, format: 'mt5' as never })).field).toBe('options.format');
  });
});

describe('parseBarsCsvChunks with the file options', () => {
  it('yields what parseBarsCsv returns for a semicolon file with decimal commas and a multi-line quoted note, however it is cut (property)', async () => {
    const text = [
      '\uFEFFDatum;Notiz;Eröffnung;Hoch;Tief;Schluss',
      '02.01.2024;"zwei; ""Zeilen""',
      'lang";1.100,5;1.120;1.090;1.110,25',
      '03.01.2024;;1.110,25;1.130;1.100;1.125',
      '04.01.2024;;1,5;1;2;1',
      '05.01.2024;;1.125;1.140;1.120;1.130',
    ].join('\r\n');
    const options = {
      instrumentId: id,
      delimiter: 'auto',
      decimal: ',',
      thousands: '.',
      timestampFormat: 'DD.MM.YYYY',
      timeZone: 'Europe/Berlin',
      onInvalid: 'skip',
      columns: { time: 'Datum', open: 'Eröffnung', high: 'Hoch', low: 'Tief', close: 'Schluss' },
    } as const;
    const expected = parseBarsCsv(text, options);
    expect(expected.bars.map((b) => b.close)).toEqual([1110.25, 1125, 1130]);
    expect(expected.skipped.map((s) => [s.row, s.field])).toEqual([[5, 'high']]);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 10 }), async (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), text.length];
        const skipped: SkippedRow[] = [];
        const bars = [];
        for await (const bar of parseBarsCsvChunks(at.slice(1).map((end, i) => text.slice(at[i], end)), { ...options, onSkip: (s) => skipped.push(s) })) bars.push(bar);
        expect(bars).toEqual(expected.bars);
        expect(skipped).toEqual(expected.skipped);
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { instrumentId } from '../domain/ids';
import { parseBarsCsv } from './bars-csv';

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
    ['a price that is not a number', '2024-01-04,10,abc,9,10,1', 4, 'high', /is not a number: "abc"/],
    ['an empty price', '2024-01-04,10,11,,10,1', 4, 'low', /is not a number: ""/],
    ['a NaN price', '2024-01-04,NaN,11,9,10,1', 4, 'open', /is not a number: "NaN"/],
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

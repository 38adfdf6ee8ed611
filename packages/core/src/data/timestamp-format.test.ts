import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileTimestampFormat, wallTimeMillis, type TimestampParser, type WallTime } from './timestamp-format';

function compiled(pattern: string): TimestampParser {
  const parse = compileTimestampFormat(pattern);
  if (typeof parse === 'string') throw new Error(parse);
  return parse;
}

const iso = (w: WallTime | string): string => (typeof w === 'string' ? w : new Date(wallTimeMillis(w)).toISOString());

describe('compileTimestampFormat', () => {
  it.each([
    ['YYYY-MM-DD', '2024-01-02', '2024-01-02T00:00:00.000Z'],
    ['YYYY.MM.DD HH:mm', '2020.01.02 09:30', '2020-01-02T09:30:00.000Z'],
    ['DD.MM.YYYY HH:mm:ss', '31.12.2023 23:59:58', '2023-12-31T23:59:58.000Z'],
    ['YYYYMMDD', '20200102', '2020-01-02T00:00:00.000Z'],
    ['YYYYMMDD HHmmss', '20200102 093005', '2020-01-02T09:30:05.000Z'],
    ['M/D/YYYY H:mm', '1/2/2024 9:05', '2024-01-02T09:05:00.000Z'],
    ['MMM D YYYY', 'Jan 1 2000', '2000-01-01T00:00:00.000Z'],
    ['YYYY-MM-DDTHH:mm:ss.SSS', '2024-01-02T09:30:00.250', '2024-01-02T09:30:00.250Z'],
    ['YYYY-MM-DD HH:mm:ss.SSSSSS', '2024-01-02 09:30:00.123456', '2024-01-02T09:30:00.123Z'],
    ['YYYY.MM.DD HH:mm[:ss]', '2025.06.23 01:00:00', '2025-06-23T01:00:00.000Z'],
    ['YYYY.MM.DD HH:mm[:ss]', '2025.06.23 01:00', '2025-06-23T01:00:00.000Z'],
    ['DD.MM.YYYY', '29.02.2024', '2024-02-29T00:00:00.000Z'],
    ['YYYY-MM-DD', '0099-12-31', '0099-12-31T00:00:00.000Z'],
  ])('reads %s: %s', (pattern, text, expected) => {
    expect(iso(compiled(pattern)(text))).toBe(expected);
  });

  it('tells whether the text gave a time of day', () => {
    expect(compiled('YYYY-MM-DD[ HH:mm]')('2024-01-02')).toMatchObject({ hasTime: false });
    expect(compiled('YYYY-MM-DD[ HH:mm]')('2024-01-02 00:00')).toMatchObject({ hasTime: true });
  });

  it.each([
    ['YYYY-MM-DD', '2024-1-02', /does not match timestampFormat "YYYY-MM-DD"/],
    ['YYYY-MM-DD', '2023-02-29', /2023-02 has no day 29/],
    ['YYYY-MM-DD', '2024-13-01', /month 13 is out of range/],
    ['YYYY-MM-DD HH:mm', '2024-01-02 24:00', /hour 24 is out of range/],
    ['YYYY-MM-DD HH:mm', '2024-01-02 09:60', /minute 60 is out of range/],
    ['MMM D YYYY', 'Foo 1 2000', /has no month "Foo"/],
  ])('rejects %s: %s', (pattern, text, message) => {
    expect(compiled(pattern)(text)).toMatch(message);
  });

  it.each([
    ['yyyy-MM-dd', /unknown token yyyy/],
    ['YYYY-MM', /no day/],
    ['DD.MM', /no year/],
    ['YYYY-DD', /no month/],
    ['YYYY-MM-DD mm', /minutes \(mm\) need hours/],
    ['YYYY-MM-DD HH:ss', /seconds \(ss\) need minutes/],
    ['YYYY-MM-DD HH:mm[:ss', /'\[' without '\]'/],
    ['YYYY-MM-DD YYYY', /YYYY repeats a field/],
  ])('rejects the pattern %s', (pattern, message) => {
    expect(compileTimestampFormat(pattern)).toMatch(message);
  });

  it('reads back every date and time it is given, written in the pattern (property)', () => {
    const parse = compiled('DD.MM.YYYY HH:mm:ss');
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    fc.assert(
      fc.property(fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2200, 0, 1)), noInvalidDate: true }), (d) => {
        const text = `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${pad(d.getUTCFullYear(), 4)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
        expect(iso(parse(text))).toBe(new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString());
      }),
    );
  });
});

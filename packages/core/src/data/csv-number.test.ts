import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decimalPlaces, numberReader } from './csv-number';

describe('numberReader', () => {
  it('reads the decimal grammar with a decimal point', () => {
    const read = numberReader('.');
    expect(['1234.5', '-0.25', '.5', '+3', '1.5e-4', '2E3'].map(read)).toEqual([1234.5, -0.25, 0.5, 3, 0.00015, 2000]);
  });

  it('reads a decimal comma, and refuses a point in its place', () => {
    const read = numberReader(',');
    expect(['1234,5', '-0,25', ',5', '7', '1,5e-4'].map(read)).toEqual([1234.5, -0.25, 0.5, 7, 0.00015]);
    expect(read('1234.5')).toMatch(/the decimal separator is ','/);
    expect(read('1.234,5')).toMatch(/set thousands: '\.' to read it as 1234\.5/);
  });

  it('accepts a named thousands separator only in groups of three', () => {
    const de = numberReader(',', '.');
    expect(['1.234.567,5', '1234567,5', '999', '12.345', '-1.000,25'].map(de)).toEqual([1234567.5, 1234567.5, 999, 12345, -1000.25]);
    for (const bad of ['1.23.456', '12.3456', '.123', '1..234', '1.234.56', ''])
      expect(de(bad), bad).toEqual(expect.stringMatching(/not a decimal number|is empty/));
    const ch = numberReader('.', "'");
    expect(ch("1'234'567.25")).toBe(1234567.25);
    expect(numberReader('.', ',')('1,234.5')).toBe(1234.5);
  });

  it('names the likely cause of a number in another convention', () => {
    const read = numberReader('.');
    expect(read('1,234.5')).toMatch(/thousands separators are not accepted unless named \(thousands: ','\), write 1234\.5/);
    expect(read('101,25')).toMatch(/a decimal comma\? set decimal: ','/);
    expect(read('')).toBe('is empty');
    expect(read('0x1F')).toMatch(/not a decimal number: "0x1F"/);
    expect(read('NaN')).toMatch(/not a decimal number/);
  });

  it('reads what Number reads for every number written in the grammar, in either convention (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = String(x);
        expect(numberReader('.')(text)).toBe(Number(text));
        expect(numberReader(',')(text.replace('.', ','))).toBe(Number(text));
      }),
    );
  });
});

describe('decimalPlaces', () => {
  it('counts the places after the separator, exponent included', () => {
    expect(decimalPlaces('100.34', '.')).toBe(2);
    expect(decimalPlaces('100', '.')).toBe(0);
    expect(decimalPlaces('1.5e-4', '.')).toBe(5);
    expect(decimalPlaces('1,05', ',')).toBe(2);
    expect(decimalPlaces('1.234,5', ',')).toBe(1);
  });
});

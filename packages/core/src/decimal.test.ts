import { describe, expect, it } from 'vitest';
import { Decimal, isMultipleOf, roundToIncrement, toDecimal } from './decimal';
import { ValidationError } from './errors';

const d = (x: string) => new Decimal(x);

describe('roundToIncrement', () => {
  it.each([
    ['180.364', '0.01', 'nearest', '180.36'],
    ['180.365', '0.01', 'nearest', '180.36'],
    ['180.375', '0.01', 'nearest', '180.38'],
    ['7.9', '1', 'down', '7'],
    ['-7.9', '1', 'down', '-7'],
    ['7.1', '1', 'up', '8'],
    ['100.037', '0.05', 'nearest', '100.05'],
    ['1234', '100', 'down', '1200'],
    ['0.123456789', '0.00000001', 'nearest', '0.12345679'],
  ] as const)('%s to %s (%s) is %s', (value, increment, mode, expected) => {
    expect(roundToIncrement(d(value), d(increment), mode).toString()).toBe(expected);
  });
});

describe('isMultipleOf', () => {
  it('agrees with the remainder on powers of ten and on other increments', () => {
    for (const [value, inc] of [
      ['180.36', '0.01'],
      ['180.365', '0.01'],
      ['100', '1'],
      ['100.5', '1'],
      ['100.05', '0.05'],
      ['100.07', '0.05'],
      ['300', '100'],
      ['350', '100'],
    ] as const)
      expect(isMultipleOf(d(value), d(inc)), `${value} % ${inc}`).toBe(d(value).mod(d(inc)).isZero());
  });
});

describe('toDecimal', () => {
  it('names the field of a value that is not a finite number', () => {
    expect(() => toDecimal(NaN, 'price')).toThrow(ValidationError);
    expect(() => toDecimal('abc', 'quantity')).toThrow(/quantity: must be a finite number/);
    expect(toDecimal('1e-8', 'x').toString()).toBe('0.00000001');
  });
});

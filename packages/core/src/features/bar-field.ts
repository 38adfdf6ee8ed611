/**
 * The numeric fields of a bar that feature operators read, and the checked reader they share: a
 * non-finite value becomes a ValidationError naming the field and the bar instead of a NaN that
 * silently poisons every rolling sum after it.
 */
import { ValidationError } from '../errors';
import type { Bar } from '../domain/market-data';

/**
 * The numeric fields of a {@link Bar} that an indicator or feature can be fed.
 *
 * @example
 * ```ts
 * withIndicators({ range: { indicator: new Sma(14), input: BarField.HIGH } });
 * ```
 */
export const BarField = { OPEN: 'open', HIGH: 'high', LOW: 'low', CLOSE: 'close', VOLUME: 'volume' } as const;
export type BarField = (typeof BarField)[keyof typeof BarField];

const FIELDS: readonly string[] = Object.values(BarField);

/** True when `value` names a {@link BarField}. */
export function isBarField(value: unknown): value is BarField {
  return typeof value === 'string' && FIELDS.includes(value);
}

/**
 * A reader of one bar field that throws a {@link ValidationError} on a non-finite value. One closure per
 * field, each reading a fixed property, so the call sites stay monomorphic.
 */
export function barFieldReader(field: BarField, operator: string): (bar: Bar) => number {
  switch (field) {
    case 'open':
      return (bar) => checked(bar.open, bar, 'open', operator);
    case 'high':
      return (bar) => checked(bar.high, bar, 'high', operator);
    case 'low':
      return (bar) => checked(bar.low, bar, 'low', operator);
    case 'close':
      return (bar) => checked(bar.close, bar, 'close', operator);
    case 'volume':
      return (bar) => checked(bar.volume, bar, 'volume', operator);
  }
}

function checked(value: number, bar: Bar, field: BarField, operator: string): number {
  if (Number.isFinite(value)) return value;
  throw nonFinite(['bar', field], value, bar, operator);
}

/** The error for a non-finite number read from (or computed for) `bar`. */
export function nonFinite(path: readonly (string | number)[], value: unknown, bar: Pick<Bar, 'ts' | 'instrumentId'>, operator: string): ValidationError {
  return new ValidationError([{ path, message: `must be a finite number, got ${String(value)} (bar ${bar.instrumentId} at ts ${bar.ts})` }], { source: operator });
}

/** Throws a {@link ValidationError} naming `field` when `value` is not finite. */
export function requireFinite(value: number, path: readonly (string | number)[], bar: Pick<Bar, 'ts' | 'instrumentId'>, operator: string): number {
  if (Number.isFinite(value)) return value;
  throw nonFinite(path, value, bar, operator);
}

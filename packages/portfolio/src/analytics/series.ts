/**
 * Helpers shared by the analytics: argument checks and the two moments every ratio uses. Only the
 * `Series` type is public.
 */
import { ValidationError } from '@rxtrade/core';

/**
 * A series of observations that the analytics accept: a plain array or a typed array such as `Float64Array`.
 *
 * @example
 * ```ts
 * const curve: Series = Float64Array.of(100_000, 100_250, 99_900);
 * ```
 */
export type Series = ArrayLike<number>;

/** Throws a ValidationError naming `field` unless `value` is a finite number > 0. */
export function checkPositive(value: number, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new ValidationError([{ path: [field], message: `must be a finite number > 0, got ${String(value)}` }]);
}

/** Throws a ValidationError naming `field[i]` at the first value that is not a finite number. */
export function checkFinite(values: Series, field: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new ValidationError([{ path: [field, i], message: `must be a finite number, got ${String(v)}` }]);
  }
}

/** Arithmetic mean; NaN for an empty series. */
export function mean(values: Series): number {
  const n = values.length;
  if (n === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  return sum / n;
}

/** Sample standard deviation (denominator n - 1), as R's `sd`; NaN with fewer than 2 values. */
export function sampleStdDev(values: Series): number {
  const n = values.length;
  if (n < 2) return NaN;
  const m = mean(values);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - m;
    ss += d * d;
  }
  return Math.sqrt(ss / (n - 1));
}

/** Product of (1 + r - shift): the growth of 1 unit compounded over the series. */
export function compound(returns: Series, shift = 0): number {
  let wealth = 1;
  for (let i = 0; i < returns.length; i++) wealth *= 1 + returns[i]! - shift;
  return wealth;
}

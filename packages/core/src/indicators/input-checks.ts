/**
 * Input checks shared by the indicators. They run before an indicator touches its state, so a bad
 * input throws a {@link ValidationError} naming the indicator and the field and leaves the indicator as
 * it was. The throwing paths are separate functions so that the checks inline into the hot path.
 */
import { ValidationError } from '../errors';
import type { HighLow, HighLowClose } from './inputs';

/** Throws the error for a non-finite value of `field` (cold path). */
export function throwNotFinite(label: string, field: string, value: number): never {
  throw new ValidationError([{ path: field ? [`${label} input`, field] : [`${label} input`], message: `must be a finite number, got ${value}` }]);
}

/** Throws the error for a bar whose high is below its low (cold path). */
export function throwHighBelowLow(label: string, high: number, low: number): never {
  throw new ValidationError([{ path: [`${label} input`, 'high'], message: `${high} is below low ${low}` }]);
}

/** Throws the error for a negative volume (cold path). */
export function throwNegativeVolume(label: string, volume: number): never {
  throw new ValidationError([{ path: [`${label} input`, 'volume'], message: `must be >= 0, got ${volume}` }]);
}

/** Throws the error for a price that must be positive (cold path). */
export function throwNotPositive(label: string, field: string, value: number): never {
  throw new ValidationError([{ path: field ? [`${label} input`, field] : [`${label} input`], message: `must be > 0, got ${value}` }]);
}

/** Checks a plain number input. */
export function checkNumber(label: string, x: number): void {
  if (!Number.isFinite(x)) throwNotFinite(label, '', x);
}

/** Checks high and low: finite, high >= low. */
export function checkHighLow(label: string, input: HighLow): void {
  const high = input.high;
  const low = input.low;
  if (!Number.isFinite(high)) throwNotFinite(label, 'high', high);
  if (!Number.isFinite(low)) throwNotFinite(label, 'low', low);
  if (high < low) throwHighBelowLow(label, high, low);
}

/** Checks one more field: finite. */
export function checkField(label: string, field: string, value: number): void {
  if (!Number.isFinite(value)) throwNotFinite(label, field, value);
}

/** Checks a volume: finite and >= 0. */
export function checkVolume(label: string, volume: number): void {
  if (!Number.isFinite(volume)) throwNotFinite(label, 'volume', volume);
  if (volume < 0) throwNegativeVolume(label, volume);
}

/** Checks high, low and close: finite, high >= low. */
export function checkHighLowClose(label: string, input: HighLowClose): void {
  checkHighLow(label, input);
  if (!Number.isFinite(input.close)) throwNotFinite(label, 'close', input.close);
}

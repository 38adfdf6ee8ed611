/**
 * Participation cap: the most a simulated venue lets one order take from one bar, "at most x% of a
 * bar's volume per bar; the rest stays working".
 */
import { ValidationError } from '@rxtrade/core';

/**
 * The largest multiple of `lotSize` that is at most `maxParticipation` × `volume` (0 when not even one
 * lot fits). Plain numbers: the venue converts to Decimal for the fill.
 *
 * @param volume the bar's volume (>= 0).
 * @param maxParticipation the fraction of volume one order may take per bar, in (0, 1].
 * @param lotSize the instrument's lot size (> 0).
 * @example
 * ```ts
 * participationCap(12_345, 0.1, 10)  // 1230 (10% = 1234.5, down to a lot of 10)
 * participationCap(7.5, 0.2, 0.001)  // 1.5
 * ```
 */
export function participationCap(volume: number, maxParticipation: number, lotSize: number): number {
  if (!(maxParticipation > 0 && maxParticipation <= 1)) {
    throw new ValidationError([{ path: ['maxParticipation'], message: `must be in (0, 1], got ${maxParticipation}` }]);
  }
  if (!(volume >= 0) || !Number.isFinite(volume)) throw new ValidationError([{ path: ['volume'], message: `must be a finite number >= 0, got ${volume}` }]);
  if (!(lotSize > 0) || !Number.isFinite(lotSize)) throw new ValidationError([{ path: ['lotSize'], message: `must be a positive number, got ${lotSize}` }]);
  // Count whole lots; the 1e-9 absorbs binary error such as 0.3 / 0.1 = 2.9999999999999996.
  const lots = Math.floor((maxParticipation * volume) / lotSize + 1e-9);
  if (lots <= 0) return 0;
  // Round to the lot's decimals so that 3 × 0.1 gives 0.3, not 0.30000000000000004.
  const places = lotDecimals(lotSize);
  return Number((lots * lotSize).toFixed(places));
}

function lotDecimals(lotSize: number): number {
  const text = lotSize.toString();
  const e = text.indexOf('e-');
  if (e >= 0) return Math.min(100, Number(text.slice(e + 2)) + (text.slice(0, e).split('.')[1]?.length ?? 0));
  return Math.min(100, text.split('.')[1]?.length ?? 0);
}

/**
 * Common bar timeframes in milliseconds. Periods are aligned to the UTC epoch (1970-01-01T00:00Z), so
 * a day runs from 00:00 UTC; pass an `offset` to {@link resample} for other boundaries.
 */

/**
 * Common timeframes in ms; any positive whole number of ms is a valid timeframe too.
 *
 * @example
 * ```ts
 * resample({ timeframe: Timeframe.HOUR, clock: ctx.clock });
 * resample({ timeframe: Timeframe.WEEK, offset: 4 * Timeframe.DAY, clock: ctx.clock }); // weeks from Monday 00:00 UTC
 * ```
 */
export const Timeframe = {
  SECOND: 1_000,
  MINUTE: 60_000,
  MINUTE_5: 300_000,
  MINUTE_15: 900_000,
  HOUR: 3_600_000,
  HOUR_4: 14_400_000,
  DAY: 86_400_000,
  /** Seven days from Thursday 00:00 UTC (the epoch's weekday); add `offset: 4 * DAY` for Mondays. */
  WEEK: 604_800_000,
} as const;
export type Timeframe = (typeof Timeframe)[keyof typeof Timeframe];

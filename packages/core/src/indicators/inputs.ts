/**
 * Input shapes of the bar-based indicators. Each is a structural subset of core's `Bar`, so a `Bar`
 * passes everywhere and so does any object that has the needed fields.
 */

/**
 * A bar's high and low.
 *
 * @example
 * ```ts
 * const hl: HighLow = { high: 11, low: 10 };
 * ```
 */
export interface HighLow {
  readonly high: number;
  readonly low: number;
}

/**
 * A bar's high, low and close.
 *
 * @example
 * ```ts
 * const hlc: HighLowClose = { high: 11, low: 10, close: 10.5 };
 * ```
 */
export interface HighLowClose extends HighLow {
  readonly close: number;
}

/**
 * A bar's high, low, close and volume.
 *
 * @example
 * ```ts
 * const hlcv: HighLowCloseVolume = { high: 11, low: 10, close: 10.5, volume: 1200 };
 * ```
 */
export interface HighLowCloseVolume extends HighLowClose {
  readonly volume: number;
}

/**
 * A bar's open, high, low and close.
 *
 * @example
 * ```ts
 * const ohlc: OpenHighLowClose = { open: 10.2, high: 11, low: 10, close: 10.5 };
 * ```
 */
export interface OpenHighLowClose extends HighLowClose {
  readonly open: number;
}

/**
 * A close and its volume.
 *
 * @example
 * ```ts
 * const cv: CloseVolume = { close: 10.5, volume: 1200 };
 * ```
 */
export interface CloseVolume {
  readonly close: number;
  readonly volume: number;
}

/**
 * A volume.
 *
 * @example
 * ```ts
 * const v: VolumeOnly = { volume: 1200 };
 * ```
 */
export interface VolumeOnly {
  readonly volume: number;
}

/**
 * A bar with its open time `ts` (epoch milliseconds UTC), high, low, close and volume.
 *
 * @example
 * ```ts
 * const bar: TimedHighLowCloseVolume = { ts: Date.UTC(2024, 0, 2, 14, 30), high: 11, low: 10, close: 10.5, volume: 1200 };
 * ```
 */
export interface TimedHighLowCloseVolume extends HighLowCloseVolume {
  readonly ts: number;
}

/**
 * Stops and position sizes from a {@link QuantileForecast} of log returns: a stop where the forecast puts
 * its lower (long) or upper (short) quantile, and a size that shrinks as the forecast's interval widens.
 * Both read the forecast as the log return from the current close to the close `horizon` bars later.
 */
import { parseWith } from '@rxtrade/core';
import { z } from 'zod';
import type { QuantileForecast } from './quantile-forecast';

const StopSchema = z.strictObject({
  price: z.number().positive().finite(),
  side: z.enum(['long', 'short']),
  horizon: z.number().int().positive(),
  quantile: z.number().gt(0).lt(1).optional(),
});

/**
 * Options of {@link quantileStop}.
 *
 * @example
 * ```ts
 * const options: QuantileStopOptions = { price: 101.5, side: 'long', horizon: 5 };
 * ```
 */
export type QuantileStopOptions = z.input<typeof StopSchema>;

/**
 * A stop price at a quantile of the forecast return: `price * exp(q)`, with `q` the forecast's lowest
 * quantile (the 10th percentile) for a long position and its highest (the 90th) for a short one, unless
 * `quantile` names another. A long position is stopped when the price falls where the forecast gave it
 * about a 10% chance of being at the horizon.
 *
 * @throws ValidationError naming the option (`quantileStop.price`, `horizon`, …).
 * @example
 * ```ts
 * import { QuantileForecast, quantileStop } from '@rxtrade/ml';
 *
 * // 5-bar log return quantiles: 10th -3%, median +0.5%, 90th +4%.
 * const forecast = new QuantileForecast(0, [1, 5], [0.1, 0.5, 0.9], Float32Array.of(-0.01, 0, 0.01, -0.03, 0.005, 0.04));
 * console.log(quantileStop(forecast, { price: 100, side: 'long', horizon: 5 }).toFixed(2));  // 97.04
 * console.log(quantileStop(forecast, { price: 100, side: 'short', horizon: 5 }).toFixed(2)); // 104.08
 * ```
 */
export function quantileStop(forecast: QuantileForecast, options: QuantileStopOptions): number {
  const o = parseWith(StopSchema, options, 'quantileStop');
  const q = o.quantile ?? (o.side === 'long' ? forecast.quantiles[0]! : forecast.quantiles[forecast.quantiles.length - 1]!);
  return o.price * Math.exp(forecast.value(o.horizon, q));
}

const SizeSchema = z.strictObject({
  horizon: z.number().int().positive(),
  maxSize: z.number().positive().finite(),
  targetSpread: z.number().positive().finite(),
  lower: z.number().gt(0).lt(1).optional(),
  upper: z.number().gt(0).lt(1).optional(),
  median: z.number().gt(0).lt(1).optional(),
});

/**
 * Options of {@link spreadScaledSize}.
 *
 * @example
 * ```ts
 * const options: SpreadScaledSizeOptions = { horizon: 5, maxSize: 100, targetSpread: 0.05 };
 * ```
 */
export type SpreadScaledSizeOptions = z.input<typeof SizeSchema>;

/**
 * A signed position size from the forecast: the sign of the median (0 when it is 0), and a magnitude of
 * `maxSize * min(1, targetSpread / spread)`, where `spread` is the width between the `lower` and `upper`
 * quantiles (default the outermost, 10th to 90th percentile). A forecast as uncertain as `targetSpread`
 * or less gets the full size; twice as wide, half of it. `lower`, `upper` and `median` default to the
 * forecast's first, last and middle quantiles.
 *
 * @throws ValidationError naming the option (`spreadScaledSize.targetSpread`, …).
 * @example
 * ```ts
 * import { QuantileForecast, spreadScaledSize } from '@rxtrade/ml';
 *
 * const calm = new QuantileForecast(0, [5], [0.1, 0.5, 0.9], Float32Array.of(-0.015, 0.004, 0.025));
 * const wild = new QuantileForecast(0, [5], [0.1, 0.5, 0.9], Float32Array.of(-0.09, -0.002, 0.11));
 * console.log(spreadScaledSize(calm, { horizon: 5, maxSize: 100, targetSpread: 0.05 })); // 100: spread 0.04, within the target
 * console.log(spreadScaledSize(wild, { horizon: 5, maxSize: 100, targetSpread: 0.05 }).toFixed(1)); // -25.0: spread 0.2, short
 * ```
 */
export function spreadScaledSize(forecast: QuantileForecast, options: SpreadScaledSizeOptions): number {
  const o = parseWith(SizeSchema, options, 'spreadScaledSize');
  const qs = forecast.quantiles;
  const lower = o.lower ?? qs[0]!;
  const upper = o.upper ?? qs[qs.length - 1]!;
  const median = o.median ?? qs[(qs.length - 1) >> 1]!;
  const spread = forecast.value(o.horizon, upper) - forecast.value(o.horizon, lower);
  const m = forecast.value(o.horizon, median);
  const direction = m > 0 ? 1 : m < 0 ? -1 : 0;
  if (direction === 0) return 0;
  const scale = spread > 0 ? Math.min(1, o.targetSpread / spread) : 1;
  return direction * o.maxSize * scale;
}

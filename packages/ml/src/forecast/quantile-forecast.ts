/**
 * `QuantileForecast`: the quantiles of a forecast at several horizons for one bar, as a quantile
 * forecaster answers them (a horizons x quantiles grid of float32 values, horizon-major).
 */
import { ValidationError } from '@rxtrade/core';

/**
 * A forecast made at `ts`: for each horizon (in bars) the given quantiles of the predicted quantity (the
 * log return from the bar's close to the close `horizon` bars later, for the forecaster of the docs).
 *
 * @example
 * ```ts
 * const f = new QuantileForecast(0, [1, 5], [0.1, 0.5, 0.9], Float32Array.of(-0.02, 0, 0.02, -0.05, 0.01, 0.06));
 * f.value(5, 0.9); // 0.06 (as float32)
 * f.spread(5);     // 0.11: q90 - q10
 * ```
 */
export class QuantileForecast {
  /**
   * @param ts the time of the bar the forecast was made at (its window's newest row).
   * @param horizons horizons in bars, ascending.
   * @param quantiles probabilities in (0, 1), ascending.
   * @param values `horizons.length * quantiles.length` values, horizon-major.
   */
  constructor(
    readonly ts: number,
    readonly horizons: readonly number[],
    readonly quantiles: readonly number[],
    readonly values: Float32Array,
  ) {
    if (values.length !== horizons.length * quantiles.length)
      throw new ValidationError([{ path: ['values'], message: `expected ${horizons.length} horizons x ${quantiles.length} quantiles = ${horizons.length * quantiles.length} values, got ${values.length}` }]);
  }

  /**
   * The forecast's `quantile` at `horizon`; both must be among the forecaster's.
   *
   * @throws ValidationError naming `horizon` or `quantile` when the forecast has no such value.
   * @example
   * ```ts
   * const stopReturn = forecast.value(5, 0.1); // the 10th percentile of the 5-bar log return
   * ```
   */
  value(horizon: number, quantile: number): number {
    return this.values[this.horizonIndex(horizon) * this.quantiles.length + this.quantileIndex(quantile)]!;
  }

  /**
   * The width of the interval between two quantiles at a horizon (default the outermost: 10th to 90th
   * percentile for a forecaster of 0.1, 0.5, 0.9).
   *
   * @example
   * ```ts
   * forecast.spread(5);           // q90 - q10 of the 5-bar return
   * forecast.spread(5, 0.1, 0.5); // q50 - q10
   * ```
   */
  spread(horizon: number, lower = this.quantiles[0]!, upper = this.quantiles[this.quantiles.length - 1]!): number {
    return this.value(horizon, upper) - this.value(horizon, lower);
  }

  private horizonIndex(horizon: number): number {
    const i = this.horizons.indexOf(horizon);
    if (i < 0) throw new ValidationError([{ path: ['horizon'], message: `the forecast has horizons ${this.horizons.join(', ')}, not ${horizon}` }]);
    return i;
  }

  private quantileIndex(quantile: number): number {
    // Quantiles are compared as given (0.1 is 0.1); a float32 round trip would miss them.
    const i = this.quantiles.indexOf(quantile);
    if (i < 0) throw new ValidationError([{ path: ['quantile'], message: `the forecast has quantiles ${this.quantiles.join(', ')}, not ${quantile}` }]);
    return i;
  }
}

/**
 * The models' inputs and labels. Six features per day, computed by core's streaming operators, so the
 * row of day t uses bars up to t only:
 *
 *   ret1   close / previous close - 1
 *   ret5   close / close 5 days before - 1
 *   ret20  close / close 20 days before - 1
 *   vol20  annualized realized volatility of the last 20 daily log returns
 *   z20    (close - 20-day mean) / 20-day standard deviation
 *   range  (high - low) / close
 *
 * A row is emitted once every feature has a value (warm-up skipped: from the 21st bar), and then for
 * every bar, so consecutive rows are consecutive days. The label of row t is the next day's move:
 * its return, `ret1` of row t + 1, and its class, down below -0.3%, up above +0.3%, flat between. A
 * row's label needs row t + 1, so a row enters a training only when row t + 1 is in the same training
 * set: the last row handed to a trainer never does.
 */
import { from, lastValueFrom, toArray, type OperatorFunction } from 'rxjs';
import { RealizedVolatility, Returns, toFeatures, ZScore, type Bar, type FeatureRow } from '@rxtrade/core';

/** Names of the features, in the order of each row's values. */
export const FEATURE_NAMES = ['ret1', 'ret5', 'ret20', 'vol20', 'z20', 'range'] as const;

/** A next-day return below `-FLAT_BAND` is down, above `FLAT_BAND` up, flat otherwise. */
export const FLAT_BAND = 0.003;

/**
 * Class of a next-day return: 0 down, 1 flat, 2 up (the CNN+LSTM's and the trees' class order).
 *
 * @example
 * ```ts
 * classOf(-0.004); // 0
 * classOf(0.001); // 1
 * ```
 */
export function classOf(nextReturn: number): 0 | 1 | 2 {
  return nextReturn < -FLAT_BAND ? 0 : nextReturn > FLAT_BAND ? 2 : 1;
}

/**
 * The feature operator: bars in, one row of {@link FEATURE_NAMES} per bar out (after the warm-up).
 * A new operator per stream: it keeps its indicators' state.
 *
 * @example
 * ```ts
 * ctx.market.bars(SP500.id).pipe(features(), window({ size: 20 }));
 * ```
 */
export function features(): OperatorFunction<Bar, FeatureRow> & { readonly names: readonly string[] } {
  return toFeatures({
    features: {
      ret1: new Returns(1),
      ret5: new Returns(5),
      ret20: new Returns(20),
      vol20: new RealizedVolatility({ period: 20, annualization: 252 }),
      z20: new ZScore(20),
      range: { input: (b: Bar) => (b.high - b.low) / b.close },
    },
  });
}

/**
 * Every feature row of `bars`, computed by the same operator the backtest runs.
 *
 * @example
 * ```ts
 * const rows = await featureRows(readSp500());
 * rows.length; // 5085: the first 20 bars warm up
 * ```
 */
export async function featureRows(bars: readonly Bar[]): Promise<FeatureRow[]> {
  return lastValueFrom(from(bars).pipe(features(), toArray()));
}

/** The next-day return that labels row `k` of `rows` (its successor's `ret1`), or undefined for the last row. */
export function nextReturnOf(rows: readonly { readonly values: ArrayLike<number> }[], k: number): number | undefined {
  return rows[k + 1]?.values[0];
}

/**
 * `dataQualityReport`: the quality of a bar series, per instrument. The checks, each with its count,
 * first findings and severity:
 *
 * - out-of-order bars and duplicate timestamps (each reported, then left out of the other checks);
 * - invalid values (prices <= 0 or not finite, volumes < 0 or not finite) and inconsistent OHLC (high
 *   below low, open or close outside the bar's range);
 * - gaps against the calendar of expected bar times (24/7 at the interval, or an exchange's sessions
 *   with holidays and early closes in its time zone), and bars the calendar does not expect;
 * - price jumps: close-to-close log returns beyond `k` robust standard deviations (1.4826 x MAD) of the
 *   trailing window's;
 * - stale prices: runs of at least `minBars` bars with an unchanged close;
 * - zero-volume runs, and volume spikes: log volumes beyond `k` robust standard deviations above the
 *   trailing window's.
 *
 * `tradeDataQualityReport` runs the checks that have a meaning for trades: order, repeated trade ids,
 * invalid prices and sizes, and price jumps from trade to trade.
 */
import type { DataQualityOptions } from './data-quality-options';
import { DataQualityScanner, type QualityBar, type QualityTrade } from './data-quality-scanner';
import type { DataQualityReport } from './data-quality-types';

/**
 * Checks a bar series (any iterable: an array, a generator) and reports what it found, per instrument
 * and check. Memory is bounded by the findings kept (`maxExamples` per check) and the check windows,
 * not by the series; for an async source (a catalog query) push the bars into a
 * {@link DataQualityScanner}.
 *
 * @param bars bars of one or more instruments (core's `Bar`, or anything with `instrumentId`, `ts`, `open`, `high`, `low`, `close`, `volume`).
 * @param options the calendar, the interval (inferred when absent) and each check's thresholds ({@link DataQualityOptionsSchema}).
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { dataQualityReport, formatDataQualityReport, instrumentId, parseBarsCsv } from '@rxtrade/core';
 *
 * const { bars } = parseBarsCsv(readFileSync('examples/sma-crossover/fixtures/goog.csv', 'utf8'), { instrumentId: instrumentId('GOOG.NASDAQ') });
 * const report = dataQualityReport(bars, { calendar: { type: 'session', timeZone: 'America/New_York', open: '09:30', close: '16:00' } });
 * console.log(formatDataQualityReport(report));
 * ```
 */
export function dataQualityReport(bars: Iterable<QualityBar>, options: DataQualityOptions = {}): DataQualityReport {
  const scanner = new DataQualityScanner(options);
  for (const bar of bars) scanner.push(bar);
  return scanner.report();
}

/**
 * Checks a trade series and reports what it found, per instrument: trades out of time order, repeated
 * trade ids (among each instrument's last 4,096), prices or sizes that are not positive and finite, and
 * price jumps from trade to trade (the `priceJumps` options; the window counts trades). The calendar,
 * OHLC, stale-price and volume checks are about bars and are reported as not applicable.
 *
 * @param trades trades of one or more instruments (core's `Trade`, or anything with `instrumentId`, `ts`, `price`, `size`, `tradeId`).
 * @param options the same options as {@link dataQualityReport}; only `maxExamples` and the four checks above apply.
 * @example
 * ```ts
 * const report = tradeDataQualityReport(trades, { priceJumps: { k: 8, window: 200 } });
 * console.log(formatDataQualityReport(report));
 * ```
 */
export function tradeDataQualityReport(trades: Iterable<QualityTrade>, options: DataQualityOptions = {}): DataQualityReport {
  const scanner = new DataQualityScanner(options);
  for (const trade of trades) scanner.pushTrade(trade);
  return scanner.report();
}

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
 */
import type { DataQualityOptions } from './data-quality-options';
import { DataQualityScanner, type QualityBar } from './data-quality-scanner';
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

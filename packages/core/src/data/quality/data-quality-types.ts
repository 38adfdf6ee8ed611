/**
 * What a data-quality report holds: per instrument, per check, how many findings, the first few with
 * their times and values, and how serious they are. Plain data (numbers and strings): the report can
 * be written as JSON and read back.
 */
import type { DataQualityCheck, DataQualitySeverity } from './data-quality-options';

/**
 * One finding of a check.
 *
 * @example
 * ```ts
 * for (const e of check.examples) console.log(new Date(e.ts).toISOString(), e.detail, e.values);
 * ```
 */
export interface DataQualityExample {
  /** The bar's time (epoch ms), or the first time of a run or gap. */
  readonly ts: number;
  /** The last time of a run or gap (epoch ms); absent for a finding about one bar. */
  readonly endTs?: number;
  /** Bars in the run or missing in the gap; absent for a finding about one bar. */
  readonly bars?: number;
  /** The finding in words, times in UTC. */
  readonly detail: string;
  /** The figures behind it (prices, volumes, the return and its robust deviations…). */
  readonly values: Readonly<Record<string, number>>;
}

/**
 * The outcome of one check on one instrument.
 *
 * @example
 * ```ts
 * const failed = instrument.checks.filter((c) => c.enabled && c.count > 0 && c.severity === 'error');
 * ```
 */
export interface DataQualityCheckResult {
  readonly check: DataQualityCheck;
  /** The check in words (`Price jumps`). */
  readonly title: string;
  readonly severity: DataQualitySeverity;
  /** False when the options left the check out, or it could not run (see `note`). */
  readonly enabled: boolean;
  /** Findings: bars for single-bar checks, runs for the run checks, gaps (not missing bars) for `gaps`. */
  readonly count: number;
  /** The first `maxExamples` findings, in time order. */
  readonly examples: readonly DataQualityExample[];
  /** What the check looked for (its thresholds), or why it did not run. */
  readonly note: string;
}

/**
 * The report on one instrument's bars (or trades).
 *
 * @example
 * ```ts
 * for (const i of report.instruments) console.log(i.instrumentId, i.status, i.missingBars);
 * ```
 */
export interface InstrumentDataQuality {
  readonly instrumentId: string;
  /** Bars (or trades) read, out-of-order and duplicate ones included. */
  readonly bars: number;
  /** Time of the first and last bar in time order (NaN when there were none). */
  readonly firstTs: number;
  readonly lastTs: number;
  /** Expected bar times from the first bar (or `start`) to the last (or `end`), when the calendar could run. */
  readonly expectedBars?: number;
  /** Expected bar times with no bar. */
  readonly missingBars?: number;
  /** The worst severity among the checks that found something, or `ok`. */
  readonly status: DataQualitySeverity | 'ok';
  /** Every check, in {@link DATA_QUALITY_CHECKS} order. */
  readonly checks: readonly DataQualityCheckResult[];
}

/**
 * A data-quality report (see {@link dataQualityReport}).
 *
 * @example
 * ```ts
 * const report: DataQualityReport = dataQualityReport(bars, { intervalMs: 60_000 });
 * if (report.status === 'error') process.exitCode = 1;
 * ```
 */
export interface DataQualityReport {
  /** What was checked: bars ({@link dataQualityReport}) or trades ({@link tradeDataQualityReport}). */
  readonly dataType: 'bars' | 'trades';
  /** The calendar in words (`24/7, a bar every 1m`). */
  readonly calendar: string;
  /** The bar interval used (ms), or undefined when it could not be inferred (fewer than two increasing bars). */
  readonly intervalMs: number | undefined;
  /** How the interval was chosen, in words. */
  readonly interval: string;
  /** Every instrument, in order of its first bar in the input. */
  readonly instruments: readonly InstrumentDataQuality[];
  /** The worst status of all instruments (`ok` when there are none). */
  readonly status: DataQualitySeverity | 'ok';
}

/**
 * What a report can be made from. The types are structural so that both a live {@link RunResult}
 * (Decimals, `Float64Array`s) and its JSON form (`resultToJson`, read back from a file: decimal
 * strings, plain arrays) are accepted without conversion.
 */
import type { DataQualityReport } from '@rxtrade/core';
import type { TaskResult } from '../search/types';

/** An exact figure as a Decimal, its string form, or a number. */
export type DecimalText = string | number | { toString(): string };

/** The fields of a fill the report shows. */
export interface ReportableFill {
  readonly ts: number;
  readonly side: string;
  readonly instrumentId: string;
  readonly quantity: DecimalText;
  readonly price: DecimalText;
  readonly commission: DecimalText;
  readonly clientOrderId?: string;
}

/** A backtest result as the report reads it: a `RunResult` or its JSON form. */
export interface ReportableResult {
  readonly summary: {
    /** Absent for a stitched walk-forward curve, which has no single run's counts. */
    readonly fills?: number;
    readonly orders?: number;
    readonly events?: number;
    readonly startingCash: DecimalText;
    readonly finalEquity: DecimalText;
    readonly totalFees: DecimalText;
    readonly realizedPnl?: DecimalText;
    readonly totalReturn: number;
    readonly maxDrawdown: number;
  };
  readonly fills: readonly ReportableFill[];
  readonly equityCurve: { readonly ts: ArrayLike<number>; readonly equity: ArrayLike<number> };
  /** Round-trip trades, when the result carries them; otherwise the report lists fills. */
  readonly trades?: readonly object[];
  /** Named metrics (numbers, or decimal strings for money), when the result carries them. */
  readonly metrics?: object;
  /** How the run was set up (strategy, parameters, costs, instruments), when the result carries it (`RunResult.settings`). */
  readonly settings?: {
    readonly strategy?: string;
    readonly parameters?: Readonly<Record<string, unknown>>;
    readonly costs?: Readonly<Record<string, unknown>>;
    readonly instruments?: readonly string[];
  };
  /** A data-quality report of the bars the run read (`dataQualityReport` from `@rxtrade/core`), shown in its own section. */
  readonly dataQuality?: DataQualityReport;
}

/** One run of a multi-run report. */
export interface NamedRun {
  readonly name: string;
  readonly result: ReportableResult;
}

/** Several runs side by side: an equity and drawdown overlay and a comparison table. */
export interface MultiRunInput {
  readonly runs: readonly NamedRun[];
  /** A data-quality report of the bars the runs read; without it the primary run's own is shown, if it has one. */
  readonly dataQuality?: DataQualityReport;
}

/** A sweep's task results: `sweep()`'s result fits as it is. */
export interface SweepReportData {
  /** Every evaluated task (any order). */
  readonly results: readonly TaskResult[];
  /** What the sweep optimized: a metric name, or `sweep()`'s `{ name, goal }`; default `sharpeRatio`. */
  readonly objective?: string | { readonly name: string; readonly goal?: 'max' | 'min' };
  /** Results with their objective score (`sweep()`'s `ranked`), used when the objective is not a metric. */
  readonly ranked?: ReadonlyArray<{ readonly id: number; readonly score: number }>;
}

/** A sweep: the parameter heatmap and a ranking table, and optionally some runs (such as the best few) to overlay. */
export interface SweepInput {
  readonly sweep: SweepReportData;
  readonly runs?: readonly NamedRun[];
  /** A data-quality report of the bars the sweep read. */
  readonly dataQuality?: DataQualityReport;
}

/** One walk-forward fold as the report reads it (`walkForward()`'s folds fit as they are). */
export interface WalkForwardFoldData {
  readonly index: number;
  readonly inSample: { readonly start: number; readonly end: number };
  readonly outOfSample: { readonly start: number; readonly end: number };
  readonly params: Readonly<Record<string, unknown>>;
  readonly candidates?: number;
  /** NaN (or null, in JSON) when undefined. */
  readonly inSampleScore: number | null;
  readonly outOfSampleScore: number | null;
  readonly degradation: number | null;
  readonly outOfSampleMetrics?: Readonly<Record<string, number | string>>;
}

/** A walk-forward analysis: `walkForward()`'s result fits as it is. */
export interface WalkForwardReportData {
  readonly mode: string;
  readonly objective: { readonly name: string; readonly goal?: 'max' | 'min' };
  readonly folds: readonly WalkForwardFoldData[];
  /** The stitched out-of-sample equity curve. */
  readonly equityCurve: { readonly ts: ArrayLike<number>; readonly equity: ArrayLike<number> };
  readonly metrics: object;
  readonly trades: readonly object[];
  readonly meanInSampleScore: number | null;
  readonly meanOutOfSampleScore: number | null;
  readonly degradation: number | null;
}

/** A walk-forward analysis: the stitched out-of-sample run, and in-sample against out-of-sample by fold. */
export interface WalkForwardInput {
  readonly walkForward: WalkForwardReportData;
  /** A data-quality report of the bars the analysis read. */
  readonly dataQuality?: DataQualityReport;
}

/**
 * Anything {@link renderReport} accepts: one result, several named runs, a sweep, or a walk-forward analysis.
 *
 * @example
 * ```ts
 * const input: ReportInput = { runs: [{ name: 'fast=10', result: a }, { name: 'fast=20', result: b }] };
 * ```
 */
export type ReportInput = ReportableResult | MultiRunInput | SweepInput | WalkForwardInput;

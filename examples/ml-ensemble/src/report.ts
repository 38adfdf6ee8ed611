/**
 * Figures of a run, over the out-of-sample period (from the first day a model version serves to the
 * last bar): each model's hit rate and the ensemble's, against always long, and the strategy's
 * return, volatility, Sharpe ratio and drawdown against buy-and-hold of the index over the same days;
 * the summary text; and the HTML report (`@rxtrade/backtest`'s tearsheet with buy-and-hold as its
 * benchmark).
 */
import type { Bar, FeatureRow } from '@rxtrade/core';
import { Decimal } from '@rxtrade/core';
import { computeMetrics, writeReport, type RunResult } from '@rxtrade/backtest';
import type { Decision } from '@rxtrade/ml';
import type { ModelCall } from './strategy';

/** Calls with a side (long or short) whose next day moved, and how many of them the move agreed with. */
export interface HitRate {
  readonly calls: number;
  readonly hits: number;
  /** hits / calls (NaN without calls). */
  readonly rate: number;
}

/** Performance of an equity or price series over the out-of-sample period. */
export interface Performance {
  readonly totalReturn: number;
  readonly annualizedReturn: number;
  readonly annualizedVolatility: number;
  readonly sharpeRatio: number;
  readonly maxDrawdown: number;
}

/** The figures of a run. */
export interface EnsembleFigures {
  /** First and last day of the out-of-sample period, `YYYY-MM-DD`, and its number of days. */
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly hitRates: { readonly cnnLstm: HitRate; readonly xgboost: HitRate; readonly ensemble: HitRate; readonly alwaysLong: HitRate };
  /** Days on which each member failed or had no version (the fallback voted instead). */
  readonly failures: Readonly<Record<string, number>>;
  /** Days the fallback voted. */
  readonly fallbackVotes: number;
  readonly strategy: Performance & { readonly finalEquity: string; readonly fills: number; readonly fees: string; readonly exposure: number };
  readonly buyAndHold: Performance;
}

const iso = (ts: number): string => new Date(ts).toISOString().slice(0, 10);

/**
 * Share of `calls` whose direction the next day's return took; flat calls and days without a move (or
 * without a next day) are not counted.
 *
 * @example
 * ```ts
 * hitRate([{ ts: 1, direction: 'long' }], new Map([[1, 0.01]])); // { calls: 1, hits: 1, rate: 1 }
 * ```
 */
export function hitRate(calls: Iterable<{ readonly ts: number; readonly direction: string }>, nextReturn: ReadonlyMap<number, number>): HitRate {
  let n = 0;
  let hits = 0;
  for (const c of calls) {
    if (c.direction === 'flat') continue;
    const r = nextReturn.get(c.ts);
    if (r === undefined || r === 0) continue;
    n++;
    if ((r > 0) === (c.direction === 'long')) hits++;
  }
  return { calls: n, hits, rate: n === 0 ? Number.NaN : hits / n };
}

function performance(ts: ArrayLike<number>, equity: ArrayLike<number>): Performance {
  const m = computeMetrics({ equityCurve: { ts, equity }, trades: [], positions: [], summary: { totalFees: new Decimal(0), tradedNotional: new Decimal(0) } }, { periodsPerYear: 252 });
  return { totalReturn: m.totalReturn, annualizedReturn: m.annualizedReturn, annualizedVolatility: m.annualizedVolatility, sharpeRatio: m.sharpeRatio, maxDrawdown: m.maxDrawdown };
}

/**
 * Computes the figures of a run.
 *
 * @example
 * ```ts
 * const figures = ensembleFigures({ bars, rows, from, calls, decisions, result });
 * ```
 */
export function ensembleFigures(run: {
  readonly bars: readonly Bar[];
  readonly rows: readonly FeatureRow[];
  readonly from: number;
  readonly calls: readonly ModelCall[];
  readonly decisions: readonly Decision[];
  readonly result: RunResult;
}): EnsembleFigures {
  const next = new Map<number, number>();
  for (let k = 0; k + 1 < run.rows.length; k++) next.set(run.rows[k]!.ts, run.rows[k + 1]!.values[0]!);
  const outOfSample = run.rows.filter((r) => r.ts >= run.from);
  const of = (model: string): ModelCall[] => run.calls.filter((c) => c.model === model);
  const failures: Record<string, number> = {};
  let fallbackVotes = 0;
  for (const d of run.decisions) {
    for (const f of d.failures) failures[f.model] = (failures[f.model] ?? 0) + 1;
    if (d.votes.some((v) => v.fallback)) fallbackVotes++;
  }
  // From the close of the first out-of-sample day (nothing is held before it) to the last close.
  const curve = run.result.equityCurve;
  const start = curve.ts.findIndex((t) => t >= run.from);
  const barStart = run.bars.findIndex((b) => b.ts >= run.from);
  const bars = run.bars.slice(barStart);
  const strategy = performance(curve.ts.subarray(start), curve.equity.subarray(start));
  const metrics = run.result.metrics;
  return {
    from: iso(run.from),
    to: iso(run.bars[run.bars.length - 1]!.ts),
    days: bars.length,
    hitRates: {
      cnnLstm: hitRate(of('cnn-lstm'), next),
      xgboost: hitRate(of('xgboost'), next),
      ensemble: hitRate(run.decisions, next),
      alwaysLong: hitRate(outOfSample.map((r) => ({ ts: r.ts, direction: 'long' })), next),
    },
    failures,
    fallbackVotes,
    strategy: {
      ...strategy,
      finalEquity: run.result.summary.finalEquity.toFixed(2),
      fills: run.result.summary.fills,
      fees: run.result.summary.totalFees.toFixed(2),
      // Share of the out-of-sample days with a position (the run's exposure counts the days before it too).
      exposure: (metrics.exposure * metrics.periods) / Math.max(1, curve.ts.length - 1 - start),
    },
    buyAndHold: performance(
      bars.map((b) => b.ts),
      bars.map((b) => b.close),
    ),
  };
}

const pct = (x: number, digits = 2): string => `${(x * 100).toFixed(digits)}%`;

/**
 * The figures as a readable summary.
 *
 * @example
 * ```ts
 * console.log(formatFigures(run.figures));
 * ```
 */
export function formatFigures(f: EnsembleFigures): string {
  const rate = (h: HitRate): string => `${pct(h.rate, 1).padStart(7)}  (${h.hits} of ${h.calls} calls)`;
  const row = (label: string, a: string, b: string): string => `  ${label.padEnd(22)}${a.padStart(14)}${b.padStart(16)}`;
  const failures = Object.entries(f.failures).map(([model, n]) => `${model} ${n}`).join(', ');
  return [
    `out of sample: ${f.from} to ${f.to}, ${f.days} days`,
    '',
    'hit rate of the next day\'s direction',
    `  cnn-lstm          ${rate(f.hitRates.cnnLstm)}`,
    `  xgboost           ${rate(f.hitRates.xgboost)}`,
    `  ensemble          ${rate(f.hitRates.ensemble)}`,
    `  always long       ${rate(f.hitRates.alwaysLong)}`,
    `  failures: ${failures === '' ? 'none' : failures}; the fallback voted on ${f.fallbackVotes} days`,
    '',
    row('', 'ensemble', 'buy and hold'),
    row('total return', pct(f.strategy.totalReturn), pct(f.buyAndHold.totalReturn)),
    row('annualized return', pct(f.strategy.annualizedReturn), pct(f.buyAndHold.annualizedReturn)),
    row('annualized volatility', pct(f.strategy.annualizedVolatility), pct(f.buyAndHold.annualizedVolatility)),
    row('Sharpe (rf 0)', f.strategy.sharpeRatio.toFixed(3), f.buyAndHold.sharpeRatio.toFixed(3)),
    row('max drawdown', pct(f.strategy.maxDrawdown), pct(f.buyAndHold.maxDrawdown)),
    `  final equity ${f.strategy.finalEquity}, ${f.strategy.fills} fills, fees ${f.strategy.fees}, in the market ${pct(f.strategy.exposure, 1)} of the days`,
  ].join('\n');
}

/**
 * Writes the HTML tearsheet of a run, with buy-and-hold of the index as its benchmark.
 *
 * @example
 * ```ts
 * writeEnsembleReport('ml-ensemble.html', run);
 * ```
 */
export function writeEnsembleReport(path: string, run: { readonly bars: readonly Bar[]; readonly result: RunResult; readonly from: number }, parameters: Record<string, string | number>, commission: number): void {
  const bars = run.bars.filter((b) => b.ts >= run.from);
  writeReport(path, run.result, {
    title: 'CNN+LSTM and XGBoost ensemble on the S&P 500',
    benchmark: { name: 'S&P 500 buy and hold', ts: bars.map((b) => b.ts), close: bars.map((b) => b.close) },
    bars: [...run.bars],
    parameters,
    costs: { commission },
  });
}

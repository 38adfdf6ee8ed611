/** Formatting of the CLI's readable summaries: aligned `label  value` lines. */
import { formatFigure, formatTime } from '../report/format';
import type { RunResult } from '../result';

/**
 * Aligns `[label, value]` pairs into lines; pairs whose value is undefined are left out.
 *
 * @example
 * ```ts
 * alignLines([['fills', '31'], ['max drawdown', '35.20%']]) // 'fills         31\nmax drawdown  35.20%'
 * ```
 */
export function alignLines(rows: ReadonlyArray<readonly [string, string | undefined]>): string {
  const kept = rows.filter((r): r is readonly [string, string] => r[1] !== undefined);
  const width = Math.max(0, ...kept.map(([l]) => l.length));
  return kept.map(([l, v]) => `${l.padEnd(width)}  ${v}`).join('\n');
}

/**
 * The readable summary of one backtest.
 *
 * @example
 * ```ts
 * console.log(runSummaryLines(result));
 * ```
 */
export function runSummaryLines(result: RunResult): Array<readonly [string, string | undefined]> {
  const s = result.summary;
  const m = result.metrics;
  const ts = result.equityCurve.ts;
  const pct = (x: number): string => formatFigure(x, 'percent');
  const ratio = (x: number): string => formatFigure(x, 'ratio');
  const sign = s.totalReturn >= 0 ? '+' : '';
  return [
    ['period', ts.length > 0 ? `${formatTime(ts[0]!)} to ${formatTime(ts[ts.length - 1]!)} (${formatFigure(s.events, 'integer')} events)` : undefined],
    ['fills', `${s.fills} from ${s.orders} orders, ${formatFigure(result.trades.length, 'integer')} round trips`],
    ['equity', `${formatFigure(s.startingCash.toString(), 'money')} -> ${formatFigure(s.finalEquity.toString(), 'money')} (${sign}${pct(s.totalReturn)})`],
    ['annualized', `${pct(m.annualizedReturn)} return, ${pct(m.annualizedVolatility)} volatility`],
    ['ratios', `annualized Sharpe ${ratio(m.sharpeRatio)}, Sortino ${ratio(m.sortinoRatioAnnualized)}; Calmar ${ratio(m.calmarRatio)}`],
    ['max drawdown', `${pct(m.maxDrawdown)}${Number.isFinite(m.maxDrawdownDurationMs) ? `, ${formatFigure(m.maxDrawdownDurationMs, 'duration')} peak to recovery` : ''}`],
    ['trades', result.trades.length > 0 ? `win rate ${pct(m.winRate)}, profit factor ${ratio(m.profitFactor)}, expectancy ${formatFigure(m.expectancy, 'money')}` : undefined],
    ['exposure', `${pct(m.exposure)} of periods in the market, turnover ${formatFigure(m.turnover, 'ratio')}/year`],
    ['fees', formatFigure(s.totalFees.toString(), 'money')],
    ['alpha, beta', Number.isFinite(m.beta) ? `${formatFigure(m.alpha, 'number')} per period, ${ratio(m.beta)}` : undefined],
  ];
}

/**
 * A run's figures as JSON for `--json`: exact money as decimal strings, metrics as numbers, and NaN or
 * infinite metrics (which JSON cannot carry) as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
 *
 * @example
 * ```ts
 * JSON.stringify(runJson(result)).includes('"finalEquity":"176251.036"') // true for the golden run
 * ```
 */
export function runJson(result: RunResult): Record<string, unknown> {
  const s = result.summary;
  const metrics: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(result.metrics)) metrics[k] = Number.isFinite(v) ? v : String(v);
  return {
    summary: {
      events: s.events,
      orders: s.orders,
      fills: s.fills,
      trades: result.trades.length,
      startingCash: s.startingCash.toString(),
      finalEquity: s.finalEquity.toString(),
      totalFees: s.totalFees.toString(),
      realizedPnl: s.realizedPnl.toString(),
      tradedNotional: s.tradedNotional.toString(),
      totalReturn: s.totalReturn,
      maxDrawdown: s.maxDrawdown,
    },
    metrics,
  };
}

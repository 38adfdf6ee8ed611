/**
 * The report's overfitting checks: for one run, Monte Carlo resampling of its round trips (confidence
 * intervals of the total return and the maximum drawdown, `monteCarloTrades`); for a sweep, the deflated
 * Sharpe ratio of the best trial given how many were tried (Bailey and Lopez de Prado,
 * `deflatedSharpeOfSweep`). Both are computed by the overfitting module; this file only lays them out.
 */
import { Decimal } from '@rxtrade/core';
import { deflatedSharpeOfSweep } from '../overfitting/deflated-sharpe-of-sweep';
import { monteCarloTrades } from '../overfitting/monte-carlo-trades';
import type { TaskResult } from '../search/types';
import { escapeHtml } from './escape-html';
import { formatFigure } from './format';
import type { ReportableResult } from './report-input';

/** Resampling stops being worth its time in a report beyond this many trade draws (runs x trades). */
const MAX_DRAWS = 20_000_000;

/**
 * The Monte Carlo card of a run with round trips, or undefined when it has none.
 *
 * @example
 * ```ts
 * monteCarloSection(result, { runs: 1000, seed: 0 })
 * ```
 */
export function monteCarloSection(result: ReportableResult, options: { readonly runs: number; readonly seed: number }): string | undefined {
  const trades = (result.trades ?? []) as ReadonlyArray<{ readonly pnl?: unknown }>;
  if (trades.length < 2 || !trades.every((t) => t.pnl !== undefined)) return undefined;
  if (trades.length * options.runs > MAX_DRAWS)
    return card('Monte Carlo resampling of trades', `<p class="muted">Skipped: ${formatFigure(trades.length, 'integer')} trades x ${formatFigure(options.runs, 'integer')} runs is more than a report should compute; call monteCarloTrades directly.</p>`);
  const mc = monteCarloTrades(
    trades.map((t) => ({ pnl: new Decimal(String(t.pnl)) })),
    { startingCash: String(result.summary.startingCash), runs: options.runs, seed: options.seed },
  );
  const pct = (x: number): string => formatFigure(x, 'percent');
  const level = `${Math.round(mc.confidence * 100)}%`;
  const row = (label: string, observed: number, d: { median: number; lower: number; upper: number }): string =>
    `<tr><td class="t">${label}</td><td>${pct(observed)}</td><td>${pct(d.median)}</td><td>${pct(d.lower)}</td><td>${pct(d.upper)}</td></tr>`;
  // The resampled figures are those of closed trades, and so is the historical column: each row says so,
  // and the note gives the run's own headline figures, which also count open positions and marks.
  const body =
    `<div class="wide"><table><thead><tr><th class="t">Figure</th><th>Trades in historical order</th><th>Median</th><th>${level} low</th><th>${level} high</th></tr></thead><tbody>` +
    row('Return of closed trades (net P&amp;L / starting cash)', mc.observed.totalReturn, mc.totalReturn) +
    row('Max drawdown of closed trades (equity at exits)', mc.observed.maxDrawdown, mc.maxDrawdown) +
    `</tbody></table></div><p class="muted small">${formatFigure(mc.runs, 'integer')} ${escapeHtml(mc.method)} resamples of the ${formatFigure(trades.length, 'integer')} round trips' net P&amp;L (seed ${options.seed}); equity moves only at trade exits, so drawdowns are those of closed trades. The run's own total return (${pct(result.summary.totalReturn)}) and maximum drawdown (${pct(result.summary.maxDrawdown)}) also count positions open at the end and mark open positions at every bar. Probability of a loss ${pct(mc.probabilityOfLoss)}, of ruin ${pct(mc.probabilityOfRuin)}.</p>`;
  return card('Monte Carlo resampling of trades', body);
}

/**
 * The deflated-Sharpe card of a sweep, or undefined when its results carry no per-period Sharpe ratios.
 *
 * @example
 * ```ts
 * deflatedSharpeSection(sweepResult.results)
 * ```
 */
export function deflatedSharpeSection(results: readonly TaskResult[]): string | undefined {
  if (!results.some((r) => Number.isFinite(r.metrics.sharpePerPeriod))) return undefined;
  const d = deflatedSharpeOfSweep(results);
  const m = d.selected.metrics;
  const params = Object.entries(d.selected.params)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const verdict = d.deflatedSharpe >= 0.95 ? 'passes the usual 0.95 bar' : 'does not reach the usual 0.95 bar: the best result may be luck';
  const kpi = (label: string, value: string): string => `<div class="kpi"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div></div>`;
  const trials = results.filter((r) => Number.isFinite(r.metrics.sharpePerPeriod)).length;
  return card(
    'Deflated Sharpe ratio',
    `<div class="kpis" style="margin:0 0 8px">${kpi('Deflated Sharpe (probability)', formatFigure(d.deflatedSharpe, 'ratio'))}${kpi('Best Sharpe per period', formatFigure(m.sharpePerPeriod, 'number'))}${kpi('Expected max of worthless trials', formatFigure(d.expectedMaxSharpe, 'number'))}${kpi('Trials', formatFigure(trials, 'integer'))}</div>` +
      `<p class="muted small">Bailey and Lopez de Prado (2014): the probability that the best trial's true Sharpe ratio (${escapeHtml(params)}) exceeds the maximum expected from ${formatFigure(trials, 'integer')} trials with no skill, given the variance of the trials' Sharpe ratios and the best trial's skewness and kurtosis. It ${verdict}.</p>`,
  );
}

function card(title: string, body: string): string {
  return `<section class="card"><h2>${title}</h2>${body}</section>`;
}

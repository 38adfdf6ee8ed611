import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { instrumentId, parseBarsCsv, parseWith, ValidationError } from '@rxtrade/core';
import { loadStrategy, runFromConfig } from '../search/evaluate-task';
import { RunConfigSchema } from '../search/run-config';
import { resultToJson } from '../result';
import type { ReportableResult } from './report-input';
import { monthlyReturns } from './monthly-returns';
import { deflatedSharpeOfSweep } from '../overfitting/deflated-sharpe-of-sweep';
import { monteCarloTrades } from '../overfitting/monte-carlo-trades';
import { evaluateTask } from '../search/evaluate-task';
import { renderReport } from './render-report';

const fixtures = fileURLToPath(new URL('../search/__fixtures__/', import.meta.url));
const runJson = {
  data: [{ path: `${fixtures}goog.csv`, instrument: 'GOOG.NASDAQ' }],
  instruments: [{ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' }],
  ledger: { startingCash: '100000' },
  venue: { commission: 0.002 },
} as const;

async function goldenRun() {
  const def = await loadStrategy({ module: `${fixtures}sma-strategy.ts` });
  return runFromConfig(def.pipeline({ instrument: 'GOOG.NASDAQ', fast: 10, slow: 30, size: 100 }), parseWith(RunConfigSchema, runJson));
}

function embeddedData(html: string): { charts: Array<{ id: string; option: { series: Array<{ data: unknown[] }> } }> } {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no report data');
  return JSON.parse(m[1]!);
}

/** Everything but the inlined ECharts library. */
function ownMarkup(html: string): string {
  return html.replace(/<script>[\s\S]*?<\/script>/g, (s) => (s.length > 100_000 ? '<script>[echarts]</script>' : s));
}

const googBars = parseBarsCsv(readFileSync(`${fixtures}goog.csv`, 'utf8'), { instrumentId: instrumentId('GOOG.NASDAQ') }).bars;

/** A result whose equity curve is GOOG's closes and that carries no metrics of its own. */
const closesAsEquity: ReportableResult = {
  summary: { fills: 0, orders: 0, startingCash: '100.34', finalEquity: String(googBars.at(-1)!.close), totalFees: '0', totalReturn: 0, maxDrawdown: 0 },
  fills: [],
  equityCurve: { ts: googBars.map((b) => b.ts), equity: googBars.map((b) => b.close) },
};

describe('renderReport', () => {
  it('writes one self-contained document: ECharts inlined, no external script, stylesheet or URL of its own', async () => {
    const html = renderReport(await goldenRun(), { title: 'Golden' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.length).toBeGreaterThan(1_000_000);
    expect(html).toContain('echarts');
    const own = ownMarkup(html);
    expect(own).not.toMatch(/<script[^>]+src=|<link|https?:\/\/|@import/);
    // Without bars or a benchmark: no price, exposure or rolling-beta chart.
    expect(embeddedData(html).charts.map((c) => c.id)).toEqual(['chart-equity', 'chart-drawdown', 'chart-rolling-sharpe', 'chart-rolling-volatility', 'chart-monthly', 'chart-histogram']);
  });

  it('renders the same document from a live result and from its JSON form', async () => {
    const result = await goldenRun();
    const json = JSON.parse(JSON.stringify(resultToJson(result))) as ReportableResult;
    expect(renderReport(json, { title: 'Golden', generatedAt: 0 })).toBe(renderReport(result, { title: 'Golden', generatedAt: 0 }));
  });

  it('puts the monthly returns of the equity curve in the heatmap', async () => {
    const result = await goldenRun();
    const data = embeddedData(renderReport(result));
    const heat = data.charts.find((c) => c.id === 'chart-monthly')!.option.series[0]!.data as Array<{ value: [number, number, number] }>;
    const table = monthlyReturns(result.equityCurve.ts, result.equityCurve.equity);
    expect(heat.filter((d) => d.value[0] < 12).map((d) => d.value[2])).toEqual(table.months.map((m) => m.value));
    expect(heat).toHaveLength(table.months.length + table.years.length);
  });

  it('escapes every text it writes into markup', () => {
    const evil = '<img src=x onerror="alert(1)">';
    const html = renderReport(
      { sweep: { results: [{ id: 0, params: { label: evil, n: 1 }, metrics: { sharpeRatio: 1 }, summary: {} }, { id: 1, params: { label: 'b', n: 2 }, metrics: { sharpeRatio: 2 }, summary: {} }] }, runs: [{ name: evil, result: closesAsEquity }] },
      { title: `</title>${evil}`, subtitle: evil },
    );
    expect(html).not.toContain(evil);
    expect(html).not.toContain('</title><img');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
  });

  it('computes ratios for a result without metrics that agree with R PerformanceAnalytics 2.0.8 on GOOG closes', () => {
    const html = renderReport(closesAsEquity);
    // SharpeRatio.annualized 0.958237311700736, SortinoRatio 0.100292443144165, maxDrawdown 0.556505210369512,
    // CalmarRatio 0.652041657778625 (scale 252), shown to 3 decimals or as a percentage.
    expect(html).toMatch(/Sharpe ratio \(annualized\)<\/td><td>0\.958<\/td>/);
    expect(html).toMatch(/Sortino ratio \(per period\)<\/td><td>0\.100<\/td>/);
    // 0.100292443144165 x sqrt(252), quantstats' annualization.
    expect(html).toMatch(/Sortino ratio \(annualized\)<\/td><td>1\.592<\/td>/);
    expect(html).toMatch(/Max drawdown<\/td><td>55\.65%<\/td>/);
    expect(html).toMatch(/Calmar ratio<\/td><td>0\.652<\/td>/);
  });

  it('builds the parameter heatmap from the best objective in each cell', () => {
    const results = [
      { id: 0, params: { fast: 5, slow: 20, size: 1 }, metrics: { sharpeRatio: 0.5 }, summary: {} },
      { id: 1, params: { fast: 5, slow: 20, size: 2 }, metrics: { sharpeRatio: 0.9 }, summary: {} },
      { id: 2, params: { fast: 10, slow: 20, size: 1 }, metrics: { sharpeRatio: -0.1 }, summary: {} },
      { id: 3, params: { fast: 10, slow: 40, size: 1 }, metrics: { sharpeRatio: 0.3 }, summary: {} },
    ];
    const data = embeddedData(renderReport({ sweep: { results, objective: 'sharpeRatio' } }, { heatmap: { x: 'fast', y: 'slow' } }));
    const cells = data.charts.find((c) => c.id === 'chart-parameters')!.option.series[0]!.data as Array<{ value: [number, number, number] }>;
    expect(cells.map((c) => c.value).sort()).toEqual([
      [0, 0, 0.9],
      [1, 0, -0.1],
      [1, 1, 0.3],
    ].sort());
  });

  it('shows the Monte Carlo intervals of the run\'s trades and can leave them out', async () => {
    const result = await goldenRun();
    const mc = monteCarloTrades(result.trades, { startingCash: result.summary.startingCash, runs: 500, seed: 7 });
    const html = renderReport(result, { monteCarlo: { runs: 500, seed: 7 } });
    const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
    expect(html).toContain(
      `<tr><td class="t">Return of closed trades (net P&amp;L / starting cash)</td><td>${pct(mc.observed.totalReturn)}</td><td>${pct(mc.totalReturn.median)}</td><td>${pct(mc.totalReturn.lower)}</td><td>${pct(mc.totalReturn.upper)}</td></tr>`,
    );
    expect(renderReport(result, { monteCarlo: false })).not.toContain('Monte Carlo resampling');
  });

  it('names the Monte Carlo historical figures for what they are: closed trades, not the headline return', async () => {
    const result = await goldenRun();
    const mc = monteCarloTrades(result.trades, { startingCash: result.summary.startingCash, runs: 100, seed: 1 });
    // The historical column is the closed trades' P&L over the starting cash ...
    const closed = result.trades.reduce((s, t) => s + t.pnl.toNumber(), 0) / 100_000;
    expect(mc.observed.totalReturn).toBeCloseTo(closed, 12);
    // ... which is not the run's total return (a position is open at the end), so it is not labelled as it.
    expect(Math.abs(mc.observed.totalReturn - result.summary.totalReturn)).toBeGreaterThan(0.05);
    const html = renderReport(result, { monteCarlo: { runs: 100, seed: 1 } });
    const section = html.slice(html.indexOf('Monte Carlo resampling'), html.indexOf('</section>', html.indexOf('Monte Carlo resampling')));
    expect(section).not.toMatch(/<td class="t">Total return<\/td>/);
    expect(section).toContain('<th>Trades in historical order</th>');
    expect(section).toContain(`The run's own total return (${(result.summary.totalReturn * 100).toFixed(2)}%)`);
  });

  it('shows the deflated Sharpe ratio of a sweep\'s best trial', async () => {
    const strategy = { module: `${fixtures}sma-strategy.ts` };
    const results = [];
    let id = 0;
    for (const fast of [5, 10]) for (const slow of [30, 60]) results.push(await evaluateTask({ id: id++, strategy, params: { fast, slow }, run: runJson }));
    const expected = deflatedSharpeOfSweep(results);
    const html = renderReport({ sweep: { results, objective: 'sharpeRatio' } });
    expect(html).toContain(`Deflated Sharpe (probability)</div><div class="value">${expected.deflatedSharpe.toFixed(3)}</div>`);
  });

  it('fails with a ValidationError naming the bad option', () => {
    expect(() => renderReport(closesAsEquity, { maxTableRows: 0 })).toThrow(ValidationError);
    expect(() => renderReport(closesAsEquity, { maxTableRows: 0 })).toThrow(/report\.maxTableRows/);
    const sweep = { sweep: { results: [{ id: 0, params: { fast: 5 }, metrics: { sharpeRatio: 1 }, summary: {} }] } };
    expect(() => renderReport(sweep, { heatmap: { x: 'slow' } })).toThrow(/report\.heatmap\.x: must be one of the sweep's parameters \(fast\)/);
    expect(() => renderReport({ runs: [] })).toThrow(/input\.runs/);
  });
});

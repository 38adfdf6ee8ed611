import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { instrumentId, parseBarsCsv, parseWith, ValidationError } from '@rxtrade/core';
import { simpleReturns } from '@rxtrade/portfolio';
import { valueAtRisk } from '@rxtrade/risk';
import { benchmarkMetrics, pairReturns } from '../metrics/benchmark-metrics';
import { grossExposure } from '../metrics/gross-exposure';
import { rollingSharpe } from '../metrics/rolling-metrics';
import { returnStatistics } from '../metrics/return-statistics';
import { worstDrawdowns } from '../metrics/worst-drawdowns';
import { resultFromJson, resultToJson, type RunResult } from '../result';
import { loadStrategy, runFromConfig } from '../search/evaluate-task';
import { RunConfigSchema } from '../search/run-config';
import { renderReport } from './render-report';
import { runSettingsFromConfig, withRunSettings } from './run-settings';

const fixtures = fileURLToPath(new URL('../search/__fixtures__/', import.meta.url));
const runJson = {
  data: [{ path: `${fixtures}goog.csv`, instrument: 'GOOG.NASDAQ' }],
  instruments: [{ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' }],
  ledger: { startingCash: '100000' },
  venue: { commission: 0.002, slippage: { model: 'fixedBps', bps: 2 } },
} as const;
const bars = parseBarsCsv(readFileSync(`${fixtures}goog.csv`, 'utf8'), { instrumentId: instrumentId('GOOG.NASDAQ') }).bars;
const benchmark = { name: 'GOOG buy and hold', ts: bars.map((b) => b.ts), close: bars.map((b) => b.close) };

let cached: RunResult | undefined;
async function goldenRun(): Promise<RunResult> {
  const def = await loadStrategy({ module: `${fixtures}sma-strategy.ts` });
  cached ??= await runFromConfig(def.pipeline({ instrument: 'GOOG.NASDAQ', fast: 10, slow: 30, size: 100 }), parseWith(RunConfigSchema, runJson));
  return cached;
}

type Chart = { id: string; option: { series: Array<{ name: string; data: Array<unknown> }> } };
function charts(html: string): Record<string, Chart> {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  return Object.fromEntries((JSON.parse(m![1]!).charts as Chart[]).map((c) => [c.id, c]));
}
const text = (html: string): string => html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

describe('the report tearsheet', () => {
  it('compares with a benchmark through benchmarkMetrics, the strategy column equal to the run\'s own metrics', async () => {
    const result = await goldenRun();
    const html = renderReport(result, { benchmark });
    const paired = pairReturns(result.equityCurve, benchmark);
    const m = benchmarkMetrics(paired.strategy, paired.benchmark, 252);
    const t = text(html);
    expect(t).toContain(`Alpha (annualized: per-period intercept x periods per year) ${pct(m.alpha)}`);
    expect(t).toContain(`Beta ${m.beta.toFixed(3)} 1.000`);
    expect(t).toContain(`Correlation ${m.correlation.toFixed(3)} 1.000`);
    // The benchmark covers the whole run, so the strategy's column is the run's headline figures.
    expect(t).toContain(`Sharpe ratio (annualized) ${result.metrics.sharpeRatio.toFixed(3)} ${m.benchmark.sharpeRatio.toFixed(3)}`);
    expect(t).toContain(`Sortino ratio (annualized) ${result.metrics.sortinoRatioAnnualized.toFixed(3)} ${m.benchmark.sortinoRatioAnnualized.toFixed(3)}`);
    expect(t).toContain(`Max drawdown ${pct(result.metrics.maxDrawdown)} ${pct(m.benchmark.maxDrawdown)}`);
    // GOOG closes: PerformanceAnalytics SharpeRatio.annualized 0.958237311700736.
    expect(m.benchmark.sharpeRatio).toBeCloseTo(0.958237311700736, 9);
  });

  it('draws the benchmark on the equity chart rebased to the run\'s equity where it starts', async () => {
    const result = await goldenRun();
    const eq = charts(renderReport(result, { benchmark }))['chart-equity']!;
    expect(eq.option.series.map((s) => s.name)).toEqual(['Backtest', 'GOOG buy and hold (rebased)']);
    const line = eq.option.series[1]!.data as Array<[number, number]>;
    expect(line[0]).toEqual([bars[0]!.ts, 100_000]);
    expect(line.at(-1)![1]).toBeCloseTo((100_000 * bars.at(-1)!.close) / bars[0]!.close, 2);
    // A benchmark that starts later is rebased to the run's equity at its first close.
    const late = { name: 'late', ts: benchmark.ts.slice(500), close: benchmark.close.slice(500) };
    const lateLine = charts(renderReport(result, { benchmark: late }))['chart-equity']!.option.series[1]!.data as Array<[number, number]>;
    expect(lateLine[0]).toEqual([bars[500]!.ts, Math.round(result.equityCurve.equity[500]! * 100) / 100]);
  });

  it('draws rolling Sharpe, volatility and beta from the rolling metrics, with a configurable window', async () => {
    const result = await goldenRun();
    const c = charts(renderReport(result, { benchmark, rollingWindow: 63 }));
    const r = rollingSharpe(simpleReturns(result.equityCurve.equity), { periodsPerYear: 252, window: 63 });
    const data = c['chart-rolling-sharpe']!.option.series[0]!.data as Array<[number, number]>;
    expect(data).toHaveLength(r.values.length);
    expect(data[0]![0]).toBe(result.equityCurve.ts[63]);
    // A window of flat periods has no Sharpe ratio (NaN), drawn as a gap (null).
    data.forEach(([, v], k) => (Number.isFinite(r.values[k]) ? expect(v).toBeCloseTo(r.values[k]!, 4) : expect(v).toBeNull()));
    expect(data.filter(([, v]) => v !== null).length).toBeGreaterThan(900);
    expect(c['chart-rolling-beta']!.option.series[0]!.data).toHaveLength(1046 - 62);
    expect(Object.keys(charts(renderReport(result)))).not.toContain('chart-rolling-beta');
  });

  it('lists the five worst drawdowns, VaR and CVaR from the metrics functions', async () => {
    const result = await goldenRun();
    const t = text(renderReport(result));
    const worst = worstDrawdowns(result.equityCurve.ts, result.equityCurve.equity, 5);
    expect(worst).toHaveLength(5);
    const day = (x: number): string => new Date(x).toISOString().slice(0, 10);
    for (const [i, d] of worst.entries()) expect(t).toContain(`${i + 1} ${day(d.start)} ${day(d.trough)} ${day(d.recovery!)} ${pct(-d.depth)} ${d.days}`);
    const returns = simpleReturns(result.equityCurve.equity);
    expect(t).toContain(`VaR 95%, historical ${pct(valueAtRisk(returns, { p: 0.95 }))}`);
    const stats = returnStatistics(result.equityCurve.ts, result.equityCurve.equity);
    expect(t).toContain(`Best day ${pct(stats.bestPeriod.value)} ${day(stats.bestPeriod.ts)}`);
    expect(t).toContain(`Worst month ${pct(stats.worstMonth.value)} ${day(stats.worstMonth.ts).slice(0, 7)}`);
    expect(t).toContain(`Longest winning streak ${stats.longestWinStreak.periods} days ${day(stats.longestWinStreak.start)} to ${day(stats.longestWinStreak.end)}`);
  });

  it('says "not recovered" for a drawdown still open at the end', () => {
    const day = 86_400_000;
    const values = [100, 110, 99, 105, 111, 90, 95];
    const result = { summary: { startingCash: '100', finalEquity: '95', totalFees: '0', totalReturn: -0.05, maxDrawdown: 0.19 }, fills: [], equityCurve: { ts: values.map((_, i) => i * day), equity: values } };
    expect(text(renderReport(result))).toContain('1 1970-01-05 1970-01-06 not recovered -18.92% 2');
  });

  it('prints the run settings the result carries, through a JSON file, and options override them', async () => {
    const result = await goldenRun();
    const settings = runSettingsFromConfig({ strategy: 'sma-crossover', parameters: { fast: 10, slow: 30, size: 100 }, run: parseWith(RunConfigSchema, runJson) });
    expect(settings.costs).toMatchObject({ commission: 0.002, slippage: { model: 'fixedBps', bps: 2 } });
    expect(settings.instruments).toEqual(['GOOG.NASDAQ']);
    const withSettings = withRunSettings({ ...result } as RunResult, settings);
    const back = resultFromJson(JSON.parse(JSON.stringify(resultToJson(withSettings))));
    expect(back.settings).toEqual(JSON.parse(JSON.stringify(settings)));
    const t = text(renderReport(back));
    expect(t).toContain('Strategy sma-crossover');
    expect(t).toContain('Parameters fast=10 slow=30 size=100');
    expect(t).toContain('Costs: commission 0.20% of notional per fill');
    expect(t).toContain('Costs: slippage model=fixedBps bps=2');
    // What the venue config leaves out is named with the venue's default.
    expect(t).toContain('Costs: latency none listed (0 ms by default)');
    expect(t).not.toContain('Costs: fees none listed');
    expect(t).toContain('Starting cash 100,000.00');
    expect(t).toContain('Period 2004-08-19 to 2008-10-14 (1,046 days)');
    const overridden = text(renderReport(back, { parameters: { fast: 5 }, costs: { commission: 0.001 } }));
    expect(overridden).toContain('Parameters fast=5');
    expect(overridden).toContain('Costs: commission 0.10% of notional per fill');
    expect(overridden).not.toContain('fixedBps');
    // A result without settings says so instead of inventing them.
    expect(text(renderReport(result))).toContain('Parameters not recorded (pass parameters )');
    // Results without settings serialize exactly as before.
    expect(JSON.stringify(resultToJson(result))).not.toContain('"settings"');
  });

  it('draws the price with entries, exits and reversals from the fills, and gross exposure from the bars', async () => {
    const result = await goldenRun();
    const c = charts(renderReport(result, { bars }));
    const price = c['chart-price']!.option.series;
    expect(price.map((s) => s.name)).toEqual(['GOOG.NASDAQ close', 'Entries', 'Reversals (exit and entry)']);
    const entries = price[1]!.data as Array<{ value: [number, number]; name: string }>;
    expect(entries).toHaveLength(1);
    expect(entries[0]!.value).toEqual([result.fills[0]!.ts, result.fills[0]!.price.toNumber()]);
    expect(entries[0]!.name).toBe(`Entry: SELL 100 @ ${result.fills[0]!.price.toString()} on 2004-11-29`);
    expect(price[2]!.data).toHaveLength(30);
    const exposure = grossExposure(result.equityCurve, result.fills, [{ instrumentId: 'GOOG.NASDAQ', ts: benchmark.ts, close: benchmark.close }]);
    const drawn = c['chart-exposure']!.option.series[0]!.data as Array<[number, number]>;
    drawn.forEach(([t, v], i) => {
      expect(t).toBe(result.equityCurve.ts[i]);
      expect(v).toBeCloseTo(exposure[i]!, 6);
    });
    // An exit that is not a reversal: buy 100, then sell 40, then sell 60.
    const fills = [
      { ts: 1, side: 'BUY', instrumentId: 'X', quantity: '100', price: '10', commission: '0' },
      { ts: 2, side: 'SELL', instrumentId: 'X', quantity: '40', price: '11', commission: '0' },
      { ts: 3, side: 'SELL', instrumentId: 'X', quantity: '60', price: '12', commission: '0' },
    ];
    const small = { summary: { startingCash: '1000', finalEquity: '1000', totalFees: '0', totalReturn: 0, maxDrawdown: 0 }, fills, equityCurve: { ts: [0, 1, 2, 3], equity: [1000, 1000, 1040, 1100] } };
    const s = charts(renderReport(small, { bars: [0, 1, 2, 3].map((t) => ({ instrumentId: 'X', ts: t, close: 10 + t })), monteCarlo: false }))['chart-price']!.option.series;
    expect(s.map((x) => [x.name, x.data.length])).toEqual([['X close', 4], ['Entries', 1], ['Exits', 2]]);
  });

  it('labels per-period figures as such and kurtosis as not excess', async () => {
    const result = await goldenRun();
    const t = text(renderReport(result));
    expect(t).toContain(`Sortino ratio (per period) ${result.metrics.sortinoRatio.toFixed(3)}`);
    expect(t).toContain(`Sortino ratio (annualized) ${result.metrics.sortinoRatioAnnualized.toFixed(3)}`);
    expect(t).toMatch(/Sharpe ratio \(per period\) 0\.08/);
    expect(t).toContain('Kurtosis (not excess: 3 for normal returns)');
  });

  it('refuses a bad benchmark or bars with an error naming the field', async () => {
    const result = await goldenRun();
    const fails = (options: object, pattern: RegExp): void => {
      expect(() => renderReport(result, options)).toThrow(ValidationError);
      expect(() => renderReport(result, options)).toThrow(pattern);
    };
    fails({ benchmark: { name: 'B', ts: [1, 2, 3], close: [1, 2] } }, /report\.benchmark\.close: must have as many values as ts \(3\), got 2/);
    fails({ benchmark: { name: 'B', ts: [1, 3, 2], close: [1, 2, 3] } }, /report\.benchmark\.ts\[2\]: must be after ts\[1\] \(3\), got 2/);
    fails({ benchmark: { name: 'B', ts: [1, 2, 3], close: [1, 0, 3] } }, /report\.benchmark\.close\[1\]: must be a finite number > 0, got 0/);
    fails({ benchmark: { name: 'B', ts: [1, 2], close: [1, 2], currency: 'USD' } }, /report\.benchmark\.currency/);
    fails({ benchmark: { ts: [1, 2], close: [1, 2] } }, /report\.benchmark\.name/);
    fails({ bars: [{ instrumentId: 'X', ts: 1, close: 1 }, { instrumentId: 'X', ts: 2, close: -1 }] }, /report\.bars\[1\]\.close: must be a finite number > 0, got -1/);
    fails({ bars: [{ instrumentId: 'X', ts: 2, close: 1 }, { instrumentId: 'X', ts: 1, close: 1 }] }, /report\.bars\[1\]\.ts: must be after the previous X bar's time \(2\), got 1/);
    fails({ rollingWindow: 1 }, /report\.rollingWindow/);
    fails({ multipliers: { X: 0 } }, /report\.multipliers\.X/);
  });
});

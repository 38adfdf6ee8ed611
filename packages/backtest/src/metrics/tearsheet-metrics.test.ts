import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Decimal, defineInstrument, instrumentRegistry, parseBarsCsv, parseWith, ValidationError } from '@rxtrade/core';
import { capmBeta, Ledger, sharpeRatio, simpleReturns } from '@rxtrade/portfolio';
import { loadStrategy, runFromConfig } from '../search/evaluate-task';
import { RunConfigSchema } from '../search/run-config';
import { alignBenchmark, benchmarkMetrics, BenchmarkSeriesSchema, pairReturns } from './benchmark-metrics';
import { computeMetrics } from './compute-metrics';
import { grossExposure } from './gross-exposure';
import { returnStatistics } from './return-statistics';
import { rollingBeta, rollingSharpe, rollingVolatility } from './rolling-metrics';
import { sortinoRatioAnnualized } from './sortino-annualized';
import { worstDrawdowns } from './worst-drawdowns';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const fixtures = here('../search/__fixtures__/');
/** numpy/pandas figures of the golden run (scripts/tearsheet-reference.py). */
const ref = JSON.parse(readFileSync(here('__fixtures__/tearsheet-reference.json'), 'utf8'));
const curve = (() => {
  const rows = readFileSync(here('__fixtures__/golden-equity.csv'), 'utf8').trim().split('\n').slice(1);
  return { ts: Float64Array.from(rows, (r) => Number(r.split(',')[0])), equity: Float64Array.from(rows, (r) => Number(r.split(',')[1])) };
})();
const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const bars = parseBarsCsv(readFileSync(`${fixtures}goog.csv`, 'utf8'), { instrumentId: goog.id }).bars;
// The benchmark has gaps (every row whose index is 3 mod 7 removed) that alignment forward-fills.
const kept = bars.filter((_, i) => i % 7 !== 3);
const benchmark = { name: 'GOOG', ts: kept.map((b) => b.ts), close: kept.map((b) => b.close) };
const returns = simpleReturns(curve.equity);
const close = (a: number, b: number, tol = 1e-10): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

const curveMetrics = () => computeMetrics({ equityCurve: curve, trades: [], positions: [], summary: { totalFees: new Decimal(0), tradedNotional: new Decimal(0) } }, { periodsPerYear: 252 });

async function goldenRun() {
  const def = await loadStrategy({ module: `${fixtures}sma-strategy.ts` });
  return runFromConfig(
    def.pipeline({ instrument: 'GOOG.NASDAQ', fast: 10, slow: 30, size: 100 }),
    parseWith(RunConfigSchema, {
      data: [{ path: `${fixtures}goog.csv`, instrument: 'GOOG.NASDAQ' }],
      instruments: [{ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' }],
      ledger: { startingCash: '100000' },
      venue: { commission: 0.002 },
    }),
  );
}

describe('tearsheet metrics of the golden GOOG run, against numpy and pandas', () => {
  it('reads the golden curve that the run still produces', async () => {
    const result = await goldenRun();
    expect(Array.from(result.equityCurve.equity)).toEqual(Array.from(curve.equity));
    expect(returns.length).toBe(ref.periods);
  });

  it('annualizes the Sortino ratio as quantstats does, and computeMetrics carries it', () => {
    close(sortinoRatioAnnualized(returns, 252), ref.sortinoRatioAnnualized);
    const m = curveMetrics();
    expect(m.sortinoRatioAnnualized).toBe(sortinoRatioAnnualized(returns, 252));
    expect(m.sortinoRatioAnnualized).toBeCloseTo(m.sortinoRatio * Math.sqrt(252), 12);
  });

  it('aligns a benchmark with gaps as of each equity time and matches least squares for alpha, beta and correlation', () => {
    const paired = pairReturns(curve, benchmark);
    expect(paired.from).toBe(0);
    expect(paired.aligned.at(-1)).toBe(ref.benchmark.lastAlignedClose);
    const m = benchmarkMetrics(paired.strategy, paired.benchmark, 252);
    expect(m.periods).toBe(ref.periods);
    close(m.beta, ref.benchmark.beta);
    close(m.alphaPerPeriod, ref.benchmark.alphaPerPeriod);
    close(m.alpha, ref.benchmark.alpha);
    close(m.correlation, ref.benchmark.correlation);
    for (const k of ['totalReturn', 'annualizedReturn', 'annualizedVolatility', 'sharpeRatio', 'sortinoRatioAnnualized', 'maxDrawdown'] as const) close(m.benchmark[k], ref.benchmark[k]);
  });

  it('forward-fills the benchmark and leaves out periods before it starts', () => {
    expect(Array.from(alignBenchmark([0, 2, 5], { ts: [1, 2, 4], close: [10, 11, 12] }))).toEqual([NaN, 11, 12]);
    const p = pairReturns({ ts: [0, 1, 2, 3], equity: [100, 110, 121, 121] }, { ts: [1, 3], close: [50, 60] });
    expect(p.from).toBe(1);
    expect(Array.from(p.strategy)).toEqual([0.10000000000000009, 0]);
    expect(Array.from(p.benchmark)).toEqual([0, 0.19999999999999996]);
  });

  it('computes rolling Sharpe, volatility and beta over 126 periods as pandas does, and each window with the whole-run function', () => {
    const s = rollingSharpe(returns, { periodsPerYear: 252 });
    const v = rollingVolatility(returns, { periodsPerYear: 252 });
    const paired = pairReturns(curve, benchmark);
    const b = rollingBeta(paired.strategy, paired.benchmark, { periodsPerYear: 252 });
    expect(s.end[0]).toBe(125);
    expect(s.end.length).toBe(returns.length - 125);
    for (const [series, expected] of [[s, ref.rolling.sharpe], [v, ref.rolling.volatility], [b, ref.rolling.beta]] as const) {
      expect(expected.slice(0, 125).every((x: number | null) => x === null)).toBe(true);
      series.end.forEach((e, k) => close(series.values[k]!, expected[e]!, 1e-9));
    }
    // The last window is the whole-run figure of its 126 returns.
    expect(s.values.at(-1)).toBe(sharpeRatio(returns.subarray(-126), { periodsPerYear: 252 }));
    expect(b.values.at(-1)).toBe(capmBeta(paired.strategy.subarray(-126), paired.benchmark.subarray(-126)));
  });

  it('steps through windows when asked and always keeps the last one', () => {
    const s = rollingSharpe(returns, { periodsPerYear: 252, window: 126, step: 100 });
    expect(Array.from(s.end)).toEqual([125, 225, 325, 425, 525, 625, 725, 825, 925, 1025, 1045]);
    expect(() => rollingSharpe(returns, { periodsPerYear: 252, window: 1 })).toThrow(/rolling\.window/);
    expect(rollingSharpe([0.1, 0.2], { periodsPerYear: 252 }).end.length).toBe(0);
  });

  it('lists the five deepest drawdowns as the episode-by-episode reference does, the deepest equal to computeMetrics', () => {
    const worst = worstDrawdowns(curve.ts, curve.equity, 5);
    expect(worst.map((d) => ({ ...d, recovery: d.recovery ?? null }))).toEqual(
      ref.worstDrawdowns.map((d: { depth: number }) => ({ ...d, depth: expect.closeTo(d.depth, 14) })),
    );
    const m = curveMetrics();
    expect(worst[0]!.depth).toBeCloseTo(m.maxDrawdown, 14);
    expect(worst[0]!.periods).toBe(m.maxDrawdownDurationPeriods);
    expect(worst[0]!.days * 86_400_000).toBe(m.maxDrawdownDurationMs);
  });

  it('marks an episode still open at the end as not recovered, its length running to the last point', () => {
    const day = 86_400_000;
    const w = worstDrawdowns([0, 1, 2, 3, 4, 5, 6].map((d) => d * day), [100, 110, 99, 105, 111, 90, 95]);
    expect(w).toEqual([
      { start: 4 * day, trough: 5 * day, recovery: undefined, depth: 1 - 90 / 111, days: 2, periods: 2 },
      { start: day, trough: 2 * day, recovery: 4 * day, depth: 1 - 99 / 110, days: 3, periods: 3 },
    ]);
  });

  it('takes VaR and CVaR from the risk package (historical 95%), and best, worst and streaks as the reference', () => {
    const s = returnStatistics(curve.ts, curve.equity);
    close(s.valueAtRisk, ref.valueAtRisk95, 1e-14);
    close(s.expectedShortfall, ref.expectedShortfall95, 1e-14);
    expect(s.bestPeriod).toEqual(ref.bestPeriod);
    expect(s.worstPeriod).toEqual(ref.worstPeriod);
    expect(s.bestMonth).toEqual({ ts: Date.UTC(ref.bestMonth.year, ref.bestMonth.month - 1, 1), value: expect.closeTo(ref.bestMonth.value, 14) });
    expect(s.worstMonth).toEqual({ ts: Date.UTC(ref.worstMonth.year, ref.worstMonth.month - 1, 1), value: expect.closeTo(ref.worstMonth.value, 14) });
    expect(s.longestWinStreak).toEqual(ref.longestWinStreak);
    expect(s.longestLossStreak).toEqual(ref.longestLossStreak);
  });

  it('counts a zero return in neither streak', () => {
    const s = returnStatistics([0, 1, 2, 3, 4, 5], [100, 101, 102, 102, 103, 104]);
    expect(s.longestWinStreak).toEqual({ periods: 2, start: 1, end: 2 });
    expect(s.longestLossStreak).toEqual({ periods: 0, start: NaN, end: NaN });
  });

  it('measures gross exposure / equity as the ledger does after each bar', async () => {
    const result = await goldenRun();
    const exposure = grossExposure(result.equityCurve, result.fills, [{ instrumentId: goog.id, ts: bars.map((b) => b.ts), close: bars.map((b) => b.close) }]);
    // Replay the fills into a Ledger, marking every bar's close as the runner does.
    const ledger = new Ledger({ baseCurrency: 'USD', startingCash: '100000', instruments: instrumentRegistry([goog]) });
    let k = 0;
    bars.forEach((bar, i) => {
      while (k < result.fills.length && result.fills[k]!.ts <= bar.ts) ledger.applyFill(result.fills[k++]!);
      ledger.mark(goog.id, bar.close);
      expect(ledger.equityValue()).toBe(result.equityCurve.equity[i]);
      close(exposure[i]!, ledger.leverage(), 1e-12);
    });
    expect(exposure[0]).toBe(0);
    expect(Math.max(...exposure)).toBeGreaterThan(0.1);
  });

  it('names the field and index of a bad benchmark', () => {
    const parse = (b: unknown) => () => parseWith(BenchmarkSeriesSchema, b, 'benchmark');
    expect(parse({ name: 'X', ts: [1, 2, 3], close: [1, 2] })).toThrow(/benchmark\.close: must have as many values as ts \(3\), got 2/);
    expect(parse({ name: 'X', ts: [1, 3, 3], close: [1, 2, 3] })).toThrow(/benchmark\.ts\.2: must be after ts\[1\]|benchmark\.ts\[2\]/);
    expect(parse({ name: 'X', ts: [1, 2, 3], close: [1, -2, 3] })).toThrow(/benchmark\.close(\.1|\[1\]): must be a finite number > 0, got -2/);
    expect(parse({ name: 'X', ts: [1, 2], close: [1, NaN] })).toThrow(/got NaN/);
    expect(parse({ name: 'X', ts: [1, 2], close: [1, 2], extra: 1 })).toThrow(ValidationError);
    expect(() => benchmarkMetrics([0.1, 0.2], [0.1], 252)).toThrow(/benchmarkReturns/);
  });
});

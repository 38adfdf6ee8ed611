import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { filter, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Decimal, defineInstrument, parseBarsCsv, ValidationError, type Bar, type Pipeline, type SubmitOrder, type Trade } from '@rxtrade/core';
import { capmAlpha, capmBeta, simpleReturns } from '@rxtrade/portfolio';
import { runBacktest } from '../run-backtest';
import { computeMetrics, type MetricsInput } from './compute-metrics';

const DAY = 86_400_000;
const rel = (a: number, b: number): number => Math.abs(a / b - 1);
const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const csv = readFileSync(fileURLToPath(new URL('../search/__fixtures__/goog.csv', import.meta.url)), 'utf8');
const googBars = parseBarsCsv(csv, { instrumentId: goog.id }).bars;
const reference = (
  JSON.parse(readFileSync(fileURLToPath(new URL('../overfitting/__fixtures__/deflated-sharpe.json', import.meta.url)), 'utf8')) as {
    googReturns: { sharpePerPeriod: number; skewness: number; kurtosis: number };
  }
).googReturns;

/** Submits the orders of `plan` (bar index -> signed quantity) when that bar arrives. */
const trader = (plan: Record<number, number>): Pipeline => (ctx) =>
  ctx.market.bars().pipe(
    map((_, i) => plan[i]),
    filter((q): q is number => q !== undefined),
    map((q): SubmitOrder => ctx.orderFactory.market({ instrumentId: goog.id, side: q > 0 ? 'BUY' : 'SELL', quantity: Math.abs(q) })),
  );

function curve(values: number[], step = DAY): MetricsInput {
  return {
    equityCurve: { ts: Float64Array.from(values, (_, i) => i * step), equity: Float64Array.from(values) },
    trades: [],
    positions: [],
    summary: { totalFees: new Decimal(0), tradedNotional: new Decimal(0) },
  };
}

describe('computeMetrics', () => {
  it('matches R PerformanceAnalytics 2.0.8 on a buy-and-hold of GOOG whose equity is exactly the close series', async () => {
    // Bars carry only the close (open = high = low = close). A lead-in trade print at the first bar's
    // time buys one share, filled at the first bar's open (= its close) with the cash it has (= that
    // close): from then on cash is exactly 0 and equity is exactly the close, and the two events at the
    // first time give one equity point, so the equity returns are the close-to-close returns of goog.csv.
    // (A lead-in bar would be a second bar at the same time, which the runner refuses as a duplicate.)
    const closes = googBars.map((b): Bar => ({ ...b, open: b.close, high: b.close, low: b.close }));
    const leadIn: Trade = { type: 'Trade', instrumentId: goog.id, ts: closes[0]!.ts, price: closes[0]!.close, size: 1, aggressor: 'NONE', tradeId: 'lead-in' };
    const buyOnLeadIn: Pipeline = (ctx) => ctx.market.trades().pipe(map(() => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 })));
    const result = await runBacktest(buyOnLeadIn, {
      data: [leadIn, ...closes],
      instruments: [goog],
      ledger: { startingCash: String(closes[0]!.close) },
      periodsPerYear: 252,
    });
    expect(Array.from(result.equityCurve.equity)).toEqual(googBars.map((b) => b.close));
    const m = result.metrics;
    expect(m.periods).toBe(1046);
    expect(rel(m.sharpeRatio, 0.958237311700736)).toBeLessThan(1e-9);
    expect(rel(m.sortinoRatio, 0.100292443144165)).toBeLessThan(1e-9);
    // Annualized as quantstats does: the per-period figure x sqrt(252).
    expect(rel(m.sortinoRatioAnnualized, 0.100292443144165 * Math.sqrt(252))).toBeLessThan(1e-9);
    expect(rel(m.maxDrawdown, 0.556505210369512)).toBeLessThan(1e-9);
    expect(rel(m.calmarRatio, 0.652041657778625)).toBeLessThan(1e-9);
    // Per-period Sharpe ratio and population moments against numpy/scipy (scripts/deflated-sharpe-reference.py).
    expect(rel(m.sharpePerPeriod, reference.sharpePerPeriod)).toBeLessThan(1e-12);
    expect(rel(m.skewness, reference.skewness)).toBeLessThan(1e-10);
    expect(rel(m.kurtosis, reference.kurtosis)).toBeLessThan(1e-10);
    expect(m.exposure).toBe(1);
    expect(m.feesPaid).toBe(0);
    expect(m.trades).toBe(0);
  });

  it('computes trade statistics that agree with a hand calculation on a small backtest', async () => {
    const opens = [10, 20, 15, 30, 25, 12, 18, 8, 9, 9];
    const bars: Bar[] = opens.map((o, i) => ({ type: 'Bar', instrumentId: goog.id, ts: i * DAY, open: o, high: o + 1, low: o - 1, close: o, volume: 1 }));
    // Buy 10 (filled at 20), sell 4 (at 30), sell 10 (at 12: closes 6, opens 4 short), buy 4 (at 8).
    const result = await runBacktest(trader({ 0: 10, 2: -4, 4: -10, 6: 4 }), {
      data: bars,
      instruments: [goog],
      ledger: { startingCash: 1000 },
      venue: { commission: 0.001 },
    });
    const t = result.trades.map((x) => [x.side, x.quantity.toString(), x.entryPrice.toString(), x.exitPrice.toString(), x.fees.toString(), x.pnl.toString(), x.holdingMs / DAY]);
    // Fees: 0.2 on the buy of 10 (0.08 + 0.12 split 4:6), 0.12 on the sell of 4, 0.12 on the sell of 10
    // (0.072 closing 6 long + 0.048 opening 4 short), 0.032 on the buy of 4.
    expect(t).toEqual([
      ['LONG', '4', '20', '30', '0.2', '39.8', 2],
      ['LONG', '6', '20', '12', '0.192', '-48.192', 4],
      ['SHORT', '4', '12', '8', '0.08', '15.92', 2],
    ]);
    const m = result.metrics;
    expect(m.trades).toBe(3);
    expect(m.winRate).toBeCloseTo(2 / 3, 15);
    expect(m.profitFactor).toBeCloseTo((39.8 + 15.92) / 48.192, 14);
    expect(m.expectancy).toBeCloseTo((39.8 - 48.192 + 15.92) / 3, 14);
    expect(m.averageWin).toBeCloseTo((39.8 + 15.92) / 2, 14);
    expect(m.averageLoss).toBeCloseTo(-48.192, 14);
    expect(m.averageHoldingMs).toBe((8 / 3) * DAY);
    expect(m.feesPaid).toBeCloseTo(0.472, 15);
    expect(result.summary.tradedNotional.toString()).toBe('472');
    // Positions after the fills at days 1, 3, 5, 7: 10, 6, -4, 0. Periods 2..7 start with a position.
    expect(result.positions.map((p) => [p.ts / DAY, p.quantity.toNumber()])).toEqual([[1, 10], [3, 6], [5, -4], [7, 0]]);
    expect(m.exposure).toBeCloseTo(6 / 9, 15);
    const meanEquity = result.equityCurve.equity.reduce((s, v) => s + v, 0) / 10;
    expect(m.turnover).toBeCloseTo((472 / meanEquity) * (252 / 9), 12);
  });

  it('measures drawdown durations from peak to recovery, and to the end when not recovered', () => {
    const m = computeMetrics(curve([100, 110, 99, 105, 111, 90, 95]), { periodsPerYear: 252 });
    expect(m.maxDrawdown).toBeCloseTo(1 - 90 / 111, 15);
    // The deepest fall (111 -> 90) starts at index 4 and is not regained by index 6.
    expect(m.maxDrawdownDurationPeriods).toBe(2);
    expect(m.maxDrawdownDurationMs).toBe(2 * DAY);
    // The longest episode is 110 (index 1) regained at index 4.
    expect(m.longestDrawdownPeriods).toBe(3);
    expect(m.longestDrawdownMs).toBe(3 * DAY);
  });

  it('computes alpha and beta against a benchmark aligned as of each equity time', () => {
    const equity = [100, 101, 99, 102, 104, 103, 107];
    // The benchmark has extra points between equity times; only the last one at or before each counts.
    const bts = [0, 0.5, 1, 1.5, 2, 3, 3.2, 4, 5, 6].map((d) => d * DAY);
    const bvals = [50, 70, 51, 40, 50, 52, 10, 52.5, 52, 53];
    const aligned = [50, 51, 50, 52, 52.5, 52, 53];
    const m = computeMetrics(curve(equity), { periodsPerYear: 252, benchmark: { ts: bts, values: bvals } });
    const y = simpleReturns(equity);
    const x = simpleReturns(aligned);
    expect(m.beta).toBe(capmBeta(y, x));
    expect(m.alpha).toBe(capmAlpha(y, x));
    expect(Number.isNaN(computeMetrics(curve(equity), { periodsPerYear: 252 }).beta)).toBe(true);
  });

  it('counts a non-positive equity as a total loss and stops there', () => {
    const m = computeMetrics(curve([100, 50, -10, 20]), { periodsPerYear: 252 });
    expect(m.periods).toBe(2);
    expect(m.maxDrawdown).toBe(1);
    expect(m.annualizedReturn).toBe(-1);
  });

  it('rejects a bad periodsPerYear with a ValidationError naming it', () => {
    const e = (() => {
      try {
        computeMetrics(curve([1, 2]), { periodsPerYear: 0 });
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).field).toBe('metrics.periodsPerYear');
  });
});

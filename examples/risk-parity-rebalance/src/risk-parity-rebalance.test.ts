/**
 * The example end to end: both backtests run, their books add up, the equal-weight run agrees to the cent
 * with a direct computation of the same rebalanced portfolio, risk parity really equalizes risk, and the
 * printed summary is what the numbers say.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Decimal, roundToIncrement, type OrderFilled } from '@rxtrade/core';
import { resultToJson, runBacktest, type RunResult } from '@rxtrade/backtest';
import { beforeAll, describe, expect, it } from 'vitest';
import { readIndexData, START_LEVEL } from './data';
import { runComparison, type Comparison } from './main';
import { monthlyRebalance, type RebalanceDecision } from './strategy';

const CASH = 1_000_000;
const LOOKBACK = 36;
const data = readIndexData();
let c: Comparison;
const decisions: RebalanceDecision[] = [];
let rpAgain: RunResult;

beforeAll(async () => {
  c = await runComparison({ lookback: LOOKBACK, cash: CASH, commission: 0 }, data);
  rpAgain = await runBacktest(monthlyRebalance({ instruments: data.instruments, allocation: 'risk-parity', lookback: LOOKBACK, onRebalance: (d) => decisions.push(d) }), {
    data: data.bars,
    instruments: [...data.instruments],
    ledger: { startingCash: CASH, baseCurrency: 'USD' },
    venue: { commission: 0 },
    strategyId: 'risk-parity',
  });
}, 60_000);

/** Cash from the fills plus positions at the last closes, exact. */
function booksFromFills(fills: readonly OrderFilled[]): Decimal {
  let cash = new Decimal(CASH);
  const held = new Map<string, Decimal>();
  for (const f of fills) {
    const notional = f.quantity.mul(f.price);
    cash = (f.side === 'BUY' ? cash.minus(notional) : cash.plus(notional)).minus(f.commission);
    held.set(f.instrumentId, (held.get(f.instrumentId) ?? new Decimal(0)).plus(f.side === 'BUY' ? f.quantity : f.quantity.neg()));
  }
  let equity = cash;
  data.bars.forEach((series) => {
    const last = series[series.length - 1]!;
    equity = equity.plus((held.get(last.instrumentId) ?? new Decimal(0)).mul(new Decimal(last.close)));
  });
  return equity;
}

describe('risk-parity-rebalance example', () => {
  it('runs both backtests over the same 257 months with 13 fills a month and no fees', () => {
    for (const run of [c.riskParity, c.equalWeight]) {
      expect(run.summary.from).toBe('1999-12-31');
      expect(run.summary.to).toBe('2021-05-31');
      expect(run.summary.months).toBe(257);
      expect(run.result.fills.length).toBe(257 * 13);
      expect(run.result.summary.totalFees.isZero()).toBe(true);
    }
  });

  it('reports final equity equal to cash plus positions rebuilt from its fills, exactly', () => {
    for (const run of [c.riskParity, c.equalWeight]) expect(booksFromFills(run.result.fills).eq(run.result.summary.finalEquity)).toBe(true);
  });

  it('agrees to the cent with a direct computation of the equal-weight portfolio from the index levels', () => {
    // Month t's rebalance uses equity at month t's closes and trades at those closes (the next bar opens there).
    const lot = data.instruments[0]!.lotSize;
    const w = new Decimal(1 / 13);
    const closes = data.bars.map((s) => s.map((b) => new Decimal(b.close)));
    const T = closes[0]!.length;
    let cash = new Decimal(CASH);
    let q = closes.map(() => new Decimal(0));
    for (let t = LOOKBACK - 1; t < T - 1; t++) {
      const equity = q.reduce((e, qi, i) => e.plus(qi.mul(closes[i]![t]!)), cash);
      const next = closes.map((ci) => roundToIncrement(w.mul(equity).div(ci[t]!), lot, 'down'));
      cash = next.reduce((k, ni, i) => k.minus(ni.minus(q[i]!).mul(closes[i]![t]!)), cash);
      q = next;
    }
    const direct = q.reduce((e, qi, i) => e.plus(qi.mul(closes[i]![T - 1]!)), cash);
    expect(direct.minus(c.equalWeight.result.summary.finalEquity).abs().lt('0.005')).toBe(true);
    expect(direct.toFixed(2)).toBe(c.equalWeight.summary.finalEquity.toFixed(2));

    // And, to lot and 4-decimal price rounding, the textbook formula on the raw file returns:
    // V[t+1] = V[t] x sum_i (1 + r_i[t+1]) / 13.
    let v = CASH;
    for (let t = LOOKBACK; t < T; t++) v *= data.returns.reduce((s, r) => s + (1 + r[t]!) / 13, 0);
    expect(Math.abs(v / c.equalWeight.summary.finalEquity.toNumber() - 1)).toBeLessThan(1e-6); // measured 1.07e-7 (0.33 of 3.06 million)
  });

  it('gives every index the same share of risk at every risk-parity rebalance, under an independently computed covariance', () => {
    expect(decisions.length).toBe(257);
    for (const d of [decisions[0]!, decisions[128]!, decisions[256]!]) {
      const n = d.weights.length;
      const m = d.window.length;
      const mean = Array.from({ length: n }, (_, j) => d.window.reduce((s, row) => s + row[j]!, 0) / m);
      const cov = (i: number, j: number): number => d.window.reduce((s, row) => s + (row[i]! - mean[i]!) * (row[j]! - mean[j]!), 0) / (m - 1);
      const sw = Array.from({ length: n }, (_, i) => d.weights.reduce((s, wj, j) => s + cov(i, j) * wj, 0));
      const variance = sw.reduce((s, x, i) => s + x * d.weights[i]!, 0);
      for (let i = 0; i < n; i++) expect(Math.abs((d.weights[i]! * sw[i]!) / variance - 1 / n)).toBeLessThan(1e-8);
      expect(Math.abs(d.weights.reduce((s, x) => s + x, 0) - 1)).toBeLessThan(1e-12);
      expect(d.weights.every((x) => x > 0)).toBe(true);
    }
    // The window of the first decision is the file's first 36 months of returns, rebuilt from the rounded levels.
    expect(Math.abs(decisions[0]!.window[0]![0]! - (data.bars[0]![0]!.close / START_LEVEL - 1))).toBe(0);
    expect(Math.abs(decisions[0]!.window[0]![0]! - data.returns[0]![0]!)).toBeLessThan(1e-6);
  });

  it('is deterministic: a second risk-parity run gives the same result byte for byte', () => {
    expect(JSON.stringify(resultToJson(rpAgain))).toBe(JSON.stringify(resultToJson(c.riskParity.result)));
  });

  it('summarizes numbers consistent with the equity and the attribution', () => {
    for (const run of [c.riskParity, c.equalWeight]) {
      const s = run.summary;
      const growth = s.finalEquity.toNumber() / CASH;
      expect(Math.abs(s.annualizedReturn - (growth ** (12 / 257) - 1))).toBeLessThan(1e-12);
      expect(s.maxDrawdown).toBeGreaterThan(0);
      expect(s.maxDrawdown).toBeLessThan(1);
      expect(Math.abs(s.calmar - s.annualizedReturn / s.maxDrawdown)).toBeLessThan(1e-12);
    }
    const total = c.contributions.reduce((sum, x) => sum + x.contribution, 0);
    expect(Math.abs(total - (c.riskParity.summary.finalEquity.toNumber() / CASH - 1))).toBeLessThan(1e-12);
    // risk parity holds less of the volatile indices: lower volatility than equal weights here
    expect(c.riskParity.summary.volatility).toBeLessThan(c.equalWeight.summary.volatility);
  });

  it('with a drift band, trades in exactly the months an independent computation finds outside the band, to the cent', async () => {
    const result = await runBacktest(monthlyRebalance({ instruments: data.instruments, allocation: 'equal-weight', lookback: LOOKBACK, driftBand: 0.01 }), {
      data: data.bars,
      instruments: [...data.instruments],
      ledger: { startingCash: CASH, baseCurrency: 'USD' },
    });
    const lot = data.instruments[0]!.lotSize;
    const target = 1 / 13;
    const w = new Decimal(target);
    const closes = data.bars.map((s) => s.map((b) => new Decimal(b.close)));
    const T = closes[0]!.length;
    let cash = new Decimal(CASH);
    let q = closes.map(() => new Decimal(0));
    const traded: number[] = [];
    for (let t = LOOKBACK - 1; t < T - 1; t++) {
      const equity = q.reduce((e, qi, i) => e.plus(qi.mul(closes[i]![t]!)), cash);
      const e = equity.toNumber();
      const drifted = q.some((qi, i) => Math.abs((qi.toNumber() * data.bars[i]![t]!.close) / e - target) > 0.01) || q.every((qi) => qi.isZero());
      if (!drifted) continue;
      traded.push(data.bars[0]![t + 1]!.ts); // filled on the next month's bars
      const next = closes.map((ci) => roundToIncrement(w.mul(equity).div(ci[t]!), lot, 'down'));
      cash = next.reduce((k, ni, i) => k.minus(ni.minus(q[i]!).mul(closes[i]![t]!)), cash);
      q = next;
    }
    const direct = q.reduce((e, qi, i) => e.plus(qi.mul(closes[i]![T - 1]!)), cash);
    expect([...new Set(result.fills.map((f) => f.ts))]).toEqual(traded);
    expect(traded.length).toBeGreaterThan(5);
    expect(traded.length).toBeLessThan(257);
    expect(direct.toFixed(2)).toBe(result.summary.finalEquity.toFixed(2));
  });

  it('prints the summary from the command line', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--conditions=@rxtrade/source', '--import', 'tsx', main], { cwd: root, encoding: 'utf8' });
    expect(out).toContain(`final equity${' '.repeat(10)}`);
    expect(out).toContain(c.riskParity.summary.finalEquity.toFixed(2));
    expect(out).toContain(c.equalWeight.summary.finalEquity.toFixed(2));
    expect(out).toMatch(/max drawdown\s+\d+\.\d\d%\s+\d+\.\d\d%/);
  }, 30_000);
});

import { describe, expect, it } from 'vitest';
import { StateError } from '../../errors';
import { tradeDataQualityReport } from './data-quality-report';
import { DataQualityScanner, type QualityTrade } from './data-quality-scanner';
import { formatDataQualityReport } from './format-data-quality-report';
import type { DataQualityReport } from './data-quality-types';

const T0 = Date.UTC(2024, 0, 1);

/** Trades 250 ms apart, prices a bounded walk (steps uniform in [-0.05%, 0.05%], from a fixed sequence), sizes 0.1 to 0.5. */
function trades(n: number): QualityTrade[] {
  const out: QualityTrade[] = [];
  let price = 40_000;
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    if (i > 0) price *= Math.exp(((x / 2147483648) * 2 - 1) * 0.0005);
    out.push({ instrumentId: 'BTC/USDT.BINANCE', ts: T0 + i * 250, price, size: 0.1 + (i % 5) * 0.1, tradeId: String(1000 + i) });
  }
  return out;
}

function findings(report: DataQualityReport): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const c of report.instruments[0]!.checks) if (c.count > 0) out[c.check] = c.examples.map((e) => (e.ts - T0) / 250);
  return out;
}

describe('tradeDataQualityReport', () => {
  it('finds nothing in clean trades, and says which checks do not apply to trades', () => {
    const r = tradeDataQualityReport(trades(400));
    expect(findings(r)).toEqual({});
    expect(r.dataType).toBe('trades');
    const applied = r.instruments[0]!.checks.filter((c) => c.enabled).map((c) => c.check);
    expect(applied).toEqual(['outOfOrder', 'duplicates', 'invalidValues', 'priceJumps']);
    expect(r.instruments[0]!.checks.find((c) => c.check === 'gaps')!.note).toBe('not applicable to trades');
    expect(r.instruments[0]!.expectedBars).toBeUndefined();
  });

  it('finds each defect where it was planted, and nowhere else', () => {
    const t = trades(400);
    // A repeated trade id (a resent print), several prints in one millisecond (normal), a trade out of
    // order, a zero size, a negative price, and a 2% jump at trade 300 (the steps are at most 0.05%).
    t[100] = { ...t[100]!, tradeId: t[99]!.tradeId };
    t[150] = { ...t[150]!, ts: t[149]!.ts };
    t[200] = { ...t[200]!, ts: t[190]!.ts };
    t[250] = { ...t[250]!, size: 0 };
    t[260] = { ...t[260]!, price: -1 };
    for (let i = 300; i < t.length; i++) t[i] = { ...t[i]!, price: t[i]!.price * 1.02 };
    const r = tradeDataQualityReport(t);
    expect(findings(r)).toEqual({ duplicates: [100], outOfOrder: [190], invalidValues: [250, 260], priceJumps: [300] });
    const jump = r.instruments[0]!.checks.find((c) => c.check === 'priceJumps')!.examples[0]!;
    expect(jump.values.logReturn).toBeCloseTo(Math.log(t[300]!.price / t[299]!.price), 12);
    expect(jump.detail).toMatch(/^price 4\d,\d{3}\.\d+ after 4\d,\d{3}\.\d+ at 2024-01-01 00:01:15Z: log return 0\.02\d\d is \d+(\.\d)? robust deviations/);
    expect(r.instruments[0]!.bars).toBe(400);
    expect(formatDataQualityReport(r).split('\n').slice(0, 3)).toEqual(['Data quality of trades: error', '', `BTC/USDT.BINANCE: 400 trades, 2024-01-01 to 2024-01-01 00:01:39.750Z; error`]);
  });

  it('forgets trade ids beyond the last 4,096 of an instrument', () => {
    const t = trades(5000);
    t[4200] = { ...t[4200]!, tradeId: t[4200 - 4097]!.tradeId }; // just forgotten: 4,096 ids are remembered, trades 104 to 4199
    t[4300] = { ...t[4300]!, tradeId: t[4300 - 4096]!.tradeId }; // the oldest still remembered
    expect(findings(tradeDataQualityReport(t))).toEqual({ duplicates: [4300] });
  });

  it('refuses bars and trades in one scanner', () => {
    const s = new DataQualityScanner();
    s.pushTrade(trades(1)[0]!);
    expect(() => s.push({ instrumentId: 'X', ts: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 })).toThrow(StateError);
  });
});

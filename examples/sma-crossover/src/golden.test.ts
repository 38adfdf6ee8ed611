/**
 * Golden acceptance test: the SMA(10)/SMA(30) crossover on GOOG daily bars must reproduce an independent
 * engine's result to the cent. backtrader 1.9.78 gives 31 fills, the first for 100 shares at 180.36 on
 * 2004-11-29, and final equity 176,251.036; backtesting.py 0.6.6 agrees to every digit.
 *
 * That first fill is easily taken for a buy. It is a sell: SMA(10) crosses BELOW
 * SMA(30) on 2004-11-26 (scripts/first-cross.py checks it in plain Python), so the target is -100. An
 * inverted sequence could not reproduce the reference's final equity, which we match to the digit.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defineInstrument, instrumentId, LiveClock } from '@rxtrade/core';
import { readBarsCsv } from '@rxtrade/connectors';
import { replayFeed, resultToJson, runBacktest, runPaper, type RunResult } from '@rxtrade/backtest';
import { smaCrossover } from './strategy';

const path = fileURLToPath(new URL('../fixtures/goog.csv', import.meta.url));
const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const { bars } = readBarsCsv(path, { instrumentId: goog.id });
const pipeline = smaCrossover({ instrumentId: goog.id, fast: 10, slow: 30, size: 100 });
const config = { instruments: [goog], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 }, strategyId: 'golden' };

const day = (ts: number): string => new Date(ts).toISOString().slice(0, 10);

describe('golden SMA crossover on GOOG (backtrader 1.9.78 / backtesting.py 0.6.6)', () => {
  it('reproduces the reference fills and final equity to the cent', async () => {
    const result = await runBacktest(pipeline, { ...config, data: bars });
    expect(bars).toHaveLength(1047);
    expect(result.summary.fills).toBe(31);
    const first = result.fills[0]!;
    expect([day(first.ts), first.side, first.quantity.toString(), first.price.toString()]).toEqual(['2004-11-29', 'SELL', '100', '180.36']);
    expect(first.commission.toString()).toBe('36.072');
    // Every fill after the first reverses the position through zero: 200 shares.
    expect(result.fills.slice(1).every((f) => f.quantity.toString() === '200')).toBe(true);
    expect(result.summary.finalEquity.toString()).toBe('176251.036');
    expect(result.summary.finalEquity.toFixed(2)).toBe('176251.04');
  });

  it('gives byte-identical results on a second run', async () => {
    const a = JSON.stringify(resultToJson(await runBacktest(pipeline, { ...config, data: bars })));
    const b = JSON.stringify(resultToJson(await runBacktest(pipeline, { ...config, data: bars })));
    expect(a.length).toBeGreaterThan(1000);
    expect(b).toBe(a);
  });

  it('produces the same orders and fills in paper trading (wall clock, replayed feed) as in the backtest', async () => {
    const backtest = await runBacktest(pipeline, { ...config, data: bars });
    const clock = new LiveClock();
    const paper = await runPaper(pipeline, { ...config, clock, feed: replayFeed([bars], { clock, intervalMs: 0 }) });
    // tsInit (when the SDK saw an event) and order timestamps come from the clock and so differ between
    // wall and virtual time; everything the market and the venue decided must be identical.
    const fills = (r: RunResult) => r.fills.map(({ tsInit: _tsInit, ...f }) => JSON.stringify(f));
    const orders = (r: RunResult) =>
      r.orders.map(({ tsCreated: _c, tsLast: _l, ...o }) => JSON.stringify(o));
    expect(paper.summary.fills).toBe(31);
    expect(fills(paper)).toEqual(fills(backtest));
    expect(orders(paper)).toEqual(orders(backtest));
    expect(paper.summary.finalEquity.toString()).toBe(backtest.summary.finalEquity.toString());
    expect(Array.from(paper.equityCurve.equity)).toEqual(Array.from(backtest.equityCurve.equity));
  });
});

/**
 * Bars from a 4,000-trade tape against an independent implementation: pandas' resample for time bars,
 * exact rational arithmetic and a pandas groupby for tick, volume and value bars
 * (packages/core/scripts/trade-bars-reference.py wrote the tape and the expected bars).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { from, lastValueFrom, toArray, type OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { instrumentId } from '../domain/ids';
import type { Trade } from '../domain/market-data';
import { TradeBarAggregator, type TradeBar } from './trade-bars-aggregator';
import { tickBars, timeBars, valueBars, volumeBars } from './trade-bars';
import type { TradeBarSpec } from './trade-bars-spec';

const dir = new URL('./__fixtures__/trade-bars/', import.meta.url);
const ID = instrumentId('XYZ.TEST');
const tape: Trade[] = readFileSync(fileURLToPath(new URL('tape.csv', dir)), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line, i) => {
    const [ts, price, size] = line.split(',');
    return { type: 'Trade', instrumentId: ID, ts: Number(ts), price: Number(price), size: Number(size), aggressor: 'NONE', tradeId: String(i) };
  });
type Row = [number, number, number, number, number, number, number, number, number];
const expected = JSON.parse(readFileSync(fileURLToPath(new URL('expected.json', dir)), 'utf8')) as Record<string, { spec: TradeBarSpec; bars: Row[] }>;

function check(actual: TradeBar[], bars: Row[]): void {
  expect(actual.length).toBe(bars.length);
  actual.forEach((b, i) => {
    const [ts, open, high, low, close, volume, value, trades, closeTs] = bars[i]!;
    // Prices are trade prices and times are trade times: equal exactly.
    expect([b.ts, b.open, b.high, b.low, b.close, b.trades, b.closeTs], `bar ${i}`).toEqual([ts, open, high, low, close, trades, closeTs]);
    // Sums: doubles (compensated) against exact rationals or pandas' float sums.
    expect(Math.abs(b.volume - volume), `bar ${i} volume`).toBeLessThanOrEqual(1e-9 * Math.max(1, volume));
    expect(Math.abs(b.value - value), `bar ${i} value`).toBeLessThanOrEqual(1e-9 * Math.max(1, value));
  });
}

describe('bars from trades against the pandas reference', () => {
  it('has a tape with bursts in one millisecond and empty minutes', () => {
    expect(tape).toHaveLength(4000);
    expect(tape.filter((t, i) => i > 0 && t.ts === tape[i - 1]!.ts).length).toBeGreaterThan(500);
    expect(expected['time 1m flat']!.bars.length - expected['time 1m']!.bars.length).toBeGreaterThan(20);
  });

  for (const [name, { spec, bars }] of Object.entries(expected)) {
    it(`${name}: ${bars.length} bars equal the reference (aggregator)`, () => {
      const agg = new TradeBarAggregator(spec);
      const out: TradeBar[] = [];
      for (const t of tape) agg.push(t, (b) => out.push(b));
      agg.finish((b) => out.push(b));
      check(out, bars);
    });
  }

  it('gives the same bars through the RxJS operators', async () => {
    const run = (op: OperatorFunction<Trade, TradeBar>) => lastValueFrom(from(tape).pipe(op, toArray()));
    check(await run(timeBars({ timeframe: 60_000, empty: 'flat' })), expected['time 1m flat']!.bars);
    check(await run(tickBars({ trades: 50 })), expected['tick 50']!.bars);
    check(await run(volumeBars({ volume: 37.5, closeAt: 'trade', split: true, partial: 'emit' })), expected['volume 37.5 split']!.bars);
    check(await run(valueBars({ value: 20000 })), expected['value 20000']!.bars);
  });
});

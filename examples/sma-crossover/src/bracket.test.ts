/**
 * The bracket variant of the crossover on GOOG against an independent reference: a plain-Python
 * simulation of the same strategy and of the simulated venue's documented bar rules
 * (scripts/bracket-reference.py, its output committed as fixtures/bracket-reference.json). Every fill's
 * date, side, price and fee, and the final equity, must agree exactly.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Decimal, defineInstrument } from '@rxtrade/core';
import { readBarsCsv } from '@rxtrade/connectors';
import { runBacktest } from '@rxtrade/backtest';
import { smaBracket } from './strategy';

const path = fileURLToPath(new URL('../fixtures/goog.csv', import.meta.url));
const reference = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/bracket-reference.json', import.meta.url)), 'utf8')) as {
  fills: { date: string; kind: string; side: string; price: string; fee: string }[];
  position: number;
  finalEquity: string;
};
const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const { bars } = readBarsCsv(path, { instrumentId: goog.id });
const day = (ts: number): string => new Date(ts).toISOString().slice(0, 10);

describe('bracket crossover on GOOG (independent Python reference)', () => {
  it('fills every entry, take-profit and stop-loss where the reference does, to the cent', async () => {
    const result = await runBacktest(smaBracket({ instrumentId: goog.id, fast: 10, slow: 30, size: 100, takeProfit: 0.05, stopLoss: 0.03 }), {
      data: bars,
      instruments: [goog],
      ledger: { startingCash: 100_000 },
      venue: { commission: 0.002 },
      strategyId: 'bracket',
    });
    expect(reference.fills).toHaveLength(62);
    expect(result.fills.map((f) => `${day(f.ts)} ${f.side} ${f.quantity.toString()} @ ${f.price.toFixed(2)} fee ${f.commission.toFixed(5)}`)).toEqual(
      reference.fills.map((f) => `${f.date} ${f.side} 100 @ ${new Decimal(f.price).toFixed(2)} fee ${new Decimal(f.fee).toFixed(5)}`),
    );
    // Every exit is one of the two the bracket sent; the other was canceled.
    const kinds = result.orders.filter((o) => o.status === 'FILLED').map((o) => o.orderType);
    expect(kinds.filter((k) => k === 'LIMIT').length + kinds.filter((k) => k === 'STOP_MARKET').length).toBe(reference.fills.filter((f) => f.kind !== 'entry').length);
    expect(result.summary.finalEquity.eq(new Decimal(reference.finalEquity))).toBe(true);
    expect(result.summary.finalEquity.toString()).toBe('124725.08');
  });
});

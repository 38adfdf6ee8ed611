/**
 * A bracket-order backtest whose every fill is worked out by hand below, through the real runner,
 * order manager (contingent orders), simulated venue (intrabar path, gaps, limit-through rule) and
 * ledger. Commission 0.1% of notional.
 *
 * Bars (open, high, low, close), one a day; the strategy sends a bracket while handling bars 1, 5 and 8:
 *
 *  bar  open   high   low    close   what happens
 *   0   100    101    99     100
 *   1   100    102    99.5   101     bracket A: BUY 100 at market, take-profit 106, stop-loss 97
 *   2   101.5  103    100.5  102     entry A fills at the open 101.50; the exits are released
 *   3   102    106    101    105.5   the high only touches 106: a limit fills when the market trades
 *                                    through it (the venue's default), so nothing fills
 *   4   105.5  107    105    106.5   path 105.5 → 105 (the nearer extreme) → 107: through 106, the
 *                                    take-profit fills at 106.00 (maker); the stop-loss is canceled (OUO)
 *   5   106    106.5  105    105.5   bracket B: SELL 100 at market, take-profit 100, stop-loss 108
 *   6   105    105.5  104    104.5   entry B fills at the open 105.00; the exits are released
 *   7   109    110    108.5  109.5   gap: the open 109 is already above the stop 108, so the stop-loss
 *                                    fills at the open 109.00, not at 108; the take-profit is canceled
 *   8   109.5  110    109    109.8   bracket C: BUY 100 at market, take-profit 115, stop-loss 107
 *   9   109.5  110    109    109.8   entry C fills at the open 109.50
 *  10   109.8  110.2  106.5  107     path 109.8 → 110.2 (nearer) → 106.5: the stop-loss triggers at
 *                                    107.00 and fills there; the take-profit is canceled
 *  11   107    107.5  106    107
 *
 * P&L: A +4.50 × 100 = 450, B (105 − 109) × 100 = −400, C (107 − 109.5) × 100 = −250 → −200.
 * Fees: 0.1% of 10150, 10600, 10500, 10900, 10950, 10700 = 10.15 + 10.60 + 10.50 + 10.90 + 10.95 + 10.70 = 63.80.
 * Final equity: 100000 − 200 − 63.80 = 99736.20.
 */
import { filter, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineInstrument, type Bar, type Pipeline } from '@rxtrade/core';
import { resultFromJson, resultToJson } from './result';
import { runBacktest } from './run-backtest';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const xyz = defineInstrument({ symbol: 'XYZ', venue: 'SIM', assetClass: 'stock', base: 'XYZ', quote: 'USD', tickSize: '0.01', lotSize: '1' });

const OHLC: readonly [number, number, number, number][] = [
  [100, 101, 99, 100],
  [100, 102, 99.5, 101],
  [101.5, 103, 100.5, 102],
  [102, 106, 101, 105.5],
  [105.5, 107, 105, 106.5],
  [106, 106.5, 105, 105.5],
  [105, 105.5, 104, 104.5],
  [109, 110, 108.5, 109.5],
  [109.5, 110, 109, 109.8],
  [109.5, 110, 109, 109.8],
  [109.8, 110.2, 106.5, 107],
  [107, 107.5, 106, 107],
];
const data: Bar[] = OHLC.map(([open, high, low, close], i) => ({ type: 'Bar', instrumentId: xyz.id, ts: T0 + i * DAY, open, high, low, close, volume: 1_000_000 }));

const PLAN = new Map([
  [1, { side: 'BUY' as const, takeProfit: 106, stopLoss: 97 }],
  [5, { side: 'SELL' as const, takeProfit: 100, stopLoss: 108 }],
  [8, { side: 'BUY' as const, takeProfit: 115, stopLoss: 107 }],
]);

const brackets: Pipeline = (ctx) =>
  ctx.market.bars(xyz.id).pipe(
    map((bar) => PLAN.get((bar.ts - T0) / DAY)),
    filter((plan) => plan !== undefined),
    map((plan) => ctx.orderFactory.bracket({ instrumentId: xyz.id, quantity: 100, ...plan })),
  );

describe('bracket-order backtest', () => {
  it('fills entries, take-profits and stop-losses exactly as worked out by hand', async () => {
    const result = await runBacktest(brackets, { data, instruments: [xyz], ledger: { startingCash: 100_000 }, venue: { commission: 0.001 }, strategyId: 'br' });
    const day = (ts: number) => (ts - T0) / DAY;
    expect(result.fills.map((f) => `${day(f.ts)} ${f.clientOrderId} ${f.side} ${f.quantity.toString()} @ ${f.price.toFixed(2)} ${f.liquiditySide} fee ${f.commission.toFixed(2)}`)).toEqual([
      '2 br-1 BUY 100 @ 101.50 TAKER fee 10.15',
      '4 br-2 SELL 100 @ 106.00 MAKER fee 10.60',
      '6 br-4 SELL 100 @ 105.00 TAKER fee 10.50',
      '7 br-6 BUY 100 @ 109.00 TAKER fee 10.90',
      '9 br-7 BUY 100 @ 109.50 TAKER fee 10.95',
      '10 br-9 SELL 100 @ 107.00 TAKER fee 10.70',
    ]);
    // Every exit not filled was canceled by its sibling; nothing is left working.
    expect(result.orders.map((o) => `${o.clientOrderId} ${o.orderType} ${o.status}`)).toEqual([
      'br-1 MARKET FILLED',
      'br-2 LIMIT FILLED',
      'br-3 STOP_MARKET CANCELED',
      'br-4 MARKET FILLED',
      'br-5 LIMIT CANCELED',
      'br-6 STOP_MARKET FILLED',
      'br-7 MARKET FILLED',
      'br-8 LIMIT CANCELED',
      'br-9 STOP_MARKET FILLED',
    ]);
    expect(result.summary.totalFees.toString()).toBe('63.8');
    expect(result.summary.realizedPnl.toString()).toBe('-200');
    expect(result.summary.finalEquity.toString()).toBe('99736.2');
    expect(result.trades.map((t) => t.grossPnl.toString())).toEqual(['450', '-400', '-250']);
    // Net of both fills' fees: 450 − 20.75, −400 − 21.40, −250 − 21.65.
    expect(result.trades.map((t) => t.pnl.toString())).toEqual(['429.25', '-421.4', '-271.65']);
    // Stop and limit orders survive the result's JSON form.
    expect(JSON.stringify(resultToJson(resultFromJson(resultToJson(result))))).toBe(JSON.stringify(resultToJson(result)));
  });
});

/**
 * The daily loss breaker in a real backtest (`runBacktest` from @rxtrade/backtest: simulated venue,
 * order manager and ledger on a BacktestClock), checked bar by bar against the ledger's own equity: a
 * strategy buys GOOG every day; the engine must trip on the first day whose close-to-close loss exceeds
 * the limit and deny all new exposure from that bar on, while reducing orders still pass and fill.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RiskEngine, riskGate } from '@rxtrade/risk';
import { Decimal, defineInstrument, parseBarsCsv, type OrderCommand, type OrderDenied } from '@rxtrade/core';
import { mergeMap, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { runBacktest } from './run-backtest';

const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const text = readFileSync(fileURLToPath(new URL('../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url)), 'utf8')
  .split('\n')
  .filter((l) => !l.startsWith('#'))
  .join('\n');
const { bars } = parseBarsCsv(text, { instrumentId: goog.id });
const LIMIT = new Decimal(15_000);

interface BarRecord {
  ts: number;
  equity: Decimal;
  position: Decimal;
  state: string;
  approved: OrderCommand[];
  denied: OrderDenied[];
}

describe('daily loss breaker in runBacktest (GOOG daily bars)', () => {
  it('trips on the first day losing more than the limit and stops new exposure, checked bar by bar', async () => {
    const perBar: BarRecord[] = [];
    let engine: RiskEngine | undefined;
    const result = await runBacktest(
      (ctx) => {
        engine = new RiskEngine({
          clock: ctx.clock,
          instruments: [goog],
          limits: { dailyLoss: LIMIT },
          breakers: { loss: { limit: LIMIT, action: 'REDUCING', coolDownMs: 30 * 86_400_000 } },
        });
        const e = engine;
        const strategy = ctx.market.bars(goog.id).pipe(
          mergeMap((bar) => {
            const position = ctx.ledger.positionQuantity(goog.id);
            perBar.push({ ts: bar.ts, equity: ctx.ledger.equity(), position, state: e.tradingState, approved: [], denied: [] });
            const buy = ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 });
            // Once reducing, the strategy also tries to get out, 10 shares a day.
            return e.tradingState === 'REDUCING' && position.gte(10) ? [buy, ctx.orderFactory.market({ instrumentId: goog.id, side: 'SELL', quantity: 10 })] : [buy];
          }),
        );
        return strategy.pipe(
          riskGate(e, ctx, { onDenied: (d) => perBar.at(-1)!.denied.push(d) }),
          tap((c) => perBar.at(-1)!.approved.push(c)),
        );
      },
      { data: bars, instruments: [goog], ledger: { startingCash: 1_000_000 } },
    );

    expect(perBar).toHaveLength(bars.length);
    // Independent expectation from the ledger: the first day whose close-to-close equity loss exceeds the limit.
    const trip = perBar.findIndex((b, t) => t > 0 && perBar[t - 1]!.equity.sub(b.equity).gt(LIMIT));
    expect(trip).toBeGreaterThan(50);
    if (process.env.SCENARIO_LOG) console.log({ trip, date: new Date(bars[trip]!.ts).toISOString(), loss: perBar[trip - 1]!.equity.sub(perBar[trip]!.equity).toString(), final: result.summary.finalEquity.toString() });
    const side = (c: OrderCommand): string | undefined => (c.type === 'SubmitOrder' ? c.side : undefined);
    for (let t = 0; t < perBar.length; t++) {
      const b = perBar[t]!;
      if (t < trip) {
        expect(b.state, `bar ${t}`).toBe('ACTIVE');
        expect(b.approved.map(side), `bar ${t}`).toEqual(['BUY']);
        expect(b.denied, `bar ${t}`).toEqual([]);
      } else {
        expect(b.state, `bar ${t}`).toBe('REDUCING');
        expect(b.approved.map(side), `bar ${t}`).toEqual(b.position.gte(10) ? ['SELL'] : []);
        expect(b.denied.map((d) => d.reason.split(':')[0]), `bar ${t}`).toEqual(['TRADING_REDUCING']);
      }
    }
    // On the trip bar the daily loss gate denies the buy as well; the denial carries the clock's time.
    expect(perBar[trip]!.denied[0]).toMatchObject({ type: 'OrderDenied', ts: bars[trip]!.ts, tsInit: bars[trip]!.ts });
    expect(perBar[trip]!.denied[0]!.reason).toMatch(/^TRADING_REDUCING: .*; DAILY_LOSS: daily loss exceeds 15000$/);
    // The venue saw no buy after the trip: the last buy fill is the order of the bar before it.
    const buyFills = result.fills.filter((f) => f.side === 'BUY');
    expect(buyFills.at(-1)!.ts).toBe(bars[trip]!.ts);
    expect(buyFills).toHaveLength(trip);
    // The reducing sells went through and flattened the position.
    expect(result.fills.filter((f) => f.side === 'SELL').length).toBe(trip);
    expect(result.positions.at(-1)!.quantity.toString()).toBe('0');
    // One alert, audited and chained.
    const breakerLines = engine!.audit.lines().filter((l) => l.includes('"kind":"breaker"'));
    expect(breakerLines).toHaveLength(1);
    expect(JSON.parse(breakerLines[0]!).data).toMatchObject({ type: 'BreakerTripped', breaker: 'loss', ts: bars[trip]!.ts });
  });
});

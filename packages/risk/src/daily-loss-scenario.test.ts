/**
 * A bar-by-bar scenario driven by hand on a BacktestClock (the engine, riskGate and core only): a
 * strategy buys GOOG every day; market orders fill at the next bar's open; the books mark at the close.
 * The daily loss breaker must trip on the first day whose loss exceeds the limit, and from then on the
 * engine must deny every order that adds exposure while still letting reducing orders through.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  BacktestClock,
  Decimal,
  defineInstrument,
  instrumentRegistry,
  OrderFactory,
  parseBarsCsv,
  silentLogger,
  WorkTracker,
  type Bar,
  type LedgerView,
  type OrderCommand,
  type OrderDenied,
  type OrderEvent,
  type PipelineContext,
  type StrategyId,
  type SubmitOrder,
} from '@rxtrade/core';
import { EMPTY, map, mergeMap, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { RiskEngine } from './risk-engine';
import { riskGate } from './risk-gate';

const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const text = readFileSync(fileURLToPath(new URL('./__fixtures__/goog.csv', import.meta.url)), 'utf8')
  .split('\n')
  .filter((l) => !l.startsWith('#'))
  .join('\n');
const { bars } = parseBarsCsv(text, { instrumentId: goog.id });
const LIMIT = new Decimal(15_000);

describe('daily loss breaker in a hand-driven backtest (GOOG daily bars)', () => {
  it('trips on the first day losing more than the limit and stops new exposure from that bar on, checked bar by bar', () => {
    const clock = new BacktestClock(bars[0]!.ts);
    const barSubject = new Subject<Bar>();
    let cash = new Decimal(1_000_000);
    let position = new Decimal(0);
    let mark = new Decimal(0);
    const equity = (): Decimal => cash.add(position.mul(mark));
    const ledger: LedgerView = {
      baseCurrency: 'USD',
      cash: () => cash,
      balances: () => [],
      positionQuantity: () => position,
      position: () => undefined,
      openPositions: () => (position.isZero() ? [] : [{ instrumentId: goog.id, quantity: position, avgPrice: mark, realizedPnl: new Decimal(0), unrealizedPnl: new Decimal(0), ts: clock.now() }]),
      equity,
      totalFees: () => new Decimal(0),
    };
    const registry = instrumentRegistry([goog]);
    const ctx: PipelineContext = {
      clock,
      scheduler: clock.scheduler,
      instruments: registry,
      ledger,
      orders: { order: () => undefined, openOrders: () => [] },
      market: { bars: () => barSubject, quotes: () => EMPTY, trades: () => EMPTY, books: () => EMPTY },
      orderEvents: new Subject<OrderEvent>(),
      orderFactory: new OrderFactory(clock, registry, 'dip-buyer' as StrategyId),
      work: new WorkTracker(),
      logger: silentLogger,
    };
    const engine = new RiskEngine({
      clock,
      instruments: [goog],
      limits: { dailyLoss: LIMIT },
      breakers: { loss: { limit: LIMIT, action: 'REDUCING', coolDownMs: 30 * 86_400_000 } },
    });
    // The strategy buys 10 shares every day; once the engine is REDUCING it also tries to sell 10.
    const strategy = barSubject.pipe(
      map((bar): OrderCommand[] => {
        const buy = ctx.orderFactory.market({ instrumentId: bar.instrumentId, side: 'BUY', quantity: 10 });
        return engine.tradingState === 'REDUCING' && position.gte(10) ? [buy, ctx.orderFactory.market({ instrumentId: bar.instrumentId, side: 'SELL', quantity: 10 })] : [buy];
      }),
    );
    const sent: SubmitOrder[] = [];
    const denied: OrderDenied[] = [];
    // As in a pipeline: the gate subscribes to the market before the strategy, so it has seen the bar (and
    // tripped the breaker) when the strategy acts on it.
    strategy
      .pipe(
        mergeMap((cs) => cs),
        riskGate(engine, ctx, { onDenied: (d) => denied.push(d) }),
      )
      .subscribe((c) => sent.push(c as SubmitOrder));

    const perBar: Array<{ equity: Decimal; state: string; approvedBuy: boolean; approvedSell: boolean; deniedCodes: string[]; position: Decimal }> = [];
    let pending: SubmitOrder[] = [];
    for (const bar of bars) {
      clock.advanceTo(bar.ts);
      // Fill yesterday's approved orders at today's open (no look-ahead), then mark at the close.
      for (const o of pending) {
        const px = new Decimal(bar.open);
        const signed = o.side === 'BUY' ? o.quantity : o.quantity.neg();
        position = position.add(signed);
        cash = cash.sub(signed.mul(px));
      }
      mark = new Decimal(bar.close);
      const before = { sent: sent.length, denied: denied.length };
      barSubject.next(bar);
      const newSent = sent.slice(before.sent);
      pending = newSent;
      perBar.push({
        equity: equity(),
        state: engine.tradingState,
        approvedBuy: newSent.some((o) => o.side === 'BUY'),
        approvedSell: newSent.some((o) => o.side === 'SELL'),
        deniedCodes: denied.slice(before.denied).flatMap((d) => d.reason.split('; ').map((r) => r.split(':')[0]!)),
        position,
      });
    }

    // Independent expectation from the books: the first day whose close-to-close equity loss exceeds the limit.
    const trip = perBar.findIndex((b, t) => t > 0 && perBar[t - 1]!.equity.sub(b.equity).gt(LIMIT));
    expect(trip).toBeGreaterThan(50);
    if (process.env.SCENARIO_LOG) console.log({ trip, date: new Date(bars[trip]!.ts).toISOString(), loss: perBar[trip - 1]!.equity.sub(perBar[trip]!.equity).toString(), positionAtTrip: perBar[trip]!.position.toString(), final: perBar.at(-1)!.position.toString(), bars: perBar.length });
    for (let t = 0; t < perBar.length; t++) {
      const b = perBar[t]!;
      if (t < trip) {
        expect(b.state, `bar ${t}`).toBe('ACTIVE');
        expect(b.approvedBuy, `bar ${t}`).toBe(true);
        expect(b.deniedCodes, `bar ${t}`).toEqual([]);
      } else {
        expect(b.state, `bar ${t}`).toBe('REDUCING');
        expect(b.approvedBuy, `bar ${t}`).toBe(false);
        expect(b.deniedCodes, `bar ${t}`).toContain('TRADING_REDUCING');
        // Reducing orders still pass: the strategy sells 10 whenever it holds at least 10.
        expect(b.approvedSell, `bar ${t}`).toBe(b.position.gte(10));
      }
    }
    // On the trip bar the daily loss gate denies as well, with the loss as the actual value.
    expect(perBar[trip]!.deniedCodes).toEqual(['TRADING_REDUCING', 'DAILY_LOSS']);
    // No exposure added after the trip: the position only falls from the bar after it.
    for (let t = trip + 2; t < perBar.length; t++) expect(perBar[t]!.position.lte(perBar[t - 1]!.position), `bar ${t}`).toBe(true);
    expect(perBar.at(-1)!.position.lt(perBar[trip + 1]!.position)).toBe(true);
    // The trip was alerted once and audited.
    const breakerLines = engine.audit.lines().filter((l) => l.includes('"kind":"breaker"'));
    expect(breakerLines).toHaveLength(1);
    expect(JSON.parse(breakerLines[0]!).data).toMatchObject({ type: 'BreakerTripped', breaker: 'loss', ts: bars[trip]!.ts });
  });
});

import { filter, map, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineInstrument, Sma, type OrderCommand, type OrderDenied, type Pipeline, type SubmitOrder, type SubmitOrderList } from '@rxtrade/core';
import { readBarsCsv } from '@rxtrade/connectors';
import { runBacktest } from '@rxtrade/backtest';
import { RiskEngine, riskGate } from '@rxtrade/risk';
import type { Signal } from './signal';
import { sizeSignals } from './size-signals';
import { fixedFraction } from './sizing';

const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const { bars } = readBarsCsv(new URL('../../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url).pathname, { instrumentId: goog.id });
const config = { data: bars, instruments: [goog], ledger: { startingCash: 100_000 } };

/** Long above the 20-day average, short below; half the equity either way; optionally through a risk gate. */
const trend =
  (commands: OrderCommand[], sized: { equity: number; price: number; position: number; target: number }[], maxOrderQuantity?: number, denied?: OrderDenied[]): Pipeline =>
  (ctx) => {
    const sma = new Sma(20);
    let last = 0;
    const engine = new RiskEngine({ clock: ctx.clock, instruments: [goog], limits: maxOrderQuantity === undefined ? {} : { maxOrderQuantity } });
    const orders = ctx.market.bars(goog.id).pipe(
      tap((bar) => (last = bar.close)),
      map((bar): Signal | undefined => {
        const avg = sma.update(bar.close);
        return avg === undefined ? undefined : { instrumentId: goog.id, ts: bar.ts, direction: bar.close > avg ? 'long' : 'short', confidence: 0.5, model: 'trend', version: 'v1' };
      }),
      filter((s): s is Signal => s !== undefined),
      tap((s) => {
        const equity = ctx.ledger.equity().toNumber();
        sized.push({ equity, price: last, position: ctx.ledger.positionQuantity(goog.id).toNumber(), target: ((s.direction === 'long' ? 1 : -1) * 0.5 * equity) / last });
      }),
      sizeSignals({ ctx, sizing: fixedFraction(0.5), price: () => last }),
      tap((c) => commands.push(c)),
    );
    return maxOrderQuantity === undefined ? orders : orders.pipe(riskGate(engine, ctx, { onDenied: (d) => denied?.push(d) }));
  };

describe('sizeSignals', () => {
  it('orders the difference between the sized target and the position, rounded down to the lot', async () => {
    const commands: OrderCommand[] = [];
    const sized: { equity: number; price: number; position: number; target: number }[] = [];
    const result = await runBacktest(trend(commands, sized), config);
    expect(commands.length).toBeGreaterThan(20);
    const submits = commands as SubmitOrder[];
    // Each order moves the position held when its signal came to the target: half the equity at the last close, whole shares.
    let k = 0;
    for (const s of sized) {
      const delta = s.target - s.position;
      const quantity = Math.floor(Math.abs(delta));
      if (quantity === 0) continue;
      const c = submits[k++]!;
      expect(c.type).toBe('SubmitOrder');
      expect(c.side).toBe(delta > 0 ? 'BUY' : 'SELL');
      expect(c.quantity.toNumber()).toBe(quantity);
    }
    expect(k).toBe(commands.length);
    // An order sent on the last bar has no next bar to fill on.
    expect(commands.length - result.summary.fills).toBeLessThanOrEqual(1);
  });

  it('sends its orders through the risk gate: reversals above the limit are denied', async () => {
    const commands: OrderCommand[] = [];
    const denied: OrderDenied[] = [];
    const result = await runBacktest(trend(commands, [], 300, denied), config);
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every((d) => d.reason.includes('MAX_ORDER_QUANTITY'))).toBe(true);
    expect(commands.length - denied.length - result.summary.fills).toBeLessThanOrEqual(1);
    expect(result.summary.fills).toBeGreaterThan(100);
  });

  it('opens with a bracket when the signal has a target and a stop, and cancels its exits before reversing', async () => {
    const commands: OrderCommand[] = [];
    let last = 0;
    const pipeline: Pipeline = (ctx) =>
      ctx.market.bars(goog.id).pipe(
        tap((bar) => (last = bar.close)),
        map((bar, i): Signal => (i < 5 ? { instrumentId: goog.id, ts: bar.ts, direction: 'long', confidence: 1, target: bar.close * 1.5, stop: bar.close * 0.5, model: 'm', version: 'v1' } : { instrumentId: goog.id, ts: bar.ts, direction: 'short', confidence: 1, model: 'm', version: 'v1' })),
        sizeSignals({ ctx, sizing: fixedFraction(0.1), price: () => last }),
        tap((c) => commands.push(c)),
      );
    await runBacktest(pipeline, { ...config, data: bars.slice(0, 8) });
    const list = commands[0] as SubmitOrderList;
    expect(list.type).toBe('SubmitOrderList');
    expect(list.orders.map((o) => [o.orderType, o.side, o.quantity.toNumber()])).toEqual([
      ['MARKET', 'BUY', Math.floor(10_000 / bars[0]!.close)],
      ['LIMIT', 'SELL', Math.floor(10_000 / bars[0]!.close)],
      ['STOP_MARKET', 'SELL', Math.floor(10_000 / bars[0]!.close)],
    ]);
    // Bars 2..5 hold the target (nothing new); bar 6 reverses: cancel both exits, then sell.
    const reversal = commands.slice(1);
    expect(reversal.slice(0, 2).map((c) => c.type)).toEqual(['CancelOrder', 'CancelOrder']);
    expect((reversal[2] as SubmitOrder).side).toBe('SELL');
  });

  it('refuses a configuration without a context, naming it', () => {
    expect(() => sizeSignals({ ctx: {} as never, sizing: fixedFraction(0.1), price: () => 1 })).toThrow(/sizeSignals\.ctx: must be the pipeline context/);
    expect(() => sizeSignals({ ctx: {} as never, sizing: fixedFraction(0.1), price: () => 1, minConfidnce: 1 } as never)).toThrow(/minConfidnce: unknown option/);
  });
});

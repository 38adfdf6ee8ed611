import { map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineInstrument, type Bar, type Pipeline } from '@rxtrade/core';
import { RiskEngine, riskGate, type RiskDenied } from '@rxtrade/risk';
import { runBacktest } from './run-backtest';

const inst = defineInstrument({ symbol: 'A', venue: 'SIM', assetClass: 'stock', base: 'A', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const T0 = Date.UTC(2024, 0, 1);
const bars: Bar[] = Array.from({ length: 20 }, (_, i) => ({ type: 'Bar', instrumentId: inst.id, ts: T0 + i * 60_000, open: 100, high: 101, low: 99, close: 100, volume: 1000 }));

describe('riskGate on a run that does not keep closed orders', () => {
  it('does not count a filled and forgotten order as still pending (no DUPLICATE_ORDER against it)', async () => {
    const denials: string[] = [];
    // The same market buy on every bar: each fills on the next bar, so none is open when the next is sent.
    const pipeline: Pipeline = (ctx) => {
      const engine = new RiskEngine({ clock: ctx.clock, instruments: [inst], limits: { maxOrderQuantity: 10, maxPosition: 1_000 } });
      engine.events.on('orderDenied', (d: RiskDenied | { reason: string }) => void denials.push(String((d as { reason: string }).reason)));
      return ctx.market.bars().pipe(
        map(() => ctx.orderFactory.market({ instrumentId: inst.id, side: 'BUY', quantity: 1 })),
        riskGate(engine, ctx),
      );
    };
    for (const keepHistory of [true, false]) {
      denials.length = 0;
      const result = await runBacktest(pipeline, { instruments: [inst], ledger: { startingCash: 100_000 }, data: bars, keepHistory });
      expect(denials, `keepHistory ${keepHistory}`).toEqual([]);
      expect(result.summary.fills).toBe(19);
    }
  });
});

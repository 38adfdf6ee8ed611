import { filter, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineInstrument, ValidationError, WorkTracker, type Bar, type Pipeline } from '@rxtrade/core';
import { runBacktest } from '@rxtrade/backtest';
import { applyModel, type Predictor } from './apply-model';

const inst = defineInstrument({ symbol: 'M', venue: 'SIM', assetClass: 'stock', base: 'M', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const data: Bar[] = Array.from({ length: 30 }, (_, i) => ({
  type: 'Bar' as const,
  instrumentId: inst.id,
  ts: i * 60_000,
  open: 100 + Math.sin(i),
  high: 102 + Math.sin(i),
  low: 98 + Math.sin(i),
  close: 100 + Math.sin(i + 0.5),
  volume: 10,
}));

/** Predicts "up" when the close rose; answers after a random real delay, like remote inference. */
const jittery: Predictor<Bar, number> = {
  predict: (bar) => new Promise((resolve) => setTimeout(() => resolve(bar.close > bar.open ? 1 : -1), Math.random() * 4)),
};
const immediate: Predictor<Bar, number> = { predict: (bar) => (bar.close > bar.open ? 1 : -1) };

const pipeline =
  (model: Predictor<Bar, number>): Pipeline =>
  (ctx) =>
    ctx.market.bars().pipe(
      applyModel(model, { work: ctx.work }),
      filter((signal) => signal !== Math.sign(ctx.ledger.positionQuantity(inst.id).toNumber())),
      map((signal) => ctx.orderFactory.market({ instrumentId: inst.id, side: signal > 0 ? 'BUY' : 'SELL', quantity: ctx.ledger.positionQuantity(inst.id).isZero() ? 1 : 2 })),
    );

describe('applyModel', () => {
  it('makes a backtest with an asynchronous model identical to one with a synchronous model, run after run', async () => {
    const config = { data, instruments: [inst], ledger: { startingCash: 10_000 } };
    const reference = await runBacktest(pipeline(immediate), config);
    expect(reference.fills.length).toBeGreaterThan(4);
    for (let run = 0; run < 3; run++) {
      const result = await runBacktest(pipeline(jittery), config);
      expect(result.fills.map((f) => `${f.ts} ${f.side} ${f.quantity} @ ${f.price}`)).toEqual(
        reference.fills.map((f) => `${f.ts} ${f.side} ${f.quantity} @ ${f.price}`),
      );
      expect(result.summary.finalEquity.toString()).toBe(reference.summary.finalEquity.toString());
    }
  });

  it('refuses a misspelled option, naming it', () => {
    const work = new WorkTracker();
    expect(() => applyModel(immediate, { work, timout: 5 } as never)).toThrow(ValidationError);
    expect(() => applyModel(immediate, { wrk: work } as never)).toThrow(/options\.wrk: unknown option; did you mean "work"\?/);
  });
});

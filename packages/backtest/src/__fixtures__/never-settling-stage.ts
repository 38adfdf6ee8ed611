/**
 * A script whose only pending work is a stage Promise that holds nothing open: without a timer that
 * keeps the process alive, Node would exit before the run settles. Prints how the run ended.
 */
import { defineInstrument, mapAsync, type Pipeline } from '@rxtrade/core';
import { map } from 'rxjs';
import { runBacktest } from '../index';

const inst = defineInstrument({ symbol: 'AAA', venue: 'SIM', assetClass: 'stock', base: 'AAA', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const data = [0, 1, 2, 3].map((i) => ({ type: 'Bar' as const, instrumentId: inst.id, ts: 1_700_000_000_000 + i * 60_000, open: 10, high: 10, low: 10, close: 10, volume: 1 }));
const hang: Pipeline = (ctx) =>
  ctx.market.bars().pipe(
    mapAsync((b, i) => (i === 2 ? new Promise<never>(() => {}) : b), { work: ctx.work }),
    map(() => ctx.orderFactory.market({ instrumentId: inst.id, side: 'BUY', quantity: 1 })),
  );
try {
  await runBacktest(hang, { data, instruments: [inst], ledger: { startingCash: 1000 }, stageTimeoutMs: 200 });
  console.log('resolved');
} catch (e) {
  console.log(`rejected: ${(e as Error).name}`);
}

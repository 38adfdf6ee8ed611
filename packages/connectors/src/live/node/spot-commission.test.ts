/**
 * A spot fill whose commission the venue charged in the base currency (Binance: BTC on a BTC/USDT buy)
 * is booked as the venue books it; one charged in a third currency (BNB) fails the node before it is
 * journaled, naming the currency.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Subject, map } from 'rxjs';
import { BacktestClock, Decimal, defineInstrument, instrumentRegistry, type Bar, type ExecutionClient, type OrderCommand, type OrderEvent, type PipelineContext } from '@rxtrade/core';
import { FileJournal, SimulatedVenue } from '@rxtrade/execution';
import { ManualDataClient, T0 } from './__fixtures__/harness';
import { removeTempDirs, tempDir } from './__fixtures__/node-kit';
import { LiveNode } from './live-node';
import { RISK_WAIVER } from './live-node-config';

afterAll(removeTempDirs);

const btc = defineInstrument({ symbol: 'BTCUSDT', venue: 'SIM', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.00001' });

const bar = (ts: number, price: number): Bar => ({ type: 'Bar', instrumentId: btc.id, ts, open: price, high: price, low: price, close: price, volume: 100 });

/** A node on a SimulatedVenue whose fills come back with the commission a spot exchange would charge in `currency`. */
async function buyWithCommission(commission: string, currency: string): Promise<{ node: LiveNode; dir: string; states: string[] }> {
  const clock = new BacktestClock(T0);
  const sim = new SimulatedVenue({ clock, instruments: instrumentRegistry([btc]) });
  const events = sim.events.pipe(map((e): OrderEvent => (e.type === 'OrderFilled' ? { ...e, commission: new Decimal(commission), commissionCurrency: currency } : e)));
  const venue = new Proxy(sim, {
    get: (target, prop) => {
      if (prop === 'events') return events;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as ExecutionClient;
  const data = new ManualDataClient();
  const commands = new Subject<(ctx: PipelineContext) => OrderCommand>();
  const dir = tempDir();
  const node = new LiveNode({
    nodeId: 'spot',
    venues: [venue],
    dataClients: [data],
    subscriptions: [{ instrumentId: btc.id, kind: 'bars' }],
    instruments: [btc],
    ledger: { startingCash: 100_000 },
    risk: { waive: RISK_WAIVER },
    journal: { dir, fsync: 'never' },
    signals: false,
    clock,
  });
  const states: string[] = [];
  node.events.on('state', (s) => states.push(`${s.to}: ${s.reason}`));
  await node.start((ctx) => commands.pipe(map((make) => make(ctx))));
  data.push(bar(T0, 30_000));
  await node.idle();
  commands.next((ctx) => ctx.orderFactory.market({ instrumentId: btc.id, side: 'BUY', quantity: '0.01' }));
  await node.idle();
  data.push(bar(T0 + 60_000, 30_000.5)); // the market order fills at this bar's open
  await node.idle();
  return { node, dir, states };
}

describe('a spot commission in the base currency', () => {
  it('takes it from the position and books it as a fee in the quote currency at the fill price', async () => {
    const { node } = await buyWithCommission('0.00001', 'BTC');
    // 0.01 bought at 30000.50 for 300.005 USDT; the venue kept 0.00001 BTC, worth 0.300005 USDT.
    const p = node.ledger.position(btc.id)!;
    expect([str(p.quantity), str(p.avgPrice), str(node.ledger.cash()), str(node.ledger.totalFees())]).toEqual(['0.00999', '30000.5', '99699.995', '0.300005']);
    expect(node.state).toBe('RUNNING');
    await node.stop();
  });

  it('fails the node on a commission in a third currency, naming it, before the fill is journaled', async () => {
    const { node, dir, states } = await buyWithCommission('0.0004', 'BNB');
    expect(node.state).toBe('ERROR');
    expect(states.at(-1)).toMatch(/^ERROR: fill\.commissionCurrency: is "BNB" but the ledger holds USDT only: a commission is booked in USDT or in BTC, the base currency of BTCUSDT\.SIM/);
    expect(node.ledger.positionQuantity(btc.id).isZero()).toBe(true);
    fs.rmSync(path.join(dir, 'journal.lock'), { force: true });
    const journal = await FileJournal.open({ dir, readOnly: true });
    const fills: unknown[] = [];
    for await (const r of journal.replay()) if (r.kind === 'orderEvent' && r.payload.type === 'OrderFilled') fills.push(r.payload);
    await journal.close();
    expect(fills).toEqual([]);
  });
});

function str(d: Decimal): string {
  return d.toString();
}

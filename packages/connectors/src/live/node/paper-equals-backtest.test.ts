/**
 * Paper trading on a recorded feed through the whole live node (journal, reconciliation, risk gate)
 * gives the same orders and fills as the backtest: the SMA crossover of examples/sma-crossover on GOOG
 * (golden: 31 fills, final equity 176251.036 in runBacktest).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { BacktestClock, LiveClock, ReplayDataClient, type OrderFilled } from '@rxtrade/core';
import { FileJournal, PercentFeeModel, SimulatedVenue } from '@rxtrade/execution';
import { RiskEngine } from '@rxtrade/risk';
import { runBacktest } from '@rxtrade/backtest';
import { instrumentRegistry } from '@rxtrade/core';
import { smaCrossover } from '../../../../../examples/sma-crossover/src/strategy';
import { goog, googBars, removeTempDirs, tempDir } from './__fixtures__/node-kit';
import { RISK_WAIVER } from './live-node-config';
import { runLive } from './live-node';

afterAll(removeTempDirs);

const pipeline = smaCrossover({ instrumentId: goog.id, fast: 10, slow: 30, size: 100 });
const fillKey = (f: { side: string; quantity: { toString(): string }; price: { toString(): string }; commission: { toString(): string } }): string =>
  `${f.side} ${f.quantity.toString()} @ ${f.price.toString()} fee ${f.commission.toString()}`;

async function paper(clock: BacktestClock | LiveClock, risk: 'engine' | 'waiver') {
  const instruments = instrumentRegistry([goog]);
  const venue = new SimulatedVenue({ clock, instruments, feeModel: new PercentFeeModel(0.002) });
  const fills: OrderFilled[] = [];
  venue.events.subscribe((e) => {
    if (e.type === 'OrderFilled') fills.push(e);
  });
  const dir = tempDir();
  const node = await runLive(pipeline, {
    nodeId: 'paper-goog',
    venues: [venue],
    dataClients: [new ReplayDataClient({ data: googBars })],
    subscriptions: [{ instrumentId: goog.id, kind: 'bars' }],
    instruments: [goog],
    ledger: { startingCash: 100_000 },
    risk: risk === 'engine' ? new RiskEngine({ clock, instruments: [goog], limits: { maxOrderQuantity: 1_000 } }) : { waive: RISK_WAIVER },
    journal: { dir, fsync: 'never' },
    strategyId: 'golden',
    signals: false,
    clock,
  });
  await node.drained();
  const snapshot = node.snapshot();
  const submitted = node.sent.filter((c) => c.type === 'SubmitOrder');
  await node.stop();
  return { node, fills, snapshot, submitted, dir };
}

describe('paper trading on a recorded feed equals the backtest', () => {
  it('gives the golden fills one by one (price, quantity, side, commission), on a virtual clock driven by the feed', async () => {
    const backtest = await runBacktest(pipeline, { instruments: [goog], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 }, strategyId: 'golden', data: googBars });
    expect(backtest.summary.fills).toBe(31);
    expect(backtest.summary.finalEquity.toString()).toBe('176251.036');
    const run = await paper(new BacktestClock(googBars[0]!.ts), 'engine');
    expect(run.fills).toHaveLength(31);
    expect(run.fills.map(fillKey)).toEqual(backtest.fills.map(fillKey));
    // On a virtual clock the times agree too.
    expect(run.fills.map((f) => f.ts)).toEqual(backtest.fills.map((f) => f.ts));
    expect(run.submitted.map((o) => `${o.side} ${o.quantity.toString()} ${o.orderType} ${o.ts}`)).toEqual(
      backtest.orders.map((o) => `${o.side} ${o.quantity.toString()} ${o.orderType} ${o.tsCreated}`),
    );
    expect(run.snapshot.equity).toBe('176251.036');
    expect(run.node.state).toBe('STOPPED');
    // Everything was journaled: one command per order, and each venue event.
    const journal = await FileJournal.open({ dir: run.dir, readOnly: true });
    const kinds = { command: 0, fills: 0 };
    for await (const r of journal.replay()) {
      if (r.kind === 'command') kinds.command++;
      if (r.kind === 'orderEvent' && r.payload.type === 'OrderFilled') kinds.fills++;
    }
    await journal.close();
    expect(kinds).toEqual({ command: 31, fills: 31 });
  });

  it('gives the same fills on the wall clock (LiveClock) and with the risk waiver', async () => {
    const backtest = await runBacktest(pipeline, { instruments: [goog], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 }, strategyId: 'golden', data: googBars });
    const run = await paper(new LiveClock(), 'waiver');
    expect(run.fills.map(fillKey)).toEqual(backtest.fills.map(fillKey));
    expect(run.snapshot.equity).toBe('176251.036');
  });
});

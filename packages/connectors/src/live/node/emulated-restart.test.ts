/**
 * Orders the order manager emulates (stops held locally, trailing stops, a bracket's stop-loss) across a
 * crash of the node: a release sent before the crash is journaled before it was sent and rebuilt as
 * sent, a trailing stop's trigger is where it was, and an order not yet triggered triggers on the next
 * market data after the restart, once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClientOrderId, VenueCapabilities } from '@rxtrade/core';
import { FileJournal } from '@rxtrade/execution';
import { World, bar } from './__fixtures__/harness';
import { goog, removeTempDirs } from './__fixtures__/node-kit';

afterAll(removeTempDirs);

/** A venue with market and limit orders only: stops and trailing stops are emulated by the order manager. */
const NO_STOPS: VenueCapabilities = {
  orderTypes: ['MARKET', 'LIMIT'],
  timeInForce: ['GTC', 'IOC'],
  reduceOnly: true,
  postOnly: true,
  modify: true,
  emulation: { orderTypes: ['STOP_MARKET', 'TRAILING_STOP_MARKET'], timeInForce: ['GTD', 'DAY'], contingencies: ['OTO', 'OCO', 'OUO'] },
};

interface Ids {
  stopA: string;
  stopB: string;
  trailing: string;
  entry: string;
  takeProfit: string;
  stopLoss: string;
}

/** Node A trades until a stop was released and a bracket half released, then its process dies. */
async function crashed(snapshotEvery: number): Promise<{ world: World; ids: Ids }> {
  const world = new World({ capabilities: NO_STOPS });
  const a = world.node({ journal: { dir: world.dir, fsync: 'never', snapshotEvery } });
  await a.start(world.pipeline());
  const ids = {} as Ids;
  world.data.push(bar(0, 100, 101, 99, 100));
  world.commands.next((ctx) => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 30 }));
  world.commands.next((ctx) => {
    const o = ctx.orderFactory.stopMarket({ instrumentId: goog.id, side: 'SELL', quantity: 5, triggerPrice: 97 });
    ids.stopA = o.clientOrderId;
    return o;
  });
  world.commands.next((ctx) => {
    const o = ctx.orderFactory.stopMarket({ instrumentId: goog.id, side: 'SELL', quantity: 5, triggerPrice: 90 });
    ids.stopB = o.clientOrderId;
    return o;
  });
  world.commands.next((ctx) => {
    const o = ctx.orderFactory.trailingStopMarket({ instrumentId: goog.id, side: 'SELL', quantity: 5, trailingOffset: 15 });
    ids.trailing = o.clientOrderId;
    return o;
  });
  world.commands.next((ctx) => {
    const list = ctx.orderFactory.bracket({ instrumentId: goog.id, side: 'BUY', quantity: 5, takeProfit: 130, stopLoss: 93 });
    [ids.entry, ids.takeProfit, ids.stopLoss] = list.orders.map((o) => o.clientOrderId as string) as [string, string, string];
    return list;
  });
  await a.idle();
  // Bar 1: the buys fill, the bracket's take-profit goes to the venue, its stop-loss is held; the trailing stop starts at 104 - 15.
  world.data.push(bar(1, 100, 104, 98, 103));
  await a.idle();
  // Bar 2: the trailing stop's extreme rises to 110, its trigger to 95.
  world.data.push(bar(2, 103, 110, 101, 108));
  await a.idle();
  // Bar 3: the low of 96 reaches stop A (97) only: it is released as a MARKET sell.
  world.data.push(bar(3, 108, 109, 96, 100));
  await a.idle();
  const om = a.kernel.orderManager;
  expect(om.order(ids.stopA as ClientOrderId)?.status).toBe('ACCEPTED');
  expect(om.order(ids.entry as ClientOrderId)?.status).toBe('FILLED');
  expect(om.order(ids.takeProfit as ClientOrderId)?.status).toBe('ACCEPTED');
  expect(om.order(ids.stopLoss as ClientOrderId)?.held).toBe('EMULATED');
  expect(om.emulationState(ids.trailing as ClientOrderId)).toEqual({ trigger: 95, extreme: 110 });
  expect(world.submits.slice(-1)).toEqual([ids.stopA]);
  a.kernel.stop(); // the crash: no stop(), no NodeStopped, the lock left behind
  world.reconnectProcess();
  fs.rmSync(path.join(world.dir, 'journal.lock'));
  return { world, ids };
}

describe('emulated orders across a crash', () => {
  for (const snapshotEvery of [10_000, 4]) {
    it(`rebuilds a released stop as sent, a trailing stop's trigger and a half-released bracket${snapshotEvery < 100 ? ', from a snapshot' : ''}`, async () => {
      const { world, ids } = await crashed(snapshotEvery);
      const sentBefore = world.submits.slice();
      const b = world.node({ journal: { dir: world.dir, fsync: 'never', snapshotEvery } });
      const reconciliations: string[][] = [];
      b.events.on('reconciliation', (r) => reconciliations.push([...r.differences]));
      await b.start(world.pipeline()); // strict: positions and cash equal the venue's
      const om = b.kernel.orderManager;
      // The released stop is the venue's order, working; nothing differed, nothing was sent again.
      expect(om.order(ids.stopA as ClientOrderId)).toMatchObject({ status: 'ACCEPTED', held: undefined });
      expect(reconciliations).toEqual([[]]);
      expect(world.submits).toEqual(sentBefore);
      // Still held: stop B, the trailing stop at the trigger it had reached, the bracket's stop-loss.
      expect(om.order(ids.stopB as ClientOrderId)?.held).toBe('EMULATED');
      expect(om.emulationState(ids.trailing as ClientOrderId)).toEqual({ trigger: 95, extreme: 110 });
      expect(om.emulationState(ids.stopLoss as ClientOrderId)).toEqual({ trigger: 93, extreme: NaN });
      expect(om.order(ids.takeProfit as ClientOrderId)?.status).toBe('ACCEPTED');
      // The next bar fills stop A at the venue, and its low of 89 triggers stop B, the trailing stop and the stop-loss.
      world.data.push(bar(4, 100, 101, 89, 90));
      await b.idle();
      expect(om.order(ids.stopA as ClientOrderId)?.status).toBe('FILLED');
      expect(world.submits.slice(sentBefore.length).sort()).toEqual([ids.stopB, ids.trailing, ids.stopLoss].sort());
      world.data.push(bar(5, 90, 91, 88, 89));
      await b.idle();
      for (const id of [ids.stopB, ids.trailing, ids.stopLoss]) expect(om.order(id as ClientOrderId)?.status).toBe('FILLED');
      // The stop-loss filled: its one-updates-other take-profit was cancelled.
      expect(om.order(ids.takeProfit as ClientOrderId)?.status).toBe('CANCELED');
      expect(b.ledger.positionQuantity(goog.id).toString()).toBe('15');
      expect((await world.venue.positions()).map((p) => p.quantity.toString())).toEqual(['15']);
      expect(new Set(world.submits).size).toBe(world.submits.length);
      await b.stop();
      // Each release is a command in the journal, after its emulated order's submit and before the venue's answer.
      const journal = await FileJournal.open({ dir: world.dir, readOnly: true });
      const trail: string[] = [];
      for await (const r of journal.replay()) {
        if (r.kind === 'command' && r.payload.type === 'SubmitOrder' && r.payload.clientOrderId === ids.stopB) trail.push(`command ${r.payload.orderType}`);
        if (r.kind === 'orderEvent' && r.payload.clientOrderId === ids.stopB) trail.push(r.payload.type);
      }
      await journal.close();
      expect(trail).toEqual(['command STOP_MARKET', 'command MARKET', 'OrderAccepted', 'OrderFilled']);
    });
  }
});

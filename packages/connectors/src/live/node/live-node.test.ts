/**
 * The live node on a virtual clock: its lifecycle table, its config, and what it does when a venue
 * misbehaves (a dropped acknowledgement, a crash of the node, a disconnect).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Decimal, ValidationError, type ClientOrderId, type SubmitOrder } from '@rxtrade/core';
import { FileJournal } from '@rxtrade/execution';
import { RiskEngine } from '@rxtrade/risk';
import { NodeState, type NodeEvents } from '../live-node-view';
import { World, bar, DAY, T0 } from './__fixtures__/harness';
import { goog, removeTempDirs, until } from './__fixtures__/node-kit';
import { ReconciliationMismatchError, type LiveNode } from './live-node';
import { RISK_WAIVER } from './live-node-config';
import { IllegalNodeTransitionError, NODE_TRANSITIONS, canTransition } from './node-lifecycle';

afterAll(removeTempDirs);

const ALL = Object.values(NodeState);

function record<K extends keyof NodeEvents>(node: LiveNode, name: K): Parameters<NodeEvents[K]>[0][] {
  const out: Parameters<NodeEvents[K]>[0][] = [];
  node.events.on(name, ((e: Parameters<NodeEvents[K]>[0]) => out.push(e)) as never);
  return out;
}

describe('lifecycle', () => {
  it('allows exactly the transitions of the table', () => {
    const legal = ALL.flatMap((from) => ALL.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`));
    expect(legal.sort()).toEqual(
      [
        'IDLE->STARTING', 'IDLE->STOPPING', 'IDLE->ERROR',
        'STARTING->RUNNING', 'STARTING->DEGRADED', 'STARTING->STOPPING', 'STARTING->ERROR',
        'RUNNING->PAUSED', 'RUNNING->DEGRADED', 'RUNNING->STOPPING', 'RUNNING->ERROR',
        'PAUSED->RUNNING', 'PAUSED->DEGRADED', 'PAUSED->STOPPING', 'PAUSED->ERROR',
        'DEGRADED->RUNNING', 'DEGRADED->PAUSED', 'DEGRADED->STOPPING', 'DEGRADED->ERROR',
        'STOPPING->STOPPED', 'STOPPING->ERROR',
      ].sort(),
    );
    expect(NODE_TRANSITIONS.STOPPED).toEqual([]);
    expect(NODE_TRANSITIONS.ERROR).toEqual([]);
  });

  it('walks IDLE -> STARTING -> RUNNING -> PAUSED -> RUNNING -> STOPPING -> STOPPED, one state event each', async () => {
    const world = new World();
    const node = world.node();
    const states = record(node, 'state');
    expect(node.state).toBe('IDLE');
    expect(() => node.pause()).toThrow(IllegalNodeTransitionError);
    expect(() => node.resume()).toThrow(/resume\(\) is not allowed in state IDLE/);
    await node.start(world.pipeline());
    expect(node.state).toBe('RUNNING');
    await expect(node.start(world.pipeline())).rejects.toThrow(/start\(\) is not allowed in state RUNNING \(RUNNING -> STARTING is not a transition/);
    expect(() => node.resume()).toThrow(IllegalNodeTransitionError);
    node.pause();
    expect(() => node.pause()).not.toThrow(); // already PAUSED: no transition, no event
    node.resume();
    await node.stop();
    await node.stop(); // idempotent
    expect(() => node.pause()).toThrow(/pause\(\) is not allowed in state STOPPED \(.*it is final\)/);
    expect(states.map((s) => `${s.from}->${s.to}`)).toEqual([
      'IDLE->STARTING',
      'STARTING->RUNNING',
      'RUNNING->PAUSED',
      'PAUSED->RUNNING',
      'RUNNING->STOPPING',
      'STOPPING->STOPPED',
    ]);
    expect(states.every((s) => typeof s.reason === 'string' && s.ts === world.clock.now())).toBe(true);
  });

  it('a stop before start goes IDLE -> STOPPING -> STOPPED; a failing start ends in ERROR', async () => {
    const world = new World();
    const node = world.node();
    const states = record(node, 'state');
    await node.stop();
    expect(states.map((s) => s.to)).toEqual(['STOPPING', 'STOPPED']);
    const locked = new World();
    const first = locked.node();
    await first.start(locked.pipeline());
    const second = new World().node({ journal: { dir: locked.dir } });
    await expect(second.start(locked.pipeline())).rejects.toThrow(/locked/);
    expect(second.state).toBe('ERROR');
    await first.stop();
  });

  it('while PAUSED no command reaches the venue and market data still marks the ledger', async () => {
    const world = new World();
    const node = world.node();
    const rejected = record(node, 'rejected');
    await node.start(world.pipeline());
    world.data.push(bar(0, 100, 101, 99, 100));
    await node.idle();
    node.pause();
    world.commands.next((ctx) => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 }));
    world.data.push(bar(1, 100, 111, 99, 110));
    await node.idle();
    expect(world.submits).toEqual([]);
    expect(rejected.map((r) => [r.by, r.reason])).toEqual([['risk', 'node paused: no new command reaches a venue']]);
    expect(node.ledger.lastPrice(goog.id)).toBe(110);
    node.resume();
    world.commands.next((ctx) => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 }));
    await node.idle();
    expect(world.submits).toHaveLength(1);
    await node.stop();
  });
});

describe('config', () => {
  it('refuses a config without a risk engine, naming the field and the waiver', () => {
    const world = new World();
    const { risk: _risk, ...rest } = world.config();
    expect(() => world.node({ ...rest, risk: undefined as never })).toThrow(ValidationError);
    expect(() => world.node({ ...rest, risk: undefined as never })).toThrow(/risk.*RiskEngine.*I understand that no risk checks run/);
  });

  it('accepts the exact waiver and a RiskEngine, and refuses a waiver with other words', () => {
    const world = new World();
    expect(world.node({ risk: { waive: RISK_WAIVER } }).state).toBe('IDLE');
    expect(world.node({ risk: new RiskEngine({ clock: world.clock, instruments: [goog] }) }).state).toBe('IDLE');
    expect(() => world.node({ risk: { waive: 'yes' as never } })).toThrow(/risk/);
  });

  it('names an unknown key, and a subscription to an unknown instrument', () => {
    const world = new World();
    expect(() => world.node({ fsync: 'always' } as never)).toThrow(/fsync/);
    expect(() => world.node({ journal: { dir: world.dir, mode: 'x' } as never })).toThrow(/journal.*mode|mode/);
    expect(() => world.node({ subscriptions: [{ instrumentId: 'MSFT.NASDAQ', kind: 'bars' }] })).toThrow(/subscriptions\[0\]\.instrumentId: unknown instrument MSFT\.NASDAQ/);
    expect(() => world.node({ onStop: 'flatten' as never })).toThrow(/onStop/);
  });

  it('applies the live defaults: submit timeout 10 s, fsync always, strict reconciliation, cancel on stop, signals on', async () => {
    const { LiveNodeConfigSchema } = await import('./live-node-config');
    const world = new World();
    const { journal: _j, orders: _o, reconciliation: _r, onStop: _s, signals: _g, ...rest } = world.config();
    const c = LiveNodeConfigSchema.parse({ ...rest, journal: { dir: world.dir } });
    expect([c.orders.submitTimeoutMs, c.journal.fsync, c.reconciliation, c.onStop, c.signals]).toEqual([10_000, 'always', 'strict', 'cancel', true]);
  });
});

describe('a dropped acknowledgement', () => {
  it('keeps the order in flight, asks the venue by client order id after submitTimeoutMs, and never sends it twice', async () => {
    const world = new World();
    const node = world.node({ orders: { submitTimeoutMs: 10_000 } });
    const queried: string[] = [];
    const query = world.venue.queryOrder.bind(world.venue);
    world.venue.queryOrder = (id) => {
      queried.push(id);
      return query(id);
    };
    await node.start(world.pipeline());
    world.data.push(bar(0, 100, 101, 99, 100));
    await node.idle();
    world.venue.faults.dropAcks = true;
    let id = '' as ClientOrderId;
    world.commands.next((ctx) => {
      const order = ctx.orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 10, price: 90 });
      id = order.clientOrderId;
      return order;
    });
    await node.idle();
    expect(world.venue.lost.map((e) => e.type)).toEqual(['OrderAccepted']);
    const inFlight = node.snapshot().openOrders;
    expect(inFlight.map((o) => [o.clientOrderId, o.status, o.inFlight])).toEqual([[id, 'SUBMITTED', true]]);
    world.clock.advanceTo(world.clock.now() + 9_999);
    await node.idle();
    expect(queried).toEqual([]);
    world.clock.advanceTo(world.clock.now() + 1);
    await until(() => node.kernel.orderManager.order(id)?.status === 'ACCEPTED', 2_000, 'the reconciled acceptance');
    await node.idle();
    expect(queried).toEqual([id]);
    expect(world.submits).toEqual([id]);
    expect(node.snapshot().openOrders.map((o) => [o.status, o.inFlight])).toEqual([['ACCEPTED', false]]);
    await node.stop();
    // The acceptance the order manager derived from the query was journaled.
    const journal = await FileJournal.open({ dir: world.dir, readOnly: true });
    const types: string[] = [];
    for await (const r of journal.replay()) if (r.kind === 'orderEvent') types.push(r.payload.type);
    await journal.close();
    expect(types).toEqual(['OrderAccepted', 'OrderCanceled']);
  });
});

describe('restart after a crash', () => {
  /** Node A trades, then its process dies: no stop(), no NodeStopped, its venue connection gone, its lock stale. */
  async function crashedWorld(): Promise<{ world: World; entryId: string; restingId: string; lostId: string }> {
    const world = new World();
    const a = world.node();
    await a.start(world.pipeline());
    world.data.push(bar(0, 100, 101, 99, 100));
    let entryId = '';
    let restingId = '';
    world.commands.next((ctx) => {
      const o = ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 });
      entryId = o.clientOrderId;
      return o;
    });
    await a.idle();
    world.data.push(bar(1, 102, 103, 101, 102));
    await a.idle();
    world.commands.next((ctx) => {
      const o = ctx.orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 5, price: 90 });
      restingId = o.clientOrderId;
      return o;
    });
    await a.idle();
    expect(a.ledger.positionQuantity(goog.id).toString()).toBe('10');
    expect(world.submits).toEqual([entryId, restingId]);
    // A submit journaled and handed over while the connection is down: the venue never gets it.
    world.venue.disconnect();
    let lostId = '';
    world.commands.next((ctx) => {
      const o = ctx.orderFactory.limit({ instrumentId: goog.id, side: 'SELL', quantity: 1, price: 150 });
      lostId = o.clientOrderId;
      return o;
    });
    await a.idle();
    expect(world.venue.lostCommands.map((c) => c.clientOrderId)).toEqual([lostId]);
    // The crash: the process is gone, so none of its timers or subscriptions run any more (kernel.stop()
    // stands for that; it writes nothing), its journal has no NodeStopped, its lock names a dead owner.
    a.kernel.stop();
    world.reconnectProcess();
    fs.rmSync(path.join(world.dir, 'journal.lock'));
    // While the node is down: its resting order fills, and someone places an order of their own.
    world.clock.advanceTo(T0 + 2 * DAY);
    world.sim.process(bar(2, 95, 96, 85, 88));
    world.sim.submit({ type: 'SubmitOrder', clientOrderId: 'MANUAL-1', strategyId: 'desk', instrumentId: goog.id, side: 'SELL', orderType: 'LIMIT', quantity: new Decimal(3), price: new Decimal(200), triggerPrice: undefined, timeInForce: 'GTC', expireTime: undefined, reduceOnly: false, postOnly: false, ts: world.clock.now() } as unknown as SubmitOrder);
    return { world, entryId, restingId, lostId };
  }

  it('rebuilds from the journal, picks up the fill made while down, adopts the external order, sends nothing twice', async () => {
    const { world, entryId, restingId, lostId } = await crashedWorld();
    const b = world.node();
    const reconciliations = record(b, 'reconciliation');
    const fills = record(b, 'fill');
    await b.start(world.pipeline());
    expect(b.state).toBe('RUNNING');
    // Rebuilt: both orders known, the entry filled, the resting one filled while down (via fillsSince).
    const om = b.kernel.orderManager;
    expect(om.order(entryId as ClientOrderId)?.status).toBe('FILLED');
    expect(om.order(restingId as ClientOrderId)?.status).toBe('FILLED');
    // The submit the venue never saw was asked for by client order id and closed as rejected, not sent again.
    expect(om.order(lostId as ClientOrderId)?.status).toBe('REJECTED');
    expect(fills.map((f) => [f.clientOrderId, f.quantity, f.price])).toEqual([[restingId, '5', '90']]);
    expect(reconciliations).toHaveLength(1);
    expect(reconciliations[0]!.differences).toEqual([
      `missed fill SIM-T-2 of ${restingId}: BUY 5 GOOG.NASDAQ at 90`,
      'external order MANUAL-1 adopted (not created by this node): SELL 3 GOOG.NASDAQ LIMIT',
    ]);
    // Positions and cash equal the venue's: 10 at 102 and 5 at 90, no commission.
    const venuePositions = await world.venue.positions();
    expect(venuePositions.map((p) => [p.instrumentId, p.quantity.toString()])).toEqual([[goog.id, '15']]);
    expect(b.ledger.positionQuantity(goog.id).toString()).toBe('15');
    expect(b.ledger.cash().toString()).toBe(new Decimal(100_000).minus(1020).minus(450).toString());
    const snapshot = b.snapshot();
    expect(snapshot.openOrders.map((o) => [o.clientOrderId, o.external])).toEqual([['MANUAL-1', true]]);
    // Nothing was submitted again; new orders get ids that cannot collide with the first run's.
    expect(world.submits).toEqual([entryId, restingId, lostId]);
    world.commands.next((ctx) => ctx.orderFactory.limit({ instrumentId: goog.id, side: 'SELL', quantity: 1, price: 150 }));
    await b.idle();
    expect(world.submits).toHaveLength(4);
    expect(new Set(world.submits).size).toBe(4);
    await b.stop();
    // The journal holds the ReconciliationDone marker of the restart.
    const journal = await FileJournal.open({ dir: world.dir, readOnly: true });
    const markers: string[] = [];
    for await (const r of journal.replay()) if (r.kind === 'marker') markers.push(r.payload.type === 'ReconciliationDone' ? `ReconciliationDone ${r.payload.ordersChecked}/${r.payload.eventsApplied}` : r.payload.type);
    await journal.close();
    expect(markers).toEqual(['NodeStarted', 'ReconciliationDone 0/0', 'NodeStarted', 'ReconciliationDone 1/1', 'NodeStopped']);
  });

  it('refuses to start when a position still differs, naming the instrument and both quantities', async () => {
    const world = new World();
    // The venue holds 7 shares the node has never heard of (a fresh journal: no fills to look for).
    world.sim.process(bar(0, 100, 101, 99, 100));
    world.sim.submit({ type: 'SubmitOrder', clientOrderId: 'MANUAL-2', strategyId: 'desk', instrumentId: goog.id, side: 'BUY', orderType: 'MARKET', quantity: new Decimal(7), price: undefined, triggerPrice: undefined, timeInForce: 'GTC', expireTime: undefined, reduceOnly: false, postOnly: false, ts: world.clock.now() } as unknown as SubmitOrder);
    world.sim.process(bar(1, 101, 102, 100, 101));
    const node = world.node();
    const error = await node.start(world.pipeline()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReconciliationMismatchError);
    expect((error as ReconciliationMismatchError).differences).toEqual([{ venue: 'SIM', what: 'position', instrumentId: 'GOOG.NASDAQ', node: '0', venueValue: '7' }]);
    expect((error as Error).message).toMatch(/position GOOG\.NASDAQ at SIM: node 0, venue 7/);
    expect(node.state).toBe('ERROR');
    expect(world.submits).toEqual([]);
    // With 'adopt' the node takes the venue's position (a journaled adjustment) and starts.
    const adopting = world.node({ reconciliation: 'adopt' });
    await adopting.start(world.pipeline());
    expect(adopting.ledger.positionQuantity(goog.id).toString()).toBe('7');
    await adopting.stop();
  });
});

describe('venue disconnect and reconnect', () => {
  it('is DEGRADED while the venue is down: reducing orders pass, new exposure is refused; back to RUNNING after reconciling', async () => {
    const world = new World();
    const engine = new RiskEngine({ clock: world.clock, instruments: [goog] });
    const node = world.node({ risk: engine });
    const states = record(node, 'state');
    const rejected = record(node, 'rejected');
    const reconciliations = record(node, 'reconciliation');
    await node.start(world.pipeline());
    world.data.push(bar(0, 100, 101, 99, 100));
    world.commands.next((ctx) => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 }));
    await node.idle();
    world.data.push(bar(1, 100, 101, 99, 100));
    await node.idle();
    let restingId = '';
    world.commands.next((ctx) => {
      const o = ctx.orderFactory.limit({ instrumentId: goog.id, side: 'SELL', quantity: 2, price: 120 });
      restingId = o.clientOrderId;
      return o;
    });
    await node.idle();
    expect(node.ledger.positionQuantity(goog.id).toString()).toBe('10');

    world.venue.disconnect();
    expect(node.state).toBe('DEGRADED');
    expect(engine.tradingState).toBe('REDUCING');
    const before = world.submits.length;
    world.commands.next((ctx) => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 5 }));
    world.commands.next((ctx) => ctx.orderFactory.market({ instrumentId: goog.id, side: 'SELL', quantity: 4 }));
    await node.idle();
    expect(rejected.map((r) => r.reason)).toEqual(['node degraded (a venue or feed is unhealthy): new exposure refused, only reducing orders pass']);
    // The reducing sell passed the node and the risk engine and was handed to the venue (which, being down, lost it).
    expect(node.sent.slice(before).map((c) => (c.type === 'SubmitOrder' ? `${c.side} ${c.quantity.toString()}` : c.type))).toEqual(['SELL 4']);
    expect(world.venue.lostCommands).toHaveLength(1);
    // While down, the resting sell fills at the venue; the event is lost.
    world.data.push(bar(2, 118, 125, 117, 121));
    await node.idle();
    expect(world.venue.lost.map((e) => e.type)).toContain('OrderFilled');
    expect(node.ledger.positionQuantity(goog.id).toString()).toBe('10');

    world.venue.reconnect();
    await until(() => node.state === 'RUNNING', 2_000, 'RUNNING after the reconnect');
    await node.idle();
    expect(engine.tradingState).toBe('ACTIVE');
    expect(node.kernel.orderManager.order(restingId as ClientOrderId)?.status).toBe('FILLED');
    expect(node.ledger.positionQuantity(goog.id).toString()).toBe('8');
    expect(reconciliations.at(-1)!.differences).toEqual([`missed fill SIM-T-2 of ${restingId}: SELL 2 GOOG.NASDAQ at 120`]);
    expect(states.map((s) => s.to)).toEqual(['STARTING', 'RUNNING', 'DEGRADED', 'RUNNING']);
    // A feed watchdog's report degrades the node the same way.
    node.reportFeedHealth({ name: `bars:${goog.id}`, status: 'STALE', lastMessageTs: T0, reconnects: 0 });
    expect(node.state).toBe('DEGRADED');
    node.reportFeedHealth({ name: `bars:${goog.id}`, status: 'HEALTHY', lastMessageTs: T0, reconnects: 0 });
    expect(node.state).toBe('RUNNING');
    await node.stop();
  });
});

describe('kill switch and stop policy', () => {
  it('halts the risk engine and cancels the open orders; onStop cancel closes what is left', async () => {
    const world = new World();
    const engine = new RiskEngine({ clock: world.clock, instruments: [goog] });
    const node = world.node({ risk: engine });
    const kills = record(node, 'killSwitch');
    await node.start(world.pipeline());
    world.data.push(bar(0, 100, 101, 99, 100));
    world.commands.next((ctx) => ctx.orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 90 }));
    await node.idle();
    node.killSwitch('test', 'dashboard');
    await node.idle();
    expect(engine.tradingState).toBe('HALTED');
    expect(node.snapshot().openOrders).toEqual([]);
    expect(node.snapshot().tradingState).toBe('HALTED');
    expect(kills.map((k) => [k.reason, k.source])).toEqual([['test', 'dashboard']]);
    await node.stop();
  });

  it("onStop 'leave' leaves working orders at the venue", async () => {
    const world = new World();
    const node = world.node({ onStop: 'leave' });
    await node.start(world.pipeline());
    world.data.push(bar(0, 100, 101, 99, 100));
    world.commands.next((ctx) => ctx.orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 90 }));
    await node.idle();
    await node.stop();
    expect((await world.venue.openOrders()).map((o) => o.status)).toEqual(['ACCEPTED']);
  });
});

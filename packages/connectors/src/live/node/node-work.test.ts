/**
 * What the node counts as its work: the order manager's reconciliation after a submit timeout (drained
 * waits for it).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ignoreElements, tap } from 'rxjs';
import { ReplayDataClient, type ClientOrderId, type OrderStatusReport } from '@rxtrade/core';
import { FileJournal } from '@rxtrade/execution';
import { DAY, World, bar } from './__fixtures__/harness';
import { goog, removeTempDirs } from './__fixtures__/node-kit';

afterAll(removeTempDirs);

/** A node whose venue drops the acknowledgement of one limit order, the query after the timeout held by the test. */
async function unanswered(world: World): Promise<{ id: ClientOrderId; answer: (fail?: Error) => void; queried: () => boolean }> {
  let release: ((fail?: Error) => void) | undefined;
  const query = world.venue.queryOrder.bind(world.venue);
  world.venue.queryOrder = (clientOrderId) =>
    new Promise<OrderStatusReport | undefined>((resolve, reject) => {
      release = (fail) => (fail === undefined ? void query(clientOrderId).then(resolve, reject) : reject(fail));
    });
  world.data.push(bar(0, 100, 101, 99, 100));
  world.venue.faults.dropAcks = true;
  let id = '' as ClientOrderId;
  world.commands.next((ctx) => {
    const order = ctx.orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 10, price: 90 });
    id = order.clientOrderId;
    return order;
  });
  return { id: (await Promise.resolve(), id), answer: (fail) => release!(fail), queried: () => release !== undefined };
}

describe("the order manager's reconciliation after a timeout is the node's work", () => {
  it('drained() waits for the query after submitTimeoutMs and what it applies', async () => {
    const world = new World();
    const node = world.node({ orders: { submitTimeoutMs: 5_000, keepClosed: true } });
    await node.start(world.pipeline());
    const held = await unanswered(world);
    await node.idle();
    world.clock.advanceTo(world.clock.now() + 5_000);
    expect(held.queried()).toBe(true);
    world.data.end(); // the feed is over; the query is still in flight
    let drained = false;
    const done = node.drained().then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(drained).toBe(false);
    held.answer();
    await done;
    expect(node.kernel.orderManager.order(held.id)?.status).toBe('ACCEPTED');
    await node.stop();
  });
});

describe('a feed watchdog and a client that plays a recording inside connect()', () => {
  it('the watchdog subscribes before the client connects: every bar reaches the pipeline; DEGRADED once the recording is over', async () => {
    const world = new World();
    const bars = [0, 1, 2, 3, 4].map((d) => bar(d, 100 + d, 101 + d, 99 + d, 100.5 + d));
    const client = new ReplayDataClient({ data: bars });
    const seen: string[] = [];
    const node = world.node({ dataClients: [client], watchdog: { staleAfterMs: 10 * DAY, reconnect: false } });
    const states: string[] = [];
    node.events.on('state', (s) => states.push(s.to));
    await node.start((ctx) => ctx.market.bars(goog.id).pipe(tap((b) => seen.push(`${b.close}`)), ignoreElements()));
    await node.idle();
    expect(seen).toEqual(['100.5', '101.5', '102.5', '103.5', '104.5']);
    expect(node.ledger.lastPrice(goog.id)).toBe(104.5);
    // A played recording leaves its client DISCONNECTED: the watchdog says so once the node's connect() is over
    // (its bars, queued by then, are still handled).
    expect(states).toEqual(['STARTING', 'RUNNING', 'DEGRADED']);
    expect(node.snapshot().feeds.find((f) => f.name === `bars:${goog.id}`)?.status).toBe('DISCONNECTED');
    await node.stop();
  });
});

describe("the node's waits run on its clock", () => {
  it('a stage that does not settle fails after stageTimeoutMs of the virtual clock, not of the wall clock', async () => {
    const world = new World();
    const node = world.node({ stageTimeoutMs: 20 });
    await node.start((ctx) => ctx.market.bars(goog.id).pipe(tap(() => void ctx.work.track(new Promise<void>(() => undefined))), ignoreElements()));
    world.data.push(bar(0, 100, 101, 99, 100));
    await new Promise((resolve) => setTimeout(resolve, 100)); // five times the limit in wall time
    expect(node.state).toBe('RUNNING');
    const failed = new Promise<string>((resolve) => node.events.on('state', (s) => s.to === 'ERROR' && resolve(s.reason)));
    world.clock.advanceTo(world.clock.now() + 19);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(node.state).toBe('RUNNING');
    world.clock.advanceTo(world.clock.now() + 1);
    expect(await failed).toMatch(/20 ms/);
    expect(node.state).toBe('ERROR');
  });

  it("stop()'s wait for the venue to confirm cancels ends after cancelTimeoutMs of the virtual clock", async () => {
    const world = new World();
    const node = world.node({ orders: { cancelTimeoutMs: 60_000, keepClosed: true } });
    await node.start(world.pipeline());
    world.data.push(bar(0, 100, 101, 99, 100));
    world.commands.next((ctx) => ctx.orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 90 }));
    await node.idle();
    world.venue.cancel = () => undefined; // the venue never answers a cancel
    let stopped = false;
    const stopping = node.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    expect(node.state).toBe('STOPPING');
    const started = Date.now();
    world.clock.advanceTo(world.clock.now() + 60_000);
    await stopping;
    expect(Date.now() - started).toBeLessThan(5_000); // not the 60 s of wall time the wait once took
    expect(node.state).toBe('STOPPED');
  });
});

describe('snapshots after venue events', () => {
  it('a node that gets venue events and no market data writes a snapshot once snapshotEvery records are reached', async () => {
    const world = new World();
    const node = world.node({ journal: { dir: world.dir, fsync: 'never', snapshotEvery: 4 } });
    await node.start(world.pipeline()); // records 1-2: NodeStarted, ReconciliationDone
    const latest = async (): Promise<{ seq: number; orders: number } | undefined> => {
      const journal = await FileJournal.open({ dir: world.dir, readOnly: true });
      const found = await journal.latestSnapshot();
      await journal.close();
      return found === undefined ? undefined : { seq: found.seq, orders: (found.state as { orders: unknown[] }).orders.length };
    };
    world.commands.next((ctx) => ctx.orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 90 }));
    await node.idle(); // records 3-4: the command and the venue's acceptance
    expect(await latest()).toEqual({ seq: 4, orders: 2 });
    world.commands.next((ctx) => ctx.orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 91 }));
    world.commands.next((ctx) => ctx.orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 92 }));
    await node.idle(); // records 5-8: both commands, both acceptances; the snapshot waits for all of them
    expect(await latest()).toEqual({ seq: 8, orders: 6 });
    await node.stop();
  });
});

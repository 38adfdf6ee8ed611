/**
 * What the node counts as its work: the order manager's reconciliation after a submit timeout (drained
 * waits for it).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ClientOrderId, OrderStatusReport } from '@rxtrade/core';
import { World, bar } from './__fixtures__/harness';
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

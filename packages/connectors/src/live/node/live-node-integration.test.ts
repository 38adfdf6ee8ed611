/**
 * The live node with what it wires in: feed watchdogs, observability (metrics, logs, alerts, dashboard),
 * market data in the journal, and journal snapshots.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { Subject, ignoreElements, map, merge, tap } from 'rxjs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ValidationError, type CancelOrder, type ClientOrderId, type MarketData, type Pipeline } from '@rxtrade/core';
import { FileJournal, type JournalRecord } from '@rxtrade/execution';
import { FaultyDataClient } from '../watchdog/faulty-data-client';
import { World, bar, DAY, T0 } from './__fixtures__/harness';
import { goog, removeTempDirs, tempDir, until } from './__fixtures__/node-kit';
import type { LiveNode } from './live-node';

afterAll(removeTempDirs);

/** The world's commands, plus every bar the pipeline sees (by day). */
function watchingPipeline(world: World, seen: number[]): Pipeline {
  return (ctx) =>
    merge(
      ctx.market.bars(goog.id).pipe(
        tap((b) => seen.push((b.ts - T0) / DAY)),
        ignoreElements(),
      ),
      world.commands.pipe(map((make) => make(ctx))),
    );
}

const settle = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** Virtual time: fires each timer of the clock at its time, letting promise callbacks run between. */
async function runUntil(world: World, to: number): Promise<void> {
  await settle();
  for (let next = world.clock.nextTimerAt(); next !== undefined && next <= to; next = world.clock.nextTimerAt()) {
    world.clock.advanceTo(next);
    await settle();
  }
  world.clock.advanceTo(to);
  await settle();
}

async function records(dir: string): Promise<JournalRecord[]> {
  const journal = await FileJournal.open({ dir, readOnly: true });
  const out: JournalRecord[] = [];
  for await (const r of journal.replay()) out.push(r);
  await journal.close();
  return out;
}

describe('watchdog', () => {
  it('a silent feed makes the node DEGRADED (new exposure refused, reducing passes); backfill and HEALTHY bring it back to RUNNING, every bar seen once in order', async () => {
    const world = new World();
    const market = new Subject<MarketData>();
    const client = new FaultyDataClient({ source: market, clock: world.clock });
    const node = world.node({
      dataClients: [client],
      watchdog: { staleAfterMs: { bars: 1.5 * DAY }, backoff: { initialDelayMs: 60_000, jitter: 0 } },
    });
    const states: string[] = [];
    node.events.on('state', (s) => states.push(`${s.from}->${s.to}`));
    const rejected: string[] = [];
    node.events.on('rejected', (r) => rejected.push(r.reason));
    const seen: number[] = [];
    await node.start(watchingPipeline(world, seen));
    expect(node.state).toBe('RUNNING');

    /** Bar `day` arrives at its own time. */
    const send = async (day: number): Promise<void> => {
      await runUntil(world, T0 + day * DAY);
      market.next(bar(day, 100 + day, 102 + day, 99 + day, 101 + day));
      await node.idle();
    };
    await send(0);
    world.commands.next((ctx) => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 }));
    await node.idle();
    await send(1);
    await send(2);
    expect(node.ledger.positionQuantity(goog.id).toString()).toBe('10');

    // Silence: the connection stays up and bar 3 is lost; the first resubscribe (at once) does not revive the feed.
    client.goSilent({ untilSubscribes: 2 });
    await send(3);
    await runUntil(world, T0 + 3.5 * DAY + 1);
    expect(node.state).toBe('DEGRADED');
    expect(node.snapshot().feeds.find((f) => f.name === `bars:${goog.id}`)?.status).toBe('STALE');
    expect(client.stats.lost).toBe(1);
    const before = world.submits.length;
    world.commands.next((ctx) => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 5 }));
    await node.idle();
    expect(world.submits).toHaveLength(before);
    expect(rejected.at(-1)).toMatch(/node degraded.*new exposure refused/);
    world.commands.next((ctx) => ctx.orderFactory.limit({ instrumentId: goog.id, side: 'SELL', quantity: 5, price: 150 }));
    await node.idle();
    expect(world.submits).toHaveLength(before + 1);

    // The second resubscribe (after the 60 s backoff) revives it: bar 4 arrives, bar 3 is fetched first.
    await send(4);
    await until(() => seen.length === 5, 2_000, 'the backfilled bar');
    await node.idle();
    expect(node.state).toBe('RUNNING');
    await send(5);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(node.state).toBe('RUNNING');
    expect(states).toEqual(['IDLE->STARTING', 'STARTING->RUNNING', 'RUNNING->DEGRADED', 'DEGRADED->RUNNING']);
    const feed = node.snapshot().feeds.find((f) => f.name === `bars:${goog.id}`)!;
    expect([feed.status, feed.reconnects]).toEqual(['HEALTHY', 1]);
    // The pipeline's bars, each once, are journaled in the order the pipeline saw them.
    await node.stop();
    const bars = (await records(world.dir)).filter((r) => r.kind === 'marketData').map((r) => (r.payload.ts - T0) / DAY);
    expect(bars).toEqual([0, 1, 2, 3, 4, 5]);
    expect(world.clock.nextTimerAt()).toBeUndefined();
  });

  it('refuses a watched kind without a staleness limit, naming the field', () => {
    const world = new World();
    expect(() => world.node({ watchdog: { staleAfterMs: { quotes: 5_000 } } })).toThrow(ValidationError);
    expect(() => world.node({ watchdog: { staleAfterMs: { quotes: 5_000 } } })).toThrow(/watchdog\.staleAfterMs\.bars/);
    expect(() => world.node({ watchdog: { staleAfterMs: 1_000, backof: {} } as never })).toThrow(/watchdog.*backof/);
  });
});

describe('observability', () => {
  /** A webhook receiver: every JSON body posted to it. */
  async function receiver(): Promise<{ server: http.Server; port: number; bodies: unknown[] }> {
    const bodies: unknown[] = [];
    const server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(text));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, port: (server.address() as net.AddressInfo).port, bodies };
  }

  const canBind = (port: number): Promise<boolean> =>
    new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });

  it('serves metrics and the dashboard, logs without secrets, sends alerts, and frees every port on stop', async () => {
    const world = new World();
    const hook = await receiver();
    const token = 'dash-token-0123456789-abcdef';
    const hookUrl = `http://127.0.0.1:${hook.port}/hooks/secret-path-9f8e7d`;
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const node = world.node({
      observability: {
        metrics: { port: 0 },
        logger: { level: 'debug', destination },
        alerts: { targets: [{ kind: 'json', url: hookUrl }], retry: { attempts: 1 } },
        dashboard: { port: 0, token },
      },
    });
    await node.start(world.pipeline());
    const metricsPort = node.metricsServer!.port;
    const dashboardPort = node.dashboardServer!.port;
    expect(metricsPort).toBeGreaterThan(0);
    world.data.push(bar(0, 100, 101, 99, 100));
    world.commands.next((ctx) => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 }));
    await node.idle();
    world.data.push(bar(1, 102, 103, 101, 102));
    await node.idle();

    const text = await (await fetch(node.metricsServer!.url)).text();
    expect(text).toMatch(/rxtrade_node_state\{[^}]*state="RUNNING"[^}]*\} 1/);
    expect(text).toMatch(/rxtrade_fills_total\{[^}]*venue="SIM"[^}]*instrument="GOOG\.NASDAQ"[^}]*\} 1/);
    const snapshot = (await (await fetch(`${node.dashboardServer!.url}api/snapshot`)).json()) as { positions: { instrumentId: string; quantity: string }[]; recentFills: { venue?: string }[] };
    expect(snapshot.positions.map((p) => [p.instrumentId, p.quantity])).toEqual([[goog.id, '10']]);
    expect(snapshot.recentFills.map((f) => f.venue)).toEqual(['SIM']);
    await until(() => hook.bodies.length > 0, 2_000, 'the alert of the state change');
    expect(JSON.stringify(hook.bodies)).toMatch(/RUNNING/);

    await node.stop();
    expect(await canBind(metricsPort)).toBe(true);
    expect(await canBind(dashboardPort)).toBe(true);
    expect(JSON.stringify(hook.bodies)).toMatch(/STOPPED/);
    const log = lines.join('');
    expect(log).toMatch(/RUNNING -> STOPPING/);
    expect(log).not.toContain('secret-path-9f8e7d');
    expect(log).not.toContain(token);
    await new Promise<void>((resolve) => hook.server.close(() => resolve()));
  });

  it('closes its ports when the start fails, and refuses a bad section naming the field', async () => {
    const world = new World();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    const node = world.node({ observability: { metrics: { port: 0 }, dashboard: { port: taken } } });
    await expect(node.start(world.pipeline())).rejects.toThrow(/EADDRINUSE|in use/);
    expect(node.state).toBe('ERROR');
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    expect(() => world.node({ observability: { metrics: { port: 70_000 } } })).toThrow(/observability\.metrics\.port/);
    expect(() => world.node({ observability: { dashboard: { host: '0.0.0.0' } } })).toThrow(/observability\.dashboard\.host.*requires a token/);
    expect(() => world.node({ observability: { logger: {} }, logger: console as never })).toThrow(/observability\.logger.*one logger/);
  });
});

describe('journal', () => {
  it('journals every market event before the commands it causes, unless recordMarketData is false', async () => {
    const world = new World();
    const node = world.node();
    await node.start(world.pipeline());
    world.data.push(bar(0, 100, 101, 99, 100));
    await node.idle();
    world.commands.next((ctx) => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 }));
    await node.idle();
    world.data.push(bar(1, 102, 103, 101, 102));
    await node.idle();
    await node.stop();
    const kinds = (await records(world.dir)).map((r) => (r.kind === 'marker' || r.kind === 'command' || r.kind === 'orderEvent' ? `${r.kind}:${r.payload.type}` : `bar:${(r.payload.ts - T0) / DAY}`));
    expect(kinds).toEqual([
      'marker:NodeStarted',
      'marker:ReconciliationDone',
      'bar:0',
      'command:SubmitOrder',
      'orderEvent:OrderAccepted',
      'bar:1',
      'orderEvent:OrderFilled',
      'marker:NodeStopped',
    ]);
    const quiet = new World();
    const q = quiet.node({ journal: { dir: quiet.dir, fsync: 'never', recordMarketData: false } });
    await q.start(quiet.pipeline());
    quiet.data.push(bar(0, 100, 101, 99, 100));
    await q.idle();
    await q.stop();
    expect((await records(quiet.dir)).some((r) => r.kind === 'marketData')).toBe(false);
  });

  /** Node A trades with a snapshot every 4 records, then crashes: one order filled, one partly open, one resting. */
  async function crashed(): Promise<{ world: World; ids: string[] }> {
    const world = new World();
    const a = world.node({ journal: { dir: world.dir, fsync: 'never', snapshotEvery: 4 } });
    await a.start(world.pipeline());
    const ids: string[] = [];
    const order = (make: Parameters<typeof world.commands.next>[0]): void =>
      world.commands.next((ctx) => {
        const o = make(ctx);
        ids.push((o as { clientOrderId: string }).clientOrderId);
        return o;
      });
    world.data.push(bar(0, 100, 101, 99, 100));
    await a.idle();
    order((ctx) => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 }));
    await a.idle();
    for (let day = 1; day <= 4; day++) {
      world.data.push(bar(day, 100 + day, 102 + day, 99 + day, 101 + day));
      await a.idle();
      if (day === 2) order((ctx) => ctx.orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 7, price: 80 }));
      if (day === 3) order((ctx) => ctx.orderFactory.limit({ instrumentId: goog.id, side: 'SELL', quantity: 4, price: 120 }));
      await a.idle();
    }
    world.commands.next((ctx) => ({ type: 'CancelOrder', clientOrderId: ids[1]! as ClientOrderId, strategyId: 'strategy', instrumentId: goog.id, ts: ctx.clock.now() }) as CancelOrder);
    await a.idle();
    world.data.push(bar(5, 105, 106, 104, 105));
    await a.idle();
    a.kernel.stop();
    world.reconnectProcess();
    fs.rmSync(path.join(world.dir, 'journal.lock'));
    return { world, ids };
  }

  /** Everything a restarted node rebuilt, without the time of the call. */
  function state(node: LiveNode): unknown {
    const { ts: _ts, ...view } = node.snapshot();
    const orders = node.kernel.orderManager.openOrders().map((o) => [o.clientOrderId, o.status, o.filledQuantity.toString(), o.quantity.toString()]);
    return { view, ledger: node.ledger.snapshot(), orders };
  }

  it('a restart from the latest snapshot rebuilds the same state as a full replay, and replays only the records after it', async () => {
    const { world, ids } = await crashed();
    const full = tempDir();
    fs.cpSync(world.dir, full, { recursive: true });
    const snaps = fs.readdirSync(world.dir).filter((f) => f.startsWith('snap-'));
    expect(snaps.length).toBeGreaterThan(1);
    for (const f of fs.readdirSync(full)) if (f.startsWith('snap-')) fs.rmSync(path.join(full, f));

    const replay = vi.spyOn(FileJournal.prototype, 'replay');
    const b = world.node({ journal: { dir: full, fsync: 'never' }, onStop: 'leave' });
    await b.start(world.pipeline());
    expect(replay.mock.calls.at(-1)).toEqual([undefined]);
    const fromFull = state(b);
    await b.stop();
    world.reconnectProcess();

    const latest = (await (await FileJournal.open({ dir: world.dir, readOnly: true })).latestSnapshot())!;
    const c = world.node({ journal: { dir: world.dir, fsync: 'never' }, onStop: 'leave' });
    await c.start(world.pipeline());
    expect(replay.mock.calls.at(-1)).toEqual([latest.seq + 1]);
    replay.mockRestore();
    const fromSnapshot = state(c);
    expect(fromSnapshot).toEqual(fromFull);
    // What was rebuilt is the book of the crashed run: 10 bought, the resting sell of 4 open, the cancelled buy gone.
    expect(c.ledger.positionQuantity(goog.id).toString()).toBe('10');
    expect(c.kernel.orderManager.openOrders().map((o) => o.clientOrderId)).toEqual([ids[2]]);
    // A closed order is not in a snapshot: the entry, filled long before the latest snapshot, is unknown
    // to the restart; the buy, cancelled after it (the snapshot was written after the venue event of
    // record 14), is rebuilt from the records after the snapshot.
    const reader = await FileJournal.open({ dir: world.dir, readOnly: true });
    let cancelSeq = 0;
    for await (const r of reader.replay()) if (r.kind === 'orderEvent' && r.payload.type === 'OrderCanceled' && r.payload.clientOrderId === ids[1]) cancelSeq = r.seq;
    await reader.close();
    expect([latest.seq, cancelSeq]).toEqual([14, 16]);
    expect(c.kernel.orderManager.order(ids[0] as ClientOrderId)).toBeUndefined();
    expect(b.kernel.orderManager.order(ids[0] as ClientOrderId)?.status).toBe('FILLED');
    expect(c.kernel.orderManager.order(ids[1] as ClientOrderId)?.status).toBe('CANCELED');
    expect(b.kernel.orderManager.order(ids[1] as ClientOrderId)?.status).toBe('CANCELED');
    expect(c.snapshot().openOrders.map((o) => o.venue)).toEqual(['SIM']);
    await c.stop();
    world.reconnectProcess();

    // After a clean stop the snapshot written at stop is the one read, with nothing after it but the stop marker.
    const d = world.node({ journal: { dir: full, fsync: 'never' }, onStop: 'leave' });
    await d.start(world.pipeline());
    expect(state(d)).toEqual(fromFull);
    await d.stop();
  });
});

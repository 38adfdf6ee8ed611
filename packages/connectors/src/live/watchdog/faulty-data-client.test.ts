import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { BacktestClock, NetworkError, ReplayDataClient, type ConnectionStatus, type MarketData } from '@rxtrade/core';
import { FaultyDataClient } from './faulty-data-client';
import { FeedWatchdog } from './feed-watchdog';
import { A, B, MINUTE, bar } from './__fixtures__/virtual-time';

describe('FaultyDataClient', () => {
  it('passes a replay through, its subscriptions and history included', async () => {
    const clock = new BacktestClock(0);
    const recording = [bar(MINUTE), bar(MINUTE, B), bar(2 * MINUTE), bar(2 * MINUTE, B)];
    const replay = new ReplayDataClient({ data: recording });
    const client = new FaultyDataClient({ source: replay, clock });
    const seen: MarketData[] = [];
    client.events.subscribe((e) => seen.push(e));
    client.subscribe({ kind: 'BARS', instrumentId: A });
    expect(replay.subscriptions()).toEqual([{ kind: 'BARS', instrumentId: A }]);
    await client.connect();
    expect(seen).toEqual([bar(MINUTE), bar(2 * MINUTE)]);
    expect(await client.requestBars(B, 0, MINUTE)).toEqual([bar(MINUTE, B)]);
  });

  it('feeds a watchdog from a replay with every bar sent twice, and the watchdog passes each once', async () => {
    const clock = new BacktestClock(0);
    const recording = Array.from({ length: 50 }, (_, i) => bar(i * MINUTE));
    const client = new FaultyDataClient({ source: new ReplayDataClient({ data: recording }), clock });
    client.faults.duplicateEvery = 1;
    const watchdog = new FeedWatchdog({ client, clock, subscriptions: [{ kind: 'BARS', instrumentId: A }], staleAfterMs: 5 * MINUTE, reconnect: false });
    const out: MarketData[] = [];
    watchdog.events.subscribe((e) => out.push(e));
    watchdog.start();
    await client.connect();
    expect(out).toEqual(recording);
    expect(watchdog.feed({ kind: 'BARS', instrumentId: A })!.duplicates).toBe(50);
    watchdog.stop();
  });

  it('goes silent while CONNECTED and comes back after a resubscribe or a time', async () => {
    const clock = new BacktestClock(0);
    const market = new Subject<MarketData>();
    const client = new FaultyDataClient({ source: market, clock });
    const seen: number[] = [];
    const statuses: ConnectionStatus[] = [];
    client.events.subscribe((e) => seen.push(e.ts));
    client.connection.subscribe((s) => statuses.push(s));
    client.subscribe({ kind: 'BARS', instrumentId: A });
    await client.connect();
    client.goSilent({ untilSubscribes: 1 });
    market.next(bar(MINUTE));
    client.subscribe({ kind: 'BARS', instrumentId: A });
    market.next(bar(2 * MINUTE));
    client.goSilent({ forMs: 30_000 });
    market.next(bar(3 * MINUTE));
    clock.advanceTo(30_000);
    market.next(bar(4 * MINUTE));
    client.goSilent({ subscription: { kind: 'BARS', instrumentId: B } });
    market.next(bar(5 * MINUTE));
    expect(seen).toEqual([2, 4, 5].map((m) => m * MINUTE));
    expect(statuses).toEqual(['DISCONNECTED', 'CONNECTED']);
    expect(client.stats).toEqual({ delivered: 3, lost: 2, duplicated: 0 });
    // History has every bar the market made, delivered or not.
    expect((await client.requestBars(A, 0, 10 * MINUTE)).map((b) => b.ts)).toEqual([1, 2, 3, 4, 5].map((m) => m * MINUTE));
  });

  it('refuses reconnects after a close, for a number of attempts', async () => {
    const clock = new BacktestClock(0);
    const client = new FaultyDataClient({ source: new Subject<MarketData>(), clock });
    const statuses: ConnectionStatus[] = [];
    client.connection.subscribe((s) => statuses.push(s));
    await client.connect();
    client.close({ refuseAttempts: 2 });
    await expect(client.connect()).rejects.toBeInstanceOf(NetworkError);
    clock.advanceTo(5);
    await expect(client.connect()).rejects.toThrow('FAULTY: connection refused');
    await client.connect();
    expect(client.connectAttempts).toEqual([
      { ts: 0, accepted: true },
      { ts: 0, accepted: false },
      { ts: 5, accepted: false },
      { ts: 5, accepted: true },
    ]);
    expect(statuses).toEqual(['DISCONNECTED', 'CONNECTED', 'DISCONNECTED', 'RECONNECTING', 'CONNECTED']);
  });

  it('reorders a window reversed, and loses held messages when closed', async () => {
    const clock = new BacktestClock(0);
    const market = new Subject<MarketData>();
    const client = new FaultyDataClient({ source: market, clock });
    const seen: number[] = [];
    client.events.subscribe((e) => seen.push(e.ts / MINUTE));
    client.subscribe({ kind: 'BARS', instrumentId: A });
    await client.connect();
    client.faults.reorderWindow = 3;
    for (let m = 1; m <= 8; m++) market.next(bar(m * MINUTE));
    expect(seen).toEqual([3, 2, 1, 6, 5, 4]);
    expect(client.heldMessages).toBe(2);
    client.close();
    expect(client.stats.lost).toBe(2);
  });

  it('rejects a bad config naming the field', () => {
    const clock = new BacktestClock(0);
    expect(() => new FaultyDataClient({ source: [] as never, clock })).toThrow(/^FaultyDataClientConfig\.source: must be a DataClient/);
    expect(() => new FaultyDataClient({ source: new Subject<MarketData>(), clock: {} as never })).toThrow(/^FaultyDataClientConfig\.clock: must be a Clock/);
    expect(() => new FaultyDataClient({ source: new Subject<MarketData>(), clock, sede: 1 } as never)).toThrow(/sede: unknown option; did you mean "seed"\?/);
    const client = new FaultyDataClient({ source: new Subject<MarketData>(), clock });
    expect(() => client.close({ refuseAttempts: -1 })).toThrow(/^refuseAttempts: must be a whole number/);
    expect(() => client.goSilent({ forMs: 0 })).toThrow(/^forMs: must be a positive number/);
  });
});

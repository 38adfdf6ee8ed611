import { Subject } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { BacktestClock, ValidationError, type Bar, type MarketData, type OrderBookDelta, type OrderBookSnapshot, type Quote } from '@rxtrade/core';
import type { NodeFeed } from '../live-node-view';
import { FaultyDataClient } from './faulty-data-client';
import { FeedWatchdog, type FeedWatchdogConfig } from './feed-watchdog';
import { A, B, MINUTE, bar, runUntil, settle } from './__fixtures__/virtual-time';

interface Rig {
  clock: BacktestClock;
  market: Subject<MarketData>;
  client: FaultyDataClient;
  watchdog: FeedWatchdog;
  out: MarketData[];
  health: (NodeFeed & { at: number })[];
  errors: unknown[];
}

function rig(options: Partial<FeedWatchdogConfig> = {}): Rig {
  const clock = new BacktestClock(0);
  const market = new Subject<MarketData>();
  const client = new FaultyDataClient({ source: market, clock });
  const health: (NodeFeed & { at: number })[] = [];
  const errors: unknown[] = [];
  const watchdog = new FeedWatchdog({
    client,
    clock,
    subscriptions: [{ kind: 'BARS', instrumentId: A }],
    staleAfterMs: { BARS: 150_000 },
    resubscribe: { initialDelayMs: 15_000, maxDelayMs: 60_000, multiplier: 2, jitter: 0 },
    onHealth: (feed) => health.push({ ...feed, at: clock.now() }),
    onError: (error) => errors.push(error),
    ...options,
  });
  const out: MarketData[] = [];
  watchdog.events.subscribe((e) => out.push(e));
  return { clock, market, client, watchdog, out, health, errors };
}

/** Sends each bar at the clock time of its `ts`, running timers and promise callbacks on the way. */
async function play(r: Rig, bars: readonly Bar[], at?: (ts: number) => void): Promise<void> {
  for (const b of bars) {
    await runUntil(r.clock, b.ts);
    at?.(b.ts);
    r.market.next(b);
  }
  await settle();
}

const minutes = (from: number, to: number, id = A): Bar[] => Array.from({ length: to - from + 1 }, (_, i) => bar((from + i) * MINUTE, id));
const tsOf = (events: readonly MarketData[]): number[] => events.map((e) => e.ts);
const statusAt = (h: (NodeFeed & { at: number })[]) => h.map(({ status, at, reconnects }) => ({ status, at, reconnects }));

describe('FeedWatchdog', () => {
  it('finds a silent feed stale, resubscribes with backoff, backfills exactly the gap and reports it healthy again', async () => {
    const r = rig();
    const requests = vi.spyOn(r.client, 'requestBars');
    r.watchdog.start();
    await r.client.connect();
    // Silent after the 3-minute bar, while still CONNECTED; only the second resubscribe revives it.
    await play(r, minutes(1, 10), (ts) => {
      if (ts === 4 * MINUTE) r.client.goSilent({ untilSubscribes: 2 });
    });

    // Last message at 180 s, stale 150 s later; resubscribes at 330 s and 345 s (one wait of 15 s).
    expect(statusAt(r.health)).toEqual([
      { status: 'DISCONNECTED', at: 0, reconnects: 0 }, // started before the node connects
      { status: 'HEALTHY', at: 0, reconnects: 0 },
      { status: 'STALE', at: 330_000, reconnects: 0 },
      { status: 'HEALTHY', at: 360_000, reconnects: 1 },
    ]);
    expect(r.health[2]!.lastMessageTs).toBe(180_000);
    expect(r.client.subscribeCalls).toEqual(['BARS AAA.TEST', 'BARS AAA.TEST', 'BARS AAA.TEST']);
    expect(r.client.stats.lost).toBe(2); // the 4- and 5-minute bars
    // The gap is asked from the last bar seen to the moment the feed came back.
    expect(requests.mock.calls).toEqual([[A, 180_000, 360_000]]);
    // Every bar once, in order: the two lost ones came from history before the live 6-minute bar.
    expect(tsOf(r.out)).toEqual(minutes(1, 10).map((b) => b.ts));
    expect(r.out).toEqual(minutes(1, 10));
    expect(r.watchdog.feed({ kind: 'BARS', instrumentId: A })).toMatchObject({
      status: 'HEALTHY',
      reconnects: 1,
      resubscribes: 2,
      backfilled: 3, // 240 s and 300 s, and 360 s which history had before the live copy
      duplicates: 2, // the 180 s bar of history and the live 360 s bar
      outOfOrder: 0,
    });
    r.watchdog.stop();
  });

  it('reports a closed socket DISCONNECTED, retries connect() after exactly the configured waits, then recovers', async () => {
    const r = rig({ resubscribe: { initialDelayMs: 20_000, maxDelayMs: 50_000, multiplier: 2, jitter: 0 } });
    r.watchdog.start();
    await r.client.connect();
    await play(r, minutes(1, 3));
    await runUntil(r.clock, 200_000);
    r.client.close({ refuseAttempts: 3 });
    await play(r, minutes(4, 8));

    // 200 s refused, +20 s refused, +40 s refused, +50 s (80 s capped at 50 s) accepted.
    expect(r.client.connectAttempts).toEqual([
      { ts: 0, accepted: true },
      { ts: 200_000, accepted: false },
      { ts: 220_000, accepted: false },
      { ts: 260_000, accepted: false },
      { ts: 310_000, accepted: true },
    ]);
    expect(r.errors).toHaveLength(3);
    expect(statusAt(r.health)).toEqual([
      { status: 'DISCONNECTED', at: 0, reconnects: 0 }, // started before the node connects
      { status: 'HEALTHY', at: 0, reconnects: 0 },
      { status: 'DISCONNECTED', at: 200_000, reconnects: 0 },
      { status: 'HEALTHY', at: 360_000, reconnects: 1 },
    ]);
    // Resubscribed after the reconnect; the bars of 240 s and 300 s, lost on the closed socket, backfilled.
    expect(r.client.subscribeCalls).toHaveLength(2);
    expect(r.out).toEqual(minutes(1, 8));
    r.watchdog.stop();
  });

  it('spaces reconnects by jittered waits that a seed makes reproducible', async () => {
    // No staleness within the test: a resubscribe would draw a random number too.
    const r = rig({ staleAfterMs: 1e9, resubscribe: { initialDelayMs: 20_000, maxDelayMs: 50_000, multiplier: 2, jitter: 0.5, seed: 42 } });
    r.watchdog.start();
    await r.client.connect();
    await runUntil(r.clock, 200_000);
    r.client.close({ refuseAttempts: 3 });
    await runUntil(r.clock, 400_000);
    // mulberry32(42) draws 0.6011037519, 0.4482905590, 0.8524657935 (computed independently in Python):
    // round(20000 × (1 − 0.5 × 0.6011)) = 13989, round(40000 × (1 − 0.5 × 0.4483)) = 31034, round(50000 × (1 − 0.5 × 0.8525)) = 28688.
    expect(r.client.connectAttempts.map((a) => a.ts)).toEqual([0, 200_000, 213_989, 245_023, 273_711]);
    r.watchdog.stop();
  });

  it('stops retrying with a refusal for a duration once the duration is over', async () => {
    const r = rig({ resubscribe: { initialDelayMs: 1_000, maxDelayMs: 4_000, multiplier: 2, jitter: 0 } });
    r.watchdog.start();
    await r.client.connect();
    r.client.close({ refuseForMs: 10_000 });
    await runUntil(r.clock, 30_000);
    // 0, 1, 3, 7 s refused; 11 s (7 + 4, the cap) is past the 10 s refusal.
    expect(r.client.connectAttempts.slice(1)).toEqual([
      { ts: 0, accepted: false },
      { ts: 1_000, accepted: false },
      { ts: 3_000, accepted: false },
      { ts: 7_000, accepted: false },
      { ts: 11_000, accepted: true },
    ]);
    expect(r.client.connected).toBe(true);
    r.watchdog.stop();
  });

  it('drops duplicates and counts them', async () => {
    const r = rig();
    r.client.faults.duplicateEvery = 1;
    r.watchdog.start();
    await r.client.connect();
    await play(r, minutes(1, 6));
    expect(r.client.stats.duplicated).toBe(6);
    expect(r.out).toEqual(minutes(1, 6));
    expect(r.watchdog.feed({ kind: 'BARS', instrumentId: A })).toMatchObject({ duplicates: 6, outOfOrder: 0 });
    r.watchdog.stop();
  });

  it('keeps the output strictly increasing under reordering and duplication, dropping and counting the rest', async () => {
    const r = rig({ staleAfterMs: 100 * MINUTE });
    r.client.faults.reorderWindow = 3; // reversed by threes
    r.client.faults.duplicateEvery = 2;
    r.watchdog.start();
    await r.client.connect();
    await play(r, minutes(1, 6));
    // Sent: 3 2 2 1 | 6 6 5 4 4 (minutes). Passed: 3, 6; the 6 again is a duplicate; the other six come late.
    expect(r.client.stats).toEqual({ delivered: 6, lost: 0, duplicated: 3 });
    expect(tsOf(r.out)).toEqual([3 * MINUTE, 6 * MINUTE]);
    expect(r.watchdog.feed({ kind: 'BARS', instrumentId: A })).toMatchObject({ duplicates: 1, outOfOrder: 6 });
    r.watchdog.stop();
  });

  it('passes every event of two subscriptions exactly once, per subscription in order, under any duplication and reordering', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 6 }), fc.integer(), async (duplicateEvery, reorderWindow, seed) => {
        const clock = new BacktestClock(0);
        const market = new Subject<MarketData>();
        const client = new FaultyDataClient({ source: market, clock, seed });
        client.faults.duplicateEvery = duplicateEvery;
        client.faults.reorderWindow = reorderWindow;
        client.faults.reorder = 'shuffle';
        const watchdog = new FeedWatchdog({
          client,
          clock,
          subscriptions: [
            { kind: 'BARS', instrumentId: A },
            { kind: 'BARS', instrumentId: B },
          ],
          staleAfterMs: 1e9,
        });
        const out: MarketData[] = [];
        watchdog.events.subscribe((e) => out.push(e));
        watchdog.start();
        await client.connect();
        for (let m = 1; m <= 20; m++) {
          market.next(bar(m * MINUTE, A));
          market.next(bar(m * MINUTE, B));
        }
        client.flush();
        for (const id of [A, B]) {
          const ts = out.filter((e) => e.instrumentId === id).map((e) => e.ts);
          for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThan(ts[i - 1]!);
        }
        // Nothing vanishes unaccounted: every message sent is passed, a duplicate or late.
        const counted = watchdog.feeds().reduce((n, f) => n + f.duplicates + f.outOfOrder, 0);
        expect(out.length + counted).toBe(client.stats.delivered + client.stats.duplicated);
        if (reorderWindow <= 1) expect(out.length).toBe(40);
        watchdog.stop();
      }),
      { numRuns: 60 },
    );
  });

  it('never finds a slow feed stale, and finds it stale exactly staleAfterMs after its last message', async () => {
    const r = rig({ staleAfterMs: 60_000 });
    r.watchdog.start();
    await r.client.connect();
    const slow = Array.from({ length: 100 }, (_, i) => bar((i + 1) * 59_999));
    await play(r, slow);
    expect(statusAt(r.health).map((h) => h.status)).toEqual(['DISCONNECTED', 'HEALTHY']);
    expect(r.out).toHaveLength(100);
    // At 100 × 59 999 the last message; one millisecond short of the limit it is still healthy.
    await runUntil(r.clock, 100 * 59_999 + 59_999);
    expect(r.health).toHaveLength(2);
    await runUntil(r.clock, 100 * 59_999 + 60_000);
    expect(statusAt(r.health)[2]).toEqual({ status: 'STALE', at: 100 * 59_999 + 60_000, reconnects: 0 });
    r.watchdog.stop();
  });

  it('leaves no timer pending after unwatch or stop, wherever it was', async () => {
    // Watching a healthy feed: one staleness timer.
    let r = rig();
    r.watchdog.start();
    await r.client.connect();
    await play(r, minutes(1, 2));
    expect(r.clock.nextTimerAt()).toBe(150_000); // armed at the connect, 0 s
    r.watchdog.unwatch({ kind: 'BARS', instrumentId: A });
    expect(r.clock.nextTimerAt()).toBeUndefined();
    expect(r.client.subscriptions()).toEqual([]);

    // Stale and resubscribing: a backoff timer.
    r = rig();
    r.watchdog.start();
    await r.client.connect();
    r.client.goSilent();
    await runUntil(r.clock, 200_000);
    expect(r.watchdog.feed({ kind: 'BARS', instrumentId: A })!.status).toBe('STALE');
    expect(r.clock.nextTimerAt()).toBeDefined();
    r.watchdog.stop();
    expect(r.clock.nextTimerAt()).toBeUndefined();

    // Disconnected and reconnecting.
    r = rig();
    r.watchdog.start();
    await r.client.connect();
    r.client.close({ refuseAttempts: 100 });
    await runUntil(r.clock, 50_000);
    expect(r.clock.nextTimerAt()).toBeDefined();
    r.watchdog.stop();
    expect(r.clock.nextTimerAt()).toBeUndefined();

    // Backfilling, with history that never answers: the backfill's timeout.
    r = rig();
    vi.spyOn(r.client, 'requestBars').mockReturnValue(new Promise<never>(() => undefined));
    let completed = false;
    r.watchdog.events.subscribe({ complete: () => (completed = true) });
    r.watchdog.start();
    await r.client.connect();
    r.client.goSilent({ untilSubscribes: 1 });
    // Stale at 150 s, resubscribed; the 3-minute bar is the first back and waits on the backfill.
    await play(r, minutes(1, 3));
    expect(r.clock.nextTimerAt()).toBe(3 * MINUTE + 30_000);
    r.watchdog.stop();
    expect(r.clock.nextTimerAt()).toBeUndefined();
    expect(completed).toBe(true);
    expect(r.client.subscriptions()).toEqual([]);
    // Nothing happens after stop, whatever time does.
    await runUntil(r.clock, 10_000_000);
    expect(r.client.connectAttempts).toHaveLength(1);
  });

  it('gives up a backfill that does not answer, or fails, reports the error and passes the live events', async () => {
    for (const answer of ['never', 'reject'] as const) {
      const r = rig();
      vi.spyOn(r.client, 'requestBars').mockImplementation(() => (answer === 'never' ? new Promise<never>(() => undefined) : Promise.reject(new Error('history down'))));
      r.watchdog.start();
      await r.client.connect();
      await play(r, minutes(1, 1));
      r.client.goSilent({ untilSubscribes: 1 });
      await play(r, minutes(2, 6));
      await runUntil(r.clock, 8 * MINUTE);
      // Stale at 210 s, resubscribed (the 4-minute bar is the first back); healthy once the backfill is given up.
      const healthyAt = answer === 'never' ? 4 * MINUTE + 30_000 : 4 * MINUTE;
      expect(statusAt(r.health)).toEqual([
        { status: 'DISCONNECTED', at: 0, reconnects: 0 }, // started before the node connects
        { status: 'HEALTHY', at: 0, reconnects: 0 },
        { status: 'STALE', at: 210_000, reconnects: 0 },
        { status: 'HEALTHY', at: healthyAt, reconnects: 1 },
      ]);
      expect(r.errors).toHaveLength(1);
      expect(String(r.errors[0])).toMatch(answer === 'never' ? /bars:AAA\.TEST: backfill gave no answer in 30000 ms/ : /history down/);
      expect(tsOf(r.out)).toEqual([1, 4, 5, 6].map((m) => m * MINUTE));
      r.watchdog.stop();
    }
  });

  it('takes a book snapshot on recovery and passes it before the live deltas it already holds', async () => {
    const r = rig({ subscriptions: [{ kind: 'BOOKS', instrumentId: A }], staleAfterMs: { BOOKS: 5_000 } });
    r.watchdog.start();
    await r.client.connect();
    const snapshot: OrderBookSnapshot = {
      type: 'OrderBookSnapshot',
      instrumentId: A,
      ts: 1_000,
      sequence: 1,
      bids: [
        { price: 99, size: 1 },
        { price: 98, size: 2 },
      ],
      asks: [{ price: 101, size: 1 }],
    };
    const delta = (ts: number, sequence: number, bids: OrderBookDelta['bids'], asks: OrderBookDelta['asks']): OrderBookDelta => ({ type: 'OrderBookDelta', instrumentId: A, ts, sequence, bids, asks });
    await runUntil(r.clock, 1_000);
    r.market.next(snapshot);
    await runUntil(r.clock, 2_000);
    r.client.goSilent({ untilSubscribes: 1 });
    r.market.next(delta(2_000, 2, [{ price: 99, size: 0 }], [])); // lost
    await runUntil(r.clock, 7_000); // stale at 6 s, resubscribed
    r.market.next(delta(7_000, 3, [{ price: 97, size: 5 }], [{ price: 102, size: 3 }]));
    await settle();
    r.market.next(delta(7_500, 4, [], [{ price: 101, size: 4 }]));
    await settle();
    // The book as the venue holds it at 7 s, by hand: 99 removed, 97 added, ask 102 added.
    expect(r.out).toEqual([
      snapshot,
      { type: 'OrderBookSnapshot', instrumentId: A, ts: 7_000, sequence: 3, bids: [{ price: 98, size: 2 }, { price: 97, size: 5 }], asks: [{ price: 101, size: 1 }, { price: 102, size: 3 }] },
      delta(7_500, 4, [], [{ price: 101, size: 4 }]),
    ]);
    expect(r.watchdog.feed({ kind: 'BOOKS', instrumentId: A })).toMatchObject({ status: 'HEALTHY', reconnects: 1, backfilled: 1, duplicates: 1 });
    r.watchdog.stop();
  });

  it('recovers quotes without a snapshot when the client has no requestSnapshot', async () => {
    const r = rig({ subscriptions: [{ kind: 'QUOTES', instrumentId: A, staleAfterMs: 1_000 }], staleAfterMs: undefined });
    (r.client as { requestSnapshot?: unknown }).requestSnapshot = undefined;
    r.watchdog.start();
    await r.client.connect();
    const quote = (ts: number, bid: number): Quote => ({ type: 'Quote', instrumentId: A, ts, bid, ask: bid + 1, bidSize: 1, askSize: 1 });
    r.client.goSilent({ untilSubscribes: 1 });
    r.market.next(quote(0, 10)); // lost
    await runUntil(r.clock, 1_500);
    r.market.next(quote(1_500, 11));
    r.market.next(quote(1_500, 11)); // the same quote again
    r.market.next(quote(1_500, 12)); // another quote in the same millisecond
    await settle();
    expect(r.out).toEqual([quote(1_500, 11), quote(1_500, 12)]);
    expect(statusAt(r.health).map((h) => h.status)).toEqual(['DISCONNECTED', 'HEALTHY', 'STALE', 'HEALTHY']);
    expect(r.watchdog.feed({ kind: 'QUOTES', instrumentId: A })).toMatchObject({ duplicates: 1, backfilled: 0 });
    r.watchdog.stop();
  });

  it('reports DISCONNECTED until first connected and does not connect by itself', async () => {
    const r = rig();
    r.watchdog.start();
    await runUntil(r.clock, 1_000_000);
    expect(statusAt(r.health)).toEqual([{ status: 'DISCONNECTED', at: 0, reconnects: 0 }]);
    expect(r.client.connectAttempts).toEqual([]);
    await r.client.connect();
    expect(statusAt(r.health)[1]).toEqual({ status: 'HEALTHY', at: 1_000_000, reconnects: 0 });
    r.watchdog.stop();
  });

  it('drops the events of subscriptions it does not watch, and watches more on request', async () => {
    const r = rig();
    r.watchdog.start();
    await r.client.connect();
    r.client.subscribe({ kind: 'BARS', instrumentId: B });
    r.market.next(bar(MINUTE, B));
    expect(r.out).toEqual([]);
    expect(r.watchdog.unwatched).toBe(1);
    r.watchdog.watch({ kind: 'BARS', instrumentId: B, staleAfterMs: 1_000 });
    r.market.next(bar(2 * MINUTE, B));
    expect(r.out).toEqual([bar(2 * MINUTE, B)]);
    expect(r.watchdog.feeds().map((f) => f.name)).toEqual(['bars:AAA.TEST', 'bars:BBB.TEST']);
    expect(() => r.watchdog.watch({ kind: 'BARS', instrumentId: B, staleAfterMs: 1_000 })).toThrow(/subscription: BARS BBB\.TEST is already watched/);
    expect(() => r.watchdog.watch({ kind: 'TRADES', instrumentId: B })).toThrow(/subscription\.staleAfterMs: no staleness limit for TRADES/);
    r.watchdog.stop();
  });

  it('rejects a bad config with an error naming the field', () => {
    const clock = new BacktestClock(0);
    const client = new FaultyDataClient({ source: new Subject<MarketData>(), clock });
    const base = { client, clock, subscriptions: [{ kind: 'BARS' as const, instrumentId: A }], staleAfterMs: 1_000 };
    const error = (config: unknown): ValidationError => {
      try {
        new FeedWatchdog(config as FeedWatchdogConfig);
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error('no error');
    };
    expect(error({ ...base, staleAfterMs: undefined }).message).toBe(
      'FeedWatchdogConfig.subscriptions[0].staleAfterMs: no staleness limit for BARS: set staleAfterMs (for every kind), staleAfterMs.BARS, or this subscription\'s staleAfterMs',
    );
    expect(error({ ...base, staleAfterMs: { BARS: 1, TICKS: 5 } }).field).toBe('FeedWatchdogConfig.staleAfterMs.TICKS');
    expect(error({ ...base, resubscribe: { jitter: 2 } }).field).toBe('FeedWatchdogConfig.resubscribe.jitter');
    expect(error({ ...base, resubscribe: { initialDelay: 5 } }).message).toMatch(/resubscribe\.initialDelay: unknown option; did you mean "initialDelayMs"\?/);
    expect(error({ ...base, client: {} }).message).toMatch(/^FeedWatchdogConfig\.client: must be a DataClient/);
    expect(error({ ...base, subscriptions: [{ kind: 'TICKS', instrumentId: A }] }).field).toBe('FeedWatchdogConfig.subscriptions[0].kind');
    expect(error({ ...base, subscriptions: [...base.subscriptions, ...base.subscriptions] }).message).toMatch(/subscriptions\[1\]: BARS AAA\.TEST is listed twice/);
    expect(error({ ...base, backfil: true }).message).toMatch(/backfil: unknown option; did you mean "backfill"\?/);
    expect(error({ ...base, onHealth: 'log' }).field).toBe('FeedWatchdogConfig.onHealth');
    expect(() => new FeedWatchdog(base)).not.toThrow();
  });
});

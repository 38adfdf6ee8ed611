import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from './venue';
import { instrumentId } from './ids';
import type { Bar, MarketData, Quote } from './market-data';
import { ReplayDataClient } from './replay-data-client';
import { StateError, UnsupportedError, ValidationError } from '../errors';

const A = instrumentId('AAA.SIM');
const B = instrumentId('BBB.SIM');
const bar = (id: typeof A, ts: number, close: number): Bar => ({ type: 'Bar', instrumentId: id, ts, open: close, high: close, low: close, close, volume: 10 });
const quote = (id: typeof A, ts: number): Quote => ({ type: 'Quote', instrumentId: id, ts, bid: 9, ask: 11, bidSize: 1, askSize: 1 });
const recording: MarketData[] = [bar(A, 1, 10), quote(A, 1), bar(B, 1, 20), bar(A, 2, 11), quote(A, 2), bar(B, 2, 21), bar(A, 3, 12)];

describe('ReplayDataClient', () => {
  it('plays only the subscribed kinds and instruments, in recorded order, then completes', async () => {
    const client = new ReplayDataClient({ data: recording });
    client.subscribe({ kind: 'BARS', instrumentId: A });
    client.subscribe({ kind: 'QUOTES', instrumentId: A });
    client.subscribe({ kind: 'BARS', instrumentId: A }); // twice is once
    const seen: string[] = [];
    let completed = false;
    client.events.subscribe({ next: (e) => seen.push(`${e.type} ${e.instrumentId} ${e.ts}`), complete: () => (completed = true) });
    await client.connect();
    expect(seen).toEqual(['Bar AAA.SIM 1', 'Quote AAA.SIM 1', 'Bar AAA.SIM 2', 'Quote AAA.SIM 2', 'Bar AAA.SIM 3']);
    expect(completed).toBe(true);
    expect(client.subscriptions()).toEqual([
      { kind: 'BARS', instrumentId: A },
      { kind: 'QUOTES', instrumentId: A },
    ]);
  });

  it('stops delivering a kind once unsubscribed', async () => {
    async function* source(): AsyncGenerator<MarketData> {
      for (const e of recording) {
        yield e;
        if (e.ts === 1 && e.instrumentId === B) client.unsubscribe({ kind: 'BARS', instrumentId: B });
      }
    }
    const client = new ReplayDataClient({ data: source() });
    client.subscribe({ kind: 'BARS', instrumentId: B });
    const seen: number[] = [];
    client.events.subscribe((e) => seen.push(e.ts));
    await client.connect();
    expect(seen).toEqual([1]);
  });

  it('reports CONNECTED while playing and DISCONNECTED before and after', async () => {
    const client = new ReplayDataClient({ data: recording });
    client.subscribe({ kind: 'BARS', instrumentId: A });
    const statuses: ConnectionStatus[] = [];
    client.connection.subscribe((s) => statuses.push(s));
    const during: ConnectionStatus[] = [];
    client.events.subscribe(() => during.push(statuses[statuses.length - 1]!));
    await client.connect();
    expect(statuses).toEqual(['DISCONNECTED', 'CONNECTED', 'DISCONNECTED']);
    expect(during).toEqual(['CONNECTED', 'CONNECTED', 'CONNECTED']);
    await expect(client.connect()).rejects.toBeInstanceOf(StateError);
  });

  it('emits nothing after disconnect', async () => {
    const client = new ReplayDataClient({ data: recording });
    client.subscribe({ kind: 'BARS', instrumentId: A });
    const seen: number[] = [];
    client.events.subscribe((e) => {
      seen.push(e.ts);
      void client.disconnect();
    });
    await client.connect();
    expect(seen).toEqual([1]);
  });

  it('answers history from the recording, bounds included, whatever is subscribed', async () => {
    const client = new ReplayDataClient({ data: recording });
    expect((await client.requestBars(A, 2, 3)).map((b) => b.close)).toEqual([11, 12]);
    expect((await client.requestBars(B, 0, 1)).map((b) => b.close)).toEqual([20]);
    expect(await client.requestBars(A, 4, 10)).toEqual([]);
    await expect(client.requestBars(A, 3, 2)).rejects.toThrow(/^end: must be a finite number \(epoch ms\) >= start \(3\), got 2/);
    await expect(client.requestBars(A, Number.NaN, 2)).rejects.toBeInstanceOf(ValidationError);
    await expect(new ReplayDataClient({ data: recording.values() }).requestBars(A, 0, 5)).rejects.toBeInstanceOf(UnsupportedError);
  });

  it('carries the error of a recording that throws, on events and from connect', async () => {
    function* broken(): Generator<MarketData> {
      yield bar(A, 1, 10);
      throw new Error('disk read failed');
    }
    const client = new ReplayDataClient({ data: broken() });
    client.subscribe({ kind: 'BARS', instrumentId: A });
    let streamError: unknown;
    client.events.subscribe({ error: (e: unknown) => (streamError = e) });
    await expect(client.connect()).rejects.toThrow('disk read failed');
    expect((streamError as Error).message).toBe('disk read failed');
  });

  it('refuses bad config and bad subscriptions naming the field', () => {
    expect(() => new ReplayDataClient({ data: 5 as never })).toThrow(/^ReplayDataClientConfig\.data: must be an array or an \(async\) iterable/);
    expect(() => new ReplayDataClient({ data: [], speed: 2 } as never)).toThrow(ValidationError);
    const client = new ReplayDataClient({ data: [] });
    expect(() => client.subscribe({ kind: 'CANDLES' as never, instrumentId: A })).toThrow(/^subscription\.kind: must be one of BARS, TRADES, QUOTES, BOOKS/);
    expect(() => client.subscribe({ kind: 'BARS', instrumentId: '' as never })).toThrow(/^subscription\.instrumentId/);
    expect(() => client.subscribe({ kind: 'BARS', instrumentId: A, interval: '1m' } as never)).toThrow(/^subscription\.interval: unknown key/);
  });
});

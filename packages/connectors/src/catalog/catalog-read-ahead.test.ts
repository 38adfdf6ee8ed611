/**
 * The read-ahead of a catalog query's chunks: one fetch at a time, at most `depth` chunks waiting, the
 * end and a failure delivered in their place, and a stop that waits for the fetch in flight.
 */
import type { DuckDBDataChunk, DuckDBResult } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { ReadAhead } from './catalog-reader';

/** A stand-in for a streaming result: `chunks` chunks, then the end or a failure; each fetch is answered when the test says. */
function fakeResult(chunks: number, fail = false) {
  let served = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const pending: Array<() => void> = [];
  const result = {
    fetchChunk(): Promise<DuckDBDataChunk | null> {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise((resolve, reject) => {
        pending.push(() => {
          inFlight--;
          if (served < chunks) resolve({ rowCount: 1, id: served++ } as unknown as DuckDBDataChunk);
          else if (fail) reject(new Error('IO Error: read failed'));
          else resolve(null);
        });
      });
    },
  } as unknown as DuckDBResult;
  const answer = async (n = 1): Promise<void> => {
    for (let i = 0; i < n; i++) {
      await new Promise((r) => setImmediate(r));
      pending.shift()?.();
    }
    await new Promise((r) => setImmediate(r));
  };
  return { result, answer, fetches: () => served + pending.length, waiting: () => pending.length, maxInFlight: () => maxInFlight };
}

const idOf = (c: DuckDBDataChunk | null): number | null => (c === null ? null : (c as unknown as { id: number }).id);

describe('ReadAhead', () => {
  it('keeps at most depth chunks fetched ahead, one fetch at a time, in order, then the end', async () => {
    const f = fakeResult(5);
    const r = new ReadAhead(f.result, 2);
    await f.answer(4);
    expect(f.fetches()).toBe(2); // two chunks waiting, no third fetch asked for
    expect(f.waiting()).toBe(0);
    expect(idOf(await r.next())).toBe(0);
    await f.answer(1);
    expect(idOf(await r.next())).toBe(1);
    expect(idOf(await r.next())).toBe(2);
    const third = r.next(); // nothing waiting: it waits for the fetch in flight
    await f.answer(2);
    expect(idOf(await third)).toBe(3);
    expect(idOf(await r.next())).toBe(4);
    const end = r.next();
    await f.answer(1);
    expect(idOf(await end)).toBeNull();
    expect(f.maxInFlight()).toBe(1);
  });

  it('delivers a failure in the place of the chunk that failed, after the ones before it', async () => {
    const f = fakeResult(1, true);
    const r = new ReadAhead(f.result, 4);
    await f.answer(3);
    expect(idOf(await r.next())).toBe(0);
    await expect(r.next()).rejects.toThrow('IO Error: read failed');
  });

  it('stop waits for the fetch in flight and drops what was read ahead', async () => {
    const f = fakeResult(10);
    const r = new ReadAhead(f.result, 3);
    await f.answer(1);
    let stopped = false;
    const stopping = r.stop().then(() => (stopped = true));
    await new Promise((res) => setImmediate(res));
    expect(stopped).toBe(false); // the second fetch is still out
    await f.answer(1);
    await stopping;
    expect(stopped).toBe(true);
    expect(f.waiting()).toBe(0);
  });
});

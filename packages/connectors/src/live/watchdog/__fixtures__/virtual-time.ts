/**
 * Helpers of the watchdog's tests: bars on a grid and a virtual-time driver that lets promise
 * callbacks (a refused connect, a history answer) run between timers, as they would between ticks of
 * a real event loop. No real time passes.
 */
import { instrumentId, type Bar, type BacktestClock, type InstrumentId } from '@rxtrade/core';

export const A = instrumentId('AAA.TEST');
export const B = instrumentId('BBB.TEST');
export const MINUTE = 60_000;

/** A bar of `id` opening at `ts`, its close carrying the minute number so that bars differ. */
export function bar(ts: number, id: InstrumentId = A): Bar {
  const close = 100 + ts / MINUTE;
  return { type: 'Bar', instrumentId: id, ts, open: close, high: close + 1, low: close - 1, close, volume: 10 };
}

/** Lets every pending promise callback run (one macrotask: no time passes on any clock). */
export const settle = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** Moves the clock to `to`, firing each timer at its time and letting promise callbacks run between timers. */
export async function runUntil(clock: BacktestClock, to: number): Promise<void> {
  await settle();
  for (let next = clock.nextTimerAt(); next !== undefined && next <= to; next = clock.nextTimerAt()) {
    clock.advanceTo(next);
    await settle();
  }
  clock.advanceTo(to);
  await settle();
}

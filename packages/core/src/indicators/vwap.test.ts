import { describe, expect, it } from 'vitest';
import { Vwap } from './vwap';

const HOUR = 3_600_000;
const bar = (ts: number, price: number, volume: number) => ({ ts, high: price, low: price, close: price, volume });

describe('Vwap', () => {
  it('accumulates within a session and restarts at the session boundary', () => {
    // Sessions start at 14:30 UTC each day.
    const vwap = new Vwap({ mode: 'session', sessionMs: 24 * HOUR, offsetMs: 14.5 * HOUR });
    const day = Date.UTC(2024, 0, 2);
    expect(vwap.update(bar(day + 14.5 * HOUR, 10, 100))).toBe(10);
    expect(vwap.update(bar(day + 15 * HOUR, 20, 300))).toBe((10 * 100 + 20 * 300) / 400);
    // 14:00 the next day is still the same session (it started 14:30 the day before).
    expect(vwap.update(bar(day + 24 * HOUR + 14 * HOUR, 30, 100))).toBe((1000 + 6000 + 3000) / 500);
    // 14:30 the next day opens a new session.
    expect(vwap.update(bar(day + 24 * HOUR + 14.5 * HOUR, 40, 50))).toBe(40);
  });

  it('starts a session whenever a custom session key changes', () => {
    // New York trading days: 09:30 local is 14:30 UTC in winter and 13:30 UTC in summer. The key is the
    // UTC date of (ts - 4 h), which is the New York date for bars during the trading day in both seasons.
    const nyDate = (ts: number) => Math.floor((ts - 4 * HOUR) / (24 * HOUR));
    const vwap = new Vwap({ mode: 'session', sessionKey: nyDate, price: 'close' });
    const summerOpen = Date.UTC(2024, 6, 1, 13, 30);
    expect(vwap.update(bar(summerOpen, 10, 1))).toBe(10);
    expect(vwap.update(bar(summerOpen + 6 * HOUR, 20, 1))).toBe(15);
    expect(vwap.update(bar(summerOpen + 24 * HOUR, 30, 1))).toBe(30);
    expect(() => new Vwap({ mode: 'session', sessionKey: 5 as unknown as (ts: number) => number })).toThrow(/Vwap\.sessionKey/);
  });

  it('weighs the typical price by default and the close when asked', () => {
    const b = { ts: 0, high: 12, low: 6, close: 9, volume: 10 };
    expect(new Vwap().update({ ...b, close: 12 })).toBe(10);
    expect(new Vwap({ mode: 'session', price: 'close' }).update({ ...b, close: 12 })).toBe(12);
  });

  it('gives the latest price while the session has no volume yet', () => {
    const vwap = new Vwap({ mode: 'session' });
    expect(vwap.update(bar(0, 10, 0))).toBe(10);
    expect(vwap.update(bar(1, 11, 0))).toBe(11);
    expect(vwap.update(bar(2, 12, 5))).toBe(12);
  });

  it('in rolling mode weighs the last `period` bars only', () => {
    const vwap = new Vwap({ mode: 'rolling', period: 2, price: 'close' });
    expect(vwap.update(bar(0, 10, 1))).toBeUndefined();
    expect(vwap.update(bar(1, 20, 1))).toBe(15);
    expect(vwap.update(bar(2, 40, 3))).toBe((20 + 120) / 4);
  });

  it('replace of the forming bar moves it to another session when its ts changes', () => {
    const vwap = new Vwap({ mode: 'session', sessionMs: HOUR });
    vwap.update(bar(0, 10, 1));
    vwap.update(bar(HOUR / 2, 20, 1));
    expect(vwap.replace(bar(HOUR, 30, 1))).toBe(30);
    expect(vwap.replace(bar(HOUR / 2, 30, 1))).toBe(20);
  });
});

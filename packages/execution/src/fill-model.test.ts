import { defineInstrument } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { bar, btc, goog } from './__fixtures__/setup';
import { BarOpenFillModel } from './fill-model';

const model = new BarOpenFillModel();
const price = (instrument: typeof goog, open: number, high: number, low: number) => model.marketFillPrice(instrument, 'BUY', bar(instrument.id, 0, open, high, low, open)).toString();

describe('BarOpenFillModel', () => {
  it('fills at the open, from the shortest decimal form of the number', () => {
    expect(price(goog, 180.36, 181, 180)).toBe('180.36');
    expect(price(goog, 0.1 + 0.2, 1, 0.1)).toBe('0.3');
  });

  it('rounds the open to the nearest tick, half to even', () => {
    expect(price(goog, 100.004, 101, 99)).toBe('100');
    expect(price(goog, 100.006, 101, 99)).toBe('100.01');
    expect(price(goog, 100.005, 101, 99)).toBe('100');
    expect(price(goog, 100.015, 101, 99)).toBe('100.02');
    expect(price(btc, 65000.06, 65100, 64900)).toBe('65000.1');
  });

  it('rounds toward the inside of the bar when the nearest tick lies outside it', () => {
    expect(price(goog, 10.006, 10.007, 9.99)).toBe('10'); // 10.01 > high
    expect(price(goog, 10.004, 10.02, 10.003)).toBe('10.01'); // 10.00 < low
  });
});

describe('BarOpenFillModel with a tick that is not a power of ten', () => {
  it('rounds to the nearest multiple of the tick', () => {
    const es = defineInstrument({ symbol: 'ES', venue: 'CME', assetClass: 'future', base: 'ES', quote: 'USD', tickSize: '0.25', lotSize: '1', multiplier: '50' });
    expect(price(es, 5000.3, 5010, 4990)).toBe('5000.25');
    expect(price(es, 5000.5, 5010, 4990)).toBe('5000.5');
    expect(price(es, 5000.13, 5010, 4990)).toBe('5000.25');
    expect(price(es, 5000.12, 5010, 4990)).toBe('5000');
  });
});

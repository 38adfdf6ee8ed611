import type { OrderEvent } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { DAY, bar, goog, venueHarness } from './__fixtures__/setup';
import { NO_LATENCY, latencyModel } from './latency-model';

describe('latencyModel', () => {
  it('builds a model from fixed delays (missing ones 0) or functions, and names a bad field', () => {
    const m = latencyModel({ submitMs: 50, fillMs: (e: OrderEvent) => (e.type === 'OrderFilled' ? 5 : 1) });
    expect(m.submitMs({} as never)).toBe(50);
    expect(m.cancelMs({} as never)).toBe(0);
    expect(m.fillMs({ type: 'OrderFilled' } as OrderEvent)).toBe(5);
    expect(latencyModel(NO_LATENCY)).toBe(NO_LATENCY);
    expect(() => latencyModel({ submitMs: -1 })).toThrow(/latency\.submitMs/);
    expect(() => latencyModel({ cancelMs: () => Number.NaN }).cancelMs({} as never)).toThrow(/latency\.cancelMs: returned NaN/);
  });
});

describe('SimulatedVenue with latency', () => {
  it('accepts an order submitMs after the submit and matches it only against data stamped after its arrival', () => {
    const h = venueHarness({ latency: { submitMs: 10 } });
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    expect(h.events).toEqual([]);
    h.clock.advanceTo(10);
    expect(h.events[0]).toMatchObject({ type: 'OrderAccepted', ts: 10, tsInit: 10 });
    h.venue.process(bar(goog.id, 10, 100, 101, 99, 100)); // stamped at the arrival: not matched
    h.clock.advanceTo(11);
    h.venue.process(bar(goog.id, 11, 102, 103, 101, 102));
    expect(h.fillSummary()).toEqual(['102 x 1 TAKER']);
  });

  it('delivers fills fillMs after they happen, stamped with both times', () => {
    const h = venueHarness({ latency: { fillMs: 7 } });
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    h.clock.advanceTo(DAY);
    h.venue.process(bar(goog.id, DAY, 100, 101, 99, 100));
    expect(h.types()).toEqual(['OrderAccepted']);
    h.clock.advanceTo(DAY + 7);
    expect(h.events[1]).toMatchObject({ type: 'OrderFilled', ts: DAY, tsInit: DAY + 7 });
  });

  it('keeps the events of one order in order when their delays differ', () => {
    // The fill is delayed 50 ms, the IOC cancel that follows it would be delayed 0: it must still come after.
    const h = venueHarness({ maxParticipation: 0.001, latency: { fillMs: (e: OrderEvent) => (e.type === 'OrderFilled' ? 50 : 0) } });
    h.venue.submit(h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 5, timeInForce: 'IOC' }));
    h.clock.advanceTo(DAY);
    h.venue.process(bar(goog.id, DAY, 100, 101, 99, 100)); // fills 1 of 5 (0.1% of 1000), cancels 4
    h.clock.advanceTo(DAY + 100);
    expect(h.types()).toEqual(['OrderAccepted', 'OrderFilled', 'OrderCanceled']);
    expect(h.events.slice(1).map((e) => e.tsInit)).toEqual([DAY + 50, DAY + 50]);
  });

  it('cancels cancelMs after the request: a fill that happens first wins and the cancel is refused', () => {
    const h = venueHarness({ latency: { cancelMs: 5 } });
    const order = h.factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 });
    h.venue.submit(order);
    h.venue.cancel(h.factory.cancel(order)); // reaches the venue at 5
    h.clock.advanceTo(3);
    h.venue.process(bar(goog.id, 3, 100, 101, 99, 100));
    h.clock.advanceTo(5);
    expect(h.types()).toEqual(['OrderAccepted', 'OrderFilled', 'OrderCancelRejected']);
  });
});

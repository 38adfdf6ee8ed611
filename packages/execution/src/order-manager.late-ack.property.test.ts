/**
 * Property: an order whose acknowledgement is late, canceled by the strategy while it is in flight,
 * with the venue's events (the ack, partial fills, the cancel's answer) reaching the order manager in
 * any order, some twice, the ack and the cancel's answer sometimes never, and the cancel itself
 * sometimes lost on the way. A real SimulatedVenue (behind a FaultyVenue) decides what happened.
 *
 * At every step: each fill heard once, summing to the filled quantity, which never goes down; the
 * order listed as open exactly while it is; nothing but a refused request after it closed; a single
 * submit; PENDING_CANCEL until the cancel is answered. In the end, after the timeouts have run: the
 * order is closed with the venue's status, every venue fill it did not apply was reported, and no
 * cancel is sent after it closed.
 */
import fc from 'fast-check';
import type { OrderEvent, OrderFilled } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { harness, settle } from './__fixtures__/wire';

const scenario = fc.record({
  /** Bars before the cancel: volumes (4 shares per 8 of volume; 0 does not trade). */
  before: fc.array(fc.constantFrom(0, 4, 8, 12), { maxLength: 3 }),
  /** Bars after the cancel, before the venue's answers are delivered (they fill only when the cancel was lost). */
  after: fc.array(fc.constantFrom(0, 8, 20), { maxLength: 2 }),
  loseCancel: fc.boolean(),
  submitTimeout: fc.boolean(),
  /** Per held event: where it goes in the delivery order, a copy, and (ack and cancel answers only) a loss. */
  delivery: fc.array(fc.record({ key: fc.double({ min: 0, max: 1, noNaN: true }), twice: fc.boolean(), lose: fc.boolean() }), { minLength: 12, maxLength: 12 }),
});

describe('a late acknowledgement racing a cancel (property)', () => {
  it('never double-counts a fill, keeps PENDING_CANCEL until the cancel is answered and ends with the venue', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const h = harness(
          { cancelTimeoutMs: 1_000, ...(s.submitTimeout ? { submitTimeoutMs: 1_000 } : {}), retry: { baseDelayMs: 100, jitter: 'none', maxAttempts: 3 } },
          { maxParticipation: 0.5 },
        );
        const c = h.buy(10, 90);
        let t = 0;
        let lastFilled = '0';
        const step = () => {
          h.check(c);
          const filled = h.manager.order(c.clientOrderId)!.filledQuantity;
          expect(filled.gte(lastFilled)).toBe(true);
          lastFilled = filled.toString();
        };
        for (const volume of s.before) {
          h.market((t += 60_000), 85, volume);
          await settle();
          step();
        }
        h.clock.advanceTo((t += 1));
        if (s.loseCancel) h.wire.loseCancels = 1;
        h.cancel(c);
        step();
        for (const volume of s.after) {
          h.market((t += 100), 85, volume);
          await settle();
          step();
        }
        // Deliver what the venue said, in the generated order.
        const held = h.wire.inbox.splice(0, h.wire.inbox.length);
        const schedule: OrderEvent[] = [];
        held
          .map((event, i) => ({ event, ...s.delivery[i % s.delivery.length]!, i }))
          .sort((a, b) => a.key - b.key || a.i - b.i)
          .forEach((d) => {
            const losable = d.event.type === 'OrderAccepted' || d.event.type === 'OrderCanceled' || d.event.type === 'OrderCancelRejected';
            if (losable && d.lose) return;
            schedule.push(d.event);
            if (d.twice) schedule.push(d.event);
          });
        let answered = false;
        for (const event of schedule) {
          const order = h.manager.order(c.clientOrderId)!;
          h.wire.deliver(event);
          await settle();
          step();
          if (event.type === 'OrderCanceled' || event.type === 'OrderCancelRejected' || !order.isOpen) answered = true;
          // A reconciliation (after the submit timeout) may have answered the cancel already; else the
          // cancel is in flight until an answer or the order's close.
          if (!answered && !s.submitTimeout) expect(order.status).toBe('PENDING_CANCEL');
        }
        // The timeouts run: cancels sent again, refusals checked with the venue, submits reconciled.
        h.wire.hold = false;
        for (let i = 0; i < 40; i++) {
          h.clock.advanceTo((t += 500));
          await settle();
          step();
        }
        const order = h.manager.order(c.clientOrderId)!;
        const venue = (await h.faulty.queryOrder(c.clientOrderId))!;
        expect(order.isClosed).toBe(true);
        expect(order.status).toBe(venue.status);
        // Every venue fill was applied exactly once, also one that crossed the order's close on the wire.
        const applied = h.events.filter((e): e is OrderFilled => e.type === 'OrderFilled').map((f) => f.tradeId);
        expect([...applied].sort()).toEqual(venue.fills.map((f) => f.tradeId).sort());
        expect(order.filledQuantity.toString()).toBe(venue.filledQuantity.toString());
        // Only repeats and late copies are anomalies.
        for (const a of h.anomalies) expect(['DUPLICATE_FILL', 'ILLEGAL_TRANSITION', 'AFTER_TERMINAL']).toContain(a.reason);
        // Nothing armed after the close: the cancels sent stay as they are.
        const cancels = h.wire.cancels.length;
        expect(cancels).toBeLessThanOrEqual(3);
        h.clock.advanceTo(t + 60_000);
        await settle();
        expect(h.wire.cancels).toHaveLength(cancels);
      }),
      { numRuns: 300, seed: 20240611 },
    );
  });
});

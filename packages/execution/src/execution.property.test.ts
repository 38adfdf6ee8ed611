/**
 * Invariants of the order manager and the simulated venue together, over random sequences of submits,
 * cancels, modifies and bars, checked against a small reference model of what each order must become.
 */
import { Decimal, type Bar, type ClientOrderId, type OrderEvent, type OrderFilled, type SubmitOrder } from '@rxtrade/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, bar, btc, goog, setup } from './__fixtures__/setup';

const INSTRUMENTS = [goog, btc] as const;
const TERMINAL = new Set(['DENIED', 'REJECTED', 'FILLED', 'CANCELED', 'EXPIRED']);
const TERMINAL_EVENT: Record<string, string> = {
  OrderDenied: 'DENIED', OrderRejected: 'REJECTED', OrderCanceled: 'CANCELED', OrderExpired: 'EXPIRED',
};

type Op =
  | { kind: 'submit'; inst: 0 | 1; side: 'BUY' | 'SELL'; lots: number; offLot: boolean; closeOnFill: boolean }
  | { kind: 'cancel'; pick: number }
  | { kind: 'modify'; pick: number }
  | { kind: 'bar'; inst: 0 | 1; low: number; width: number; openAt: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('submit' as const), inst: fc.constantFrom(0 as const, 1 as const), side: fc.constantFrom('BUY' as const, 'SELL' as const), lots: fc.integer({ min: 0, max: 50 }), offLot: fc.boolean(), closeOnFill: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('modify' as const), pick: fc.nat() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('bar' as const),
      inst: fc.constantFrom(0 as const, 1 as const),
      low: fc.double({ min: 1, max: 70_000, noNaN: true }),
      width: fc.double({ min: 0.1, max: 500, noNaN: true }), // at least one tick (0.1 is BTC's) inside every bar
      openAt: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
);

describe('OrderManager + SimulatedVenue properties', () => {
  it('never overfill, never leave a negative remainder, fill inside the bar range, and say nothing after a terminal status', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const { clock, venue, manager, factory, events, anomalies } = setup();
        const submitted: SubmitOrder[] = [];
        const submittedAt = new Map<ClientOrderId, number>();
        const bars = new Map<string, Bar>();
        const terminalAt = new Map<ClientOrderId, number>();
        // Reference model: an accepted market order fills on the first later bar of its instrument
        // unless a cancel reached it first.
        const expected = new Map<ClientOrderId, string>();
        const pendingFor: Map<string, ClientOrderId[]> = new Map([[goog.id, []], [btc.id, []]]);
        const violations: string[] = [];
        const closeOnFill = new Set<ClientOrderId>();
        const submit = (cmd: SubmitOrder, valid: boolean): void => {
          submitted.push(cmd);
          submittedAt.set(cmd.clientOrderId, clock.now());
          expected.set(cmd.clientOrderId, valid ? 'ACCEPTED' : 'DENIED');
          if (valid) pendingFor.get(cmd.instrumentId)?.push(cmd.clientOrderId);
          manager.execute(cmd);
        };
        let ts = 0;
        manager.events.subscribe((e: OrderEvent) => {
          const index = events.length; // the fixture's subscriber pushed it already
          // Cancel/modify rejections answer a command sent for a closed order; they change nothing.
          if (terminalAt.has(e.clientOrderId) && e.type !== 'OrderCancelRejected' && e.type !== 'OrderModifyRejected')
            violations.push(`${e.type} for ${e.clientOrderId} after it was terminal (event ${index})`);
          const terminal = e.type === 'OrderFilled' ? (manager.order(e.clientOrderId)?.status === 'FILLED' ? 'FILLED' : undefined) : TERMINAL_EVENT[e.type];
          if (terminal !== undefined) terminalAt.set(e.clientOrderId, index);
          // A strategy reacting inside the fill callback: its order is decided on this bar and must
          // wait for the next one.
          if (e.type === 'OrderFilled' && closeOnFill.delete(e.clientOrderId))
            submit(factory.market({ instrumentId: e.instrumentId, side: e.side === 'BUY' ? 'SELL' : 'BUY', quantity: e.quantity }), true);
        });

        for (const op of ops) {
          if (op.kind === 'bar') {
            const inst = INSTRUMENTS[op.inst];
            ts += DAY;
            const high = op.low + op.width;
            const open = op.low + op.width * op.openAt;
            const b = bar(inst.id, ts, open, high, op.low, (op.low + high) / 2);
            bars.set(`${inst.id}@${ts}`, b);
            clock.advanceTo(ts);
            const due = pendingFor.get(inst.id) ?? [];
            pendingFor.set(inst.id, []);
            venue.processBar(b);
            for (const id of due) if (expected.get(id) === 'ACCEPTED') expected.set(id, 'FILLED');
          } else if (op.kind === 'submit') {
            const inst = INSTRUMENTS[op.inst];
            const base = factory.market({ instrumentId: inst.id, side: op.side, quantity: inst.lotSize.mul(Math.max(op.lots, 1)) });
            const quantity = op.lots === 0 ? new Decimal(0) : op.offLot ? base.quantity.plus(inst.lotSize.div(2)) : base.quantity;
            const cmd: SubmitOrder = { ...base, quantity };
            if (op.closeOnFill) closeOnFill.add(cmd.clientOrderId);
            submit(cmd, op.lots > 0 && !op.offLot);
          } else if (submitted.length > 0) {
            const target = submitted[op.pick % submitted.length] as SubmitOrder;
            if (op.kind === 'cancel') {
              manager.execute(factory.cancel(target));
              if (expected.get(target.clientOrderId) === 'ACCEPTED') expected.set(target.clientOrderId, 'CANCELED');
            } else {
              manager.execute(factory.modify(target, { quantity: 3 }));
            }
          }
        }

        expect(violations).toEqual([]);
        expect(anomalies).toEqual([]);
        for (const order of manager.orders()) {
          expect(order.filledQuantity.lte(order.quantity)).toBe(true);
          expect(order.leavesQuantity.isNeg()).toBe(false);
          expect(order.status).toBe(expected.get(order.clientOrderId));
          if (order.status === 'FILLED') expect(order.filledQuantity.eq(order.quantity)).toBe(true);
          expect(TERMINAL.has(order.status)).toBe(!order.isOpen);
        }
        expect(manager.openOrders().every((o) => o.isOpen)).toBe(true);
        for (const f of events.filter((e): e is OrderFilled => e.type === 'OrderFilled')) {
          const b = bars.get(`${f.instrumentId}@${f.ts}`) as Bar;
          expect(b).toBeDefined();
          expect(f.price.toNumber()).toBeGreaterThanOrEqual(b.low);
          expect(f.price.toNumber()).toBeLessThanOrEqual(b.high);
          // No look-ahead: a fill happens on a bar strictly after the one the order was decided on.
          expect(f.ts).toBeGreaterThan(submittedAt.get(f.clientOrderId) as number);
        }
      }),
      { numRuns: 300 },
    );
  });
});

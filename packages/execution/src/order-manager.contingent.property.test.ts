/**
 * Properties of contingent orders through a real OrderManager and SimulatedVenue on random bars:
 * brackets (OTO entry, OUO exits) and OCO pairs, with random cancels. Whatever the market does, the
 * exits never close more than the entry opened (the position never flips), no order overfills, no event
 * follows a terminal status and the manager reports no anomaly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, type ClientOrderId, type OrderEvent, type SubmitOrderList } from '@rxtrade/core';
import { goog, setup } from './__fixtures__/setup';

const MINUTE = 60_000;

const barArb = fc.record({
  move: fc.double({ min: -0.04, max: 0.04, noNaN: true }),
  gap: fc.double({ min: -0.03, max: 0.03, noNaN: true }),
  up: fc.double({ min: 0, max: 0.03, noNaN: true }),
  down: fc.double({ min: 0, max: 0.03, noNaN: true }),
});

const actionArb = fc.oneof(
  fc.record({ kind: fc.constant('bracket' as const), side: fc.constantFrom('BUY' as const, 'SELL' as const), qty: fc.integer({ min: 1, max: 50 }), tp: fc.double({ min: 0.002, max: 0.05, noNaN: true }), sl: fc.double({ min: 0.002, max: 0.05, noNaN: true }), limitEntry: fc.boolean() }),
  fc.record({ kind: fc.constant('oco' as const), qty: fc.integer({ min: 1, max: 50 }), up: fc.double({ min: 0.002, max: 0.05, noNaN: true }), down: fc.double({ min: 0.002, max: 0.05, noNaN: true }) }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.constant({ kind: 'none' as const }),
);

const round2 = (x: number) => Math.round(x * 100) / 100;

describe('contingent orders (property)', () => {
  it('never flip a bracket, overfill, act after a terminal status or raise an anomaly', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(barArb, actionArb), { minLength: 5, maxLength: 40 }), (steps) => {
        const { clock, venue, manager, factory, events, anomalies } = setup();
        const seen: OrderEvent[] = [];
        const closed = new Set<string>();
        let afterTerminal = 0;
        manager.events.subscribe((e) => {
          seen.push(e);
          if (closed.has(e.clientOrderId) && e.type !== 'OrderCancelRejected' && e.type !== 'OrderModifyRejected') afterTerminal++;
          if (manager.order(e.clientOrderId)?.isOpen === false) closed.add(e.clientOrderId);
        });
        const brackets: { entry: ClientOrderId; exits: ClientOrderId[]; side: 'BUY' | 'SELL' }[] = [];
        let close = 100;
        steps.forEach(([b, action], i) => {
          const ts = (i + 1) * MINUTE;
          const open = round2(Math.max(1, close * (1 + b.gap)));
          const c = round2(Math.max(1, open * (1 + b.move)));
          const high = round2(Math.max(open, c) * (1 + b.up));
          const low = round2(Math.max(0.5, Math.min(open, c) * (1 - b.down)));
          clock.advanceTo(ts);
          const bar = { type: 'Bar' as const, instrumentId: goog.id, ts, open, high, low, close: c, volume: 10_000 };
          venue.process(bar);
          manager.onMarketData(bar);
          close = c;
          // Every fill of this bar lies inside it.
          for (const e of seen.splice(0)) {
            if (e.type === 'OrderFilled' && e.ts === ts) {
              expect(e.price.toNumber()).toBeGreaterThanOrEqual(low);
              expect(e.price.toNumber()).toBeLessThanOrEqual(high);
            }
          }
          if (action.kind === 'bracket') {
            const dir = action.side === 'BUY' ? 1 : -1;
            const list: SubmitOrderList = factory.bracket({
              instrumentId: goog.id,
              side: action.side,
              quantity: action.qty,
              takeProfit: round2(c * (1 + dir * action.tp)),
              stopLoss: round2(c * (1 - dir * action.sl)),
              ...(action.limitEntry ? { entryPrice: c } : {}),
            });
            manager.execute(list);
            const [entry, ...exits] = list.orders.map((o) => o.clientOrderId);
            brackets.push({ entry: entry!, exits, side: action.side });
          } else if (action.kind === 'oco') {
            manager.execute(
              factory.oco([
                factory.limit({ instrumentId: goog.id, side: 'SELL', quantity: action.qty, price: round2(c * (1 + action.up)) }),
                factory.stopMarket({ instrumentId: goog.id, side: 'SELL', quantity: action.qty, triggerPrice: round2(c * (1 - action.down)) }),
              ]),
            );
          } else if (action.kind === 'cancel') {
            const open = manager.openOrders();
            if (open.length > 0) manager.execute(factory.cancel(open[action.pick % open.length]!));
          }
        });
        expect(anomalies).toEqual([]);
        expect(afterTerminal).toBe(0);
        expect(events.length).toBeGreaterThan(0);
        for (const o of manager.orders()) {
          expect(o.filledQuantity.lte(o.quantity)).toBe(true);
          expect(o.leavesQuantity.gte(0)).toBe(true);
        }
        // The exits of a bracket together never close more than its entry filled.
        for (const b of brackets) {
          const entry = manager.order(b.entry)!;
          const exited = b.exits.reduce((sum, id) => sum.plus(manager.order(id)!.filledQuantity), new Decimal(0));
          expect(exited.lte(entry.filledQuantity)).toBe(true);
          if (entry.filledQuantity.isZero()) for (const id of b.exits) expect(manager.order(id)!.filledQuantity.isZero()).toBe(true);
        }
      }),
      { numRuns: 150, seed: 20261121 },
    );
  });
});

/**
 * Invariants of the order manager and the simulated venue together, over random sequences of submits,
 * cancels, modifies and bars, checked against a small reference model of what each order must become.
 */
import { Decimal, isMultipleOf, type Bar, type ClientOrderId, type OrderEvent, type OrderFilled, type SubmitOrder } from '@rxtrade/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, bar, btc, goog, quote, setup, setupWith, trade, venueOf } from './__fixtures__/setup';

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

type AnyOp =
  | { kind: 'submit'; inst: 0 | 1; type: number; tif: number; side: 'BUY' | 'SELL'; lots: number; priceOff: number; triggerOff: number; postOnly: boolean; reduceOnly: boolean; life: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'modify'; pick: number; lots: number; priceOff: number; what: number }
  | { kind: 'bar'; inst: 0 | 1; drift: number; up: number; down: number; openAt: number; closeAt: number; volume: number }
  | { kind: 'quote'; inst: 0 | 1; drift: number; spread: number; bidSize: number; askSize: number }
  | { kind: 'trade'; inst: 0 | 1; drift: number; size: number }
  | { kind: 'book'; drift: number; spread: number; sizes: number[]; delta: boolean };

const TYPES = ['MARKET', 'LIMIT', 'STOP_MARKET', 'STOP_LIMIT', 'TRAILING_STOP_MARKET', 'TRAILING_STOP_LIMIT', 'MARKET_IF_TOUCHED', 'LIMIT_IF_TOUCHED'] as const;
const TIFS = ['GTC', 'GTC', 'IOC', 'FOK', 'GTD', 'DAY'] as const;
const HOUR = 3_600_000;

const anyOpArb: fc.Arbitrary<AnyOp> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      inst: fc.constantFrom(0 as const, 1 as const),
      type: fc.nat({ max: TYPES.length - 1 }),
      tif: fc.nat({ max: TIFS.length - 1 }),
      side: fc.constantFrom('BUY' as const, 'SELL' as const),
      lots: fc.integer({ min: 1, max: 30 }),
      priceOff: fc.integer({ min: -40, max: 40 }),
      triggerOff: fc.integer({ min: -40, max: 40 }),
      postOnly: fc.boolean(),
      reduceOnly: fc.nat({ max: 5 }).map((n) => n === 0),
      life: fc.integer({ min: 1, max: 30 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('modify' as const), pick: fc.nat(), lots: fc.integer({ min: 1, max: 40 }), priceOff: fc.integer({ min: -40, max: 40 }), what: fc.nat({ max: 2 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('bar' as const),
      inst: fc.constantFrom(0 as const, 1 as const),
      drift: fc.integer({ min: -30, max: 30 }),
      up: fc.integer({ min: 0, max: 40 }),
      down: fc.integer({ min: 0, max: 40 }),
      openAt: fc.double({ min: 0, max: 1, noNaN: true }),
      closeAt: fc.double({ min: 0, max: 1, noNaN: true }),
      volume: fc.integer({ min: 0, max: 2000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('quote' as const),
      inst: fc.constantFrom(0 as const, 1 as const),
      drift: fc.integer({ min: -20, max: 20 }),
      spread: fc.integer({ min: 1, max: 5 }),
      bidSize: fc.integer({ min: 0, max: 20 }),
      askSize: fc.integer({ min: 0, max: 20 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('trade' as const), inst: fc.constantFrom(0 as const, 1 as const), drift: fc.integer({ min: -20, max: 20 }), size: fc.integer({ min: 1, max: 30 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('book' as const),
      drift: fc.integer({ min: -20, max: 20 }),
      spread: fc.integer({ min: 1, max: 5 }),
      sizes: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 6, maxLength: 6 }),
      delta: fc.boolean(),
    }),
  },
);

describe('OrderManager + SimulatedVenue properties over every order type, time in force and data kind', () => {
  it('never overfill, keep remainders non-negative, fill bars inside their range on the tick grid, and say nothing after a terminal status', () => {
    fc.assert(
      fc.property(fc.array(anyOpArb, { minLength: 20, maxLength: 80 }), fc.constantFrom('through' as const, 'touch' as const), fc.option(fc.constantFrom(0.01, 0.5, 1)), fc.option(fc.record({ submitMs: fc.nat({ max: 2 * HOUR }), cancelMs: fc.nat({ max: HOUR }), modifyMs: fc.nat({ max: HOUR }), fillMs: fc.nat({ max: HOUR }) })), (ops, limitFill, maxParticipation, latency) => {
        const { clock, instruments, manager, factory, events, anomalies } = setupWith({ limitFill, ...(maxParticipation === null ? {} : { maxParticipation }), ...(latency === null ? {} : { latency }) });
        const ticks = [10_000, 1_000]; // reference prices in ticks: 100.00 for GOOG, 100.0 for BTC
        const tickOf = [0.01, 0.1];
        const lotOf = [1, 0.1]; // BTC orders in 0.1 steps (notional above its 10 USDT minimum)
        const px = (i: 0 | 1, t: number): number => Number((Math.max(t, 10) * tickOf[i]!).toFixed(i === 0 ? 2 : 1));
        const submitted: SubmitOrder[] = [];
        const bars = new Map<string, Bar>();
        const terminal = new Set<ClientOrderId>();
        const violations: string[] = [];
        let ts = 0;
        let seq = 0;
        manager.events.subscribe((e: OrderEvent) => {
          if (terminal.has(e.clientOrderId) && e.type !== 'OrderCancelRejected' && e.type !== 'OrderModifyRejected') violations.push(`${e.type} for ${e.clientOrderId} after a terminal event`);
          const o = manager.order(e.clientOrderId);
          if (o !== undefined && !o.isOpen) terminal.add(e.clientOrderId);
        });
        const step = (): number => {
          ts += HOUR / 4;
          clock.advanceTo(ts);
          return ts;
        };
        for (const op of ops) {
          if (op.kind === 'submit') {
            const i = op.inst;
            const inst = INSTRUMENTS[i];
            const base = { instrumentId: inst.id, side: op.side, quantity: op.lots * lotOf[i]!, reduceOnly: op.reduceOnly && op.type !== 1 };
            const tif = TIFS[op.tif]!;
            const timing = tif === 'GTD' ? { timeInForce: tif, expireTime: clock.now() + op.life * HOUR / 4 } : { timeInForce: tif };
            const price = px(i, ticks[i]! + op.priceOff);
            const trigger = px(i, ticks[i]! + op.triggerOff);
            const offset = Math.abs(op.triggerOff) * tickOf[i]! + tickOf[i]!;
            const opts = { ...base, ...timing };
            const type = TYPES[op.type]!;
            const cmd =
              type === 'MARKET' ? factory.market(opts)
              : type === 'LIMIT' ? factory.limit({ ...opts, price, postOnly: op.postOnly })
              : type === 'STOP_MARKET' ? factory.stopMarket({ ...opts, triggerPrice: trigger })
              : type === 'STOP_LIMIT' ? factory.stopLimit({ ...opts, triggerPrice: trigger, price })
              : type === 'TRAILING_STOP_MARKET' ? factory.trailingStopMarket({ ...opts, trailingOffset: offset, ...(op.postOnly ? { trailingOffsetType: 'PERCENT' as const, trailingOffset: 1 + (op.lots % 5) } : {}) })
              : type === 'TRAILING_STOP_LIMIT' ? factory.trailingStopLimit({ ...opts, trailingOffset: offset, limitOffset: tickOf[i]! * (op.lots % 4), ...(op.postOnly ? { triggerPrice: trigger } : {}) })
              : type === 'MARKET_IF_TOUCHED' ? factory.marketIfTouched({ ...opts, triggerPrice: trigger })
              : factory.limitIfTouched({ ...opts, triggerPrice: trigger, price });
            submitted.push(cmd);
            manager.execute(cmd);
          } else if (op.kind === 'cancel' || op.kind === 'modify') {
            if (submitted.length === 0) continue;
            const target = submitted[op.pick % submitted.length] as SubmitOrder;
            if (op.kind === 'cancel') manager.execute(factory.cancel(target));
            else {
              const i = target.instrumentId === goog.id ? 0 : 1;
              const p = px(i, ticks[i]! + op.priceOff);
              const changes = op.what === 0 ? { quantity: op.lots * lotOf[i]! } : op.what === 1 ? { price: p } : { triggerPrice: p };
              manager.execute(factory.modify(target, changes));
            }
          } else if (op.kind === 'bar') {
            const i = op.inst;
            ticks[i] = Math.max(ticks[i]! + op.drift, 50);
            const t = ticks[i]!;
            const low = px(i, t - op.down);
            const high = px(i, t + op.up);
            const at = step();
            const b = bar(INSTRUMENTS[i].id, at, low + (high - low) * op.openAt, high, low, low + (high - low) * op.closeAt, op.volume);
            bars.set(`${b.instrumentId}@${at}`, b);
            venueOf(manager).process(b);
          } else if (op.kind === 'quote') {
            const i = op.inst;
            ticks[i] = Math.max(ticks[i]! + op.drift, 50);
            const at = step();
            venueOf(manager).process(quote(INSTRUMENTS[i].id, at, px(i, ticks[i]! - op.spread), px(i, ticks[i]! + op.spread), op.bidSize, op.askSize));
          } else if (op.kind === 'trade') {
            const i = op.inst;
            ticks[i] = Math.max(ticks[i]! + op.drift, 50);
            const at = step();
            venueOf(manager).process(trade(INSTRUMENTS[i].id, at, px(i, ticks[i]!), op.size * lotOf[i]!));
          } else {
            ticks[1] = Math.max(ticks[1]! + op.drift, 50);
            const t = ticks[1]!;
            const at = step();
            const level = (k: number, dir: number) => ({ price: px(1, t + dir * (op.spread + k)), size: (op.sizes[k + (dir > 0 ? 3 : 0)] ?? 0) * 0.1 });
            const bids = [0, 1, 2].map((k) => level(k, -1));
            const asks = [0, 1, 2].map((k) => level(k, 1));
            seq++;
            const update = op.delta
              ? ({ type: 'OrderBookDelta', instrumentId: btc.id, ts: at, sequence: seq, bids, asks } as const)
              : ({ type: 'OrderBookSnapshot', instrumentId: btc.id, ts: at, sequence: seq, bids, asks } as const);
            try {
              venueOf(manager).process(update);
            } catch {
              // A delta that would cross the stale side of the book is refused by the book: not a venue fault.
            }
          }
        }
        clock.advanceTo(ts + 40 * HOUR); // every GTD and DAY order expires
        expect(violations).toEqual([]);
        expect(anomalies.map((a) => `${a.reason}: ${a.message}`)).toEqual([]);
        const fills = events.filter((e): e is OrderFilled => e.type === 'OrderFilled');
        const filledBy = new Map<ClientOrderId, Decimal>();
        for (const f of fills) {
          filledBy.set(f.clientOrderId, (filledBy.get(f.clientOrderId) ?? new Decimal(0)).plus(f.quantity));
          const inst = instruments.get(f.instrumentId);
          expect(isMultipleOf(f.price, inst.tickSize)).toBe(true);
          expect(isMultipleOf(f.quantity, inst.lotSize)).toBe(true);
          const b = bars.get(`${f.instrumentId}@${f.ts}`);
          if (b !== undefined) {
            expect(f.price.toNumber()).toBeGreaterThanOrEqual(b.low);
            expect(f.price.toNumber()).toBeLessThanOrEqual(b.high);
          }
        }
        expect(new Set(fills.map((f) => f.tradeId)).size).toBe(fills.length);
        for (const order of manager.orders()) {
          expect(order.filledQuantity.lte(order.quantity)).toBe(true);
          expect(order.leavesQuantity.isNeg()).toBe(false);
          expect(order.filledQuantity.eq(filledBy.get(order.clientOrderId) ?? 0)).toBe(true);
          expect(TERMINAL.has(order.status)).toBe(!order.isOpen);
        }
      }),
      { numRuns: 200 },
    );
  });
});

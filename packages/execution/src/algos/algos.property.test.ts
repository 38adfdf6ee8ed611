import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, type PipelineContext, type SubmitOrder } from '@rxtrade/core';
import { aapl, algoHarness, MINUTE, T0 } from './__fixtures__/algo-harness';
import type { ExecutionAlgorithm } from './execution-algorithm';
import { iceberg } from './iceberg';
import { pov } from './pov';
import { twap } from './twap';
import { vwap } from './vwap';

/** What a random venue does with each child: fill it in 1–3 parts, part-fill then cancel, reject, or leave it working. */
const reaction = fc.oneof(
  fc.record({ kind: fc.constant('fill' as const), parts: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('partThenCancel' as const), frac: fc.double({ min: 0, max: 0.99, noNaN: true }) }),
  fc.constant({ kind: 'reject' as const }),
  fc.constant({ kind: 'work' as const }),
);

const algos: Record<string, (ctx: PipelineContext) => ExecutionAlgorithm> = {
  twap: (ctx) => twap(ctx, { durationMs: 10 * MINUTE, slices: 7 }),
  vwap: (ctx) => vwap(ctx, { durationMs: 10 * MINUTE, profile: [5, 0, 3, 1, 1, 4] }),
  pov: (ctx) => pov(ctx, { participation: 0.3, minChildQuantity: 3 }),
  iceberg: (ctx) => iceberg(ctx, { displayQuantity: 17 }),
};

describe.each(Object.keys(algos))('%s under a random venue', (name) => {
  it('never has more filled and working than the parent, and sends only positive lot-multiple children', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.array(reaction, { minLength: 1, maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 12 }), (qty, reactions, volumes) => {
        const h = algoHarness(algos[name]!);
        /** Unfilled quantity of each child not yet closed. */
        const leaves = new Map<string, Decimal>();
        const check = () => {
          const open = [...leaves.values()].reduce((a, b) => a.plus(b), new Decimal(0));
          expect(filled.plus(open).lte(qty)).toBe(true);
        };
        let filled = new Decimal(0);
        let r = 0;
        const working: SubmitOrder[] = [];
        h.setOnCommand((c) => {
          if (c.type !== 'SubmitOrder') return;
          expect(c.quantity.gt(0) && c.quantity.isInteger()).toBe(true);
          leaves.set(c.clientOrderId, c.quantity);
          working.push(c);
          check();
        });
        const settle = () => {
          // Answer every child sent so far (answers may send more children).
          while (working.length > 0) {
            const c = working.shift()!;
            const react = reactions[r++ % reactions.length]!;
            if (react.kind === 'reject') {
              leaves.delete(c.clientOrderId);
              h.reject(c);
            }
            else if (react.kind === 'fill') {
              const part = c.quantity.divToInt(react.parts);
              for (let i = 0; i < react.parts; i++) {
                const q = i === react.parts - 1 ? leaves.get(c.clientOrderId)! : part;
                if (q.gt(0)) {
                  const left = leaves.get(c.clientOrderId)!.minus(q);
                  if (left.isZero()) leaves.delete(c.clientOrderId);
                  else leaves.set(c.clientOrderId, left);
                  filled = filled.plus(q);
                  h.fill(c, q);
                }
              }
            } else if (react.kind === 'partThenCancel') {
              const q = c.quantity.mul(react.frac).floor();
              leaves.delete(c.clientOrderId);
              if (q.gt(0)) {
                filled = filled.plus(q);
                h.fill(c, q);
              }
              h.cancel(c);
            }
            check();
          }
        };
        const parent =
          name === 'iceberg'
            ? h.ctx.orderFactory.limit({ instrumentId: aapl.id, side: 'BUY', quantity: qty, price: 100 })
            : h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'BUY', quantity: qty });
        h.input.next(parent);
        settle();
        volumes.forEach((v, i) => {
          h.bar(aapl.id, T0 + (i + 1) * MINUTE, v);
          settle();
        });
        h.clock.advanceTo(T0 + 60 * MINUTE);
        settle();
        expect(h.state.error).toBeUndefined();
        expect(filled.lte(qty)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('twap and vwap under a venue that fills everything', () => {
  it('send children that sum exactly to the parent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 30 }), fc.boolean(), (qty, n, useVwap) => {
        const h = algoHarness((ctx) => (useVwap ? vwap(ctx, { durationMs: 30 * MINUTE, profile: Array.from({ length: n }, (_, i) => ((i * 7) % 5) + (i === 0 ? 1 : 0)) }) : twap(ctx, { durationMs: 30 * MINUTE, slices: n })));
        h.setOnCommand((c) => {
          if (c.type === 'SubmitOrder') h.fill(c);
        });
        h.input.next(h.ctx.orderFactory.market({ instrumentId: aapl.id, side: 'SELL', quantity: qty }));
        h.input.complete();
        h.clock.advanceTo(T0 + 30 * MINUTE);
        const total = h.children().reduce((a, c) => a.plus(c.quantity), new Decimal(0));
        expect(total.toString()).toBe(String(qty));
        expect(h.state.completed).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * Iceberg: a LIMIT parent shows only `displayQuantity` at a time. One child of `displayQuantity` (the
 * last one smaller: the remainder) rests at the parent's price; the next is posted the moment the
 * previous one is completely filled. When a child closes unfilled (canceled, rejected, expired), its
 * unfilled quantity returns to the parent and a new child is posted at the next bar or trade of the
 * instrument, never synchronously from the rejection, so a venue that rejects every order cannot
 * start a loop.
 */
import { merge, type Subscription } from 'rxjs';
import { z } from 'zod';
import { Decimal, ValidationError, parseWith, roundQuantity, type PipelineContext } from '@rxtrade/core';
import { executionAlgorithm, type ExecutionAlgorithm } from './execution-algorithm';

const positiveQuantity = z
  .union([z.number(), z.string(), z.instanceof(Decimal as unknown as new (...a: never[]) => Decimal)])
  .transform((v, ctx) => {
    try {
      const d = new Decimal(v);
      if (d.isFinite() && d.gt(0)) return d;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: `must be a finite quantity > 0, got ${JSON.stringify(String(v))}` });
    return z.NEVER;
  });

/**
 * Schema of {@link IcebergConfig}.
 *
 * @example
 * ```ts
 * parseWith(IcebergConfigSchema, { displayQuantity: 100 }, 'iceberg').displayQuantity.toString(); // '100'
 * ```
 */
export const IcebergConfigSchema = z.strictObject({
  /** Quantity shown at a time (a number, numeric string or Decimal > 0; rounded down to the lot, at least one lot). */
  displayQuantity: positiveQuantity,
});
/** Options of {@link iceberg}. */
export type IcebergConfig = z.input<typeof IcebergConfigSchema>;

/**
 * An iceberg execution stage: each LIMIT parent is worked one `displayQuantity` child at a time at
 * the parent's price.
 *
 * @example
 * ```ts
 * // 1000 shares bid at 99.50, 300 shown at a time: children of 300, 300, 300, 100
 * const pipeline: Pipeline = (ctx) =>
 *   ctx.market.bars(goog.id).pipe(
 *     take(1),
 *     map(() => ctx.orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1000, price: 99.5 })),
 *     iceberg(ctx, { displayQuantity: 300 }),
 *   );
 * ```
 */
export function iceberg(ctx: PipelineContext, options: IcebergConfig): ExecutionAlgorithm {
  const c = parseWith(IcebergConfigSchema, options, 'iceberg');
  return executionAlgorithm(ctx, 'iceberg', ['LIMIT'], (handle) => {
    const p = handle.parent;
    const display = roundQuantity(p.instrument, c.displayQuantity, 'down');
    if (display.lte(0))
      throw new ValidationError([
        { path: ['iceberg', 'displayQuantity'], message: `${c.displayQuantity.toString()} is below the lot size ${p.instrument.lotSize.toString()} of ${p.instrument.id}` },
      ]);
    let market: Subscription | undefined;
    const post = (): void => {
      if (!handle.ended && p.working.lte(0)) handle.send(display);
    };
    return {
      start: () => {
        post();
        if (handle.ended) return;
        // A repost opportunity after a child closed unfilled: the next bar or trade of the instrument.
        market = merge(ctx.market.bars(p.instrument.id), ctx.market.trades(p.instrument.id)).subscribe(post);
      },
      onChildUpdate: (update) => {
        if (update.complete) post();
      },
      dispose: () => {
        market?.unsubscribe();
        market = undefined;
      },
    };
  });
}

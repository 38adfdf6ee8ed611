/**
 * `sizeSignals`: from signals to orders. Each signal sets a target position, direction × size × its
 * `sizeHint`, the size from a {@link Sizer}; the stage orders the difference from what is held (working
 * market orders counted) through the context's order factory, so quantities are rounded to the lot and
 * client order ids are the SDK's. A signal with a target and a stop that opens a position from flat
 * becomes a bracket (entry, take-profit, stop-loss). When the position is to shrink or change side,
 * the instrument's resting orders (a bracket's exits) are cancelled first.
 *
 * Orders leave the stage as commands: put `riskGate(engine, ctx)` after it, or let the runner's risk
 * engine check them, as with any strategy.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { Decimal, parseWith, type OrderCommand, type PipelineContext } from '@rxtrade/core';
import { directionSign, type Signal } from './signal';
import type { Sizer } from './sizing';

/** Options of {@link sizeSignals}. */
export interface SizeSignalsConfig {
  /** The pipeline's context: ledger, orders and order factory. */
  readonly ctx: Pick<PipelineContext, 'ledger' | 'orders' | 'orderFactory'>;
  readonly sizing: Sizer;
  /** The price to size at for a signal (the last close, say), or undefined to skip the signal. */
  readonly price: (signal: Signal) => number | undefined;
  /** Signals below this confidence are ignored (default 0). */
  readonly minConfidence?: number;
  /**
   * A position on the signal's side within this fraction of the target is left as it is (default 0:
   * every change of equity or price resizes it). 0.1 keeps a position within 10% of its target.
   */
  readonly tolerance?: number;
}

const ConfigSchema = z.strictObject({
  ctx: z.custom<SizeSignalsConfig['ctx']>((c) => typeof (c as PipelineContext)?.orderFactory?.market === 'function' && typeof (c as PipelineContext)?.ledger?.equity === 'function', 'must be the pipeline context (ctx)'),
  sizing: z.custom<Sizer>((f) => typeof f === 'function', 'must be a sizing function such as fixedFraction(0.1)'),
  price: z.custom<(s: Signal) => number | undefined>((f) => typeof f === 'function', 'must be a function'),
  minConfidence: z.number().min(0).max(1).default(0),
  tolerance: z.number().min(0).max(1).default(0),
});

/**
 * Turns signals into order commands.
 *
 * @example
 * ```ts
 * let last = 0;
 * ctx.market.bars(goog.id).pipe(
 *   tap((bar) => (last = bar.close)),
 *   decide({ members, clock: ctx.clock, work: ctx.work }),
 *   sizeSignals({ ctx, sizing: volatilityTarget({ target: 0.15, volatility: () => vol }), price: () => last }),
 *   riskGate(engine, ctx),
 * );
 * ```
 */
export function sizeSignals(config: SizeSignalsConfig): OperatorFunction<Signal, OrderCommand> {
  const c = parseWith(ConfigSchema, config, 'sizeSignals');
  const { ledger, orders, orderFactory } = config.ctx;
  return (signals) =>
    new Observable<OrderCommand>((subscriber) =>
      signals.subscribe({
        next: (signal) => {
          try {
            for (const command of ordersFor(signal)) subscriber.next(command);
          } catch (error) {
            subscriber.error(error);
          }
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    );

  function ordersFor(signal: Signal): OrderCommand[] {
    if (signal.confidence < c.minConfidence) return [];
    const price = config.price(signal);
    if (price === undefined || !(price > 0) || !Number.isFinite(price)) return [];
    const id = signal.instrumentId;
    const held = ledger.positionQuantity(id);
    const open = orders.openOrders(id);
    // Working market orders will change the position; resting orders (exits) only might.
    let working = new Decimal(0);
    for (const o of open) if (o.orderType === 'MARKET') working = working.plus(o.side === 'BUY' ? o.quantity.minus(o.filledQuantity) : o.quantity.minus(o.filledQuantity).neg());
    const expected = held.plus(working);
    const sign = directionSign(signal.direction);
    const size = sign === 0 ? 0 : Math.max(0, config.sizing(signal, { equity: ledger.equity().toNumber(), price, position: held.toNumber() })) * (signal.sizeHint ?? 1);
    if (!Number.isFinite(size)) return [];
    const target = new Decimal(sign * size);
    const delta = target.minus(expected);
    if (!target.isZero() && target.s === expected.s && !expected.isZero() && delta.abs().lte(target.abs().times(c.tolerance))) return [];
    const out: OrderCommand[] = [];
    const shrinksOrFlips = !expected.isZero() && (target.isZero() || target.s !== expected.s || target.abs().lt(expected.abs()));
    if (shrinksOrFlips) for (const o of open) if (o.orderType !== 'MARKET') out.push(orderFactory.cancel(o));
    const quantity = delta.abs();
    const side = delta.gt(0) ? 'BUY' : 'SELL';
    // The factory rounds down to the lot; below one lot there is nothing to order.
    const order = (): OrderCommand | undefined => {
      if (expected.isZero() && signal.target !== undefined && signal.stop !== undefined && sign !== 0) {
        const list = orderFactory.bracket({ instrumentId: id, side, quantity, takeProfit: signal.target, stopLoss: signal.stop });
        return list.orders[0]!.quantity.isZero() ? undefined : list;
      }
      const m = orderFactory.market({ instrumentId: id, side, quantity, reduceOnly: target.isZero() });
      return m.quantity.isZero() ? undefined : m;
    };
    if (!delta.isZero()) {
      const o = order();
      if (o !== undefined) out.push(o);
    }
    return out;
  }
}

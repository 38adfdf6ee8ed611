/**
 * Sizing: turns target weights into market orders that move the portfolio to them.
 */
import { concatMap, from, type OperatorFunction } from 'rxjs';
import {
  Decimal,
  parseWith,
  roundToIncrement,
  ValidationError,
  ZERO,
  type InstrumentId,
  type InstrumentRegistry,
  type LedgerView,
  type OrderFactory,
  type SubmitOrder,
} from '@rxtrade/core';
import { z } from 'zod';
import { defaultPrice, quoteToBase } from './current-weights';
import type { TargetWeights } from './target-weights';

/**
 * Schema of {@link SizeToTargetsConfig}.
 *
 * @example
 * ```ts
 * parseWith(SizeToTargetsConfigSchema, { ledger: ctx.ledger, orderFactory: ctx.orderFactory, instruments: ctx.instruments });
 * ```
 */
export const SizeToTargetsConfigSchema = z.strictObject({
  /** Equity and current positions (`ctx.ledger`). */
  ledger: z.custom<LedgerView>((v) => typeof v === 'object' && v !== null && typeof (v as LedgerView).equity === 'function', 'must be a LedgerView'),
  /** Builds the orders (`ctx.orderFactory`), so ids, rounding and time come from the pipeline. */
  orderFactory: z.custom<OrderFactory>((v) => typeof v === 'object' && v !== null && typeof (v as OrderFactory).market === 'function', 'must be an OrderFactory'),
  /** Lot sizes, multipliers and minimum notionals (`ctx.instruments`). */
  instruments: z.custom<InstrumentRegistry>((v) => typeof v === 'object' && v !== null && typeof (v as InstrumentRegistry).get === 'function', 'must be an InstrumentRegistry'),
  /** Price to size at; defaults to the ledger's last price (the portfolio Ledger's `lastPrice`). */
  price: z.custom<(id: InstrumentId) => number | undefined>((v) => typeof v === 'function', 'must be a function').optional(),
  /** Skip trades smaller than this fraction of equity (0.001 = 0.1%); default 0: every whole lot trades. */
  minTradeWeight: z.number().min(0).default(0),
  /** Close positions in instruments the target does not list; default true. */
  closeUnlisted: z.boolean().default(true),
});

/**
 * Options of {@link sizeToTargets}.
 *
 * @example
 * ```ts
 * const sizing: SizeToTargetsConfig = { ledger: ctx.ledger, orderFactory: ctx.orderFactory, instruments: ctx.instruments, minTradeWeight: 0.001 };
 * ```
 */
export type SizeToTargetsConfig = z.input<typeof SizeToTargetsConfigSchema>;

/**
 * Sizing stage from target weights to market orders: for each instrument,
 * `target = weight x equity / (price x multiplier x fx)` rounded toward zero to the lot size, where `fx`
 * converts the instrument's quote currency into the ledger's base currency (`ledger.fxRate`, 1 for the
 * base currency), so that a long-only
 * target never spends more than equity), and an order for `target - held` when that is at least one lot,
 * at least the instrument's minimum notional and at least `minTradeWeight x equity`. Equity and positions
 * are read from the ledger (exact Decimal) when the target arrives; sells are emitted before buys so that
 * cash is freed first. The orders then go through the risk gate and router like any others.
 *
 * @throws ValidationError (as a stream error) naming `weights.ID` when a weight is not finite or the
 *   instrument has no price.
 * @example
 * ```ts
 * const orders$ = targets$.pipe(sizeToTargets({ ledger: ctx.ledger, orderFactory: ctx.orderFactory, instruments: ctx.instruments }));
 * ```
 */
export function sizeToTargets(config: SizeToTargetsConfig): OperatorFunction<TargetWeights, SubmitOrder> {
  const c = parseWith(SizeToTargetsConfigSchema, config, 'sizeToTargets');
  const price = c.price ?? defaultPrice(c.ledger);
  return concatMap((target: TargetWeights) => from(ordersFor(target, c.ledger, c.orderFactory, c.instruments, price, c.minTradeWeight, c.closeUnlisted)));
}

function ordersFor(
  target: TargetWeights,
  ledger: LedgerView,
  factory: OrderFactory,
  instruments: InstrumentRegistry,
  price: (id: InstrumentId) => number | undefined,
  minTradeWeight: number,
  closeUnlisted: boolean,
): SubmitOrder[] {
  const equity = ledger.equity();
  const minTrade = equity.mul(new Decimal(minTradeWeight));
  const ids = Object.keys(target.weights) as InstrumentId[];
  if (closeUnlisted) for (const p of ledger.openPositions()) if (!(p.instrumentId in target.weights)) ids.push(p.instrumentId);
  const sells: SubmitOrder[] = [];
  const buys: SubmitOrder[] = [];
  for (const id of ids) {
    const w = target.weights[id] ?? 0;
    if (!Number.isFinite(w)) throw new ValidationError([{ path: ['weights', id], message: `must be a finite number, got ${String(w)}` }]);
    const instrument = instruments.get(id);
    const held = ledger.positionQuantity(id);
    let wanted: Decimal = ZERO;
    let px: Decimal | undefined;
    if (w !== 0) {
      const p = price(id);
      if (p === undefined || !(p > 0)) throw new ValidationError([{ path: ['weights', id], message: `no price to size ${id} at` }]);
      px = new Decimal(p);
      const fx = quoteToBase(ledger, instrument.quote);
      const unitValue = fx === 1 ? px.mul(instrument.multiplier) : px.mul(instrument.multiplier).mul(new Decimal(fx));
      wanted = roundToIncrement(new Decimal(w).mul(equity).div(unitValue), instrument.lotSize, 'down');
    }
    const delta = wanted.minus(held);
    if (delta.abs().lt(instrument.lotSize)) continue;
    if (px === undefined) {
      const p = price(id);
      px = p !== undefined && p > 0 ? new Decimal(p) : undefined;
    }
    if (px !== undefined) {
      const notional = delta.abs().mul(px).mul(instrument.multiplier); // in the quote currency, as minNotional
      const fx = quoteToBase(ledger, instrument.quote);
      if (notional.lt(instrument.minNotional) || (fx === 1 ? notional : notional.mul(new Decimal(fx))).lt(minTrade)) continue;
    }
    const order = factory.market({ instrumentId: id, side: delta.isNegative() ? 'SELL' : 'BUY', quantity: delta.abs() });
    (delta.isNegative() ? sells : buys).push(order);
  }
  return sells.concat(buys);
}

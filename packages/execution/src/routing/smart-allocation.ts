/**
 * Smart order routing's allocation rule, as a pure function: split one order across several instruments
 * (the same asset on several venues) by effective price, fees included, and visible depth.
 *
 * Rule:
 * 1. Every visible level of every target is priced at its effective price per unit: the level price plus
 *    the taker fee of one unit (BUY), or minus it (SELL). For a percentage fee model that is
 *    `price × (1 + rate)` for a BUY and `price × (1 − rate)` for a SELL. The fee of one unit is
 *    `feeModel.commission(instrument, side, 1, price, 'TAKER') / multiplier`, so for contracts with a
 *    multiplier the fee is compared per price unit, like the price.
 * 2. A limit order sees only the levels at or better than its limit (`price <= limit` for a BUY,
 *    `>= limit` for a SELL); market orders see all.
 * 3. Levels are taken best effective price first (ties: target order, then level order), each take
 *    rounded down to its instrument's lot size, until the order's quantity is covered.
 * 4. What visible depth cannot cover goes to the target with the best effective top of book (its first
 *    level, ignoring the limit), rounded down to that target's lot; when no target shows any level, to
 *    the first target. A limit child rests there; a market child walks deeper than the book showed.
 * 5. A quantity that lot rounding leaves over is reported as `unallocated` (nothing is sent for it).
 *
 * The fee of one unit is the marginal rate: fee models that charge a fixed amount per order are not
 * amortized over the child's quantity.
 */
import {
  Decimal,
  ZERO,
  roundQuantity,
  type BookLevel,
  type Instrument,
  type OrderSide,
} from '@rxtrade/core';
import type { FeeModel } from '../fee-model';

const ONE = new Decimal(1);

/**
 * One place an order may be split to: an instrument, its venue's fee model and its visible depth.
 *
 * @example
 * ```ts
 * const target: SmartTarget = { instrument: btcA, feeModel: new PercentFeeModel(0.001), levels: [{ price: 100, size: 4 }] };
 * ```
 */
export interface SmartTarget {
  readonly instrument: Instrument;
  readonly feeModel: FeeModel;
  /** The levels a taker of the order's side meets, best first: asks for a BUY, bids for a SELL. */
  readonly levels: readonly BookLevel[];
}

/**
 * What {@link allocateSmart} splits: side, quantity, optional limit price and the targets.
 *
 * @example
 * ```ts
 * const input: SmartAllocationInput = { side: 'BUY', quantity: new Decimal(10), targets: [targetA, targetB] };
 * ```
 */
export interface SmartAllocationInput {
  readonly side: OrderSide;
  readonly quantity: Decimal;
  /** Limit price of a limit order; undefined for a market order. */
  readonly limitPrice?: Decimal | undefined;
  readonly targets: readonly SmartTarget[];
}

/**
 * One level (or the part beyond visible depth) an allocation plans to take.
 *
 * @example
 * ```ts
 * allocation.children[0]!.takes[0] // { price: Decimal 100.04, effectivePrice: Decimal 100.09002, quantity: Decimal 3, visible: true }
 * ```
 */
export interface PlannedTake {
  /** The level's price; for the part beyond visible depth, the target's top of book (undefined if empty). */
  readonly price: Decimal | undefined;
  readonly effectivePrice: Decimal | undefined;
  readonly quantity: Decimal;
  /** False for the part beyond visible depth. */
  readonly visible: boolean;
}

/**
 * The quantity one target receives and the takes it is made of.
 *
 * @example
 * ```ts
 * allocation.children.map((c) => [c.instrument.id, c.quantity.toString()]) // [['BTCUSDT.VENUE_A', '4'], ['BTCUSDT.VENUE_B', '6']]
 * ```
 */
export interface SmartChild {
  readonly instrument: Instrument;
  /** Total for this target: visible takes plus any part beyond visible depth; a multiple of the lot size. */
  readonly quantity: Decimal;
  /** Takes in the order they were allocated (best effective price first). */
  readonly takes: readonly PlannedTake[];
}

/**
 * The result of {@link allocateSmart}.
 *
 * @example
 * ```ts
 * const { children, unallocated } = allocateSmart(input);
 * ```
 */
export interface SmartAllocation {
  /** One child per target that receives a positive quantity, in target order. */
  readonly children: readonly SmartChild[];
  /** Quantity left over by lot rounding (0 in the usual case of a common lot size). */
  readonly unallocated: Decimal;
}

interface RankedLevel {
  readonly target: number;
  readonly price: Decimal;
  readonly effective: Decimal;
  readonly size: number;
}

/**
 * Splits an order across targets by effective price (fees included) and visible depth; see the file
 * header for the rule.
 *
 * @example
 * ```ts
 * const allocation = allocateSmart({
 *   side: 'BUY',
 *   quantity: new Decimal(10),
 *   targets: [
 *     { instrument: btcA, feeModel: new PercentFeeModel(0.001), levels: [{ price: 100, size: 4 }, { price: 100.1, size: 5 }] },
 *     { instrument: btcB, feeModel: new PercentFeeModel(0.0005), levels: [{ price: 100.04, size: 3 }, { price: 100.12, size: 10 }] },
 *   ],
 * });
 * allocation.children.map((c) => c.quantity.toString()); // ['4', '6']
 * ```
 */
export function allocateSmart(input: SmartAllocationInput): SmartAllocation {
  const { side, limitPrice, targets } = input;
  const buy = side === 'BUY';
  const effectiveOf = (t: SmartTarget, price: Decimal): Decimal => {
    const feePerUnit = t.feeModel.commission(t.instrument, side, ONE, price, 'TAKER');
    const perPriceUnit = t.instrument.multiplier.eq(ONE) ? feePerUnit : feePerUnit.div(t.instrument.multiplier);
    return buy ? price.plus(perPriceUnit) : price.minus(perPriceUnit);
  };
  const better = (a: Decimal, b: Decimal): boolean => (buy ? a.lt(b) : a.gt(b));

  const ranked: RankedLevel[] = [];
  targets.forEach((t, target) => {
    for (const level of t.levels) {
      if (!(level.size > 0) || !Number.isFinite(level.size) || !(level.price > 0) || !Number.isFinite(level.price)) continue;
      const price = new Decimal(level.price);
      if (limitPrice !== undefined && (buy ? price.gt(limitPrice) : price.lt(limitPrice))) continue;
      ranked.push({ target, price, effective: effectiveOf(t, price), size: level.size });
    }
  });
  // Array.prototype.sort is stable: equal effective prices keep target order, then level order.
  ranked.sort((a, b) => (a.effective.eq(b.effective) ? 0 : better(a.effective, b.effective) ? -1 : 1));

  const quantities = targets.map(() => ZERO);
  const takes: PlannedTake[][] = targets.map(() => []);
  let remaining = input.quantity;
  for (const level of ranked) {
    if (remaining.lte(0)) break;
    const instrument = targets[level.target]!.instrument;
    const size = new Decimal(level.size);
    const take = roundQuantity(instrument, Decimal.min(remaining, size), 'down');
    if (take.lte(0)) continue;
    quantities[level.target] = quantities[level.target]!.plus(take);
    takes[level.target]!.push({ price: level.price, effectivePrice: level.effective, quantity: take, visible: true });
    remaining = remaining.minus(take);
  }

  if (remaining.gt(0) && targets.length > 0) {
    // Beyond visible depth: the best effective top of book, whatever the limit.
    let best = 0;
    let bestTop: { price: Decimal; effective: Decimal } | undefined;
    targets.forEach((t, i) => {
      const top = t.levels.find((l) => l.size > 0 && l.price > 0 && Number.isFinite(l.price));
      if (top === undefined) return;
      const price = new Decimal(top.price);
      const effective = effectiveOf(t, price);
      if (bestTop === undefined || better(effective, bestTop.effective)) {
        best = i;
        bestTop = { price, effective };
      }
    });
    const take = roundQuantity(targets[best]!.instrument, remaining, 'down');
    if (take.gt(0)) {
      quantities[best] = quantities[best]!.plus(take);
      takes[best]!.push({ price: bestTop?.price, effectivePrice: bestTop?.effective, quantity: take, visible: false });
      remaining = remaining.minus(take);
    }
  }

  const children: SmartChild[] = [];
  targets.forEach((t, i) => {
    const quantity = quantities[i]!;
    if (quantity.gt(0)) children.push(Object.freeze({ instrument: t.instrument, quantity, takes: Object.freeze(takes[i]!) }));
  });
  return Object.freeze({ children: Object.freeze(children), unallocated: remaining.gt(0) ? remaining : ZERO });
}

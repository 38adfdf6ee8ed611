/**
 * Builds order commands with SDK-generated client order ids and prices and quantities rounded to the
 * instrument. Ids are `PREFIX-N` with a per-factory sequence: deterministic in a backtest; a live
 * runner passes a prefix unique to the session so ids never repeat across restarts.
 */
import type { Clock } from '../clock/clock';
import { Decimal, decimalToNumber, toDecimal, type DecimalLike } from '../decimal';
import type { Instrument } from '../domain/instrument';
import { roundPrice, roundQuantity } from '../domain/instrument';
import type { ClientOrderId, InstrumentId, StrategyId } from '../domain/ids';
import { IdSequence } from '../domain/id-sequence';
import { ValidationError } from '../errors';
import {
  type CancelOrder,
  type ContingencyType,
  type ModifyOrder,
  type OrderSide,
  type OrderType,
  type SubmitOrder,
  type SubmitOrderList,
  type TimeInForce,
  type TrailingOffsetType,
} from '../domain/orders';
import type { InstrumentRegistry } from './views';

/** Fields common to every new order. */
export interface NewOrderOptions {
  readonly instrumentId: InstrumentId;
  readonly side: OrderSide;
  /** Rounded down to the lot size; must stay positive. */
  readonly quantity: DecimalLike;
  readonly timeInForce?: TimeInForce;
  readonly expireTime?: number;
  readonly reduceOnly?: boolean;
}

/** Options of {@link OrderFactory.marketToTarget}: a signed target and the signed position it starts from. */
export interface MarketToTargetOptions extends Omit<NewOrderOptions, 'side' | 'quantity'> {
  /** The position wanted, signed (negative: short; 0: flat). */
  readonly target: DecimalLike;
  /**
   * The position it starts from, signed: usually `ctx.ledger.positionQuantity(instrumentId)`; add the
   * rest of working orders to count them as held.
   */
  readonly current: DecimalLike;
}

/**
 * Creates order commands for one strategy.
 *
 * @example
 * ```ts
 * const order = ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 100 });
 * order.clientOrderId // 'sma-1'
 * ```
 */
export class OrderFactory {
  private readonly ids: IdSequence;

  constructor(
    private readonly clock: Clock,
    private readonly instruments: InstrumentRegistry,
    readonly strategyId: StrategyId,
    idPrefix: string = strategyId,
  ) {
    this.ids = new IdSequence(`${idPrefix}-`);
  }

  /** The next client order id. */
  nextId(): ClientOrderId {
    return this.ids.next() as ClientOrderId;
  }

  /** A market order. */
  market(options: NewOrderOptions): SubmitOrder {
    return this.build('MARKET', options, undefined, undefined, false);
  }

  /**
   * The one market order that takes a position from `current` to `target`, reversing through zero when
   * they differ in sign (backtrader's `order_target_size`): a BUY of `target - current` when it is
   * positive, a SELL of `current - target` when negative, rounded down to the lot size; undefined when
   * that rounds to nothing. Exact like Decimal arithmetic; when both are whole numbers of units (below
   * 2^52) it takes no Decimal arithmetic and costs about what `market` does, a fifth of computing the
   * difference with Decimals in the strategy and calling `market` (`bench/order-to-target.bench.ts`).
   *
   * @throws ValidationError naming `target` or `current` when one is not a finite number.
   * @example
   * ```ts
   * // held: -100; wanted: +100
   * ctx.orderFactory.marketToTarget({ instrumentId: goog.id, target: 100, current: ctx.ledger.positionQuantity(goog.id) });
   * // { type: 'SubmitOrder', side: 'BUY', quantity: Decimal 200, orderType: 'MARKET', ... }
   * ```
   */
  marketToTarget(options: MarketToTargetOptions): SubmitOrder | undefined {
    const { target, current } = options;
    const t = typeof target === 'number' ? target : target instanceof Decimal && target.isInteger() ? decimalToNumber(target) : Number.NaN;
    const c = typeof current === 'number' ? current : current instanceof Decimal && current.isInteger() ? decimalToNumber(current) : Number.NaN;
    let side: OrderSide;
    let quantity: DecimalLike;
    // Whole numbers below 2^52 (exact in a float64, and so is their difference): float arithmetic is exact.
    if (Number.isInteger(t) && Number.isInteger(c) && Math.abs(t) < 2 ** 52 && Math.abs(c) < 2 ** 52) {
      if (t === c) return undefined;
      side = t > c ? 'BUY' : 'SELL';
      quantity = t > c ? t - c : c - t;
    } else {
      const delta = finiteDecimal(target, 'target').minus(finiteDecimal(current, 'current'));
      if (delta.isZero()) return undefined;
      side = delta.isNegative() ? 'SELL' : 'BUY';
      quantity = delta.abs();
    }
    const instrument = this.instruments.get(options.instrumentId);
    const rounded = roundQuantity(instrument, quantity);
    if (rounded.isZero()) return undefined;
    return this.build('MARKET', { instrumentId: options.instrumentId, side, quantity: rounded, timeInForce: options.timeInForce, expireTime: options.expireTime, reduceOnly: options.reduceOnly }, undefined, undefined, false);
  }

  /** A limit order at `price` (rounded to the nearest tick). */
  limit(options: NewOrderOptions & { readonly price: DecimalLike; readonly postOnly?: boolean }): SubmitOrder {
    return this.build('LIMIT', options, options.price, undefined, options.postOnly ?? false);
  }

  /** A stop-market order triggered at `triggerPrice`. */
  stopMarket(options: NewOrderOptions & { readonly triggerPrice: DecimalLike }): SubmitOrder {
    return this.build('STOP_MARKET', options, undefined, options.triggerPrice, false);
  }

  /** A stop-limit order: at `triggerPrice` it becomes a limit order at `price`. */
  stopLimit(options: NewOrderOptions & { readonly price: DecimalLike; readonly triggerPrice: DecimalLike }): SubmitOrder {
    return this.build('STOP_LIMIT', options, options.price, options.triggerPrice, false);
  }

  /**
   * A trailing stop-market order: its trigger trails the best price seen since submission by
   * `trailingOffset` (a price distance, or a percentage with `trailingOffsetType: 'PERCENT'`).
   * `triggerPrice` optionally sets the initial trigger; otherwise the first market price does.
   */
  trailingStopMarket(
    options: NewOrderOptions & { readonly trailingOffset: DecimalLike; readonly trailingOffsetType?: TrailingOffsetType; readonly triggerPrice?: DecimalLike },
  ): SubmitOrder {
    const instrument = this.instruments.get(options.instrumentId);
    const c = this.build('TRAILING_STOP_MARKET', options, undefined, options.triggerPrice, false);
    // Keys added to the command just built, not a spread copy of it (see build).
    return Object.assign(c, {
      trailingOffset: trailingOffsetOf(instrument, options.trailingOffset, options.trailingOffsetType),
      trailingOffsetType: options.trailingOffsetType ?? 'PRICE',
    });
  }

  /** A trailing stop that, when triggered, becomes a limit order `limitOffset` beyond its trigger. */
  trailingStopLimit(
    options: NewOrderOptions & {
      readonly trailingOffset: DecimalLike;
      readonly limitOffset: DecimalLike;
      readonly trailingOffsetType?: TrailingOffsetType;
      readonly triggerPrice?: DecimalLike;
    },
  ): SubmitOrder {
    const instrument = this.instruments.get(options.instrumentId);
    const c = this.build('TRAILING_STOP_LIMIT', options, undefined, options.triggerPrice, false);
    return Object.assign(c, {
      trailingOffset: trailingOffsetOf(instrument, options.trailingOffset, options.trailingOffsetType),
      trailingOffsetType: options.trailingOffsetType ?? 'PRICE',
      limitOffset: trailingOffsetOf(instrument, options.limitOffset, options.trailingOffsetType),
    });
  }

  /** A market-if-touched order: a BUY triggers when the market trades at or below `triggerPrice`, a SELL at or above. */
  marketIfTouched(options: NewOrderOptions & { readonly triggerPrice: DecimalLike }): SubmitOrder {
    return this.build('MARKET_IF_TOUCHED', options, undefined, options.triggerPrice, false);
  }

  /** A limit-if-touched order: like {@link marketIfTouched}, but becomes a limit order at `price`. */
  limitIfTouched(options: NewOrderOptions & { readonly price: DecimalLike; readonly triggerPrice: DecimalLike }): SubmitOrder {
    return this.build('LIMIT_IF_TOUCHED', options, options.price, options.triggerPrice, false);
  }

  /**
   * A bracket: an entry (market, or limit when `entryPrice` is given) whose fills release a take-profit
   * limit and a stop-loss stop-market on the other side for the filled quantity (OTO); the two exits are
   * linked one-updates-other, so a partial exit shrinks the other and a complete one cancels it.
   *
   * @example
   * ```ts
   * ctx.orderFactory.bracket({ instrumentId: goog.id, side: 'BUY', quantity: 100, takeProfit: 190, stopLoss: 170 });
   * ```
   */
  bracket(
    options: NewOrderOptions & {
      readonly takeProfit: DecimalLike;
      readonly stopLoss: DecimalLike;
      readonly entryPrice?: DecimalLike;
      /** Time in force of the two exits (default GTC). */
      readonly exitTimeInForce?: TimeInForce;
    },
  ): SubmitOrderList {
    const exitSide: OrderSide = options.side === 'BUY' ? 'SELL' : 'BUY';
    const entryType = options.entryPrice === undefined ? 'MARKET' : 'LIMIT';
    const entryId = this.nextId();
    const tpId = this.nextId();
    const slId = this.nextId();
    const entry = this.build(entryType, options, options.entryPrice, undefined, false, { id: entryId, contingencyType: 'OTO', linkedOrderIds: [tpId, slId] });
    const exit: NewOrderOptions = { instrumentId: options.instrumentId, side: exitSide, quantity: entry.quantity, timeInForce: options.exitTimeInForce ?? 'GTC', reduceOnly: true };
    const tp = this.build('LIMIT', exit, options.takeProfit, undefined, false, { id: tpId, contingencyType: 'OUO', parentOrderId: entryId, linkedOrderIds: [slId] });
    const sl = this.build('STOP_MARKET', exit, undefined, options.stopLoss, false, { id: slId, contingencyType: 'OUO', parentOrderId: entryId, linkedOrderIds: [tpId] });
    return this.list([entry, tp, sl]);
  }

  /**
   * Links orders one-cancels-other: when any of them fills (even partly), the others are canceled.
   *
   * @example
   * ```ts
   * const f = ctx.orderFactory;
   * f.oco([f.limit({ instrumentId, side: 'SELL', quantity: 10, price: 110 }), f.stopMarket({ instrumentId, side: 'SELL', quantity: 10, triggerPrice: 95 })]);
   * ```
   */
  oco(orders: readonly SubmitOrder[]): SubmitOrderList {
    const ids = orders.map((o) => o.clientOrderId);
    // Object.assign rather than a spread that adds keys (about a microsecond a key in Node 20's V8).
    return this.list(orders.map((o): SubmitOrder => Object.assign({}, o, { contingencyType: 'OCO' as const, linkedOrderIds: ids.filter((id) => id !== o.clientOrderId) })));
  }

  /** Wraps orders of one instrument into a {@link SubmitOrderList}, validated and submitted as a whole. */
  list(orders: readonly SubmitOrder[]): SubmitOrderList {
    const first = orders[0];
    if (first === undefined) throw new RangeError('an order list needs at least one order');
    return { type: 'SubmitOrderList', orderListId: `${first.clientOrderId}-L`, strategyId: this.strategyId, instrumentId: first.instrumentId, orders, ts: this.clock.now() };
  }

  /** Cancels an order. */
  cancel(order: { readonly clientOrderId: ClientOrderId; readonly instrumentId: InstrumentId }): CancelOrder {
    return { type: 'CancelOrder', clientOrderId: order.clientOrderId, strategyId: this.strategyId, instrumentId: order.instrumentId, ts: this.clock.now() };
  }

  /** Changes a working order's quantity or prices. */
  modify(
    order: { readonly clientOrderId: ClientOrderId; readonly instrumentId: InstrumentId },
    changes: { readonly quantity?: DecimalLike; readonly price?: DecimalLike; readonly triggerPrice?: DecimalLike },
  ): ModifyOrder {
    const instrument = this.instruments.get(order.instrumentId);
    return {
      type: 'ModifyOrder',
      clientOrderId: order.clientOrderId,
      strategyId: this.strategyId,
      instrumentId: order.instrumentId,
      quantity: changes.quantity === undefined ? undefined : roundQuantity(instrument, changes.quantity),
      price: changes.price === undefined ? undefined : roundPrice(instrument, changes.price),
      triggerPrice: changes.triggerPrice === undefined ? undefined : roundPrice(instrument, changes.triggerPrice),
      ts: this.clock.now(),
    };
  }

  /** @internal */
  private build(
    orderType: OrderType,
    o: NewOrderOptions,
    price: DecimalLike | undefined,
    trigger: DecimalLike | undefined,
    postOnly: boolean,
    links?: { readonly id: ClientOrderId; readonly contingencyType: ContingencyType; readonly parentOrderId?: ClientOrderId; readonly linkedOrderIds: readonly ClientOrderId[] },
  ): SubmitOrder {
    const instrument = this.instruments.get(o.instrumentId);
    const command: SubmitOrder = {
      type: 'SubmitOrder',
      clientOrderId: links?.id ?? this.nextId(),
      strategyId: this.strategyId,
      instrumentId: o.instrumentId,
      side: o.side,
      orderType,
      quantity: roundQuantity(instrument, o.quantity),
      price: price === undefined ? undefined : roundPrice(instrument, price),
      triggerPrice: trigger === undefined ? undefined : roundPrice(instrument, trigger),
      timeInForce: o.timeInForce ?? 'GTC',
      expireTime: o.expireTime,
      reduceOnly: o.reduceOnly ?? false,
      postOnly,
      ts: this.clock.now(),
    };
    // The order manager validates every command at its boundary (an invalid one becomes OrderDenied),
    // so the factory does not parse it a second time. The links are added to the literal just built:
    // a spread copy that gains keys (`{ ...command, contingencyType, ... }`) costs about a microsecond a
    // key in Node 20's V8, which builds a new hidden class for each copy; the literal's own are shared.
    if (links === undefined) return command;
    return Object.assign(command, { contingencyType: links.contingencyType, parentOrderId: links.parentOrderId, linkedOrderIds: links.linkedOrderIds });
  }
}

/** `toDecimal`, which passes a Decimal through as it is, and a check that it is finite. */
function finiteDecimal(value: DecimalLike, field: string): Decimal {
  const d = toDecimal(value, field);
  if (!d.isFinite()) throw new ValidationError([{ path: [field], message: `must be a finite number, got ${d.toString()}` }]);
  return d;
}

/** A trailing or limit offset: a price distance rounded to the tick, or a percentage kept as given. */
function trailingOffsetOf(instrument: Instrument, offset: DecimalLike, type: TrailingOffsetType | undefined): Decimal {
  return type === 'PERCENT' ? toDecimal(offset) : roundPrice(instrument, offset);
}

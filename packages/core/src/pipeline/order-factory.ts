/**
 * Builds order commands with SDK-generated client order ids and prices and quantities rounded to the
 * instrument. Ids are `PREFIX-N` with a per-factory sequence: deterministic in a backtest; a live
 * runner passes a prefix unique to the session so ids never repeat across restarts.
 */
import type { Clock } from '../clock/clock';
import { type DecimalLike } from '../decimal';
import { roundPrice, roundQuantity } from '../domain/instrument';
import type { ClientOrderId, InstrumentId, StrategyId } from '../domain/ids';
import { type CancelOrder, type ModifyOrder, type OrderSide, type OrderType, type SubmitOrder, type TimeInForce } from '../domain/orders';
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
  private sequence = 0;

  constructor(
    private readonly clock: Clock,
    private readonly instruments: InstrumentRegistry,
    readonly strategyId: StrategyId,
    private readonly idPrefix: string = strategyId,
  ) {}

  /** The next client order id. */
  nextId(): ClientOrderId {
    return `${this.idPrefix}-${++this.sequence}` as ClientOrderId;
  }

  /** A market order. */
  market(options: NewOrderOptions): SubmitOrder {
    return this.build('MARKET', options, undefined, undefined, false);
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

  private build(orderType: OrderType, o: NewOrderOptions, price: DecimalLike | undefined, trigger: DecimalLike | undefined, postOnly: boolean): SubmitOrder {
    const instrument = this.instruments.get(o.instrumentId);
    const command: SubmitOrder = {
      type: 'SubmitOrder',
      clientOrderId: this.nextId(),
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
    // so the factory does not parse it a second time.
    return command;
  }
}

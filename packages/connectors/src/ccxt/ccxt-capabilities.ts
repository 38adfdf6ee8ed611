/**
 * What a ccxt exchange supports, read from the ccxt class itself: `exchange.has` (which unified methods
 * exist) and `exchange.features` (per market type: the times in force, post-only, trigger prices of
 * `createOrder`), plus a small table of what ccxt does not say in those structures: the name of the
 * client order id parameter, whether an order can be fetched by client order id, and whether an edit
 * amends the order in place or cancels it and places a new one.
 *
 * Native order types are MARKET and LIMIT, and STOP_MARKET / STOP_LIMIT where `has.createStopMarketOrder`
 * / `has.createStopLimitOrder` say so. Everything the order manager can emulate safely on top of native
 * MARKET and LIMIT orders is listed in `emulation`: the other stop and if-touched types, trailing stops
 * (ccxt's trailing parameters differ per exchange), GTD and DAY (a cancel on the clock) and contingent
 * lists.
 */
import type { Exchange } from 'ccxt';
import type { CcxtExchange } from './ccxt-types';
import type { OrderType, TimeInForce, VenueCapabilities } from '@rxtrade/core';

/**
 * How a modify is carried out: `edit` amends the order in place (it keeps its venue order id),
 * `cancel-replace` cancels it and places a new order under the same client order id (Binance spot's
 * `order.cancelReplace`: the venue order id changes, and a fill between the two is possible).
 */
export type ModifyMode = 'edit' | 'cancel-replace' | 'none';

/**
 * What ccxt's structures do not say about an exchange, per exchange id.
 *
 * @example
 * ```ts
 * exchangeTraits('coinbase').clientOrderIdParam; // 'client_order_id'
 * ```
 */
export interface ExchangeTraits {
  /**
   * The `createOrder` parameter that carries rxtrade's client order id: ccxt's unified `clientOrderId`
   * where ccxt maps it onto the exchange's own (Binance `newClientOrderId`, Bybit `orderLinkId`), the
   * exchange's own name where ccxt does not (Coinbase `client_order_id`: ccxt would put its own uuid there).
   */
  readonly clientOrderIdParam: string;
  /**
   * How an order is found by client order id: `fetchOrder` with the `clientOrderId` parameter (Binance:
   * `origClientOrderId`), or a search of open then closed orders (exchanges whose `fetchOrder` needs the
   * venue's id).
   */
  readonly queryByClientId: 'fetchOrder' | 'search';
  /** How `editOrder` works per ccxt market type; a type not listed is `edit` when `has.editOrder`. */
  readonly modify: Readonly<Partial<Record<'spot' | 'swap' | 'future' | 'option', ModifyMode>>>;
  /**
   * `createOrder` parameters for a market buy of a base quantity, where ccxt would turn the amount into
   * a quote amount (Coinbase's `market_market_ioc` takes `base_size` for a buy too).
   */
  readonly marketBuyBaseParams?: (baseSize: string) => Readonly<Record<string, unknown>>;
  /**
   * How `fetchMyTrades` pages within a time window: `time` (oldest first: the next page starts at the
   * last trade's time) or `cursor` (newest first, the venue's `nextPageCursor`: Bybit's `execution/list`).
   * Default `time`.
   */
  readonly tradesPaging?: 'time' | 'cursor';
  /**
   * The venue's statuses of a closed order, asked for by `fetchClosedOrders` where ccxt asks for fewer
   * (Coinbase: FILLED only); default ccxt's.
   */
  readonly closedOrderStatuses?: readonly string[];
  /** `fetchTrades` with `since` needs `until` and a `limit` too (Coinbase's market trades). */
  readonly tradesSinceNeedsUntil?: boolean;
}

const TRAITS: Readonly<Record<string, ExchangeTraits>> = {
  // binance.js editSpotOrder posts order/cancelReplace (cancelReplaceMode STOP_ON_FAILURE); contracts PUT the order.
  binance: { clientOrderIdParam: 'clientOrderId', queryByClientId: 'fetchOrder', modify: { spot: 'cancel-replace', swap: 'edit', future: 'edit' } },
  binanceusdm: { clientOrderIdParam: 'clientOrderId', queryByClientId: 'fetchOrder', modify: { swap: 'edit', future: 'edit' } },
  binancecoinm: { clientOrderIdParam: 'clientOrderId', queryByClientId: 'fetchOrder', modify: { swap: 'edit', future: 'edit' } },
  // bybit.js maps clientOrderId onto orderLinkId; its fetchOrder needs the order id (and `acknowledged`).
  // bybit.js pages execution/list newest first, by nextPageCursor.
  bybit: { clientOrderIdParam: 'clientOrderId', queryByClientId: 'search', modify: { spot: 'edit', swap: 'edit', future: 'edit' }, tradesPaging: 'cursor' },
  // coinbase.js sets client_order_id to its own uuid unless the parameter is given by that name.
  coinbase: {
    clientOrderIdParam: 'client_order_id',
    queryByClientId: 'search',
    modify: { spot: 'edit' },
    closedOrderStatuses: ['FILLED', 'CANCELLED', 'EXPIRED', 'FAILED'],
    tradesSinceNeedsUntil: true,
    marketBuyBaseParams: (baseSize) => ({ createMarketBuyOrderRequiresPrice: false, order_configuration: { market_market_ioc: { base_size: baseSize } } }),
  },
};

/**
 * The traits of an exchange; an exchange not in the table gets ccxt's unified `clientOrderId`, a search
 * by client order id and in-place edits.
 *
 * @example
 * ```ts
 * exchangeTraits('binance').modify.spot; // 'cancel-replace'
 * ```
 */
export function exchangeTraits(exchangeId: string): ExchangeTraits {
  return TRAITS[exchangeId] ?? { clientOrderIdParam: 'clientOrderId', queryByClientId: 'search', modify: {} };
}

type CreateOrderFeatures = { timeInForce?: Record<string, boolean>; triggerPrice?: boolean } | undefined;

/** `features[type].createOrder`, or `features[type].linear.createOrder` for contract types. */
function createOrderFeatures(exchange: Exchange, marketType: string): CreateOrderFeatures {
  const byType = (exchange.features as Record<string, Record<string, unknown> | undefined> | undefined)?.[marketType];
  if (byType === undefined || byType === null) return undefined;
  const direct = byType['createOrder'] as CreateOrderFeatures;
  if (direct !== undefined) return direct;
  const linear = byType['linear'] as Record<string, unknown> | undefined;
  const inverse = byType['inverse'] as Record<string, unknown> | undefined;
  return (linear?.['createOrder'] ?? inverse?.['createOrder']) as CreateOrderFeatures;
}

const ALL_TYPES: readonly OrderType[] = ['MARKET', 'LIMIT', 'STOP_MARKET', 'STOP_LIMIT', 'TRAILING_STOP_MARKET', 'TRAILING_STOP_LIMIT', 'MARKET_IF_TOUCHED', 'LIMIT_IF_TOUCHED'];

/**
 * The capabilities of a ccxt exchange for the market types traded, from its `has` and `features`: a
 * feature is native only when every traded market type has it.
 *
 * @param marketTypes the ccxt market types of the instruments traded (`['spot']`, `['swap']`).
 * @example
 * ```ts
 * const caps = ccxtCapabilities(new ccxt.pro.binance(), ['spot']);
 * caps.timeInForce; // ['GTC', 'IOC', 'FOK']
 * caps.emulation?.timeInForce; // ['GTD', 'DAY']
 * ```
 */
export function ccxtCapabilities(instance: CcxtExchange, marketTypes: readonly string[]): VenueCapabilities & { readonly modifyMode: ModifyMode } {
  const exchange = instance as Exchange;
  const has = exchange.has as Record<string, boolean | 'emulated' | undefined>;
  const types = marketTypes.length > 0 ? [...new Set(marketTypes)] : ['spot'];
  const features = types.map((t) => createOrderFeatures(exchange, t));
  const every = (test: (f: NonNullable<CreateOrderFeatures>) => boolean): boolean => features.every((f) => f !== undefined && test(f));
  const orderTypes: OrderType[] = ['MARKET', 'LIMIT'];
  const triggers = every((f) => f.triggerPrice === true);
  if (triggers && has['createStopMarketOrder'] === true) orderTypes.push('STOP_MARKET');
  if (triggers && has['createStopLimitOrder'] === true) orderTypes.push('STOP_LIMIT');
  const timeInForce: TimeInForce[] = ['GTC'];
  if (every((f) => f.timeInForce?.['IOC'] === true)) timeInForce.push('IOC');
  if (every((f) => f.timeInForce?.['FOK'] === true)) timeInForce.push('FOK');
  const postOnly = every((f) => f.timeInForce?.['PO'] === true) || (features.every((f) => f !== undefined) && has['createPostOnlyOrder'] === true);
  // reduce-only is meaningful on contracts only: a venue trading spot would refuse or ignore it.
  const reduceOnly = has['createReduceOnlyOrder'] === true && types.every((t) => t === 'swap' || t === 'future');
  const traits = exchangeTraits(exchange.id);
  const modes = types.map((t) => traits.modify[t as 'spot'] ?? 'edit');
  const modifyMode: ModifyMode = has['editOrder'] !== true ? 'none' : modes.includes('cancel-replace') ? 'cancel-replace' : 'edit';
  return Object.freeze({
    orderTypes: Object.freeze(orderTypes),
    timeInForce: Object.freeze(timeInForce),
    reduceOnly,
    postOnly,
    modify: modifyMode !== 'none',
    modifyMode,
    emulation: Object.freeze({
      orderTypes: Object.freeze(ALL_TYPES.filter((t) => !orderTypes.includes(t))),
      timeInForce: Object.freeze((['GTD', 'DAY'] as const).filter((t) => !timeInForce.includes(t))),
      contingencies: Object.freeze(['OTO', 'OCO', 'OUO'] as const),
    }),
  });
}

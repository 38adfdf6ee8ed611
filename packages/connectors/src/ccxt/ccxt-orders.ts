/**
 * ccxt orders and trades as rxtrade's reports: `OrderStatusReport`, `OrderView` and `Fill`. ccxt gives
 * amounts and prices as JavaScript numbers parsed from the exchange's decimal strings; each is read back
 * through its shortest decimal form, which is the string the exchange sent.
 */
import type { Order as CcxtOrder, Trade as CcxtTrade } from 'ccxt';
import {
  Decimal,
  ZERO,
  clientOrderId as toClientOrderId,
  tradeId as toTradeId,
  venueOrderId as toVenueOrderId,
  type ClientOrderId,
  type Fill,
  type InstrumentId,
  type OrderSide,
  type OrderStatus,
  type OrderStatusReport,
  type OrderType,
  type OrderView,
  type StrategyId,
  type TimeInForce,
} from '@rxtrade/core';

/** A ccxt number as a Decimal (undefined stays undefined). */
export function dec(value: number | string | undefined | null): Decimal | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const d = new Decimal(String(value));
  return d.isFinite() ? d : undefined;
}

/** A price that must be positive to mean anything: Binance reports an absent stop price as `0.00000000`. */
export function positivePrice(value: number | string | undefined | null): Decimal | undefined {
  const d = dec(value);
  return d !== undefined && d.gt(0) ? d : undefined;
}

/**
 * rxtrade's status of a ccxt order: ccxt's `open` is ACCEPTED or PARTIALLY_FILLED by its filled amount,
 * `closed` is FILLED, unless less than its amount filled: then it was canceled (ccxt maps Bybit's
 * `PartiallyFilledCanceled`, a spot order canceled after a partial fill, to `closed`); `canceled`,
 * `expired` and `rejected` keep their names.
 *
 * @example
 * ```ts
 * ccxtOrderStatus({ status: 'open', filled: 0.5 } as Order); // 'PARTIALLY_FILLED'
 * ```
 */
export function ccxtOrderStatus(order: Pick<CcxtOrder, 'status' | 'filled'> & { readonly amount?: CcxtOrder['amount']; readonly info?: CcxtOrder['info'] }): OrderStatus {
  const filled = dec(order.filled) ?? ZERO;
  switch (order.status) {
    case 'closed': {
      const amount = dec(order.amount);
      return amount !== undefined && amount.gt(0) && filled.lt(amount) ? 'CANCELED' : 'FILLED';
    }
    case 'canceled':
    case 'cancelled' as CcxtOrder['status']:
      // A venue that accepts a post-only order that would take and then cancels it (Bybit) refused it:
      // the same outcome as a venue that rejects the request (Binance's LIMIT_MAKER).
      return filled.isZero() && postOnlyRefusal(order.info) !== undefined ? 'REJECTED' : 'CANCELED';
    case 'expired':
      return 'EXPIRED';
    case 'rejected':
      return 'REJECTED';
    default:
      return filled.gt(0) ? 'PARTIALLY_FILLED' : 'ACCEPTED';
  }
}

/** Whether an rxtrade status is terminal. */
export const isTerminalStatus = (status: OrderStatus): boolean => status === 'FILLED' || status === 'CANCELED' || status === 'EXPIRED' || status === 'REJECTED';

const TYPES: Record<string, OrderType> = {
  market: 'MARKET',
  limit: 'LIMIT',
  stop_loss: 'STOP_MARKET',
  stop_market: 'STOP_MARKET',
  stop: 'STOP_MARKET',
  stop_loss_limit: 'STOP_LIMIT',
  stop_limit: 'STOP_LIMIT',
  take_profit: 'MARKET_IF_TOUCHED',
  take_profit_market: 'MARKET_IF_TOUCHED',
  take_profit_limit: 'LIMIT_IF_TOUCHED',
  limit_maker: 'LIMIT',
};

/** rxtrade's order type of a ccxt order (`limit`, `market`, Binance's `stop_loss_limit`, …). */
export function ccxtOrderType(order: Pick<CcxtOrder, 'type' | 'triggerPrice'>): OrderType {
  const t = TYPES[(order.type ?? '').toLowerCase()];
  if (t !== undefined) return t;
  return positivePrice(order.triggerPrice) !== undefined ? 'STOP_MARKET' : 'LIMIT';
}

const TIFS: Record<string, TimeInForce> = { GTC: 'GTC', IOC: 'IOC', FOK: 'FOK', GTD: 'GTD', PO: 'GTC', DAY: 'DAY' };

/** The venue's reasons for cancelling a post-only order that would have taken liquidity. */
const POST_ONLY_REFUSALS: ReadonlySet<string> = new Set(['EC_PostOnlyWillTakeLiquidity']);

function postOnlyRefusal(info: unknown): string | undefined {
  const reason = typeof info === 'object' && info !== null ? (info as Record<string, unknown>)['rejectReason'] : undefined;
  return typeof reason === 'string' && POST_ONLY_REFUSALS.has(reason) ? reason : undefined;
}

/** The venue's reason for a rejected or canceled order, when its payload says (Binance `r`, Bybit `rejectReason`). */
function reasonOf(order: CcxtOrder): string | undefined {
  const refusal = postOnlyRefusal(order.info);
  if (refusal !== undefined) return `the post-only order would have taken liquidity (${refusal})`;
  const info = (order.info ?? {}) as Record<string, unknown>;
  for (const key of ['rejectReason', 'r', 'reject_reason', 'cancelType', 'reason']) {
    const v = info[key];
    if (typeof v === 'string' && v !== '' && v !== 'NONE' && v !== 'EC_NoError') return v;
  }
  return undefined;
}

/**
 * A ccxt trade as an rxtrade fill of an order: trade id, quantity, price, commission (zero when the
 * venue gave none) and liquidity side (`takerOrMaker`; TAKER when the venue does not say).
 *
 * @example
 * ```ts
 * const fill = ccxtFill(trade, { instrumentId: btc.id, clientOrderId: clientOrderId('O-1'), quoteCurrency: 'USDT' });
 * ```
 */
export function ccxtFill(trade: CcxtTrade, ids: { instrumentId: InstrumentId; clientOrderId: ClientOrderId; quoteCurrency: string }): Fill {
  const fee = trade.fee;
  const commission = dec(fee?.cost) ?? ZERO;
  return {
    tradeId: toTradeId(String(trade.id)),
    clientOrderId: ids.clientOrderId,
    venueOrderId: toVenueOrderId(String(trade.order ?? '')),
    instrumentId: ids.instrumentId,
    side: (trade.side === 'sell' ? 'SELL' : 'BUY') as OrderSide,
    quantity: dec(trade.amount) ?? ZERO,
    price: dec(trade.price) ?? ZERO,
    commission,
    // A zero commission is in no currency: the quote's, so that a ledger in the quote currency books it.
    commissionCurrency: commission.isZero() ? ids.quoteCurrency : (fee?.currency ?? ids.quoteCurrency),
    liquiditySide: trade.takerOrMaker === 'maker' ? 'MAKER' : 'TAKER',
    ts: trade.timestamp ?? 0,
  };
}

/**
 * A ccxt order and its fills as an `OrderStatusReport`.
 *
 * @example
 * ```ts
 * const report = ccxtOrderReport(order, btc.id, fills);
 * report.status; // 'FILLED'
 * ```
 */
export function ccxtOrderReport(order: CcxtOrder, instrumentId: InstrumentId, fills: readonly Fill[]): OrderStatusReport {
  const reason = reasonOf(order);
  return {
    clientOrderId: toClientOrderId(order.clientOrderId ?? ''),
    venueOrderId: toVenueOrderId(String(order.id)),
    instrumentId,
    status: ccxtOrderStatus(order),
    quantity: dec(order.amount) ?? ZERO,
    filledQuantity: dec(order.filled) ?? ZERO,
    price: positivePrice(order.price),
    triggerPrice: positivePrice(order.triggerPrice),
    fills,
    ...(reason !== undefined ? { reason } : {}),
    ts: order.lastUpdateTimestamp ?? order.lastTradeTimestamp ?? order.timestamp ?? 0,
  };
}

/**
 * A ccxt order as an `OrderView` (what `openOrders` returns).
 *
 * @param strategyId the strategy the client order id belongs to, when known.
 * @example
 * ```ts
 * const view = ccxtOrderView(order, btc.id, strategyId('sma'));
 * ```
 */
export function ccxtOrderView(order: CcxtOrder, instrumentId: InstrumentId, strategyId: StrategyId): OrderView {
  const status = ccxtOrderStatus(order);
  const market = order.type === 'market';
  return {
    clientOrderId: toClientOrderId(order.clientOrderId ?? String(order.id)),
    venueOrderId: toVenueOrderId(String(order.id)),
    strategyId,
    instrumentId,
    side: order.side === 'sell' ? 'SELL' : 'BUY',
    orderType: ccxtOrderType(order),
    timeInForce: TIFS[(order.timeInForce ?? 'GTC').toUpperCase()] ?? 'GTC',
    quantity: dec(order.amount) ?? ZERO,
    filledQuantity: dec(order.filled) ?? ZERO,
    price: market ? undefined : positivePrice(order.price),
    triggerPrice: positivePrice(order.triggerPrice),
    avgFillPrice: (dec(order.filled) ?? ZERO).gt(0) ? dec(order.average) : undefined,
    status,
    isOpen: !isTerminalStatus(status),
    tsCreated: order.timestamp ?? 0,
    tsLast: order.lastUpdateTimestamp ?? order.lastTradeTimestamp ?? order.timestamp ?? 0,
  };
}

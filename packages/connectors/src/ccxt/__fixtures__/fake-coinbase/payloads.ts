/**
 * Coinbase Advanced Trade payloads built from the fake core's state. Field names and shapes follow the
 * Advanced Trade API reference (docs.cdp.coinbase.com/api-reference/advanced-trade-api/rest-api:
 * "List Public Products", "Get Product Candles", "Get Market Trades", "Get Product Book", "Get Best
 * Bid/Ask", "Create Order", "Cancel Orders", "Edit Order", "List Orders", "Get Order", "List Fills",
 * "List Accounts", "Get Server Time") and the WebSocket channels page ("level2", "market_trades",
 * "ticker", "candles", "heartbeats", "user"), and the examples ccxt quotes in coinbase.ts.
 */
import type { Fill, MarketSpec, Order, PublicTrade } from '../fake-exchange/types';
import { clean } from '../fake-exchange/venue';

/** Decimal string of a number as Coinbase prints it (no exponent, no trailing zeros). */
export const dstr = (x: number): string => {
  const c = clean(x);
  if (Number.isInteger(c)) return String(c);
  return c.toFixed(10).replace(/0+$/, '').replace(/\.$/, '');
};

/** A venue order id as a UUID, as Coinbase's are (the core numbers its orders). */
export const orderUuid = (n: number): string => `11111111-2222-4333-8444-${String(n).padStart(12, '0')}`;
export const orderNumber = (uuid: string): number | undefined => {
  const m = /^11111111-2222-4333-8444-(\d{12})$/.exec(uuid);
  return m === null ? undefined : Number(m[1]);
};

export const iso = (ms: number): string => new Date(ms).toISOString();

/** A product of "List Public Products". */
export function product(spec: MarketSpec, last: number | undefined): Record<string, unknown> {
  return {
    product_id: spec.id,
    price: last === undefined ? '' : dstr(last),
    price_percentage_change_24h: '0',
    volume_24h: '0',
    volume_percentage_change_24h: '0',
    base_increment: dstr(spec.stepSize),
    quote_increment: dstr(spec.tickSize),
    quote_min_size: dstr(spec.minNotional),
    quote_max_size: '150000000',
    base_min_size: dstr(spec.minQty),
    base_max_size: dstr(spec.maxQty),
    base_name: spec.base,
    quote_name: spec.quote,
    watched: false,
    is_disabled: false,
    new: false,
    status: 'online',
    cancel_only: false,
    limit_only: false,
    post_only: false,
    trading_disabled: false,
    auction_mode: false,
    product_type: 'SPOT',
    quote_currency_id: spec.quote,
    base_currency_id: spec.base,
    fcm_trading_session_details: null,
    mid_market_price: '',
    alias: '',
    alias_to: [],
    base_display_symbol: spec.base,
    quote_display_symbol: spec.quote,
    view_only: false,
    price_increment: dstr(spec.tickSize),
    display_name: spec.id,
    product_venue: 'CBE',
  };
}

/** What the fake remembers of an order beyond the core: its configuration as sent, GTD end, edits. */
export interface OrderExtra {
  /** The `order_configuration` as created (edits update its size and price). */
  configuration: Record<string, Record<string, unknown>>;
  readonly configKey: string;
  readonly endTime: number | undefined;
  readonly editHistory: Array<{ price: string; size: string; replace_accept_timestamp: string }>;
}

/** Coinbase's order status of a core order. */
export function orderStatus(o: Order, extra: OrderExtra): string {
  switch (o.status) {
    case 'new':
    case 'partially_filled':
      return 'OPEN';
    case 'filled':
      return 'FILLED';
    case 'canceled':
      return 'CANCELLED';
    case 'expired':
      // a GTD order whose time ran out is EXPIRED; an IOC/FOK/market remainder is CANCELLED
      return extra.endTime !== undefined ? 'EXPIRED' : 'CANCELLED';
  }
}

const TIME_IN_FORCE: Record<string, string> = {
  market_market_ioc: 'IMMEDIATE_OR_CANCEL',
  limit_limit_gtc: 'GOOD_UNTIL_CANCELLED',
  limit_limit_gtd: 'GOOD_UNTIL_DATE_TIME',
  limit_limit_fok: 'FILL_OR_KILL',
  sor_limit_ioc: 'IMMEDIATE_OR_CANCEL',
};

/** An order of "Get Order" / "List Orders". */
export function order(o: Order, extra: OrderExtra, spec: MarketSpec): Record<string, unknown> {
  const fees = clean(o.fills.reduce((s, f) => s + (f.commissionAsset === spec.quote ? f.commission : f.commission * f.price), 0));
  const status = orderStatus(o, extra);
  return {
    order_id: orderUuid(o.orderId),
    product_id: o.symbol,
    user_id: '3a4b5c6d-fake-user',
    order_configuration: extra.configuration,
    side: o.side === 'buy' ? 'BUY' : 'SELL',
    client_order_id: o.clientOrderId,
    status,
    time_in_force: TIME_IN_FORCE[extra.configKey] ?? 'UNKNOWN_TIME_IN_FORCE',
    created_time: iso(o.time),
    completion_percentage: dstr(o.origQty > 0 ? clean((o.executedQty / o.origQty) * 100) : 0),
    filled_size: dstr(o.executedQty),
    average_filled_price: o.executedQty > 0 ? dstr(clean(o.cumQuote / o.executedQty)) : '0',
    fee: '',
    number_of_fills: String(o.fills.length),
    filled_value: dstr(o.cumQuote),
    pending_cancel: false,
    size_in_quote: o.quoteQty !== undefined,
    total_fees: dstr(fees),
    size_inclusive_of_fees: false,
    total_value_after_fees: dstr(o.side === 'buy' ? o.cumQuote + fees : o.cumQuote - fees),
    trigger_status: 'INVALID_ORDER_TYPE',
    order_type: o.type === 'market' ? 'MARKET' : 'LIMIT',
    reject_reason: 'REJECT_REASON_UNSPECIFIED',
    settled: status !== 'OPEN',
    product_type: 'SPOT',
    reject_message: '',
    cancel_message: status === 'CANCELLED' && o.type !== 'market' && o.timeInForce === 'GTC' ? 'User requested cancel' : '',
    order_placement_source: 'RETAIL_ADVANCED',
    outstanding_hold_amount: dstr(o.locked),
    is_liquidation: false,
    last_fill_time: o.fills.length > 0 ? iso(o.fills.at(-1)!.time) : null,
    edit_history: extra.editHistory,
    leverage: '',
    margin_type: 'UNKNOWN_MARGIN_TYPE',
    retail_portfolio_id: '8d9e0f1a-fake-portfolio',
    originating_order_id: '',
    attached_order_id: '',
  };
}

/** A fill of "List Fills". */
export function fill(f: Fill, o: Order): Record<string, unknown> {
  return {
    entry_id: `${orderUuid(f.orderId).slice(0, 24)}${String(f.tradeId).padStart(12, '0')}`,
    trade_id: String(f.tradeId),
    order_id: orderUuid(f.orderId),
    trade_time: iso(f.time),
    trade_type: 'FILL',
    price: dstr(f.price),
    size: dstr(f.qty),
    commission: dstr(f.commission),
    product_id: f.symbol,
    sequence_timestamp: iso(f.time),
    liquidity_indicator: f.maker ? 'MAKER' : 'TAKER',
    size_in_quote: false,
    user_id: '3a4b5c6d-fake-user',
    side: o.side === 'buy' ? 'BUY' : 'SELL',
    retail_portfolio_id: '8d9e0f1a-fake-portfolio',
  };
}

/** A print of "Get Market Trades" and of the `market_trades` channel. */
export function marketTrade(t: PublicTrade): Record<string, unknown> {
  return { trade_id: String(t.id), product_id: t.symbol, price: dstr(t.price), size: dstr(t.qty), time: iso(t.time), side: t.aggressor === 'buy' ? 'BUY' : 'SELL', bid: '', ask: '', exchange: '' };
}

/** The granularities of "Get Product Candles", in seconds. */
export const GRANULARITY: Readonly<Record<string, number>> = {
  ONE_MINUTE: 60,
  FIVE_MINUTE: 300,
  FIFTEEN_MINUTE: 900,
  THIRTY_MINUTE: 1800,
  ONE_HOUR: 3600,
  TWO_HOUR: 7200,
  SIX_HOUR: 21600,
  ONE_DAY: 86400,
};

/** Candles of the tape in [startS, endS), newest first, as Coinbase returns them. */
export function candles(tape: readonly PublicTrade[], granularityS: number, startS: number, endS: number): Array<Record<string, string>> {
  const buckets = new Map<number, { open: number; high: number; low: number; close: number; volume: number }>();
  for (const t of tape) {
    const s = Math.floor(t.time / 1000 / granularityS) * granularityS;
    if (s < startS || s >= endS) continue;
    const b = buckets.get(s);
    if (b === undefined) buckets.set(s, { open: t.price, high: t.price, low: t.price, close: t.price, volume: t.qty });
    else {
      b.high = Math.max(b.high, t.price);
      b.low = Math.min(b.low, t.price);
      b.close = t.price;
      b.volume = clean(b.volume + t.qty);
    }
  }
  return [...buckets.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([s, b]) => ({ start: String(s), low: dstr(b.low), high: dstr(b.high), open: dstr(b.open), close: dstr(b.close), volume: dstr(b.volume) }));
}

/** An order of the `user` channel. */
export function userOrder(o: Order, extra: OrderExtra, spec: MarketSpec): Record<string, unknown> {
  const rest = order(o, extra, spec);
  const limit = Object.values(extra.configuration)[0]?.['limit_price'];
  return {
    order_id: rest['order_id'],
    client_order_id: o.clientOrderId,
    contract_expiry_type: 'UNKNOWN_CONTRACT_EXPIRY_TYPE',
    cumulative_quantity: dstr(o.executedQty),
    leaves_quantity: dstr(o.status === 'new' || o.status === 'partially_filled' ? clean(o.origQty - o.executedQty) : 0),
    avg_price: rest['average_filled_price'],
    total_fees: rest['total_fees'],
    status: rest['status'],
    product_id: o.symbol,
    product_type: 'SPOT',
    creation_time: rest['created_time'],
    order_side: rest['side'],
    order_type: o.type === 'market' ? 'Market' : 'Limit',
    risk_managed_by: 'UNKNOWN_RISK_MANAGEMENT_TYPE',
    time_in_force: rest['time_in_force'],
    trigger_status: 'INVALID_ORDER_TYPE',
    cancel_reason: '',
    reject_Reason: '',
    total_value_after_fees: rest['total_value_after_fees'],
    completion_percentage: rest['completion_percentage'],
    number_of_fills: rest['number_of_fills'],
    filled_value: rest['filled_value'],
    outstanding_hold_amount: rest['outstanding_hold_amount'],
    limit_price: typeof limit === 'string' ? limit : '0',
    stop_price: '',
    post_only: String(o.postOnly),
  };
}

/**
 * Venue-neutral shapes of the fake exchange core. A venue layer (fake-binance, fake-bybit, ...) turns
 * them into its own wire format; nothing here knows any venue's field names.
 */

/** `spot` trades an asset pair with balances; `linear` is a USDⓈ-margined perpetual with positions. */
export type MarketKind = 'spot' | 'linear';

/** One tradable market of the fake venue. */
export interface MarketSpec {
  /** The venue's id of the market, e.g. `BTCUSDT`. */
  readonly id: string;
  readonly base: string;
  readonly quote: string;
  readonly kind: MarketKind;
  readonly tickSize: number;
  readonly stepSize: number;
  readonly minQty: number;
  readonly maxQty: number;
  /** Smallest price × quantity accepted. */
  readonly minNotional: number;
  /** Fee rates as fractions of notional (0.001 = 0.1 %). */
  readonly makerFee: number;
  readonly takerFee: number;
}

export type Side = 'buy' | 'sell';
export type OrderType = 'limit' | 'market';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
export type OrderStatus = 'new' | 'partially_filled' | 'filled' | 'canceled' | 'expired';
export type MarginType = 'cross' | 'isolated';

/** An order as the account submits it. */
export interface OrderRequest {
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  /** Base quantity; for a market buy by quote amount give `quoteQty` instead. */
  readonly qty?: number;
  readonly quoteQty?: number;
  readonly price?: number;
  readonly timeInForce?: TimeInForce;
  /** Rejected (never rests, never trades) when it would trade on arrival. */
  readonly postOnly?: boolean;
  /** Futures only: may only shrink the position; the quantity is capped at the position's size. */
  readonly reduceOnly?: boolean;
  readonly clientOrderId: string;
}

/** One execution of an account order. */
export interface Fill {
  readonly tradeId: number;
  readonly orderId: number;
  readonly symbol: string;
  readonly side: Side;
  readonly price: number;
  readonly qty: number;
  readonly quoteQty: number;
  readonly commission: number;
  readonly commissionAsset: string;
  readonly maker: boolean;
  readonly time: number;
  /** Futures: realized P&L of this fill in the quote asset (0 for spot). */
  readonly realizedPnl: number;
}

/** An account order and its state (mutated in place by the venue). */
export interface Order {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  price: number;
  origQty: number;
  readonly quoteQty: number | undefined;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  status: OrderStatus;
  executedQty: number;
  cumQuote: number;
  readonly time: number;
  updateTime: number;
  /** Sequence number for price-time priority among resting orders. */
  seq: number;
  readonly fills: Fill[];
  /** Spot: quote (buy) or base (sell) still locked for this order. */
  locked: number;
  /** Why the venue itself closed it, when it did: a post-only order that would have taken. */
  cancelReason?: 'post_only_would_cross';
}

/** A print on the public tape. */
export interface PublicTrade {
  readonly id: number;
  readonly symbol: string;
  readonly price: number;
  readonly qty: number;
  /** Side of the aggressor. */
  readonly aggressor: Side;
  readonly time: number;
}

/** One side's changed levels after a book mutation; a quantity of 0 removes the level. */
export interface BookDelta {
  readonly symbol: string;
  /** First and last update id this delta covers, and the last id of the previous delta. */
  readonly firstUpdateId: number;
  readonly lastUpdateId: number;
  readonly prevUpdateId: number;
  readonly bids: ReadonlyArray<readonly [number, number]>;
  readonly asks: ReadonlyArray<readonly [number, number]>;
  readonly time: number;
}

/** A balance of one asset. */
export interface Balance {
  free: number;
  locked: number;
}

/** A futures position in one-way mode; `qty` is signed (negative = short). */
export interface Position {
  readonly symbol: string;
  qty: number;
  entryPrice: number;
  leverage: number;
  marginType: MarginType;
  /** Isolated wallet of an isolated position (0 in cross). */
  isolatedWallet: number;
  updateTime: number;
}

/** A funding payment, income or realized-P&L entry of the futures wallet. */
export interface IncomeEntry {
  readonly tranId: number;
  readonly symbol: string;
  readonly incomeType: 'FUNDING_FEE' | 'REALIZED_PNL' | 'COMMISSION';
  readonly income: number;
  readonly asset: string;
  readonly time: number;
  readonly tradeId: number | undefined;
}

/** Why the venue refused an order or a cancel. */
export type RejectReason =
  | 'unknown_symbol'
  | 'bad_quantity'
  | 'bad_price'
  | 'min_notional'
  | 'insufficient_balance'
  | 'post_only_would_cross'
  | 'reduce_only_rejected'
  | 'duplicate_client_order_id'
  | 'unknown_order'
  | 'no_liquidity';

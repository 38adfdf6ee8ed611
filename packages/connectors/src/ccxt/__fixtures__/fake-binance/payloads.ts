/**
 * Binance wire shapes built from the fake venue's state. Field names and their order follow Binance's
 * documentation:
 * - spot REST: developers.binance.com/docs/binance-spot-api-docs/rest-api (general-endpoints
 *   "Exchange information", market-data-endpoints, trading-endpoints "New order (TRADE)" with
 *   newOrderRespType FULL, account-endpoints "Account information", "Account trade list");
 * - spot user data: binance-spot-api-docs/user-data-stream ("Order Update" executionReport,
 *   "Account Update" outboundAccountPosition);
 * - USDⓈ-M futures: developers.binance.com/docs/derivatives/usds-margined-futures (market-data
 *   "Exchange Information", trade "New Order", "Position Information V3", account "Account Information
 *   V3", "Get Income History", user-data-streams "Event Order Update", "Event Balance and Position
 *   Update");
 * - market streams: binance-spot-api-docs/web-socket-streams and usds-margined-futures/websocket-market-streams.
 */
import type { FakeVenue } from '../fake-exchange/venue';
import type { Fill, MarketSpec, Order, PublicTrade } from '../fake-exchange/types';

/** Decimals of a step such as 0.001 → 3. */
export const decimalsOf = (step: number): number => {
  const s = step.toFixed(12).replace(/0+$/, '');
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
};

/** Spot prints every decimal with 8 places. */
export const f8 = (x: number): string => x.toFixed(8);

/** Futures print with the market's precision. */
export const fx = (x: number, step: number): string => x.toFixed(decimalsOf(step));

export const STATUS = {
  new: 'NEW',
  partially_filled: 'PARTIALLY_FILLED',
  filled: 'FILLED',
  canceled: 'CANCELED',
  expired: 'EXPIRED',
} as const;

export const spotOrderType = (o: Order): string => (o.type === 'market' ? 'MARKET' : o.postOnly ? 'LIMIT_MAKER' : 'LIMIT');

/** Spot symbol entry of /api/v3/exchangeInfo. */
export function spotSymbolInfo(m: MarketSpec): Record<string, unknown> {
  return {
    symbol: m.id,
    status: 'TRADING',
    baseAsset: m.base,
    baseAssetPrecision: 8,
    quoteAsset: m.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
    icebergAllowed: false,
    ocoAllowed: false,
    otoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: false,
    cancelReplaceAllowed: true,
    amendAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: f8(m.tickSize), maxPrice: f8(1_000_000), tickSize: f8(m.tickSize) },
      { filterType: 'LOT_SIZE', minQty: f8(m.minQty), maxQty: f8(m.maxQty), stepSize: f8(m.stepSize) },
      { filterType: 'MARKET_LOT_SIZE', minQty: f8(0), maxQty: f8(m.maxQty), stepSize: f8(0) },
      {
        filterType: 'NOTIONAL',
        minNotional: f8(m.minNotional),
        applyMinToMarket: true,
        maxNotional: f8(9_000_000),
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

/** Futures symbol entry of /fapi/v1/exchangeInfo. */
export function futuresSymbolInfo(m: MarketSpec): Record<string, unknown> {
  return {
    symbol: m.id,
    pair: m.id,
    contractType: 'PERPETUAL',
    deliveryDate: 4133404800000,
    onboardDate: 1569398400000,
    status: 'TRADING',
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: m.base,
    quoteAsset: m.quote,
    marginAsset: m.quote,
    pricePrecision: decimalsOf(m.tickSize),
    quantityPrecision: decimalsOf(m.stepSize),
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    underlyingSubType: [],
    settlePlan: 0,
    triggerProtect: '0.0500',
    liquidationFee: '0.012500',
    marketTakeBound: '0.05',
    maxMoveOrderLimit: 10000,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: fx(m.tickSize, m.tickSize), maxPrice: fx(4_529_764, m.tickSize), tickSize: fx(m.tickSize, m.tickSize) },
      { filterType: 'LOT_SIZE', minQty: fx(m.minQty, m.stepSize), maxQty: fx(m.maxQty, m.stepSize), stepSize: fx(m.stepSize, m.stepSize) },
      { filterType: 'MARKET_LOT_SIZE', minQty: fx(m.minQty, m.stepSize), maxQty: fx(m.maxQty, m.stepSize), stepSize: fx(m.stepSize, m.stepSize) },
      { filterType: 'MAX_NUM_ORDERS', limit: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
      { filterType: 'MIN_NOTIONAL', notional: String(m.minNotional) },
      { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
    ],
    orderTypes: ['LIMIT', 'MARKET'],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX'],
    permissionSets: ['GRID', 'COPY'],
  };
}

const avg = (o: Order): number => (o.executedQty > 0 ? o.cumQuote / o.executedQty : 0);

/** Spot order as GET /api/v3/order and allOrders/openOrders return it. */
export function spotOrder(o: Order): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: f8(o.price),
    origQty: f8(o.origQty),
    executedQty: f8(o.executedQty),
    cummulativeQuoteQty: f8(o.cumQuote),
    status: STATUS[o.status],
    timeInForce: o.timeInForce,
    type: spotOrderType(o),
    side: o.side.toUpperCase(),
    stopPrice: f8(0),
    icebergQty: f8(0),
    time: o.time,
    updateTime: o.updateTime,
    isWorking: true,
    workingTime: o.time,
    origQuoteOrderQty: f8(o.quoteQty ?? 0),
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** Spot POST /api/v3/order answer for newOrderRespType ACK, RESULT or FULL. */
export function spotOrderResponse(o: Order, respType: string): Record<string, unknown> {
  const ack = { symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, transactTime: o.time };
  if (respType === 'ACK') return ack;
  const result = {
    ...ack,
    price: f8(o.price),
    origQty: f8(o.origQty),
    executedQty: f8(o.executedQty),
    origQuoteOrderQty: f8(o.quoteQty ?? 0),
    cummulativeQuoteQty: f8(o.cumQuote),
    status: STATUS[o.status],
    timeInForce: o.timeInForce,
    type: spotOrderType(o),
    side: o.side.toUpperCase(),
    workingTime: o.time,
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
  if (respType === 'RESULT') return result;
  return {
    ...result,
    fills: o.fills
      .filter((f) => !f.maker)
      .map((f) => ({ price: f8(f.price), qty: f8(f.qty), commission: f8(f.commission), commissionAsset: f.commissionAsset, tradeId: f.tradeId })),
  };
}

/** Spot DELETE /api/v3/order answer. */
export function spotCancelResponse(o: Order, cancelClientId: string): Record<string, unknown> {
  return {
    symbol: o.symbol,
    origClientOrderId: o.clientOrderId,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: cancelClientId,
    transactTime: o.updateTime,
    price: f8(o.price),
    origQty: f8(o.origQty),
    executedQty: f8(o.executedQty),
    cummulativeQuoteQty: f8(o.cumQuote),
    status: STATUS[o.status],
    timeInForce: o.timeInForce,
    type: spotOrderType(o),
    side: o.side.toUpperCase(),
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** Spot GET /api/v3/myTrades entry. */
export function spotMyTrade(f: Fill): Record<string, unknown> {
  return {
    symbol: f.symbol,
    id: f.tradeId,
    orderId: f.orderId,
    orderListId: -1,
    price: f8(f.price),
    qty: f8(f.qty),
    quoteQty: f8(f.quoteQty),
    commission: f8(f.commission),
    commissionAsset: f.commissionAsset,
    time: f.time,
    isBuyer: f.side === 'buy',
    isMaker: f.maker,
    isBestMatch: true,
  };
}

/** Futures order as POST/GET/DELETE /fapi/v1/order return it. */
export function futuresOrder(o: Order, m: MarketSpec): Record<string, unknown> {
  return {
    orderId: o.orderId,
    symbol: o.symbol,
    status: STATUS[o.status],
    clientOrderId: o.clientOrderId,
    price: fx(o.price, m.tickSize),
    avgPrice: avg(o).toFixed(decimalsOf(m.tickSize) + 2),
    origQty: fx(o.origQty, m.stepSize),
    executedQty: fx(o.executedQty, m.stepSize),
    cumQty: fx(o.executedQty, m.stepSize),
    cumQuote: o.cumQuote.toFixed(5),
    timeInForce: o.postOnly ? 'GTX' : o.timeInForce,
    type: o.type.toUpperCase(),
    reduceOnly: o.reduceOnly,
    closePosition: false,
    side: o.side.toUpperCase(),
    positionSide: 'BOTH',
    stopPrice: fx(0, m.tickSize),
    workingType: 'CONTRACT_PRICE',
    priceProtect: false,
    origType: o.type.toUpperCase(),
    priceMatch: 'NONE',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    goodTillDate: 0,
    time: o.time,
    updateTime: o.updateTime,
  };
}

/** Futures GET /fapi/v1/userTrades entry. */
export function futuresUserTrade(f: Fill, m: MarketSpec): Record<string, unknown> {
  return {
    buyer: f.side === 'buy',
    commission: f.commission.toFixed(8),
    commissionAsset: f.commissionAsset,
    id: f.tradeId,
    maker: f.maker,
    orderId: f.orderId,
    price: fx(f.price, m.tickSize),
    qty: fx(f.qty, m.stepSize),
    quoteQty: f.quoteQty.toFixed(5),
    realizedPnl: f.realizedPnl.toFixed(8),
    side: f.side.toUpperCase(),
    positionSide: 'BOTH',
    symbol: f.symbol,
    time: f.time,
  };
}

/** Futures GET /fapi/v3/positionRisk entry (v2 adds leverage, marginType and a few more fields). */
export function futuresPositionRisk(v: FakeVenue, symbol: string, version: 2 | 3): Record<string, unknown> {
  const p = v.position(symbol);
  const m = v.market(symbol);
  const mark = v.markPrice(symbol);
  const notional = p.qty * mark;
  const im = v.initialMargin(symbol);
  const base = {
    symbol,
    positionSide: 'BOTH',
    positionAmt: fx(p.qty, m.stepSize),
    entryPrice: p.entryPrice.toFixed(8),
    breakEvenPrice: p.entryPrice.toFixed(8),
    markPrice: mark.toFixed(8),
    unRealizedProfit: v.unrealizedPnl(symbol).toFixed(8),
    liquidationPrice: '0',
    isolatedMargin: (p.marginType === 'isolated' ? im : 0).toFixed(8),
    notional: notional.toFixed(8),
    marginAsset: m.quote,
    isolatedWallet: p.isolatedWallet.toFixed(8),
    initialMargin: im.toFixed(8),
    maintMargin: (Math.abs(notional) * 0.004).toFixed(8),
    positionInitialMargin: im.toFixed(8),
    openOrderInitialMargin: '0',
    adl: 0,
    bidNotional: '0',
    askNotional: '0',
    updateTime: p.updateTime,
  };
  if (version === 3) return base;
  return {
    ...base,
    leverage: String(p.leverage),
    maxNotionalValue: '250000',
    marginType: p.marginType,
    isAutoAddMargin: 'false',
  };
}

/** Aggregated trade shape of /aggTrades (each print is its own aggregate in the fake). */
export function aggTrade(t: PublicTrade): Record<string, unknown> {
  return { a: t.id, p: f8(t.price), q: f8(t.qty), f: t.id, l: t.id, T: t.time, m: t.aggressor === 'sell', M: true };
}

export const INTERVALS: Readonly<Record<string, number>> = {
  '1s': 1_000,
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
  '3d': 259_200_000,
  '1w': 604_800_000,
};

export interface Candle {
  openTime: number;
  closeTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume: number;
  trades: number;
  takerBuyVolume: number;
  takerBuyQuote: number;
  firstId: number;
  lastId: number;
}

/**
 * Candles of a tape; intervals without prints between two that have them repeat the previous close
 * with zero volume, as Binance does.
 */
export function candles(tape: readonly PublicTrade[], intervalMs: number): Candle[] {
  const out: Candle[] = [];
  for (const t of tape) {
    const open = Math.floor(t.time / intervalMs) * intervalMs;
    let last = out.at(-1);
    while (last !== undefined && last.openTime + intervalMs < open) {
      const o = last.openTime + intervalMs;
      last = { openTime: o, closeTime: o + intervalMs - 1, open: last.close, high: last.close, low: last.close, close: last.close, volume: 0, quoteVolume: 0, trades: 0, takerBuyVolume: 0, takerBuyQuote: 0, firstId: -1, lastId: -1 };
      out.push(last);
    }
    if (last === undefined || last.openTime !== open) {
      out.push({ openTime: open, closeTime: open + intervalMs - 1, open: t.price, high: t.price, low: t.price, close: t.price, volume: 0, quoteVolume: 0, trades: 0, takerBuyVolume: 0, takerBuyQuote: 0, firstId: t.id, lastId: t.id });
      last = out.at(-1)!;
    }
    last.high = Math.max(last.high, t.price);
    last.low = Math.min(last.low, t.price);
    last.close = t.price;
    last.volume += t.qty;
    last.quoteVolume += t.qty * t.price;
    last.trades += 1;
    if (last.firstId < 0) last.firstId = t.id;
    last.lastId = t.id;
    if (t.aggressor === 'buy') {
      last.takerBuyVolume += t.qty;
      last.takerBuyQuote += t.qty * t.price;
    }
  }
  return out;
}

/** One row of /klines. */
export function klineRow(c: Candle): unknown[] {
  return [c.openTime, f8(c.open), f8(c.high), f8(c.low), f8(c.close), f8(c.volume), c.closeTime, f8(c.quoteVolume), c.trades, f8(c.takerBuyVolume), f8(c.takerBuyQuote), '0'];
}

/**
 * Bybit v5 wire shapes built from the fake venue's state. Field names follow Bybit's v5 documentation
 * (bybit-exchange.github.io/docs/v5/):
 * - market: "Get Instruments Info" (spot and linear), "Get Orderbook", "Get Kline", "Get Public Recent
 *   Trading History", "Get Tickers", "Get Bybit Server Time";
 * - trade: "Place Order", "Amend Order", "Cancel Order", "Get Open & Closed Orders" (order/realtime),
 *   "Get Order History";
 * - position: "Get Position Info", "Set Leverage", "Switch Cross/Isolated Margin"; "Get Trade History"
 *   (execution/list, with execType Funding for funding fees);
 * - account: "Get Wallet Balance" (UNIFIED), "Get Account Info", "Set Margin Mode"; user: "Get API Key
 *   Information"; asset: "Get Coin Info";
 * - WebSocket: public "Orderbook", "Trade", "Ticker", "Kline"; private "Order", "Execution",
 *   "Position", "Wallet"; trade "Create/Amend/Cancel Order" (the `/v5/trade` guideline).
 * Numbers travel as decimal strings, times in milliseconds (as strings in REST bodies, as Bybit does).
 */
import type { Fill, MarketSpec, Order, PublicTrade } from '../fake-exchange/types';

/** Decimals of a step such as 0.001 → 3. */
export const decimalsOf = (step: number): number => {
  const s = step.toFixed(12).replace(/0+$/, '');
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
};

/** A number printed with the decimals of `step` (a price with the tick's, a size with the lot's). */
export const fx = (x: number, step: number): string => x.toFixed(decimalsOf(step));

/** A number printed without binary noise and without trailing zeros. */
export const dec = (x: number): string => String(Number(x.toFixed(10)));

/** Bybit ids are UUIDs; the fake derives them from the core's numeric ids so that they map back. */
export const orderUuid = (n: number): string => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
export const execUuid = (n: number): string => `${n.toString(16).padStart(8, '0')}-0000-4000-9000-000000000000`;
export const orderNumber = (uuid: string): number | undefined => (/^[0-9a-f]{8}-0000-4000-8000-000000000000$/.test(uuid) ? parseInt(uuid.slice(0, 8), 16) : undefined);

/** Bybit's kline intervals (minutes, D, W, M) in ms. */
export const INTERVALS: Readonly<Record<string, number>> = {
  '1': 60_000,
  '3': 180_000,
  '5': 300_000,
  '15': 900_000,
  '30': 1_800_000,
  '60': 3_600_000,
  '120': 7_200_000,
  '240': 14_400_000,
  '360': 21_600_000,
  '720': 43_200_000,
  D: 86_400_000,
  W: 604_800_000,
};

export type Category = 'spot' | 'linear';

/** One entry of /v5/market/instruments-info. */
export function instrumentInfo(m: MarketSpec, category: Category): Record<string, unknown> {
  if (category === 'spot') {
    return {
      symbol: m.id,
      baseCoin: m.base,
      quoteCoin: m.quote,
      innovation: '0',
      status: 'Trading',
      marginTrading: 'none',
      stTag: '0',
      lotSizeFilter: {
        basePrecision: dec(m.stepSize),
        quotePrecision: '0.00000001',
        minOrderQty: dec(m.minQty),
        maxOrderQty: dec(m.maxQty),
        minOrderAmt: dec(m.minNotional),
        maxOrderAmt: '2000000',
      },
      priceFilter: { tickSize: dec(m.tickSize) },
      riskParameters: { priceLimitRatioX: '0.01', priceLimitRatioY: '0.02' },
    };
  }
  return {
    symbol: m.id,
    contractType: 'LinearPerpetual',
    status: 'Trading',
    baseCoin: m.base,
    quoteCoin: m.quote,
    launchTime: '1585526400000',
    deliveryTime: '0',
    deliveryFeeRate: '',
    priceScale: String(decimalsOf(m.tickSize)),
    leverageFilter: { minLeverage: '1', maxLeverage: '100.00', leverageStep: '0.01' },
    priceFilter: { minPrice: fx(m.tickSize, m.tickSize), maxPrice: fx(1_999_999, m.tickSize), tickSize: fx(m.tickSize, m.tickSize) },
    lotSizeFilter: {
      maxOrderQty: fx(m.maxQty, m.stepSize),
      maxMktOrderQty: fx(m.maxQty, m.stepSize),
      minOrderQty: fx(m.minQty, m.stepSize),
      qtyStep: fx(m.stepSize, m.stepSize),
      postOnlyMaxOrderQty: fx(m.maxQty, m.stepSize),
      minNotionalValue: dec(m.minNotional),
    },
    unifiedMarginTrade: true,
    fundingInterval: 480,
    settleCoin: m.quote,
    copyTrading: 'both',
    upperFundingRate: '0.00375',
    lowerFundingRate: '-0.00375',
    isPreListing: false,
    preListingInfo: null,
  };
}

const STATUS: Readonly<Record<Order['status'], string>> = {
  new: 'New',
  partially_filled: 'PartiallyFilled',
  filled: 'Filled',
  canceled: 'Cancelled',
  expired: 'Cancelled',
};

/** Bybit's order status; an IOC/market spot remainder cancelled after a partial fill is `PartiallyFilledCanceled`. */
export function orderStatus(o: Order, category: Category): string {
  if (o.status === 'expired' && o.executedQty > 0 && category === 'spot') return 'PartiallyFilledCanceled';
  if (o.status === 'canceled' && o.executedQty > 0 && category === 'spot') return 'PartiallyFilledCanceled';
  return STATUS[o.status];
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Bybit's time in force: post-only is a time in force of its own. */
export const tifOf = (o: Order): string => (o.type === 'market' ? 'IOC' : o.postOnly ? 'PostOnly' : o.timeInForce);

/** An order as /v5/order/realtime, /v5/order/history and the private `order` topic carry it. */
export function orderRecord(o: Order, m: MarketSpec, category: Category, extra: { cancelType?: string } = {}): Record<string, unknown> {
  const px = (x: number): string => (category === 'spot' ? dec(x) : fx(x, m.tickSize));
  const qty = (x: number): string => (category === 'spot' ? dec(x) : fx(x, m.stepSize));
  const avg = o.executedQty > 0 ? o.cumQuote / o.executedQty : 0;
  const fees = o.fills.reduce((s, f) => s + f.commission, 0);
  const feeCoin = o.fills[0]?.commissionAsset ?? (category === 'spot' ? (o.side === 'buy' ? m.base : m.quote) : m.quote);
  const open = o.status === 'new' || o.status === 'partially_filled';
  const leaves = open ? o.origQty - o.executedQty : 0;
  const record: Record<string, unknown> = {
    orderId: orderUuid(o.orderId),
    orderLinkId: o.clientOrderId,
    blockTradeId: '',
    symbol: o.symbol,
    price: o.type === 'market' ? '0' : px(o.price),
    qty: qty(o.origQty),
    side: cap(o.side),
    isLeverage: category === 'spot' ? '0' : '',
    positionIdx: 0,
    orderStatus: orderStatus(o, category),
    createType: category === 'spot' ? '' : 'CreateByUser',
    cancelType: o.status === 'canceled' && o.cancelReason === undefined ? (extra.cancelType ?? 'CancelByUser') : 'UNKNOWN',
    rejectReason: o.cancelReason === 'post_only_would_cross' ? 'EC_PostOnlyWillTakeLiquidity' : 'EC_NoError',
    avgPrice: o.executedQty > 0 ? (category === 'spot' ? dec(avg) : avg.toFixed(decimalsOf(m.tickSize) + 2)) : category === 'spot' ? '0' : '',
    leavesQty: qty(leaves),
    leavesValue: dec(leaves * o.price),
    cumExecQty: qty(o.executedQty),
    cumExecValue: dec(o.cumQuote),
    cumExecFee: dec(fees),
    cumFeeDetail: o.fills.length > 0 ? { [feeCoin]: dec(fees) } : {},
    timeInForce: tifOf(o),
    orderType: cap(o.type),
    stopOrderType: '',
    orderIv: '',
    triggerPrice: category === 'spot' ? '0.00' : '',
    takeProfit: category === 'spot' ? '0.00' : '',
    stopLoss: category === 'spot' ? '0.00' : '',
    tpTriggerBy: '',
    slTriggerBy: '',
    triggerDirection: 0,
    triggerBy: '',
    lastPriceOnCreated: '',
    reduceOnly: o.reduceOnly,
    closeOnTrigger: false,
    smpType: 'None',
    smpGroup: 0,
    smpOrderId: '',
    tpLimitPrice: '',
    slLimitPrice: '',
    placeType: '',
    createdTime: String(o.time),
    updatedTime: String(o.updateTime),
  };
  // ccxt tells a contract order from a spot one by the presence of tpslMode; Bybit sends it for contracts
  if (category === 'linear') record['tpslMode'] = 'UNKNOWN';
  // a spot market order says whether qty is in base or quote (UTA)
  if (category === 'spot') record['marketUnit'] = o.type === 'market' ? (o.quoteQty !== undefined ? 'quoteCoin' : 'baseCoin') : '';
  return record;
}

/** One execution of /v5/execution/list and the private `execution` topic. */
export function executionRecord(f: Fill, o: Order, m: MarketSpec, category: Category, markPrice: number): Record<string, unknown> {
  const record: Record<string, unknown> = {
    symbol: f.symbol,
    orderType: cap(o.type),
    underlyingPrice: '',
    orderLinkId: o.clientOrderId,
    side: cap(f.side),
    indexPrice: '',
    orderId: orderUuid(o.orderId),
    stopOrderType: 'UNKNOWN',
    leavesQty: dec(Math.max(0, o.origQty - o.executedQty)),
    execTime: String(f.time),
    feeCurrency: category === 'spot' ? f.commissionAsset : '',
    isMaker: f.maker,
    execFee: dec(f.commission),
    feeRate: dec(f.maker ? m.makerFee : m.takerFee),
    execId: execUuid(f.tradeId),
    tradeIv: '',
    blockTradeId: '',
    markPrice: category === 'spot' ? '' : fx(markPrice, m.tickSize),
    execPrice: category === 'spot' ? dec(f.price) : fx(f.price, m.tickSize),
    markIv: '',
    orderQty: dec(o.origQty),
    orderPrice: o.type === 'market' ? '0' : dec(o.price),
    execValue: dec(f.quoteQty),
    closedSize: category === 'spot' ? '' : dec(f.realizedPnl !== 0 ? f.qty : 0),
    execType: 'Trade',
    execQty: dec(f.qty),
    seq: f.tradeId,
    execPnl: category === 'spot' ? '' : dec(f.realizedPnl),
  };
  if (category === 'linear') record['createType'] = 'CreateByUser';
  return record;
}

/** A public print as /v5/market/recent-trade lists it. */
export function recentTrade(t: PublicTrade, m: MarketSpec, category: Category): Record<string, unknown> {
  return {
    execId: execUuid(t.id),
    symbol: t.symbol,
    price: category === 'spot' ? dec(t.price) : fx(t.price, m.tickSize),
    size: category === 'spot' ? dec(t.qty) : fx(t.qty, m.stepSize),
    side: cap(t.aggressor),
    time: String(t.time),
    isBlockTrade: false,
    isRPITrade: false,
  };
}

/** A public print as the `publicTrade.{symbol}` topic carries it. */
export function wsTrade(t: PublicTrade, m: MarketSpec, category: Category): Record<string, unknown> {
  const base = {
    T: t.time,
    s: t.symbol,
    S: cap(t.aggressor),
    v: category === 'spot' ? dec(t.qty) : fx(t.qty, m.stepSize),
    p: category === 'spot' ? dec(t.price) : fx(t.price, m.tickSize),
    L: 'PlusTick',
    i: execUuid(t.id),
    BT: false,
    RPI: false,
    seq: t.id,
  };
  return base;
}

/** One candle built from the tape. */
export interface Candle {
  readonly start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  turnover: number;
}

/** Candles of `ms` from a tape (only intervals with prints), oldest first. */
export function candles(tape: readonly PublicTrade[], ms: number): Candle[] {
  const out: Candle[] = [];
  for (const t of [...tape].sort((a, b) => a.time - b.time)) {
    const start = Math.floor(t.time / ms) * ms;
    const last = out.at(-1);
    if (last !== undefined && last.start === start) {
      last.high = Math.max(last.high, t.price);
      last.low = Math.min(last.low, t.price);
      last.close = t.price;
      last.volume += t.qty;
      last.turnover += t.qty * t.price;
    } else out.push({ start, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.qty, turnover: t.qty * t.price });
  }
  return out;
}

/** A kline row of /v5/market/kline: [startTime, open, high, low, close, volume, turnover], strings. */
export const klineRow = (c: Candle): string[] => [String(c.start), dec(c.open), dec(c.high), dec(c.low), dec(c.close), dec(c.volume), dec(c.turnover)];

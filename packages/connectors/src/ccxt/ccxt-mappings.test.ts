/**
 * The translations of the ccxt adapter, on real ccxt classes: markets parsed by ccxt from Binance's
 * exchangeInfo payloads (shapes of developers.binance.com "Exchange information", spot and USDⓈ-M),
 * capability maps from the classes' own `has` and `features`, ccxt's error classes, and ccxt's
 * throttler counted request by request.
 */
import ccxt from 'ccxt';
import type { Exchange, Order, Trade } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { BacktestClock, Decimal, ErrorCode, InsufficientFundsError, InvalidOrderError, NetworkError, OrderNotFoundError, RateLimitError, ValidationError, clientOrderId, instrumentId } from '@rxtrade/core';
import { BookSync } from './ccxt-book';
import { CcxtCaller } from './ccxt-caller';
import { ccxtCapabilities, exchangeTraits } from './ccxt-capabilities';
import { CcxtErrorKind, classifyCcxtError, toRxTradeError, venueReason } from './ccxt-errors';
import { PrecisionMode, ccxtInstrument, loadCcxtInstruments, precisionToIncrement } from './ccxt-instruments';
import { ccxtFill, ccxtOrderReport, ccxtOrderStatus, ccxtOrderView } from './ccxt-orders';
import { CcxtVenueOptionsSchema, ccxtVenue, fromEnv } from './ccxt-venue';

// developers.binance.com/docs/binance-spot-api-docs/rest-api/general-endpoints#exchange-information (BTCUSDT's filters as listed in 2024)
const SPOT_INFO = {
  timezone: 'UTC',
  serverTime: 1_700_000_000_000,
  rateLimits: [],
  exchangeFilters: [],
  symbols: [
    {
      symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', baseAssetPrecision: 8, quoteAsset: 'USDT', quotePrecision: 8, quoteAssetPrecision: 8,
      baseCommissionPrecision: 8, quoteCommissionPrecision: 8, orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
      icebergAllowed: true, ocoAllowed: true, quoteOrderQtyMarketAllowed: true, allowTrailingStop: true, cancelReplaceAllowed: true,
      isSpotTradingAllowed: true, isMarginTradingAllowed: true,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' },
        { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' },
        { filterType: 'NOTIONAL', minNotional: '5.00000000', applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
      ],
      permissions: [], permissionSets: [['SPOT', 'MARGIN']], defaultSelfTradePreventionMode: 'EXPIRE_MAKER', allowedSelfTradePreventionModes: ['EXPIRE_TAKER'],
    },
    {
      symbol: 'SHIBUSDT', status: 'TRADING', baseAsset: 'SHIB', baseAssetPrecision: 2, quoteAsset: 'USDT', quotePrecision: 8, quoteAssetPrecision: 8,
      baseCommissionPrecision: 2, quoteCommissionPrecision: 8, orderTypes: ['LIMIT', 'MARKET'], icebergAllowed: true, ocoAllowed: true,
      quoteOrderQtyMarketAllowed: true, allowTrailingStop: true, cancelReplaceAllowed: true, isSpotTradingAllowed: true, isMarginTradingAllowed: false,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: '0.00000001', maxPrice: '1.00000000', tickSize: '0.00000001' },
        { filterType: 'LOT_SIZE', minQty: '1.00', maxQty: '92141578.00', stepSize: '1.00' },
        { filterType: 'NOTIONAL', minNotional: '5.00000000', applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
      ],
      permissions: [], permissionSets: [['SPOT']],
    },
  ],
};

// developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Exchange-Information
const FUTURES_INFO = {
  timezone: 'UTC', serverTime: 1_700_000_000_000, futuresType: 'U_MARGINED', rateLimits: [], exchangeFilters: [], assets: [],
  symbols: [
    {
      symbol: 'BTCUSDT', pair: 'BTCUSDT', contractType: 'PERPETUAL', deliveryDate: 4133404800000, onboardDate: 1569398400000, status: 'TRADING',
      maintMarginPercent: '2.5000', requiredMarginPercent: '5.0000', baseAsset: 'BTC', quoteAsset: 'USDT', marginAsset: 'USDT',
      pricePrecision: 2, quantityPrecision: 3, baseAssetPrecision: 8, quotePrecision: 8, underlyingType: 'COIN', underlyingSubType: ['PoW'],
      settlePlan: 0, triggerProtect: '0.0500', liquidationFee: '0.012500', marketTakeBound: '0.05',
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: '556.80', maxPrice: '4529764', tickSize: '0.10' },
        { filterType: 'LOT_SIZE', stepSize: '0.001', maxQty: '1000', minQty: '0.001' },
        { filterType: 'MARKET_LOT_SIZE', stepSize: '0.001', maxQty: '120', minQty: '0.001' },
        { filterType: 'MAX_NUM_ORDERS', limit: 200 },
        { filterType: 'MIN_NOTIONAL', notional: '100' },
        { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: 4 },
      ],
      orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
      timeInForce: ['GTC', 'IOC', 'FOK', 'GTX'],
    },
  ],
};

/** A ccxt instance whose HTTP layer answers from `answer` and records every request. */
function offline<T extends Exchange>(ex: T, answer: (url: string) => unknown, log: string[] = []): T {
  (ex as unknown as { fetch: (url: string, method: string) => Promise<unknown> }).fetch = async (url, method) => {
    log.push(`${method} ${url}`);
    return answer(url);
  };
  return ex;
}

describe('markets to instruments', () => {
  it('maps Binance spot markets with exact tick, lot and minimum notional', async () => {
    const ex = offline(new ccxt.binance({ options: { fetchCurrencies: false, fetchMarkets: { types: ['spot'] } } }), () => SPOT_INFO);
    const markets = await loadCcxtInstruments(ex, { venue: 'BINANCE' });
    const btc = markets.get('BTCUSDT.BINANCE')!;
    expect(btc.tickSize.eq('0.01')).toBe(true);
    expect(btc.lotSize.eq('0.00001')).toBe(true);
    expect(btc.minNotional.eq(5)).toBe(true);
    expect(btc.multiplier.eq(1)).toBe(true);
    expect([btc.fees.maker.toString(), btc.fees.taker.toString()]).toEqual(['0.001', '0.001']);
    expect([btc.pricePrecision, btc.sizePrecision, btc.assetClass, btc.base, btc.quote]).toEqual([2, 5, 'spot', 'BTC', 'USDT']);
    const shib = markets.get('SHIBUSDT.BINANCE')!;
    expect(shib.tickSize.toString()).toBe('0.00000001');
    expect(shib.lotSize.eq(1)).toBe(true);
    expect(markets.symbolOf(instrumentId('BTCUSDT.BINANCE'))).toBe('BTC/USDT');
    expect(markets.instrumentOf('SHIB/USDT')?.id).toBe('SHIBUSDT.BINANCE');
    expect(() => markets.symbolOf('ETHUSDT.BINANCE')).toThrow(/ETHUSDT.BINANCE is not an instrument of BINANCE/);
  });

  it('maps a USDⓈ-M perpetual with its contract size, settle currency and futures fees', async () => {
    const ex = offline(new ccxt.binanceusdm({ options: { fetchCurrencies: false } }), () => FUTURES_INFO);
    const markets = await loadCcxtInstruments(ex, { venue: 'BINANCEUSDM', symbols: ['BTC/USDT:USDT'] });
    const perp = markets.get('BTCUSDT-PERP.BINANCEUSDM')!;
    expect(perp.assetClass).toBe('perpetual');
    expect(perp.tickSize.eq('0.1')).toBe(true);
    expect(perp.lotSize.eq('0.001')).toBe(true);
    expect(perp.minNotional.eq(100)).toBe(true);
    expect(perp.multiplier.eq(1)).toBe(true);
    expect([perp.fees.maker.toString(), perp.fees.taker.toString()]).toEqual(['0.0002', '0.0005']);
    expect(perp.quote).toBe('USDT');
    await expect(loadCcxtInstruments(ex, { venue: 'BINANCEUSDM', symbols: ['ETH/USDT:USDT'] })).rejects.toThrow(/symbols: binanceusdm has no market ETH\/USDT:USDT/);
  });

  it('converts both precision modes exactly and refuses significant digits', () => {
    // ccxt's own constants (the adapter does not load ccxt to read them).
    expect({ DECIMAL_PLACES: ccxt.DECIMAL_PLACES, SIGNIFICANT_DIGITS: ccxt.SIGNIFICANT_DIGITS, TICK_SIZE: ccxt.TICK_SIZE }).toEqual(PrecisionMode);
    // 0.1 + 0.2 as a double is 0.30000000000000004: its shortest form is read, not 0.3.
    expect(precisionToIncrement(0.1, PrecisionMode.TICK_SIZE, 'price').toString()).toBe('0.1');
    expect(precisionToIncrement(0.00000001, PrecisionMode.TICK_SIZE, 'price').eq(new Decimal('1e-8'))).toBe(true);
    expect(precisionToIncrement(8, PrecisionMode.DECIMAL_PLACES, 'amount').eq(new Decimal('0.00000001'))).toBe(true);
    expect(precisionToIncrement(0, PrecisionMode.DECIMAL_PLACES, 'amount').eq(1)).toBe(true);
    expect(precisionToIncrement(-1, PrecisionMode.DECIMAL_PLACES, 'amount').eq(10)).toBe(true);
    expect(() => precisionToIncrement(2.5, PrecisionMode.DECIMAL_PLACES, 'amount')).toThrow(/amount: decimal places 2.5 must be an integer/);
    expect(() => precisionToIncrement(5, PrecisionMode.SIGNIFICANT_DIGITS, 'price')).toThrow(/significant digits/);
    // bitfinex counts decimal places: a market of its shape maps to 10^-n increments.
    const bitfinex = new ccxt.bitfinex();
    expect(bitfinex.precisionMode).toBe(ccxt.SIGNIFICANT_DIGITS);
    const market = { id: 'tBTCUSD', symbol: 'BTC/USD', base: 'BTC', quote: 'USD', type: 'spot', spot: true, swap: false, future: false, option: false, contract: false, precision: { price: 1, amount: 8 }, limits: { cost: {} }, maker: 0.001, taker: 0.002 };
    const btc = ccxtInstrument(market as never, 'BITFINEX', ccxt.DECIMAL_PLACES);
    expect([btc.tickSize.toString(), btc.lotSize.toString(), btc.fees.taker.toString()]).toEqual(['0.1', '0.00000001', '0.002']);
    expect(() => ccxtInstrument(market as never, 'BITFINEX', ccxt.SIGNIFICANT_DIGITS)).toThrow(/markets.BTC\/USD.precision.price/);
  });
});

describe('capabilities from the ccxt classes', () => {
  it('binance spot: MARKET, LIMIT and STOP_LIMIT native, GTC/IOC/FOK, post-only, cancel-replace, no reduce-only', () => {
    const caps = ccxtCapabilities(new ccxt.pro.binance(), ['spot']);
    expect(caps.orderTypes).toEqual(['MARKET', 'LIMIT', 'STOP_LIMIT']);
    expect(caps.timeInForce).toEqual(['GTC', 'IOC', 'FOK']);
    expect([caps.postOnly, caps.reduceOnly, caps.modify, caps.modifyMode]).toEqual([true, false, true, 'cancel-replace']);
    expect(caps.emulation?.orderTypes).toEqual(['STOP_MARKET', 'TRAILING_STOP_MARKET', 'TRAILING_STOP_LIMIT', 'MARKET_IF_TOUCHED', 'LIMIT_IF_TOUCHED']);
    expect(caps.emulation?.timeInForce).toEqual(['GTD', 'DAY']);
    expect(exchangeTraits('binance')).toMatchObject({ clientOrderIdParam: 'clientOrderId', queryByClientId: 'fetchOrder' });
  });

  it('binanceusdm and bybit swaps: stops native, reduce-only, edits in place', () => {
    for (const ex of [new ccxt.pro.binanceusdm(), new ccxt.pro.bybit()]) {
      const caps = ccxtCapabilities(ex, ['swap']);
      expect(caps.orderTypes).toEqual(['MARKET', 'LIMIT', 'STOP_MARKET', 'STOP_LIMIT']);
      expect(caps.timeInForce).toEqual(['GTC', 'IOC', 'FOK']);
      expect([caps.postOnly, caps.reduceOnly, caps.modifyMode]).toEqual([true, true, 'edit']);
    }
    expect(exchangeTraits('bybit').queryByClientId).toBe('search');
  });

  it('coinbase spot: no native stop-market, its own client order id parameter, a search by client id', () => {
    const ex = new ccxt.pro.coinbase();
    const caps = ccxtCapabilities(ex, ['spot']);
    expect(caps.orderTypes).toEqual(['MARKET', 'LIMIT', 'STOP_LIMIT']);
    // Coinbase has GTD natively, but GTD stays the order manager's (a cancel on the clock) everywhere.
    expect(caps.timeInForce).toEqual(['GTC', 'IOC', 'FOK']);
    expect([caps.postOnly, caps.reduceOnly, caps.modifyMode]).toEqual([true, false, 'edit']);
    expect(exchangeTraits('coinbase')).toMatchObject({ clientOrderIdParam: 'client_order_id', queryByClientId: 'search' });
    expect((ex.has as Record<string, unknown>)['watchMyTrades']).toBe(false); // its fills come from REST
  });

  it('an exchange without editOrder cannot modify', () => {
    const ex = new ccxt.pro.binance();
    (ex.has as Record<string, unknown>)['editOrder'] = false;
    expect(ccxtCapabilities(ex, ['spot'])).toMatchObject({ modify: false, modifyMode: 'none' });
  });
});

describe('ccxt errors', () => {
  const secrets = ['my-api-key-123', 'my-secret-456'];

  it('sorts definite answers, throttling, timestamps and unknown outcomes', () => {
    expect(classifyCcxtError(new ccxt.RequestTimeout('binance POST https://api.binance.com/api/v3/order request timed out (10000 ms)'))).toBe(CcxtErrorKind.UNKNOWN_OUTCOME);
    expect(classifyCcxtError(new ccxt.ExchangeNotAvailable('binance 503 Service Unavailable'))).toBe(CcxtErrorKind.UNKNOWN_OUTCOME);
    expect(classifyCcxtError(new ccxt.NetworkError('socket hang up'))).toBe(CcxtErrorKind.UNKNOWN_OUTCOME);
    expect(classifyCcxtError(new ccxt.BadResponse('binance {"code":-1007,"msg":"Timeout waiting for response from backend server. Send status unknown; execution status unknown."}'))).toBe(CcxtErrorKind.UNKNOWN_OUTCOME);
    expect(classifyCcxtError(new TypeError("Cannot read properties of undefined (reading 'orderId')"))).toBe(CcxtErrorKind.UNKNOWN_OUTCOME);
    expect(classifyCcxtError(new ccxt.DDoSProtection('binance 429 Too Many Requests'))).toBe(CcxtErrorKind.RATE_LIMIT);
    expect(classifyCcxtError(new ccxt.RateLimitExceeded('binance {"code":-1003,"msg":"Too much request weight used"}'))).toBe(CcxtErrorKind.RATE_LIMIT);
    expect(classifyCcxtError(new ccxt.InvalidNonce('binance {"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}'))).toBe(CcxtErrorKind.TIMESTAMP);
    expect(classifyCcxtError(new ccxt.BadRequest('binance {"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}'))).toBe(CcxtErrorKind.TIMESTAMP);
    expect(classifyCcxtError(new ccxt.InsufficientFunds('x'))).toBe(CcxtErrorKind.INSUFFICIENT_FUNDS);
    expect(classifyCcxtError(new ccxt.OrderNotFound('x'))).toBe(CcxtErrorKind.ORDER_NOT_FOUND);
    expect(classifyCcxtError(new ccxt.InvalidOrder('x'))).toBe(CcxtErrorKind.INVALID_ORDER);
    expect(classifyCcxtError(new ccxt.PermissionDenied('x'))).toBe(CcxtErrorKind.AUTHENTICATION);
    expect(classifyCcxtError(new ccxt.ExchangeError('x'))).toBe(CcxtErrorKind.REJECTED);
  });

  it('maps onto the rxtrade tree with the venue reason and nothing of the request', () => {
    const funds = toRxTradeError(new ccxt.InsufficientFunds('binance {"code":-2010,"msg":"Account has insufficient balance for requested action."}'), { venue: 'BINANCE', operation: 'createOrder', secrets });
    expect(funds).toBeInstanceOf(InsufficientFundsError);
    expect(funds.message).toBe('BINANCE createOrder: -2010 Account has insufficient balance for requested action.');
    expect(toRxTradeError(new ccxt.OrderNotFound('binance {"code":-2013,"msg":"Order does not exist."}'), { venue: 'B', operation: 'fetchOrder', secrets })).toBeInstanceOf(OrderNotFoundError);
    expect(toRxTradeError(new ccxt.InvalidOrder('x'), { venue: 'B', operation: 'o', secrets })).toBeInstanceOf(InvalidOrderError);
    expect(toRxTradeError(new ccxt.DDoSProtection('x'), { venue: 'B', operation: 'o', secrets })).toBeInstanceOf(RateLimitError);
    const signed =
      'binance GET https://api.binance.com/api/v3/order?symbol=BTCUSDT&origClientOrderId=o-1&timestamp=1700000000000&signature=9f0c2b7d0e5a&apiKey=my-api-key-123 503 Service Unavailable secret=my-secret-456 X-MBX-APIKEY: my-api-key-123';
    const timeout = toRxTradeError(new ccxt.ExchangeNotAvailable(signed), { venue: 'BINANCE', operation: 'fetchOrder', secrets });
    expect(timeout).toBeInstanceOf(NetworkError);
    expect(timeout.code).toBe(ErrorCode.NETWORK);
    for (const leak of ['signature', '9f0c2b7d0e5a', 'my-api-key-123', 'my-secret-456', 'origClientOrderId', '?']) expect(timeout.message).not.toContain(leak);
    expect(timeout.message).toContain('https://api.binance.com/api/v3/order');
    expect(timeout.cause).toBeUndefined();
    expect(venueReason(new ccxt.ExchangeError('bybit {"retCode":10001,"retMsg":"params error: side invalid"}'), [])).toBe('10001 params error: side invalid');
  });
});

describe('orders and trades', () => {
  const btc = instrumentId('BTCUSDT.BINANCE');
  const order = (over: Partial<Order>): Order =>
    ({ id: '28', clientOrderId: 'o-1', timestamp: 1_700_000_000_000, symbol: 'BTC/USDT', type: 'limit', side: 'buy', price: 30000.1, amount: 0.3, filled: 0, remaining: 0.3, status: 'open', timeInForce: 'GTC', trades: [], fee: undefined, info: {}, ...over }) as Order;

  it('maps statuses, quantities and the venue reason', () => {
    expect(ccxtOrderStatus(order({}))).toBe('ACCEPTED');
    expect(ccxtOrderStatus(order({ filled: 0.1 }))).toBe('PARTIALLY_FILLED');
    expect(ccxtOrderStatus(order({ status: 'closed', filled: 0.3 }))).toBe('FILLED');
    expect(ccxtOrderStatus(order({ status: 'closed', filled: 0.1 }))).toBe('CANCELED'); // Bybit's PartiallyFilledCanceled
    expect(ccxtOrderStatus(order({ status: 'canceled' }))).toBe('CANCELED');
    expect(ccxtOrderStatus(order({ status: 'expired' }))).toBe('EXPIRED');
    // Bybit accepts a post-only order that would take and cancels it: a refusal, as Binance's rejection is.
    const postOnly = ccxtOrderReport(order({ status: 'canceled', info: { rejectReason: 'EC_PostOnlyWillTakeLiquidity', cancelType: 'UNKNOWN' } }), btc, []);
    expect([postOnly.status, postOnly.reason]).toEqual(['REJECTED', 'the post-only order would have taken liquidity (EC_PostOnlyWillTakeLiquidity)']);
    // Once part of it traded, a cancellation is a cancellation whatever the reason says.
    expect(ccxtOrderStatus(order({ status: 'canceled', filled: 0.1, info: { rejectReason: 'EC_PostOnlyWillTakeLiquidity' } }))).toBe('CANCELED');
    expect(ccxtOrderStatus(order({ status: 'canceled', info: { rejectReason: 'EC_NoError', cancelType: 'CancelByUser' } }))).toBe('CANCELED');
    const rejected = ccxtOrderReport(order({ status: 'rejected', info: { r: 'INSUFFICIENT_BALANCE' } }), btc, []);
    expect([rejected.status, rejected.reason, rejected.quantity.toString(), rejected.price?.toString()]).toEqual(['REJECTED', 'INSUFFICIENT_BALANCE', '0.3', '30000.1']);
    const view = ccxtOrderView(order({ filled: 0.1, average: 29999.9 }), btc, 's' as never);
    expect([view.status, view.isOpen, view.filledQuantity.toString(), view.avgFillPrice?.toString(), view.orderType]).toEqual(['PARTIALLY_FILLED', true, '0.1', '29999.9', 'LIMIT']);
  });

  it('maps a trade to a fill with commission and liquidity side', () => {
    const trade = { id: '12345', order: '28', timestamp: 1_700_000_000_500, symbol: 'BTC/USDT', side: 'buy', price: 30000.1, amount: 0.1, cost: 3000.01, takerOrMaker: 'maker', fee: { cost: 0.0001, currency: 'BTC' }, info: {} } as unknown as Trade;
    const fill = ccxtFill(trade, { instrumentId: btc, clientOrderId: clientOrderId('o-1'), quoteCurrency: 'USDT' });
    expect([fill.tradeId, fill.venueOrderId, fill.side, fill.quantity.toString(), fill.price.toString(), fill.commission.toString(), fill.commissionCurrency, fill.liquiditySide]).toEqual([
      '12345', '28', 'BUY', '0.1', '30000.1', '0.0001', 'BTC', 'MAKER',
    ]);
    const taker = ccxtFill({ ...trade, takerOrMaker: undefined, fee: undefined } as unknown as Trade, { instrumentId: btc, clientOrderId: clientOrderId('o-1'), quoteCurrency: 'USDT' });
    expect([taker.liquiditySide, taker.commission.toString(), taker.commissionCurrency]).toEqual(['TAKER', '0', 'USDT']);
  });
});

describe('book consistency', () => {
  it('publishes a snapshot, then only the levels that changed, and refuses a sequence that goes back or a crossed book', () => {
    const book = new BookSync(instrumentId('BTCUSDT.BINANCE'), 2);
    const first = book.update({ bids: [[100, 1], [99, 2], [98, 3]], asks: [[101, 1], [102, 2]], nonce: 10 }, 5);
    expect(first).toEqual({ type: 'OrderBookSnapshot', instrumentId: 'BTCUSDT.BINANCE', ts: 5, sequence: 10, bids: [{ price: 100, size: 1 }, { price: 99, size: 2 }], asks: [{ price: 101, size: 1 }, { price: 102, size: 2 }] });
    expect(book.update({ bids: [[100, 1], [99, 2]], asks: [[101, 1], [102, 2]], nonce: 10 }, 6)).toBeUndefined();
    const delta = book.update({ bids: [[100, 1.5], [98, 3]], asks: [[101, 1], [102, 2]], nonce: 12 }, 7);
    expect(delta).toEqual({ type: 'OrderBookDelta', instrumentId: 'BTCUSDT.BINANCE', ts: 7, sequence: 12, bids: [{ price: 100, size: 1.5 }, { price: 98, size: 3 }, { price: 99, size: 0 }], asks: [] });
    expect(book.update({ bids: [[100, 1]], asks: [[101, 1]], nonce: 11 }, 8)).toEqual({ reason: 'sequence went back from 12 to 11' });
    expect(book.update({ bids: [[101, 1]], asks: [[101, 1]], nonce: 13 }, 8)).toEqual({ reason: 'book crossed: best bid 101 >= best ask 101' });
    book.reset();
    expect((book.update({ bids: [[100, 1]], asks: [[101, 1]], nonce: 3 }, 9) as { type: string }).type).toBe('OrderBookSnapshot');
  });
});

describe('rate limits', () => {
  it('a reconciliation burst goes out at ccxt’s rate: in any window at most its length over rateLimit × weight requests', async () => {
    const times: number[] = [];
    const ex = offline(new ccxt.binance({ apiKey: 'k', secret: 's', rateLimit: 40, enableRateLimit: true, options: { fetchCurrencies: false, fetchMarkets: { types: ['spot'] } } }), (url) => {
      times.push(performance.now());
      if (url.includes('exchangeInfo')) return SPOT_INFO;
      return { symbol: 'BTCUSDT', orderId: 1, clientOrderId: 'o', price: '1', origQty: '1', executedQty: '0', status: 'NEW', timeInForce: 'GTC', type: 'LIMIT', side: 'BUY', time: 1, updateTime: 1 };
    });
    await ex.loadMarkets();
    times.length = 0;
    const caller = new CcxtCaller(ex, { venue: 'BINANCE', backoff: { initialDelayMs: 10, maxDelayMs: 100, multiplier: 2, jitter: 0 } });
    // 12 order queries at once, as a reconciliation after a reconnect sends them.
    await Promise.all(Array.from({ length: 12 }, (_, i) => caller.read('fetchOrder', () => ex.fetchOrder(String(i), 'BTC/USDT'))));
    const cost = (ex.api as unknown as { private: { get: { order: number | { cost: number } } } }).private.get.order;
    const weight = typeof cost === 'number' ? cost : cost.cost;
    expect(times.length).toBe(12);
    // ccxt's token bucket refills at 1 / rateLimit tokens per ms and holds at most one token: in any window
    // of W ms at most W / (rateLimit × weight) requests go out, plus the bucket's one token and the edge.
    const spacing = 40 * weight;
    for (const windowMs of [100, 200, 400]) {
      const most = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));
      expect(most).toBeLessThanOrEqual(Math.floor(windowMs / spacing) + Math.ceil(1 / weight) + 1);
    }
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual((times.length - 1 - Math.ceil(1 / weight)) * spacing - 5);
  });
});

describe('the caller on its clock', () => {
  it('a 429 pauses every request until the clock passes the backoff; a read retried after a network failure waits on the clock', async () => {
    const clock = new BacktestClock(1_000_000);
    const caller = new CcxtCaller(new ccxt.binance(), { venue: 'BINANCE', backoff: { initialDelayMs: 500, maxDelayMs: 5_000, multiplier: 2, jitter: 0 }, clock });
    await expect(caller.once(() => Promise.reject(new ccxt.RateLimitExceeded('binance 429 Too Many Requests')))).rejects.toBeInstanceOf(ccxt.RateLimitExceeded);
    let sent = 0;
    const next = caller.once(async () => ++sent);
    await new Promise((r) => setTimeout(r, 20));
    clock.advanceTo(1_000_499);
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toBe(0); // paused: 500 ms of the clock have not passed
    clock.advanceTo(1_000_500);
    await expect(next).resolves.toBe(1);
    let tries = 0;
    const read = caller.read('fetchBalance', async () => {
      if (++tries === 1) throw new ccxt.NetworkError('binance GET /api/v3/account socket hang up');
      return 'ok';
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(tries).toBe(1); // the retry waits 500 ms of the clock (attempt 0 of the backoff)
    clock.advanceTo(1_001_000);
    await expect(read).resolves.toBe('ok');
    expect([tries, caller.stats.rateLimited, caller.stats.retries]).toEqual([2, 1, 1]);
  });
});

describe('ccxtVenue and fromEnv', () => {
  it('reads credentials from the environment and names a missing variable, never a value', () => {
    const env = { BINANCE_API_KEY: 'key-abcdef', BINANCE_SECRET: 'secret-ghijkl' };
    expect(fromEnv('BINANCE', { env })).toEqual({ apiKey: 'key-abcdef', secret: 'secret-ghijkl' });
    try {
      fromEnv('OKX', { env: { OKX_API_KEY: 'key-abcdef', OKX_SECRET: 'secret-ghijkl' }, require: ['apiKey', 'secret', 'password'] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toBe('credentials.password: environment variable OKX_PASSWORD is not set');
    }
  });

  it('refuses unknown options and unknown exchanges', async () => {
    expect(CcxtVenueOptionsSchema.safeParse({ sandbox: true, enableRateLimit: false }).success).toBe(false);
    await expect(ccxtVenue('binance', { sandbx: true } as never)).rejects.toThrow(/ccxtVenue.sandbx: unknown option; did you mean "sandbox"\?/);
    await expect(ccxtVenue('notanexchange')).rejects.toThrow(/exchangeId: "notanexchange" is not a ccxt exchange id/);
    await expect(ccxtVenue('binance', { venueId: 'binance' })).rejects.toThrow(/venueId/);
  });
});

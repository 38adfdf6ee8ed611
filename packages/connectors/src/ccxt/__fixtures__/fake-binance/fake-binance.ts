/**
 * FakeBinance: a local Binance (spot and USDⓈ-M futures) that the real ccxt client talks to unchanged
 * over HTTP and WebSocket on 127.0.0.1. REST endpoints, error codes, WebSocket market streams, the
 * spot WebSocket API (user data by signature subscription, order.place/order.cancel) and the futures
 * listen-key user data stream follow Binance's documentation (see payloads.ts for the pages). The
 * matching, balances and positions come from the venue-neutral `FakeVenue`; faults from `Faults`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Faults, type HttpFault } from '../fake-exchange/faults';
import { FakeServer, type FakeSocket, type HttpReply, type HttpRequest } from '../fake-exchange/server';
import type { BookDelta, MarketSpec, Order, OrderRequest, PublicTrade, Side, TimeInForce } from '../fake-exchange/types';
import { FakeVenue, VenueRejectError, clean, type ExecType } from '../fake-exchange/venue';
import {
  INTERVALS,
  STATUS,
  aggTrade,
  candles,
  decimalsOf,
  f8,
  futuresOrder,
  futuresPositionRisk,
  futuresSymbolInfo,
  futuresUserTrade,
  fx,
  klineRow,
  spotCancelResponse,
  spotMyTrade,
  spotOrder,
  spotOrderResponse,
  spotOrderType,
  spotSymbolInfo,
} from './payloads';

/** A Binance error payload `{ code, msg }` with its HTTP status. */
export class BinanceError extends Error {
  override readonly name = 'BinanceError';
  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
    readonly data?: unknown,
  ) {
    super(msg);
  }
}

type Area = 'spot' | 'futures';

/** Markets the fake lists unless the test passes its own. */
export const DEFAULT_SPOT_MARKETS: readonly MarketSpec[] = [
  { id: 'BTCUSDT', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, maxQty: 9000, minNotional: 5, makerFee: 0.001, takerFee: 0.001 },
  { id: 'ETHUSDT', base: 'ETH', quote: 'USDT', kind: 'spot', tickSize: 0.01, stepSize: 0.0001, minQty: 0.0001, maxQty: 9000, minNotional: 5, makerFee: 0.001, takerFee: 0.001 },
];

export const DEFAULT_FUTURES_MARKETS: readonly MarketSpec[] = [
  { id: 'BTCUSDT', base: 'BTC', quote: 'USDT', kind: 'linear', tickSize: 0.1, stepSize: 0.001, minQty: 0.001, maxQty: 1000, minNotional: 100, makerFee: 0.0002, takerFee: 0.0005 },
  { id: 'ETHUSDT', base: 'ETH', quote: 'USDT', kind: 'linear', tickSize: 0.01, stepSize: 0.001, minQty: 0.001, maxQty: 10000, minNotional: 20, makerFee: 0.0002, takerFee: 0.0005 },
];

export interface FakeBinanceConfig {
  readonly apiKey?: string;
  readonly secret?: string;
  readonly spotMarkets?: readonly MarketSpec[];
  readonly futuresMarkets?: readonly MarketSpec[];
  /** Spot balances (asset → free). */
  readonly balances?: Readonly<Record<string, number>>;
  /** USDⓈ-M futures wallet (asset → wallet balance). */
  readonly futuresWallet?: Readonly<Record<string, number>>;
  /**
   * Delay in ms of the user data streams' messages (spot and futures), in their order. Default 0: sent
   * at once, so an order's report goes out before the answer to the request that placed it; with a delay
   * the answer goes first (Binance documents no order between the two).
   */
  readonly userDataDelayMs?: number;
}

const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const RATE_LIMITS = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000, count: 1 }];

const stripSignature = (raw: string): string =>
  raw
    .split('&')
    .filter((kv) => kv !== '' && !kv.startsWith('signature='))
    .join('&');

/**
 * A fake Binance on 127.0.0.1 with a spot venue (`fake.spot`) and a USDⓈ-M futures venue
 * (`fake.futures`), both scripted by the test.
 *
 * @example
 * ```ts
 * const fake = await FakeBinance.start({ balances: { USDT: 10_000 } });
 * fake.spot.setBook('BTCUSDT', { bids: [[29_999, 1]], asks: [[30_001, 1]] });
 * const exchange = new ccxt.binance(binanceCcxtOptions(fake));
 * await exchange.fetchOrderBook('BTC/USDT');
 * await fake.stop();
 * ```
 */
export class FakeBinance {
  readonly apiKey: string;
  readonly secret: string;
  readonly spot: FakeVenue;
  readonly futures: FakeVenue;
  readonly faults = new Faults();
  readonly server: FakeServer;
  /** Valid futures listen keys (a restart invalidates all). */
  readonly listenKeys = new Set<string>();
  private nextSubscriptionId = 0;
  private readonly sockets = new Set<FakeSocket>();

  private readonly userDataDelayMs: number;

  private constructor(config: FakeBinanceConfig) {
    this.apiKey = config.apiKey ?? 'fake-api-key';
    this.secret = config.secret ?? 'fake-secret';
    this.userDataDelayMs = config.userDataDelayMs ?? 0;
    this.spot = new FakeVenue({ markets: config.spotMarkets ?? DEFAULT_SPOT_MARKETS, balances: config.balances ?? {} });
    this.futures = new FakeVenue({ markets: config.futuresMarkets ?? DEFAULT_FUTURES_MARKETS, futuresWallet: config.futuresWallet ?? {} });
    this.server = new FakeServer({
      faults: this.faults,
      faultBody: (f) => this.faultBody(f),
      http: (req) => this.onHttp(req),
      ws: (s) => this.onSocket(s),
    });
    this.wireStreams('spot', this.spot);
    this.wireStreams('futures', this.futures);
  }

  /** Starts a fake Binance on 127.0.0.1 at a free port. */
  static async start(config: FakeBinanceConfig = {}): Promise<FakeBinance> {
    const fake = new FakeBinance(config);
    await fake.server.start();
    return fake;
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  get httpUrl(): string {
    return this.server.httpUrl;
  }

  get wsUrl(): string {
    return this.server.wsUrl;
  }

  /** The server clock: the venue's clock plus the injected offset. */
  serverTime(): number {
    return Date.now() + this.faults.clockOffsetMs;
  }

  /**
   * A venue restart: every WebSocket closes (code 1012) and every listen key becomes invalid, so the
   * client must create a new one and subscribe again.
   */
  restart(): void {
    this.listenKeys.clear();
    this.server.dropSockets();
  }

  /** Open WebSockets by kind, for assertions (`market`, `wsapi`, `userData`). */
  socketsOf(kind: 'market' | 'wsapi' | 'userData', area?: Area): FakeSocket[] {
    return [...this.sockets].filter((s) => s.open && s.state.get('kind') === kind && (area === undefined || s.state.get('area') === area));
  }

  private venue(area: Area): FakeVenue {
    return area === 'spot' ? this.spot : this.futures;
  }

  private faultBody(f: HttpFault): unknown {
    if (f.status === 429 || f.status === 418) {
      return { code: -1003, msg: 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.' };
    }
    // 5xx come from Binance's gateway as an HTML page, not as a {code,msg} payload; a test that wants the
    // JSON overload answer passes body: { code: -1008, msg: 'Server is currently overloaded ...' }
    return `<html><head><title>${f.status}</title></head><body><center><h1>${f.status}</h1></center></body></html>`;
  }

  // ================================================================ HTTP

  private async onHttp(req: HttpRequest): Promise<HttpReply> {
    try {
      const m = /^\/(api\/v3|api\/v1|fapi\/v[123]|dapi\/v1|sapi\/v\d)\/(.+)$/.exec(req.path);
      if (m === null) throw new BinanceError(404, -1000, `the fake does not serve ${req.method} ${req.path}`);
      const prefix = m[1]!;
      const route = m[2]!;
      const params = new URLSearchParams(req.rawQuery);
      for (const [k, v] of new URLSearchParams(req.rawBody)) params.append(k, v);
      const area: Area | undefined = prefix.startsWith('api/') ? 'spot' : prefix.startsWith('fapi/') ? 'futures' : undefined;
      if (area === undefined) {
        if (prefix === 'dapi/v1' && route === 'exchangeInfo') return this.ok({ timezone: 'UTC', serverTime: this.serverTime(), rateLimits: [], exchangeFilters: [], symbols: [] });
        throw new BinanceError(404, -1000, `the fake does not serve ${req.method} /${prefix}/${route}`);
      }
      const body = area === 'spot' ? this.spotRoute(req, route, params) : this.futuresRoute(req, prefix, route, params);
      return body;
    } catch (e) {
      if (e instanceof BinanceError) {
        return { status: e.status, body: e.data === undefined ? { code: e.code, msg: e.msg } : { code: e.code, msg: e.msg, data: e.data } };
      }
      throw e;
    }
  }

  private ok(body: unknown): HttpReply {
    return { status: 200, body, headers: { 'x-mbx-used-weight-1m': '1' } };
  }

  /** Checks the API key header, and for signed endpoints the HMAC-SHA256 signature and timestamp. */
  private authenticate(req: HttpRequest, params: URLSearchParams, signed: boolean): void {
    const key = req.headers['x-mbx-apikey'];
    if (key === undefined || key === '') throw new BinanceError(401, -2014, 'API-key format invalid.');
    if (key !== this.apiKey) throw new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
    if (!signed) return;
    const signature = params.get('signature');
    if (signature === null || signature === '') throw mandatory('signature');
    this.checkTimestamp(params.get('timestamp'), params.get('recvWindow'));
    // Binance signs totalParams: the query string concatenated with the request body
    const payload = stripSignature(req.rawQuery) + stripSignature(req.rawBody);
    const expected = createHmac('sha256', this.secret).update(payload).digest('hex');
    if (expected !== signature) throw new BinanceError(400, -1022, 'Signature for this request is not valid.');
  }

  private checkTimestamp(ts: string | null, rw: string | null): void {
    if (ts === null || ts === '') throw mandatory('timestamp');
    const timestamp = Number(ts);
    const recvWindow = rw === null ? 5000 : Number(rw);
    if (!Number.isFinite(recvWindow) || recvWindow > 60000 || recvWindow <= 0) throw new BinanceError(400, -1131, 'recvWindow must be less than 60000');
    const server = this.serverTime();
    if (timestamp >= server + 1000) throw new BinanceError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");
    if (server - timestamp > recvWindow) throw new BinanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
  }

  // ---------------------------------------------------------------- spot REST

  private spotRoute(req: HttpRequest, route: string, p: URLSearchParams): HttpReply {
    const v = this.spot;
    const key = `${req.method} ${route}`;
    switch (key) {
      case 'GET ping':
        return this.ok({});
      case 'GET time':
        return this.ok({ serverTime: this.serverTime() });
      case 'GET exchangeInfo':
        return this.ok({
          timezone: 'UTC',
          serverTime: this.serverTime(),
          rateLimits: [
            { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
            { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
            { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
          ],
          exchangeFilters: [],
          symbols: v.markets().map(spotSymbolInfo),
        });
      case 'GET depth': {
        const symbol = this.symbol(v, p);
        const limit = intParam(p, 'limit', 100, 5000);
        const d = v.depth(symbol, limit);
        return this.ok({ lastUpdateId: d.lastUpdateId, bids: d.bids.map(lvl8), asks: d.asks.map(lvl8) });
      }
      case 'GET trades':
      case 'GET historicalTrades': {
        const symbol = this.symbol(v, p);
        const limit = intParam(p, 'limit', 500, 1000);
        let tape = v.tape(symbol);
        const fromId = p.get('fromId');
        if (route === 'historicalTrades' && fromId !== null) tape = tape.filter((t) => t.id >= Number(fromId)).slice(0, limit);
        else tape = tape.slice(-limit);
        return this.ok(tape.map((t) => ({ id: t.id, price: f8(t.price), qty: f8(t.qty), quoteQty: f8(clean(t.price * t.qty)), time: t.time, isBuyerMaker: t.aggressor === 'sell', isBestMatch: true })));
      }
      case 'GET aggTrades':
        return this.ok(this.aggTrades(v, p, 1000));
      case 'GET klines':
        return this.ok(this.klines(v, p, 1000));
      case 'GET ticker/bookTicker':
        return this.ok(this.perSymbol(v, p, (s) => this.bookTicker(v, s, 'spot')));
      case 'GET ticker/24hr':
        return this.ok(this.perSymbol(v, p, (s) => this.ticker24h(v, s)));
      case 'GET ticker/price':
        return this.ok(this.perSymbol(v, p, (s) => ({ symbol: s, price: f8(this.lastPrice(v, s)) })));
      case 'POST order':
      case 'POST order/test': {
        this.authenticate(req, p, true);
        allowOnly(p, ['symbol', 'side', 'type', 'timeInForce', 'quantity', 'quoteOrderQty', 'price', 'newClientOrderId', 'newOrderRespType', 'selfTradePreventionMode', 'recvWindow', 'timestamp', 'signature']);
        const request = this.spotOrderRequest(p, 'newClientOrderId');
        if (route === 'order/test') return this.ok({});
        const order = this.place(v, request, 'spot');
        if (this.faults.takeSwallowAck(`POST /api/v3/order`)) return { hang: true };
        return this.ok(spotOrderResponse(order, p.get('newOrderRespType') ?? 'FULL'));
      }
      case 'GET order': {
        this.authenticate(req, p, true);
        return this.ok(spotOrder(this.findOrder(v, p, 'origClientOrderId', -2013, 'Order does not exist.')));
      }
      case 'DELETE order': {
        this.authenticate(req, p, true);
        const o = this.findOrder(v, p, 'origClientOrderId', -2011, 'Unknown order sent.');
        this.cancel(v, o, -2011);
        return this.ok(spotCancelResponse(o, p.get('newClientOrderId') ?? randomId()));
      }
      case 'GET openOrders': {
        this.authenticate(req, p, true);
        const symbol = p.get('symbol');
        if (symbol !== null && !v.hasMarket(symbol)) throw invalidSymbol();
        return this.ok(v.openOrders(symbol ?? undefined).map(spotOrder));
      }
      case 'DELETE openOrders': {
        this.authenticate(req, p, true);
        const symbol = this.symbol(v, p);
        const open = v.openOrders(symbol);
        if (open.length === 0) throw new BinanceError(400, -2011, 'Unknown order sent.');
        return this.ok(open.map((o) => spotCancelResponse(v.cancelOrder(symbol, { orderId: o.orderId }), randomId())));
      }
      case 'GET allOrders': {
        this.authenticate(req, p, true);
        const symbol = this.symbol(v, p);
        const limit = intParam(p, 'limit', 500, 1000);
        let list = v.allOrders(symbol);
        const orderId = p.get('orderId');
        const start = p.get('startTime');
        const end = p.get('endTime');
        if (orderId !== null) list = list.filter((o) => o.orderId >= Number(orderId));
        else if (start !== null || end !== null) list = list.filter((o) => (start === null || o.time >= Number(start)) && (end === null || o.time <= Number(end)));
        return this.ok(list.slice(0, limit).map(spotOrder));
      }
      case 'GET myTrades': {
        this.authenticate(req, p, true);
        const symbol = this.symbol(v, p);
        const limit = intParam(p, 'limit', 500, 1000);
        let list = [...v.fills(symbol)];
        const orderId = p.get('orderId');
        const fromId = p.get('fromId');
        const start = p.get('startTime');
        const end = p.get('endTime');
        if (orderId !== null) list = list.filter((f) => f.orderId === Number(orderId));
        if (fromId !== null) list = list.filter((f) => f.tradeId >= Number(fromId));
        else if (start !== null || end !== null) {
          const s = start === null ? Number(end) - 86_400_000 : Number(start);
          const e = end === null ? s + 86_400_000 : Number(end);
          if (e - s > 86_400_000) throw new BinanceError(400, -1127, 'More than 24 hours between startTime and endTime.');
          list = list.filter((f) => f.time >= s && f.time <= e);
        }
        return this.ok(list.slice(0, limit).map(spotMyTrade));
      }
      case 'GET account': {
        this.authenticate(req, p, true);
        const m = v.markets()[0];
        const bp = Math.round((m?.makerFee ?? 0.001) * 10_000);
        return this.ok({
          makerCommission: bp,
          takerCommission: Math.round((m?.takerFee ?? 0.001) * 10_000),
          buyerCommission: 0,
          sellerCommission: 0,
          commissionRates: { maker: f8(m?.makerFee ?? 0.001), taker: f8(m?.takerFee ?? 0.001), buyer: f8(0), seller: f8(0) },
          canTrade: true,
          canWithdraw: true,
          canDeposit: true,
          brokered: false,
          requireSelfTradePrevention: false,
          preventSor: false,
          updateTime: this.serverTime(),
          accountType: 'SPOT',
          balances: [...v.balances.entries()].map(([asset, b]) => ({ asset, free: f8(b.free), locked: f8(b.locked) })),
          permissions: ['SPOT'],
          uid: 354937868,
        });
      }
      case 'POST order/cancelReplace':
        this.authenticate(req, p, true);
        return this.ok(this.cancelReplace(p));
      default:
        throw new BinanceError(404, -1000, `the fake does not serve ${req.method} /api/v3/${route}`);
    }
  }

  private spotOrderRequest(p: URLSearchParams, clientIdKey: string): OrderRequest {
    const symbol = this.symbol(this.spot, p);
    const side = sideParam(p);
    const type = must(p, 'type');
    if (type !== 'LIMIT' && type !== 'MARKET' && type !== 'LIMIT_MAKER') throw new BinanceError(400, -1116, 'Invalid orderType.');
    const qty = optNum(p, 'quantity');
    const quoteQty = optNum(p, 'quoteOrderQty');
    let timeInForce: TimeInForce = 'GTC';
    if (type === 'LIMIT') {
      const tif = must(p, 'timeInForce');
      if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK') throw new BinanceError(400, -1115, 'Invalid timeInForce.');
      timeInForce = tif;
    }
    if (type === 'MARKET' && qty === undefined && quoteQty === undefined) {
      throw new BinanceError(400, -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!");
    }
    if (type !== 'MARKET' && qty === undefined) throw mandatory('quantity');
    const price = type === 'MARKET' ? undefined : num(p, 'price');
    const clientOrderId = p.get(clientIdKey) ?? randomId();
    checkClientId(clientOrderId, clientIdKey);
    return {
      symbol,
      side,
      type: type === 'MARKET' ? 'market' : 'limit',
      ...(qty !== undefined ? { qty } : {}),
      ...(quoteQty !== undefined && qty === undefined ? { quoteQty } : {}),
      ...(price !== undefined ? { price } : {}),
      timeInForce,
      postOnly: type === 'LIMIT_MAKER',
      clientOrderId,
    };
  }

  /** Places an order and maps the venue's refusal to Binance's documented code. */
  private place(v: FakeVenue, r: OrderRequest, area: Area): Order {
    try {
      return v.placeOrder(r);
    } catch (e) {
      if (!(e instanceof VenueRejectError)) throw e;
      throw rejectToBinance(e, area);
    }
  }

  private cancel(v: FakeVenue, o: Order, code: number): Order {
    try {
      return v.cancelOrder(o.symbol, { orderId: o.orderId });
    } catch (e) {
      if (e instanceof VenueRejectError) throw new BinanceError(400, code, 'Unknown order sent.');
      throw e;
    }
  }

  private findOrder(v: FakeVenue, p: URLSearchParams, clientKey: string, code: number, msg: string): Order {
    const symbol = this.symbol(v, p);
    const orderId = p.get('orderId');
    const clientId = p.get(clientKey);
    if (orderId === null && clientId === null) throw new BinanceError(400, -1102, `Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!`);
    const o = v.getOrder(symbol, orderId !== null ? { orderId: Number(orderId) } : { clientOrderId: clientId! });
    if (o === undefined) throw new BinanceError(400, code, msg);
    return o;
  }

  private cancelReplace(p: URLSearchParams): unknown {
    const v = this.spot;
    const mode = must(p, 'cancelReplaceMode');
    if (mode !== 'STOP_ON_FAILURE' && mode !== 'ALLOW_FAILURE') throw new BinanceError(400, -1100, "Illegal characters found in parameter 'cancelReplaceMode'.");
    const symbol = this.symbol(v, p);
    const orderId = p.get('cancelOrderId');
    const clientId = p.get('cancelOrigClientOrderId');
    if (orderId === null && clientId === null) throw new BinanceError(400, -1102, "Param 'cancelOrigClientOrderId' or 'cancelOrderId' must be sent, but both were empty/null!");
    const request = this.spotOrderRequest(p, 'newClientOrderId');
    const existing = v.getOrder(symbol, orderId !== null ? { orderId: Number(orderId) } : { clientOrderId: clientId! });
    let cancelResponse: unknown;
    let cancelled = false;
    if (existing === undefined || (existing.status !== 'new' && existing.status !== 'partially_filled')) {
      cancelResponse = { code: -2011, msg: 'Unknown order sent.' };
    } else {
      v.cancelOrder(symbol, { orderId: existing.orderId });
      cancelResponse = spotCancelResponse(existing, p.get('cancelNewClientOrderId') ?? randomId());
      cancelled = true;
    }
    if (!cancelled && mode === 'STOP_ON_FAILURE') {
      throw new BinanceError(400, -2022, 'Order cancel-replace failed.', { cancelResult: 'FAILURE', newOrderResult: 'NOT_ATTEMPTED', cancelResponse, newOrderResponse: null });
    }
    try {
      const order = v.placeOrder(request);
      return { cancelResult: cancelled ? 'SUCCESS' : 'FAILURE', newOrderResult: 'SUCCESS', cancelResponse, newOrderResponse: spotOrderResponse(order, p.get('newOrderRespType') ?? 'FULL') };
    } catch (e) {
      if (!(e instanceof VenueRejectError)) throw e;
      const err = rejectToBinance(e, 'spot');
      throw new BinanceError(409, -2021, 'Order cancel-replace partially failed.', {
        cancelResult: cancelled ? 'SUCCESS' : 'FAILURE',
        newOrderResult: 'FAILURE',
        cancelResponse,
        newOrderResponse: { code: err.code, msg: err.msg },
      });
    }
  }

  // ---------------------------------------------------------------- futures REST

  private futuresRoute(req: HttpRequest, prefix: string, route: string, p: URLSearchParams): HttpReply {
    const v = this.futures;
    const version = Number(prefix.slice(-1));
    const key = `${req.method} v${version === 1 ? 1 : 'N'} ${route}`;
    const spec = (s: string): MarketSpec => v.market(s);
    switch (key) {
      case 'GET v1 ping':
        return this.ok({});
      case 'GET v1 time':
        return this.ok({ serverTime: this.serverTime() });
      case 'GET v1 exchangeInfo':
        return this.ok({
          timezone: 'UTC',
          serverTime: this.serverTime(),
          futuresType: 'U_MARGINED',
          rateLimits: [
            { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
            { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
          ],
          exchangeFilters: [],
          assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
          symbols: v.markets().map(futuresSymbolInfo),
        });
      case 'GET v1 depth': {
        const symbol = this.symbol(v, p);
        const limit = intParam(p, 'limit', 500, 1000);
        const d = v.depth(symbol, limit);
        const m = spec(symbol);
        const lvl = ([pr, q]: [number, number]): [string, string] => [fx(pr, m.tickSize), fx(q, m.stepSize)];
        return this.ok({ lastUpdateId: d.lastUpdateId, E: this.serverTime(), T: this.serverTime(), bids: d.bids.map(lvl), asks: d.asks.map(lvl) });
      }
      case 'GET v1 trades': {
        const symbol = this.symbol(v, p);
        const m = spec(symbol);
        const tape = v.tape(symbol).slice(-intParam(p, 'limit', 500, 1000));
        return this.ok(tape.map((t) => ({ id: t.id, price: fx(t.price, m.tickSize), qty: fx(t.qty, m.stepSize), quoteQty: clean(t.price * t.qty).toFixed(5), time: t.time, isBuyerMaker: t.aggressor === 'sell' })));
      }
      case 'GET v1 aggTrades':
        return this.ok(this.aggTrades(v, p, 1000));
      case 'GET v1 klines':
        return this.ok(this.klines(v, p, 1500));
      case 'GET v1 ticker/bookTicker':
        return this.ok(this.perSymbol(v, p, (s) => this.bookTicker(v, s, 'futures')));
      case 'GET v1 ticker/24hr':
        return this.ok(this.perSymbol(v, p, (s) => this.ticker24h(v, s)));
      case 'GET v1 ticker/price':
      case 'GET vN ticker/price':
        return this.ok(this.perSymbol(v, p, (s) => ({ symbol: s, price: String(this.lastPrice(v, s)), time: this.serverTime() })));
      case 'GET v1 premiumIndex':
        return this.ok(
          this.perSymbol(v, p, (s) => ({
            symbol: s,
            markPrice: v.markPrice(s).toFixed(8),
            indexPrice: v.markPrice(s).toFixed(8),
            estimatedSettlePrice: v.markPrice(s).toFixed(8),
            lastFundingRate: '0.00010000',
            interestRate: '0.00010000',
            nextFundingTime: Math.ceil(this.serverTime() / 28_800_000) * 28_800_000,
            time: this.serverTime(),
          })),
        );
      case 'POST v1 listenKey': {
        this.authenticate(req, p, false);
        const lk = randomBytes(32).toString('hex');
        this.listenKeys.add(lk);
        return this.ok({ listenKey: lk });
      }
      case 'PUT v1 listenKey': {
        this.authenticate(req, p, false);
        const lk = p.get('listenKey') ?? [...this.listenKeys].at(-1);
        if (lk === undefined || !this.listenKeys.has(lk)) throw new BinanceError(400, -1125, 'This listenKey does not exist.');
        return this.ok({ listenKey: lk });
      }
      case 'DELETE v1 listenKey':
        this.authenticate(req, p, false);
        this.listenKeys.clear();
        return this.ok({});
      default:
        break;
    }
    this.authenticate(req, p, true);
    switch (key) {
      case 'POST v1 order': {
        allowOnly(p, ['symbol', 'side', 'positionSide', 'type', 'timeInForce', 'quantity', 'reduceOnly', 'price', 'newClientOrderId', 'newOrderRespType', 'priceMatch', 'selfTradePreventionMode', 'goodTillDate', 'recvWindow', 'timestamp', 'signature']);
        const order = this.place(v, this.futuresOrderRequest(p), 'futures');
        if (this.faults.takeSwallowAck('POST /fapi/v1/order')) return { hang: true };
        return this.ok(futuresOrder(order, spec(order.symbol)));
      }
      case 'GET v1 order': {
        const o = this.findOrder(v, p, 'origClientOrderId', -2013, 'Order does not exist.');
        return this.ok(futuresOrder(o, spec(o.symbol)));
      }
      case 'DELETE v1 order': {
        const o = this.findOrder(v, p, 'origClientOrderId', -2011, 'Unknown order sent.');
        this.cancel(v, o, -2011);
        return this.ok(futuresOrder(o, spec(o.symbol)));
      }
      case 'PUT v1 order': {
        const o = this.findOrder(v, p, 'origClientOrderId', -2013, 'Order does not exist.');
        if (sideParam(p) !== o.side) throw new BinanceError(400, -4000, 'Invalid order status.');
        try {
          v.modifyOrder(o.symbol, { orderId: o.orderId }, { price: num(p, 'price'), qty: num(p, 'quantity') });
        } catch (e) {
          if (e instanceof VenueRejectError) throw rejectToBinance(e, 'futures');
          throw e;
        }
        return this.ok(futuresOrder(o, spec(o.symbol)));
      }
      case 'GET v1 openOrders': {
        const symbol = p.get('symbol');
        if (symbol !== null && !v.hasMarket(symbol)) throw invalidSymbol();
        return this.ok(v.openOrders(symbol ?? undefined).map((o) => futuresOrder(o, spec(o.symbol))));
      }
      case 'GET v1 openOrder': {
        const o = this.findOrder(v, p, 'origClientOrderId', -2013, 'Order does not exist.');
        if (o.status !== 'new' && o.status !== 'partially_filled') throw new BinanceError(400, -2013, 'Order does not exist.');
        return this.ok(futuresOrder(o, spec(o.symbol)));
      }
      case 'DELETE v1 allOpenOrders': {
        const symbol = this.symbol(v, p);
        for (const o of v.openOrders(symbol)) v.cancelOrder(symbol, { orderId: o.orderId });
        return this.ok({ code: 200, msg: 'The operation of cancel all open order is done.' });
      }
      case 'GET v1 allOrders': {
        const symbol = this.symbol(v, p);
        let list = v.allOrders(symbol);
        const orderId = p.get('orderId');
        const start = p.get('startTime');
        if (orderId !== null) list = list.filter((o) => o.orderId >= Number(orderId));
        else if (start !== null) list = list.filter((o) => o.time >= Number(start));
        return this.ok(list.slice(0, intParam(p, 'limit', 500, 1000)).map((o) => futuresOrder(o, spec(o.symbol))));
      }
      case 'GET v1 userTrades': {
        const symbol = this.symbol(v, p);
        let list = [...v.fills(symbol)];
        const fromId = p.get('fromId');
        const start = p.get('startTime');
        const end = p.get('endTime');
        if (fromId !== null) list = list.filter((f) => f.tradeId >= Number(fromId));
        if (start !== null) list = list.filter((f) => f.time >= Number(start));
        if (end !== null) list = list.filter((f) => f.time <= Number(end));
        return this.ok(list.slice(0, intParam(p, 'limit', 500, 1000)).map((f) => futuresUserTrade(f, spec(symbol))));
      }
      case 'GET v1 income': {
        let list = [...v.income];
        const symbol = p.get('symbol');
        const type = p.get('incomeType');
        const start = p.get('startTime');
        const end = p.get('endTime');
        if (symbol !== null) list = list.filter((e) => e.symbol === symbol);
        if (type !== null) list = list.filter((e) => e.incomeType === type);
        if (start !== null) list = list.filter((e) => e.time >= Number(start));
        if (end !== null) list = list.filter((e) => e.time <= Number(end));
        return this.ok(
          list.slice(0, intParam(p, 'limit', 100, 1000)).map((e) => ({
            symbol: e.symbol,
            incomeType: e.incomeType,
            income: e.income.toFixed(8),
            asset: e.asset,
            info: e.incomeType,
            time: e.time,
            tranId: e.tranId,
            tradeId: e.tradeId === undefined ? '' : String(e.tradeId),
          })),
        );
      }
      case 'POST v1 leverage': {
        const symbol = this.symbol(v, p);
        const lev = Number(must(p, 'leverage'));
        if (!Number.isInteger(lev) || lev < 1 || lev > 125) throw new BinanceError(400, -4028, `Leverage ${p.get('leverage')} is not valid`);
        v.setLeverage(symbol, lev);
        return this.ok({ leverage: lev, maxNotionalValue: '250000', symbol });
      }
      case 'POST v1 marginType': {
        const symbol = this.symbol(v, p);
        const t = must(p, 'marginType');
        if (t !== 'ISOLATED' && t !== 'CROSSED') throw new BinanceError(400, -4044, 'The marginType is not valid.');
        const want = t === 'ISOLATED' ? 'isolated' : 'cross';
        if (v.position(symbol).marginType === want) throw new BinanceError(400, -4046, 'No need to change margin type.');
        try {
          v.setMarginType(symbol, want);
        } catch (e) {
          if (e instanceof VenueRejectError) throw new BinanceError(400, -4048, 'Margin type cannot be changed if there exists position.');
          throw e;
        }
        return this.ok({ code: 200, msg: 'success' });
      }
      case 'GET v1 leverageBracket':
        return this.ok(
          v.markets().map((m) => ({
            symbol: m.id,
            notionalCoef: 1,
            brackets: [{ bracket: 1, initialLeverage: 125, notionalCap: 50_000, notionalFloor: 0, maintMarginRatio: 0.004, cum: 0 }],
          })),
        );
      case 'GET v1 positionSide/dual':
        return this.ok({ dualSidePosition: false });
      case 'GET v1 symbolConfig':
        return this.ok(
          v.markets().map((m) => ({ symbol: m.id, marginType: v.position(m.id).marginType === 'cross' ? 'CROSSED' : 'ISOLATED', isAutoAddMargin: 'false', leverage: v.position(m.id).leverage, maxNotionalValue: '250000' })),
        );
      case 'GET vN positionRisk': {
        const symbol = p.get('symbol');
        const syms = symbol !== null ? [this.symbol(v, p)] : v.markets().map((m) => m.id);
        const withPos = version === 3 ? syms.filter((s) => v.position(s).qty !== 0 || v.openOrders(s).length > 0) : syms;
        return this.ok(withPos.map((s) => futuresPositionRisk(v, s, version === 3 ? 3 : 2)));
      }
      case 'GET vN account':
      case 'GET vN balance': {
        const assets = [...v.wallet.keys()].map((asset) => {
          const wallet = v.wallet.get(asset) ?? 0;
          const up = sumOver(v, asset, (s) => v.unrealizedPnl(s));
          const im = sumOver(v, asset, (s) => v.initialMargin(s));
          const oom = v.openOrderMargin(asset);
          const avail = v.availableBalance(asset);
          return {
            asset,
            walletBalance: wallet.toFixed(8),
            unrealizedProfit: up.toFixed(8),
            marginBalance: (wallet + up).toFixed(8),
            maintMargin: '0.00000000',
            initialMargin: (im + oom).toFixed(8),
            positionInitialMargin: im.toFixed(8),
            openOrderInitialMargin: oom.toFixed(8),
            crossWalletBalance: wallet.toFixed(8),
            crossUnPnl: up.toFixed(8),
            availableBalance: avail.toFixed(8),
            maxWithdrawAmount: avail.toFixed(8),
            updateTime: this.serverTime(),
          };
        });
        if (route === 'balance') return this.ok(assets.map((a) => ({ accountAlias: 'SgsR', asset: a.asset, balance: a.walletBalance, crossWalletBalance: a.crossWalletBalance, crossUnPnl: a.crossUnPnl, availableBalance: a.availableBalance, maxWithdrawAmount: a.maxWithdrawAmount, marginAvailable: true, updateTime: a.updateTime })));
        const total = (k: keyof (typeof assets)[number]): string => assets.reduce((s, a) => s + Number(a[k]), 0).toFixed(8);
        const positions = v
          .markets()
          .map((m) => m.id)
          .filter((s) => v.position(s).qty !== 0)
          .map((s) => {
            const r = futuresPositionRisk(v, s, 2);
            return { symbol: s, positionSide: 'BOTH', positionAmt: r['positionAmt'], unrealizedProfit: r['unRealizedProfit'], isolatedMargin: r['isolatedMargin'], notional: r['notional'], isolatedWallet: r['isolatedWallet'], initialMargin: r['initialMargin'], maintMargin: r['maintMargin'], updateTime: r['updateTime'] };
          });
        return this.ok({
          totalInitialMargin: total('initialMargin'),
          totalMaintMargin: total('maintMargin'),
          totalWalletBalance: total('walletBalance'),
          totalUnrealizedProfit: total('unrealizedProfit'),
          totalMarginBalance: total('marginBalance'),
          totalPositionInitialMargin: total('positionInitialMargin'),
          totalOpenOrderInitialMargin: total('openOrderInitialMargin'),
          totalCrossWalletBalance: total('crossWalletBalance'),
          totalCrossUnPnl: total('crossUnPnl'),
          availableBalance: total('availableBalance'),
          maxWithdrawAmount: total('maxWithdrawAmount'),
          assets,
          positions,
        });
      }
      default:
        throw new BinanceError(404, -1000, `the fake does not serve ${req.method} /${prefix}/${route}`);
    }
  }

  private futuresOrderRequest(p: URLSearchParams): OrderRequest {
    const symbol = this.symbol(this.futures, p);
    const side = sideParam(p);
    const type = must(p, 'type');
    if (type !== 'LIMIT' && type !== 'MARKET') throw new BinanceError(400, -1116, 'Invalid orderType.');
    const ps = p.get('positionSide');
    if (ps !== null && ps !== 'BOTH') throw new BinanceError(400, -4061, "Order's position side does not match user's setting.");
    let timeInForce: TimeInForce = 'GTC';
    let postOnly = false;
    if (type === 'LIMIT') {
      const tif = must(p, 'timeInForce');
      if (tif === 'GTX') postOnly = true;
      else if (tif === 'GTC' || tif === 'IOC' || tif === 'FOK') timeInForce = tif;
      else throw new BinanceError(400, -1115, 'Invalid timeInForce.');
    }
    const ro = p.get('reduceOnly');
    if (ro !== null && ro !== 'true' && ro !== 'false') throw new BinanceError(400, -1100, "Illegal characters found in parameter 'reduceOnly'; legal range is 'true, false'.");
    const clientOrderId = p.get('newClientOrderId') ?? randomId();
    checkClientId(clientOrderId, 'newClientOrderId');
    return {
      symbol,
      side,
      type: type === 'MARKET' ? 'market' : 'limit',
      qty: num(p, 'quantity'),
      ...(type === 'LIMIT' ? { price: num(p, 'price') } : {}),
      timeInForce,
      postOnly,
      reduceOnly: ro === 'true',
      clientOrderId,
    };
  }

  // ---------------------------------------------------------------- shared market data

  private symbol(v: FakeVenue, p: URLSearchParams): string {
    const s = must(p, 'symbol');
    if (!v.hasMarket(s)) throw invalidSymbol();
    return s;
  }

  private perSymbol(v: FakeVenue, p: URLSearchParams, f: (s: string) => unknown): unknown {
    const s = p.get('symbol');
    if (s !== null) return f(this.symbol(v, p));
    const list = p.get('symbols');
    if (list !== null) return (JSON.parse(list) as string[]).map((x) => (v.hasMarket(x) ? f(x) : (() => { throw invalidSymbol(); })()));
    return v.markets().map((m) => f(m.id));
  }

  private lastPrice(v: FakeVenue, s: string): number {
    return v.tape(s).at(-1)?.price ?? v.markPrice(s);
  }

  private bookTicker(v: FakeVenue, s: string, area: Area): Record<string, unknown> {
    const bid = v.bestBid(s) ?? [0, 0];
    const ask = v.bestAsk(s) ?? [0, 0];
    const base = { symbol: s, bidPrice: f8(bid[0]), bidQty: f8(bid[1]), askPrice: f8(ask[0]), askQty: f8(ask[1]) };
    return area === 'spot' ? base : { ...base, time: this.serverTime(), lastUpdateId: v.updateId(s) };
  }

  private ticker24h(v: FakeVenue, s: string): Record<string, unknown> {
    const now = v.now();
    const day = v.tape(s).filter((t) => t.time > now - 86_400_000);
    const last = this.lastPrice(v, s);
    const open = day[0]?.price ?? last;
    const high = day.length > 0 ? Math.max(...day.map((t) => t.price)) : last;
    const low = day.length > 0 ? Math.min(...day.map((t) => t.price)) : last;
    const vol = day.reduce((a, t) => a + t.qty, 0);
    const qv = day.reduce((a, t) => a + t.qty * t.price, 0);
    const bid = v.bestBid(s) ?? [0, 0];
    const ask = v.bestAsk(s) ?? [0, 0];
    return {
      symbol: s,
      priceChange: f8(last - open),
      priceChangePercent: open === 0 ? '0.000' : (((last - open) / open) * 100).toFixed(3),
      weightedAvgPrice: f8(vol > 0 ? qv / vol : last),
      prevClosePrice: f8(open),
      lastPrice: f8(last),
      lastQty: f8(day.at(-1)?.qty ?? 0),
      bidPrice: f8(bid[0]),
      bidQty: f8(bid[1]),
      askPrice: f8(ask[0]),
      askQty: f8(ask[1]),
      openPrice: f8(open),
      highPrice: f8(high),
      lowPrice: f8(low),
      volume: f8(vol),
      quoteVolume: f8(qv),
      openTime: now - 86_400_000,
      closeTime: now,
      firstId: day[0]?.id ?? -1,
      lastId: day.at(-1)?.id ?? -1,
      count: day.length,
    };
  }

  private aggTrades(v: FakeVenue, p: URLSearchParams, max: number): unknown[] {
    const symbol = this.symbol(v, p);
    const limit = intParam(p, 'limit', 500, max);
    let tape = [...v.tape(symbol)];
    const fromId = p.get('fromId');
    const start = p.get('startTime');
    const end = p.get('endTime');
    if (start !== null && end !== null && Number(end) - Number(start) > 3_600_000) {
      throw new BinanceError(400, -1127, 'More than 1 hours between startTime and endTime.');
    }
    if (fromId !== null) tape = tape.filter((t) => t.id >= Number(fromId));
    if (start !== null) tape = tape.filter((t) => t.time >= Number(start));
    if (end !== null) tape = tape.filter((t) => t.time <= Number(end));
    tape = fromId !== null || start !== null ? tape.slice(0, limit) : tape.slice(-limit);
    return tape.map(aggTrade);
  }

  private klines(v: FakeVenue, p: URLSearchParams, max: number): unknown[] {
    const symbol = this.symbol(v, p);
    const interval = must(p, 'interval');
    const ms = INTERVALS[interval];
    if (ms === undefined) throw new BinanceError(400, -1120, 'Invalid interval.');
    const limit = intParam(p, 'limit', 500, max);
    let list = candles(v.tape(symbol), ms);
    const start = p.get('startTime');
    const end = p.get('endTime');
    if (start !== null) list = list.filter((c) => c.openTime >= Number(start));
    if (end !== null) list = list.filter((c) => c.openTime <= Number(end));
    list = start !== null ? list.slice(0, limit) : list.slice(-limit);
    return list.map(klineRow);
  }

  // ================================================================ WebSocket

  private onSocket(s: FakeSocket): boolean {
    const path = s.path;
    let area: Area;
    let rest: string;
    if (path.startsWith('/fstream/')) {
      area = 'futures';
      rest = path.slice('/fstream'.length).replace(/^\/(public|market|private)(?=\/)/, '');
    } else {
      // ccxt tells spot from futures market-data sockets by '/stream' in the URL (the real host is
      // stream.binance.com), so spot streams live under /stream/ws and /stream/stream?streams=
      area = 'spot';
      rest = path.startsWith('/stream/') ? path.slice('/stream'.length) : path;
    }
    s.state.set('area', area);
    this.sockets.add(s);
    s.ws.on('close', () => this.sockets.delete(s));
    if (path === '/ws-api/v3' || path === '/ws-fapi/v1') {
      s.state.set('kind', 'wsapi');
      s.state.set('area', path === '/ws-api/v3' ? 'spot' : 'futures');
      s.ws.on('message', (data) => this.onWsApi(s, String(data)));
      return true;
    }
    // futures user data: /fstream/private/ws?listenKey=... or /fstream/ws/<listenKey>
    const listenKey = s.query.get('listenKey') ?? (area === 'futures' ? /^\/ws\/([0-9a-f]{64})$/.exec(rest)?.[1] : undefined);
    if (listenKey !== undefined && listenKey !== null) {
      if (!this.listenKeys.has(listenKey)) return false;
      s.state.set('kind', 'userData');
      s.state.set('listenKey', listenKey);
      return true;
    }
    const streams = new Set<string>();
    if (rest === '/stream') {
      s.state.set('combined', true);
      for (const n of (s.query.get('streams') ?? '').split('/')) if (n !== '') streams.add(n);
    } else if (rest === '/ws' || rest.startsWith('/ws/')) {
      const name = rest.slice(4);
      if (name.includes('@')) streams.add(name);
    } else return false;
    s.state.set('kind', 'market');
    s.state.set('streams', streams);
    s.ws.on('message', (data) => this.onMarketControl(s, streams, String(data)));
    return true;
  }

  private onMarketControl(s: FakeSocket, streams: Set<string>, text: string): void {
    let msg: { method?: unknown; params?: unknown; id?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      s.send({ error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' } });
      return;
    }
    const id = msg.id ?? null;
    const params = Array.isArray(msg.params) ? (msg.params as unknown[]).map(String) : [];
    switch (msg.method) {
      case 'SUBSCRIBE':
        for (const n of params) streams.add(n);
        s.send({ result: null, id });
        return;
      case 'UNSUBSCRIBE':
        for (const n of params) streams.delete(n);
        s.send({ result: null, id });
        return;
      case 'LIST_SUBSCRIPTIONS':
        s.send({ result: [...streams], id });
        return;
      default:
        s.send({ error: { code: 2, msg: `Invalid request: unknown variant '${String(msg.method)}'` }, id });
    }
  }

  private publish(area: Area, stream: string, data: unknown): void {
    for (const s of this.sockets) {
      if (s.state.get('kind') !== 'market' || s.state.get('area') !== area) continue;
      const streams = s.state.get('streams') as Set<string>;
      if (!streams.has(stream)) continue;
      s.send(s.state.get('combined') === true ? { stream, data } : data);
    }
  }

  private hasStream(area: Area, predicate: (n: string) => boolean): string[] {
    const out = new Set<string>();
    for (const s of this.sockets) {
      if (s.state.get('kind') !== 'market' || s.state.get('area') !== area) continue;
      for (const n of s.state.get('streams') as Set<string>) if (predicate(n)) out.add(n);
    }
    return [...out];
  }

  private wireStreams(area: Area, v: FakeVenue): void {
    v.on('trade', (t) => this.onPublicTrade(area, v, t));
    v.on('book', (d) => this.onBookDelta(area, v, d));
    v.on('order', (e) => this.onOrderEvent(area, v, e.order, e.fill, e.exec));
    v.on('balance', (e) => {
      if (area !== 'spot') return;
      const event = {
        e: 'outboundAccountPosition',
        E: this.serverTime(),
        u: e.time,
        B: e.assets.map((a) => {
          const b = v.balances.get(a) ?? { free: 0, locked: 0 };
          return { a, f: f8(b.free), l: f8(b.locked) };
        }),
      };
      this.sendSpotUserData(event);
    });
    v.on('position', (e) => {
      if (area !== 'futures' || e.reason === 'MARGIN_TYPE_CHANGE') return;
      this.sendFuturesAccountUpdate(e.symbol, e.reason, e.time);
    });
  }

  private onPublicTrade(area: Area, v: FakeVenue, t: PublicTrade): void {
    const sym = t.symbol.toLowerCase();
    const m = v.market(t.symbol);
    const price = area === 'spot' ? f8(t.price) : fx(t.price, m.tickSize);
    const qty = area === 'spot' ? f8(t.qty) : fx(t.qty, m.stepSize);
    const E = this.serverTime();
    this.publish(
      area,
      `${sym}@trade`,
      area === 'spot'
        ? { e: 'trade', E, s: t.symbol, t: t.id, p: price, q: qty, T: t.time, m: t.aggressor === 'sell', M: true }
        : { e: 'trade', E, T: t.time, s: t.symbol, t: t.id, p: price, q: qty, X: 'MARKET', m: t.aggressor === 'sell' },
    );
    this.publish(area, `${sym}@aggTrade`, { e: 'aggTrade', E, s: t.symbol, a: t.id, p: price, q: qty, f: t.id, l: t.id, T: t.time, m: t.aggressor === 'sell', ...(area === 'spot' ? { M: true } : {}) });
    for (const name of this.hasStream(area, (n) => n.startsWith(`${sym}@kline_`))) {
      const interval = name.slice(`${sym}@kline_`.length);
      const ms = INTERVALS[interval];
      if (ms === undefined) continue;
      const c = candles(v.tape(t.symbol), ms).at(-1);
      if (c === undefined) continue;
      this.publish(area, name, {
        e: 'kline',
        E,
        s: t.symbol,
        k: { t: c.openTime, T: c.closeTime, s: t.symbol, i: interval, f: c.firstId, L: c.lastId, o: f8(c.open), c: f8(c.close), h: f8(c.high), l: f8(c.low), v: f8(c.volume), n: c.trades, x: false, q: f8(c.quoteVolume), V: f8(c.takerBuyVolume), Q: f8(c.takerBuyQuote), B: '0' },
      });
    }
    if (this.hasStream(area, (n) => n === `${sym}@ticker` || n === `${sym}@miniTicker`).length > 0) {
      const x = this.ticker24h(v, t.symbol);
      this.publish(area, `${sym}@miniTicker`, { e: '24hrMiniTicker', E, s: t.symbol, c: x['lastPrice'], o: x['openPrice'], h: x['highPrice'], l: x['lowPrice'], v: x['volume'], q: x['quoteVolume'] });
      this.publish(area, `${sym}@ticker`, {
        e: '24hrTicker',
        E,
        s: t.symbol,
        p: x['priceChange'],
        P: x['priceChangePercent'],
        w: x['weightedAvgPrice'],
        x: x['prevClosePrice'],
        c: x['lastPrice'],
        Q: x['lastQty'],
        b: x['bidPrice'],
        B: x['bidQty'],
        a: x['askPrice'],
        A: x['askQty'],
        o: x['openPrice'],
        h: x['highPrice'],
        l: x['lowPrice'],
        v: x['volume'],
        q: x['quoteVolume'],
        O: x['openTime'],
        C: x['closeTime'],
        F: x['firstId'],
        L: x['lastId'],
        n: x['count'],
      });
    }
  }

  private onBookDelta(area: Area, v: FakeVenue, d: BookDelta): void {
    const sym = d.symbol.toLowerCase();
    const m = v.market(d.symbol);
    const lvl = ([p, q]: readonly [number, number]): [string, string] => (area === 'spot' ? [f8(p), f8(q)] : [fx(p, m.tickSize), fx(q, m.stepSize)]);
    const E = this.serverTime();
    const event =
      area === 'spot'
        ? { e: 'depthUpdate', E, s: d.symbol, U: d.firstUpdateId, u: d.lastUpdateId, b: d.bids.map(lvl), a: d.asks.map(lvl) }
        : { e: 'depthUpdate', E, T: d.time, s: d.symbol, U: d.firstUpdateId, u: d.lastUpdateId, pu: d.prevUpdateId, b: d.bids.map(lvl), a: d.asks.map(lvl) };
    for (const name of this.hasStream(area, (n) => n === `${sym}@depth` || n.startsWith(`${sym}@depth@`))) this.publish(area, name, event);
    const bid = v.bestBid(d.symbol) ?? [0, 0];
    const ask = v.bestAsk(d.symbol) ?? [0, 0];
    const [b, B] = lvl(bid);
    const [a, A] = lvl(ask);
    this.publish(area, `${sym}@bookTicker`, area === 'spot' ? { u: d.lastUpdateId, s: d.symbol, b, B, a, A } : { e: 'bookTicker', u: d.lastUpdateId, E, T: d.time, s: d.symbol, b, B, a, A });
  }

  private onOrderEvent(area: Area, v: FakeVenue, o: Order, fill: ReturnType<FakeVenue['fills']>[number] | undefined, exec: ExecType): void {
    const E = this.serverTime();
    if (area === 'spot') {
      const x = exec === 'new' ? 'NEW' : exec === 'trade' ? 'TRADE' : exec === 'canceled' ? 'CANCELED' : exec === 'expired' ? 'EXPIRED' : 'REPLACED';
      const open = o.status === 'new' || o.status === 'partially_filled';
      this.sendSpotUserData({
        e: 'executionReport',
        E,
        s: o.symbol,
        c: o.clientOrderId,
        S: o.side.toUpperCase(),
        o: spotOrderType(o),
        f: o.timeInForce,
        q: f8(o.origQty),
        p: f8(o.price),
        P: f8(0),
        F: f8(0),
        g: -1,
        // on a cancel Binance reports the original client order id in C
        C: exec === 'canceled' ? o.clientOrderId : '',
        x,
        X: STATUS[o.status],
        r: 'NONE',
        i: o.orderId,
        l: f8(fill?.qty ?? 0),
        z: f8(o.executedQty),
        L: f8(fill?.price ?? 0),
        n: fill === undefined ? '0' : f8(fill.commission),
        N: fill === undefined ? null : fill.commissionAsset,
        T: fill?.time ?? o.updateTime,
        t: fill?.tradeId ?? -1,
        v: -1,
        I: o.orderId * 10 + o.fills.length,
        w: open && o.type === 'limit',
        m: fill?.maker ?? false,
        M: false,
        O: o.time,
        Z: f8(o.cumQuote),
        Y: f8(fill?.quoteQty ?? 0),
        Q: f8(o.quoteQty ?? 0),
        W: o.time,
        V: 'EXPIRE_MAKER',
      });
      return;
    }
    const m = v.market(o.symbol);
    const avgPrice = o.executedQty > 0 ? o.cumQuote / o.executedQty : 0;
    const x = exec === 'new' ? 'NEW' : exec === 'trade' ? 'TRADE' : exec === 'canceled' ? 'CANCELED' : exec === 'expired' ? 'EXPIRED' : 'AMENDMENT';
    this.sendFuturesUserData({
      e: 'ORDER_TRADE_UPDATE',
      E,
      T: fill?.time ?? o.updateTime,
      o: {
        s: o.symbol,
        c: o.clientOrderId,
        S: o.side.toUpperCase(),
        o: o.type.toUpperCase(),
        f: o.postOnly ? 'GTX' : o.timeInForce,
        q: fx(o.origQty, m.stepSize),
        p: fx(o.price, m.tickSize),
        ap: avgPrice.toFixed(decimalsOf(m.tickSize) + 2),
        sp: '0',
        x,
        X: STATUS[o.status],
        i: o.orderId,
        l: fx(fill?.qty ?? 0, m.stepSize),
        z: fx(o.executedQty, m.stepSize),
        L: fx(fill?.price ?? 0, m.tickSize),
        N: fill?.commissionAsset ?? 'USDT',
        n: (fill?.commission ?? 0).toFixed(8),
        T: fill?.time ?? o.updateTime,
        t: fill?.tradeId ?? 0,
        b: '0',
        a: '0',
        m: fill?.maker ?? false,
        R: o.reduceOnly,
        wt: 'CONTRACT_PRICE',
        ot: o.type.toUpperCase(),
        ps: 'BOTH',
        cp: false,
        rp: (fill?.realizedPnl ?? 0).toFixed(8),
        pP: false,
        si: 0,
        ss: 0,
        V: 'EXPIRE_MAKER',
        pm: 'NONE',
        gtd: 0,
      },
    });
  }

  private sendFuturesAccountUpdate(symbol: string, reason: 'ORDER' | 'FUNDING_FEE', time: number): void {
    const v = this.futures;
    const m = v.market(symbol);
    const p = v.position(symbol);
    const wallet = v.wallet.get(m.quote) ?? 0;
    this.sendFuturesUserData({
      e: 'ACCOUNT_UPDATE',
      E: this.serverTime(),
      T: time,
      a: {
        m: reason,
        B: [{ a: m.quote, wb: wallet.toFixed(8), cw: wallet.toFixed(8), bc: '0' }],
        P: [
          {
            s: symbol,
            pa: fx(p.qty, m.stepSize),
            ep: p.entryPrice.toFixed(8),
            bep: p.entryPrice.toFixed(8),
            cr: '0',
            up: v.unrealizedPnl(symbol).toFixed(8),
            mt: p.marginType,
            iw: p.isolatedWallet.toFixed(8),
            ps: 'BOTH',
          },
        ],
      },
    });
  }

  private sendSpotUserData(event: Record<string, unknown>): void {
    if (this.userDataDelayMs > 0) {
      setTimeout(() => this.sendSpotUserDataNow(event), this.userDataDelayMs);
      return;
    }
    this.sendSpotUserDataNow(event);
  }

  private sendSpotUserDataNow(event: Record<string, unknown>): void {
    for (const s of this.sockets) {
      const sub = s.state.get('userDataSubscription');
      if (s.state.get('kind') === 'wsapi' && typeof sub === 'number') s.send({ subscriptionId: sub, event });
    }
  }

  private sendFuturesUserData(event: Record<string, unknown>): void {
    if (this.userDataDelayMs > 0) {
      setTimeout(() => this.sendFuturesUserDataNow(event), this.userDataDelayMs);
      return;
    }
    this.sendFuturesUserDataNow(event);
  }

  private sendFuturesUserDataNow(event: Record<string, unknown>): void {
    for (const s of this.sockets) {
      if (s.state.get('kind') === 'userData' && this.listenKeys.has(s.state.get('listenKey') as string)) s.send(event);
    }
  }

  // ---------------------------------------------------------------- WebSocket API

  private onWsApi(s: FakeSocket, text: string): void {
    let msg: { id?: unknown; method?: unknown; params?: Record<string, unknown> };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      s.send({ id: null, status: 400, error: { code: -1000, msg: 'Malformed request: the payload is not valid JSON.' } });
      return;
    }
    const id = msg.id ?? null;
    const area = s.state.get('area') as Area;
    const method = String(msg.method);
    const params = msg.params ?? {};
    try {
      const result = this.wsApiCall(s, area, method, params);
      if (result === HANG) return;
      s.send({ id, status: 200, result, rateLimits: RATE_LIMITS });
    } catch (e) {
      if (!(e instanceof BinanceError)) throw e;
      s.send({ id, status: e.status, error: { code: e.code, msg: e.msg }, rateLimits: RATE_LIMITS });
    }
  }

  private wsAuth(params: Record<string, unknown>): void {
    const apiKey = params['apiKey'];
    if (apiKey !== this.apiKey) throw new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
    const signature = params['signature'];
    if (typeof signature !== 'string') throw mandatory('signature');
    this.checkTimestamp(params['timestamp'] === undefined ? null : String(params['timestamp']), params['recvWindow'] === undefined ? null : String(params['recvWindow']));
    const payload = Object.keys(params)
      .filter((k) => k !== 'signature')
      .sort()
      .map((k) => `${k}=${String(params[k])}`)
      .join('&');
    const expected = createHmac('sha256', this.secret).update(payload).digest('hex');
    if (expected !== signature) throw new BinanceError(400, -1022, 'Signature for this request is not valid.');
  }

  private wsApiCall(s: FakeSocket, area: Area, method: string, raw: Record<string, unknown>): unknown {
    const p = new URLSearchParams();
    for (const [k, val] of Object.entries(raw)) p.set(k, String(val));
    const v = this.venue(area);
    switch (method) {
      case 'ping':
        return {};
      case 'time':
        return { serverTime: this.serverTime() };
      case 'userDataStream.subscribe.signature': {
        if (area !== 'spot') break;
        this.wsAuth(raw);
        if (typeof s.state.get('userDataSubscription') === 'number') throw new BinanceError(400, -2210, 'User Data Stream subscription already active.');
        const subscriptionId = this.nextSubscriptionId++;
        s.state.set('userDataSubscription', subscriptionId);
        return { subscriptionId };
      }
      case 'userDataStream.unsubscribe':
        s.state.delete('userDataSubscription');
        return {};
      case 'order.place': {
        this.wsAuth(raw);
        const request = area === 'spot' ? this.spotOrderRequest(p, 'newClientOrderId') : this.futuresOrderRequest(p);
        const order = this.place(v, request, area);
        if (this.faults.takeSwallowAck('order.place')) return HANG;
        return area === 'spot' ? spotOrderResponse(order, p.get('newOrderRespType') ?? 'FULL') : futuresOrder(order, v.market(order.symbol));
      }
      case 'order.cancel': {
        this.wsAuth(raw);
        const o = this.findOrder(v, p, 'origClientOrderId', -2011, 'Unknown order sent.');
        this.cancel(v, o, -2011);
        return area === 'spot' ? spotCancelResponse(o, p.get('newClientOrderId') ?? randomId()) : futuresOrder(o, v.market(o.symbol));
      }
      case 'order.status': {
        this.wsAuth(raw);
        const o = this.findOrder(v, p, 'origClientOrderId', -2013, 'Order does not exist.');
        return area === 'spot' ? spotOrder(o) : futuresOrder(o, v.market(o.symbol));
      }
      case 'openOrders.status': {
        this.wsAuth(raw);
        const symbol = p.get('symbol') ?? undefined;
        return v.openOrders(symbol).map((o) => (area === 'spot' ? spotOrder(o) : futuresOrder(o, v.market(o.symbol))));
      }
      default:
        break;
    }
    throw new BinanceError(400, -1000, `the fake does not serve the WebSocket API method ${method}`);
  }
}

const HANG = Symbol('hang');

function rejectToBinance(e: VenueRejectError, area: Area): BinanceError {
  const spot = area === 'spot';
  switch (e.reason) {
    case 'unknown_symbol':
      return invalidSymbol();
    case 'bad_quantity':
      return spot ? new BinanceError(400, -1013, 'Filter failure: LOT_SIZE') : new BinanceError(400, -1111, 'Precision is over the maximum defined for this asset.');
    case 'bad_price':
      return spot ? new BinanceError(400, -1013, 'Filter failure: PRICE_FILTER') : new BinanceError(400, -4014, 'Price not increased by tick size.');
    case 'min_notional':
      return spot ? new BinanceError(400, -1013, 'Filter failure: NOTIONAL') : new BinanceError(400, -4164, "Order's notional must be no smaller than 5 (unless you choose reduce only).");
    case 'insufficient_balance':
      return spot ? new BinanceError(400, -2010, 'Account has insufficient balance for requested action.') : new BinanceError(400, -2019, 'Margin is insufficient.');
    case 'post_only_would_cross':
      return spot
        ? new BinanceError(400, -2010, 'Order would immediately match and take.')
        : new BinanceError(400, -5022, 'Due to the order could not be executed as maker, the Post Only order will be rejected. The order will not be recorded in the order history');
    case 'reduce_only_rejected':
      return new BinanceError(400, -2022, 'ReduceOnly Order is rejected.');
    case 'duplicate_client_order_id':
      return spot ? new BinanceError(400, -2010, 'Duplicate order sent.') : new BinanceError(400, -4116, 'ClientOrderId is duplicated.');
    case 'unknown_order':
      return new BinanceError(400, -2011, 'Unknown order sent.');
    case 'no_liquidity':
      return new BinanceError(400, -2010, 'Order book liquidity is less than LOT_SIZE filter minimum quantity.');
  }
}

function invalidSymbol(): BinanceError {
  return new BinanceError(400, -1121, 'Invalid symbol.');
}

function mandatory(name: string): BinanceError {
  return new BinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
}

function must(p: URLSearchParams, name: string): string {
  const v = p.get(name);
  if (v === null || v === '') throw mandatory(name);
  return v;
}

function num(p: URLSearchParams, name: string): number {
  const n = Number(must(p, name));
  if (!Number.isFinite(n)) throw new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`);
  return n;
}

function optNum(p: URLSearchParams, name: string): number | undefined {
  return p.get(name) === null ? undefined : num(p, name);
}

function intParam(p: URLSearchParams, name: string, dflt: number, max: number): number {
  const v = p.get(name);
  if (v === null) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
  return Math.min(n, max);
}

function sideParam(p: URLSearchParams): Side {
  const s = must(p, 'side');
  if (s !== 'BUY' && s !== 'SELL') throw new BinanceError(400, -1117, 'Invalid side.');
  return s === 'BUY' ? 'buy' : 'sell';
}

function checkClientId(id: string, name: string): void {
  if (!CLIENT_ID.test(id)) throw new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.`);
}

/** Binance rejects parameters an endpoint does not read (-1104). */
function allowOnly(p: URLSearchParams, names: readonly string[]): void {
  const extra = [...p.keys()].filter((k) => !names.includes(k));
  if (extra.length > 0) {
    throw new BinanceError(400, -1104, `Not all sent parameters were read; read '${[...p.keys()].length - extra.length}' parameter(s) but was sent '${[...p.keys()].length}'.`);
  }
}

function randomId(): string {
  return randomBytes(11).toString('base64url').slice(0, 22);
}

function lvl8([p, q]: [number, number]): [string, string] {
  return [f8(p), f8(q)];
}

function sumOver(v: FakeVenue, asset: string, f: (symbol: string) => number): number {
  let s = 0;
  for (const p of v.positions.values()) if (v.market(p.symbol).quote === asset) s += f(p.symbol);
  return s;
}

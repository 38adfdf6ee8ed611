/**
 * FakeBybit: a local Bybit (v5 API, a unified trading account trading spot and USDT perpetuals) that the
 * real ccxt client (`ccxt.bybit`, `ccxt.pro.bybit`) talks to unchanged over HTTP and WebSocket on
 * 127.0.0.1. REST endpoints, `retCode`/`retMsg` errors, the `X-BAPI-*` signature, the public topics
 * (`orderbook.{depth}`, `publicTrade`, `tickers`, `kline`), the private topics (`order`, `execution`,
 * `position`, `wallet`) and the trade WebSocket (`order.create`/`amend`/`cancel`) follow Bybit's v5
 * documentation (see payloads.ts for the pages). Matching, balances and positions come from the
 * venue-neutral `FakeVenue`; faults from `Faults`.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { Faults, type HttpFault } from '../fake-exchange/faults';
import { FakeServer, type FakeSocket, type HttpReply, type HttpRequest } from '../fake-exchange/server';
import type { BookDelta, Fill, MarketSpec, Order, OrderRequest, PublicTrade, TimeInForce } from '../fake-exchange/types';
import { FakeVenue, VenueRejectError, clean, type ExecType } from '../fake-exchange/venue';
import {
  INTERVALS,
  candles,
  dec,
  executionRecord,
  fx,
  instrumentInfo,
  klineRow,
  orderNumber,
  orderRecord,
  recentTrade,
  wsTrade,
  type Category,
} from './payloads';

/** A Bybit error: `retCode` and `retMsg`, answered with HTTP 200 as Bybit does. */
export class BybitError extends Error {
  override readonly name = 'BybitError';
  constructor(
    readonly retCode: number,
    readonly retMsg: string,
    readonly result: unknown = {},
    readonly status = 200,
  ) {
    super(retMsg);
  }
}

/** Spot markets the fake lists unless the test passes its own (Bybit's BTCUSDT and ETHUSDT filters). */
export const DEFAULT_SPOT_MARKETS: readonly MarketSpec[] = [
  { id: 'BTCUSDT', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: 0.01, stepSize: 0.000001, minQty: 0.000048, maxQty: 71.73956243, minNotional: 1, makerFee: 0.001, takerFee: 0.001 },
  { id: 'ETHUSDT', base: 'ETH', quote: 'USDT', kind: 'spot', tickSize: 0.01, stepSize: 0.00001, minQty: 0.00062, maxQty: 1229.2336343, minNotional: 1, makerFee: 0.001, takerFee: 0.001 },
];

/** USDT perpetuals the fake lists unless the test passes its own. */
export const DEFAULT_LINEAR_MARKETS: readonly MarketSpec[] = [
  { id: 'BTCUSDT', base: 'BTC', quote: 'USDT', kind: 'linear', tickSize: 0.1, stepSize: 0.001, minQty: 0.001, maxQty: 1190, minNotional: 5, makerFee: 0.0002, takerFee: 0.00055 },
  { id: 'ETHUSDT', base: 'ETH', quote: 'USDT', kind: 'linear', tickSize: 0.01, stepSize: 0.01, minQty: 0.01, maxQty: 7240, minNotional: 5, makerFee: 0.0002, takerFee: 0.00055 },
];

export interface FakeBybitConfig {
  readonly apiKey?: string;
  readonly secret?: string;
  readonly spotMarkets?: readonly MarketSpec[];
  readonly linearMarkets?: readonly MarketSpec[];
  /** Spot holdings of the unified account (coin → free amount). */
  readonly balances?: Readonly<Record<string, number>>;
  /** Margin for the perpetuals (coin → wallet amount), reported in the same unified wallet. */
  readonly linearWallet?: Readonly<Record<string, number>>;
  /** Default leverage of a perpetual (Bybit's default is 10). */
  readonly defaultLeverage?: number;
}

/** A funding fee as `execution/list` reports it (`execType: Funding`). */
interface FundingExecution {
  readonly execId: string;
  readonly symbol: string;
  readonly time: number;
  /** Paid by the account when positive (Bybit's sign), received when negative. */
  readonly fee: number;
  readonly rate: number;
  readonly qty: number;
  readonly side: 'buy' | 'sell';
  readonly markPrice: number;
}

const ORDER_LINK_ID = /^[A-Za-z0-9_-]{1,36}$/;
const DAY = 86_400_000;

const ok = (result: unknown, time: number): HttpReply => ({
  status: 200,
  body: { retCode: 0, retMsg: 'OK', result, retExtInfo: {}, time },
  headers: { 'x-bapi-limit': '10', 'x-bapi-limit-status': '9', 'x-bapi-limit-reset-timestamp': String(time) },
});

const params = (code: string): BybitError => new BybitError(10001, `params error: ${code}`);

/**
 * A fake Bybit on 127.0.0.1 with one unified account: spot (`fake.spot`) and USDT perpetuals
 * (`fake.linear`), both scripted by the test.
 *
 * @example
 * ```ts
 * const fake = await FakeBybit.start({ balances: { USDT: 10_000 } });
 * fake.spot.setBook('BTCUSDT', { bids: [[29_999, 1]], asks: [[30_001, 1]] });
 * const exchange = new ccxt.bybit(bybitCcxtOptions(fake));
 * await exchange.fetchOrderBook('BTC/USDT');
 * await fake.stop();
 * ```
 */
export class FakeBybit {
  readonly apiKey: string;
  readonly secret: string;
  readonly spot: FakeVenue;
  readonly linear: FakeVenue;
  readonly faults = new Faults();
  readonly server: FakeServer;
  /** The unified account's margin mode (`/v5/account/set-margin-mode`). */
  marginMode: 'REGULAR_MARGIN' | 'ISOLATED_MARGIN' = 'REGULAR_MARGIN';
  /** Funding fees settled so far, newest last. */
  readonly fundings: FundingExecution[] = [];
  /** Funding rate reported by `tickers` per perpetual (default 0.0001). */
  readonly fundingRates = new Map<string, number>();
  private readonly sockets = new Set<FakeSocket>();
  private nextMessageId = 1;
  private bookDrops: Array<{ count: number; match: RegExp | undefined }> = [];

  private constructor(config: FakeBybitConfig) {
    this.apiKey = config.apiKey ?? 'fake-api-key';
    this.secret = config.secret ?? 'fake-secret';
    // Bybit accepts a post-only order that would take and cancels it (EC_PostOnlyWillTakeLiquidity).
    this.spot = new FakeVenue({ markets: config.spotMarkets ?? DEFAULT_SPOT_MARKETS, balances: config.balances ?? {}, postOnlyWouldCross: 'cancel' });
    this.linear = new FakeVenue({ markets: config.linearMarkets ?? DEFAULT_LINEAR_MARKETS, futuresWallet: config.linearWallet ?? {}, defaultLeverage: config.defaultLeverage ?? 10, postOnlyWouldCross: 'cancel' });
    this.server = new FakeServer({ faults: this.faults, faultBody: (f) => this.faultBody(f), http: (req) => this.onHttp(req), ws: (s) => this.onSocket(s) });
    this.wire('spot', this.spot);
    this.wire('linear', this.linear);
  }

  /** Starts a fake Bybit on 127.0.0.1 at a free port. */
  static async start(config: FakeBybitConfig = {}): Promise<FakeBybit> {
    const fake = new FakeBybit(config);
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

  /** The server clock: wall time plus the injected offset. */
  serverTime(): number {
    return Date.now() + this.faults.clockOffsetMs;
  }

  /** A venue restart: every WebSocket closes (code 1012); clients log in and subscribe again. */
  restart(): void {
    this.server.dropSockets();
  }

  /**
   * A gap in a book stream: the next `count` `orderbook` deltas (of a depth above 1) whose topic matches
   * `match` (all when absent) are not sent to anyone, while the venue's book moves on; the subscribers'
   * next delta skips their `u`.
   */
  dropBookUpdates(count = 1, match?: RegExp): void {
    this.bookDrops.push({ count, match });
  }

  /** Open WebSockets by kind (`public` spot/linear, `private`, `trade`), for waiting on subscriptions. */
  socketsOf(kind: 'public' | 'private' | 'trade', category?: Category): FakeSocket[] {
    return [...this.sockets].filter((s) => s.open && s.state.get('kind') === kind && (category === undefined || s.state.get('category') === category));
  }

  /** Topics subscribed on the open sockets. */
  topics(): string[] {
    return [...this.sockets].filter((s) => s.open).flatMap((s) => [...((s.state.get('topics') as Set<string> | undefined) ?? [])]);
  }

  /**
   * Settles one funding interval of a perpetual at `rate` (a long pays `rate × size × mark`) and
   * reports it as Bybit does: an `execution/list` entry with `execType: Funding` and a private
   * `execution` message. Returns the fee (positive: paid), or undefined when flat.
   */
  applyFunding(symbol: string, rate: number, time = this.serverTime()): number | undefined {
    const p = this.linear.position(symbol);
    if (p.qty === 0) return undefined;
    const qty = p.qty;
    const mark = this.linear.markPrice(symbol);
    const entry = this.linear.applyFunding(symbol, rate, time);
    if (entry === undefined) return undefined;
    const f: FundingExecution = { execId: randomUUID(), symbol, time, fee: clean(-entry.income), rate, qty: Math.abs(qty), side: qty > 0 ? 'buy' : 'sell', markPrice: mark };
    this.fundings.push(f);
    this.sendPrivate('execution', [{ category: 'linear', ...this.fundingRecord(f) }]);
    return f.fee;
  }

  private venue(category: Category): FakeVenue {
    return category === 'spot' ? this.spot : this.linear;
  }

  private faultBody(f: HttpFault): unknown {
    if (f.status === 429 || f.status === 403) return { retCode: 10006, retMsg: 'Too many visits!', result: {}, retExtInfo: {}, time: this.serverTime() };
    // 5xx come from Bybit's gateway as an HTML page, not as a retCode payload
    return `<html><head><title>${f.status}</title></head><body><center><h1>${f.status}</h1></center><hr><center>openresty</center></body></html>`;
  }

  // ================================================================ HTTP

  private async onHttp(req: HttpRequest): Promise<HttpReply> {
    try {
      const p = new URLSearchParams(req.rawQuery);
      let body: Record<string, unknown> = {};
      if (req.method === 'POST' && req.rawBody !== '') {
        try {
          body = JSON.parse(req.rawBody) as Record<string, unknown>;
        } catch {
          throw new BybitError(10001, 'params error: request body is not valid JSON');
        }
      }
      return this.route(req, p, body);
    } catch (e) {
      if (e instanceof BybitError) return { status: e.status, body: { retCode: e.retCode, retMsg: e.retMsg, result: e.result, retExtInfo: {}, time: this.serverTime() } };
      throw e;
    }
  }

  /** The `X-BAPI-*` headers: key, timestamp within the receive window, HMAC-SHA256 over ts+key+recvWindow+payload. */
  private authenticate(req: HttpRequest): void {
    const h = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const key = h('x-bapi-api-key');
    if (key === undefined || key === '' || key !== this.apiKey) throw new BybitError(10003, 'API key is invalid.');
    const ts = h('x-bapi-timestamp');
    const sign = h('x-bapi-sign');
    if (ts === undefined || sign === undefined) throw new BybitError(10004, 'Error sign, please check your signature generation algorithm.');
    const recvWindow = h('x-bapi-recv-window') ?? '5000';
    this.checkTimestamp(Number(ts), Number(recvWindow));
    const payload = ts + key + recvWindow + (req.method === 'POST' ? req.rawBody : req.rawQuery);
    const expected = createHmac('sha256', this.secret).update(payload).digest('hex');
    if (expected !== sign) throw new BybitError(10004, 'Error sign, please check your signature generation algorithm.');
  }

  /** Bybit accepts `server_time - recv_window <= timestamp < server_time + 1000`. */
  private checkTimestamp(timestamp: number, recvWindow: number): void {
    const server = this.serverTime();
    if (!Number.isFinite(timestamp) || !(timestamp >= server - recvWindow && timestamp < server + 1000)) {
      throw new BybitError(10002, `invalid request, please check your server timestamp or recv_window param. req_timestamp[${timestamp}],server_timestamp[${server}],recv_window[${recvWindow}]`);
    }
  }

  private route(req: HttpRequest, p: URLSearchParams, body: Record<string, unknown>): HttpReply {
    const now = this.serverTime();
    const key = `${req.method} ${req.path}`;
    switch (key) {
      case 'GET /v5/market/time':
        return ok({ timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` }, now);
      case 'GET /v5/market/instruments-info': {
        const category = this.category(p.get('category'));
        // ccxt also asks for the pre-listing contracts (status=PreLaunch): the fake lists none
        const list = p.get('status') === 'PreLaunch' ? [] : this.venue(category).markets().map((m) => instrumentInfo(m, category));
        const symbol = p.get('symbol');
        return ok({ category, list: symbol === null ? list : list.filter((x) => x['symbol'] === symbol), nextPageCursor: '' }, now);
      }
      case 'GET /v5/market/orderbook': {
        const category = this.category(p.get('category'));
        const v = this.venue(category);
        const symbol = this.symbol(v, p.get('symbol'));
        const limit = this.limit(p, category === 'spot' ? 1 : 25, category === 'spot' ? 200 : 500);
        const d = v.depth(symbol, limit);
        const m = v.market(symbol);
        return ok({ s: symbol, b: d.bids.map((l) => this.level(l, m, category)), a: d.asks.map((l) => this.level(l, m, category)), ts: now, u: d.lastUpdateId, seq: this.seq(d.lastUpdateId), cts: now }, now);
      }
      case 'GET /v5/market/recent-trade': {
        const category = this.category(p.get('category'));
        const v = this.venue(category);
        const symbol = this.symbol(v, p.get('symbol'));
        const limit = this.limit(p, category === 'spot' ? 60 : 500, category === 'spot' ? 60 : 1000);
        const m = v.market(symbol);
        return ok({ category, list: [...v.tape(symbol)].reverse().slice(0, limit).map((t) => recentTrade(t, m, category)) }, now);
      }
      case 'GET /v5/market/kline': {
        const category = this.category(p.get('category'));
        const v = this.venue(category);
        const symbol = this.symbol(v, p.get('symbol'));
        const interval = p.get('interval') ?? '';
        const ms = INTERVALS[interval];
        if (ms === undefined) throw new BybitError(10001, 'Invalid period!');
        const limit = this.limit(p, 200, 1000);
        const start = p.get('start');
        const end = p.get('end');
        let list = candles(v.tape(symbol), ms);
        if (start !== null) list = list.filter((c) => c.start >= Number(start));
        if (end !== null) list = list.filter((c) => c.start <= Number(end));
        // newest first; with a start and no end, the candles from start onwards
        list = start !== null && end === null ? list.slice(0, limit) : list.slice(-limit);
        return ok({ category, symbol, list: list.reverse().map(klineRow) }, now);
      }
      case 'GET /v5/market/tickers': {
        const category = this.category(p.get('category'));
        const v = this.venue(category);
        const symbol = p.get('symbol');
        const symbols = symbol === null ? v.markets().map((m) => m.id) : [this.symbol(v, symbol)];
        return ok({ category, list: symbols.map((s) => this.ticker(category, s)) }, now);
      }
      default:
        break;
    }
    if (!req.path.startsWith('/v5/')) throw new BybitError(10001, `the fake does not serve ${req.method} ${req.path}`, {}, 404);
    this.authenticate(req);
    switch (key) {
      case 'GET /v5/user/query-api':
        return ok(
          {
            id: '13770661',
            note: 'fake',
            apiKey: this.apiKey,
            readOnly: 0,
            secret: '',
            permissions: { ContractTrade: ['Order', 'Position'], Spot: ['SpotTrade'], Wallet: ['AccountTransfer'], Options: [], Derivatives: [], CopyTrading: [], BlockTrade: [], Exchange: [], NFT: [], Affiliate: [], Earn: [] },
            ips: ['*'],
            type: 1,
            deadlineDay: 83,
            expiredAt: '2099-01-01T00:00:00Z',
            createdAt: '2024-01-01T00:00:00Z',
            unified: 0,
            uta: 1,
            userID: 24600000,
            inviterID: 0,
            vipLevel: 'No VIP',
            mktMakerLevel: '0',
            affiliateID: 0,
            rsaPublicKey: '',
            isMaster: true,
            parentUid: '0',
            kycLevel: 'LEVEL_DEFAULT',
            kycRegion: '',
          },
          now,
        );
      case 'GET /v5/account/info':
        return ok({ unifiedMarginStatus: 5, marginMode: this.marginMode, isMasterTrader: false, spotHedgingStatus: 'OFF', updatedTime: String(now), dcpStatus: 'OFF', timeWindow: 10, smpGroup: 0 }, now);
      case 'GET /v5/asset/coin/query-info': {
        const coins = new Set<string>();
        for (const m of [...this.spot.markets(), ...this.linear.markets()]) (coins.add(m.base), coins.add(m.quote));
        return ok(
          {
            rows: [...coins].map((coin) => ({
              name: coin,
              coin,
              remainAmount: '150000',
              chains: [{ chainType: coin, confirmation: '10000', withdrawFee: '0.0005', depositMin: '0.0005', withdrawMin: '0.001', chain: coin, chainDeposit: '1', chainWithdraw: '1', minAccuracy: '8', withdrawPercentageFee: '0' }],
            })),
          },
          now,
        );
      }
      case 'POST /v5/order/create':
        return this.createOrder(body, 'POST /v5/order/create', now);
      case 'POST /v5/order/amend':
        return ok(this.amendOrder(body), now);
      case 'POST /v5/order/cancel':
        return ok(this.cancelOrder(body), now);
      case 'GET /v5/order/realtime':
        return ok(this.realtime(p), now);
      case 'GET /v5/order/history':
        return ok(this.history(p), now);
      case 'GET /v5/execution/list':
        return ok(this.executions(p), now);
      case 'GET /v5/position/list':
        return ok(this.positionList(p), now);
      case 'POST /v5/position/set-leverage': {
        const symbol = this.symbol(this.linear, str(body['symbol']));
        if (body['category'] !== 'linear') throw params('category');
        const buy = Number(body['buyLeverage']);
        const sell = Number(body['sellLeverage']);
        if (!(buy >= 1 && buy <= 100) || buy !== sell || !Number.isInteger(buy)) throw new BybitError(10001, 'leverage invalid');
        if (this.linear.position(symbol).leverage === buy) throw new BybitError(110043, 'Set leverage not modified');
        this.linear.setLeverage(symbol, buy);
        this.sendPositions(symbol);
        return ok({}, now);
      }
      case 'POST /v5/position/switch-isolated':
        // a unified account sets its margin mode for the whole account (set-margin-mode)
        throw new BybitError(100028, 'The API cannot be accessed by unified account users.');
      case 'POST /v5/account/set-margin-mode': {
        const mode = body['setMarginMode'];
        if (mode !== 'ISOLATED_MARGIN' && mode !== 'REGULAR_MARGIN' && mode !== 'PORTFOLIO_MARGIN') throw params('setMarginMode');
        if (mode === 'PORTFOLIO_MARGIN') throw new BybitError(3400045, 'Set margin mode failed', { reasons: [{ reasonCode: '3400001', reasonMsg: 'portfolio margin is not available on this account' }] });
        const busy = this.linear.markets().filter((m) => this.linear.position(m.id).qty !== 0 || this.linear.openOrders(m.id).length > 0);
        if (busy.length > 0) throw new BybitError(3400045, 'Set margin mode failed', { reasons: [{ reasonCode: '3400045', reasonMsg: 'Open positions or orders exist' }] });
        this.marginMode = mode;
        for (const m of this.linear.markets()) if (this.linear.position(m.id).marginType !== (mode === 'ISOLATED_MARGIN' ? 'isolated' : 'cross')) this.linear.setMarginType(m.id, mode === 'ISOLATED_MARGIN' ? 'isolated' : 'cross');
        return ok({ reasons: [] }, now);
      }
      case 'GET /v5/account/wallet-balance': {
        const type = p.get('accountType');
        if (type !== 'UNIFIED') throw new BybitError(10001, 'accountType only support UNIFIED.');
        return ok({ list: [this.wallet(p.get('coin'))] }, now);
      }
      case 'GET /v5/account/fee-rate': {
        const category = this.category(p.get('category'));
        return ok({ list: this.venue(category).markets().map((m) => ({ symbol: m.id, baseCoin: category === 'spot' ? m.base : '', takerFeeRate: dec(m.takerFee), makerFeeRate: dec(m.makerFee) })) }, now);
      }
      default:
        throw new BybitError(10001, `the fake does not serve ${req.method} ${req.path}`, {}, 404);
    }
  }

  private category(c: string | null | unknown): Category {
    if (c === 'spot' || c === 'linear') return c;
    if (c === null || c === undefined || c === '') throw new BybitError(10001, 'params error: category is required');
    throw new BybitError(10001, `params error: category ${String(c)} is not served by the fake (spot, linear)`);
  }

  private symbol(v: FakeVenue, s: string | null | undefined): string {
    if (s === null || s === undefined || s === '') throw new BybitError(10001, 'params error: symbol is required');
    if (!v.hasMarket(s)) throw new BybitError(10001, 'Not supported symbols');
    return s;
  }

  private limit(p: URLSearchParams, dflt: number, max: number): number {
    const raw = p.get('limit');
    if (raw === null) return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new BybitError(10001, 'params error: limit is invalid');
    return Math.min(n, max);
  }

  private level([price, qty]: readonly [number, number], m: MarketSpec, category: Category): [string, string] {
    return category === 'spot' ? [dec(price), dec(qty)] : [fx(price, m.tickSize), fx(qty, m.stepSize)];
  }

  /** Bybit's cross sequence: monotonic, larger than the update id. */
  private seq(u: number): number {
    return 7_961_638_000 + u;
  }

  private ticker(category: Category, s: string): Record<string, unknown> {
    const v = this.venue(category);
    const m = v.market(s);
    const now = v.now();
    const day = v.tape(s).filter((t) => t.time > now - DAY);
    const last = v.tape(s).at(-1)?.price ?? v.markPrice(s);
    const open = day[0]?.price ?? last;
    const bid = v.bestBid(s) ?? [0, 0];
    const ask = v.bestAsk(s) ?? [0, 0];
    const px = (x: number): string => (category === 'spot' ? dec(x) : fx(x, m.tickSize));
    const base: Record<string, unknown> = {
      symbol: s,
      lastPrice: px(last),
      bid1Price: px(bid[0]),
      bid1Size: dec(bid[1]),
      ask1Price: px(ask[0]),
      ask1Size: dec(ask[1]),
      prevPrice24h: px(open),
      price24hPcnt: open === 0 ? '0' : ((last - open) / open).toFixed(4),
      highPrice24h: px(day.length > 0 ? Math.max(...day.map((t) => t.price)) : last),
      lowPrice24h: px(day.length > 0 ? Math.min(...day.map((t) => t.price)) : last),
      turnover24h: dec(day.reduce((a, t) => a + t.qty * t.price, 0)),
      volume24h: dec(day.reduce((a, t) => a + t.qty, 0)),
    };
    if (category === 'spot') return { ...base, usdIndexPrice: px(last) };
    const mark = v.markPrice(s);
    return {
      ...base,
      indexPrice: px(mark),
      markPrice: px(mark),
      prevPrice1h: px(open),
      openInterest: '0',
      openInterestValue: '0.00',
      fundingRate: dec(this.fundingRates.get(s) ?? 0.0001),
      nextFundingTime: String(Math.ceil(now / 28_800_000) * 28_800_000),
      predictedDeliveryPrice: '',
      basisRate: '',
      deliveryFeeRate: '',
      deliveryTime: '0',
      basis: '',
    };
  }

  // ---------------------------------------------------------------- orders

  private orderRequest(a: Record<string, unknown>): { category: Category; request: OrderRequest } {
    const category = this.category(a['category']);
    const v = this.venue(category);
    const symbol = this.symbol(v, str(a['symbol']));
    const side = a['side'];
    if (side !== 'Buy' && side !== 'Sell') throw params('side');
    const type = a['orderType'];
    if (type !== 'Limit' && type !== 'Market') throw params('orderType');
    for (const unsupported of ['triggerPrice', 'takeProfit', 'stopLoss', 'trailingStop', 'tpslMode'])
      if (a[unsupported] !== undefined) throw new BybitError(10001, `params error: ${unsupported} is not served by the fake`);
    if (a['positionIdx'] !== undefined && Number(a['positionIdx']) !== 0) throw new BybitError(10001, 'position idx not match position mode');
    const qty = Number(a['qty']);
    if (typeof a['qty'] !== 'string' || !(qty > 0)) throw new BybitError(10001, 'params error: qty invalid');
    const tif = a['timeInForce'] ?? 'GTC';
    if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK' && tif !== 'PostOnly') throw params('timeInForce');
    let price: number | undefined;
    if (type === 'Limit') {
      price = Number(a['price']);
      if (typeof a['price'] !== 'string' || !(price > 0)) throw new BybitError(10001, 'params error: price invalid');
    }
    const link = str(a['orderLinkId']) ?? `fake-${randomUUID().slice(0, 20)}`;
    if (!ORDER_LINK_ID.test(link)) throw new BybitError(10001, 'params error: orderLinkId invalid');
    const reduceOnly = a['reduceOnly'] === true || a['reduceOnly'] === 'true';
    if (category === 'spot' && reduceOnly) throw new BybitError(10001, 'params error: reduceOnly is for derivatives');
    const quoteUnit = category === 'spot' && type === 'Market' && (a['marketUnit'] === 'quoteCoin' || (a['marketUnit'] === undefined && side === 'Buy'));
    const request: OrderRequest = {
      symbol,
      side: side === 'Buy' ? 'buy' : 'sell',
      type: type === 'Market' ? 'market' : 'limit',
      ...(quoteUnit ? { quoteQty: qty } : { qty }),
      ...(price !== undefined ? { price } : {}),
      timeInForce: (tif === 'PostOnly' || type === 'Market' ? 'GTC' : tif) as TimeInForce,
      postOnly: tif === 'PostOnly',
      reduceOnly,
      clientOrderId: link,
    };
    return { category, request };
  }

  private createOrder(a: Record<string, unknown>, what: string, now: number): HttpReply {
    const { category, request } = this.orderRequest(a);
    const v = this.venue(category);
    const existing = v.getOrder(request.symbol, { clientOrderId: request.clientOrderId });
    if (existing !== undefined) throw category === 'spot' ? new BybitError(170141, 'Duplicate clientOrderId.') : new BybitError(110072, 'OrderLinkedID is duplicate');
    const order = this.place(v, request, category);
    if (this.faults.takeSwallowAck(what)) return { hang: true };
    return ok({ orderId: orderNumberToId(order), orderLinkId: order.clientOrderId }, now);
  }

  private place(v: FakeVenue, r: OrderRequest, category: Category): Order {
    try {
      return v.placeOrder(r);
    } catch (e) {
      if (e instanceof VenueRejectError) throw rejectToBybit(e, category);
      throw e;
    }
  }

  private find(a: Record<string, unknown> | URLSearchParams, category: Category, spotCode: number, linearCode: number, msg: string): Order {
    const get = (k: string): string | undefined => {
      const x = a instanceof URLSearchParams ? a.get(k) : a[k];
      return x === null || x === undefined || x === '' ? undefined : String(x);
    };
    const v = this.venue(category);
    const symbol = this.symbol(v, get('symbol'));
    const orderId = get('orderId');
    const link = get('orderLinkId');
    if (orderId === undefined && link === undefined) throw new BybitError(10001, 'params error: orderId or orderLinkId is required');
    const n = orderId !== undefined ? orderNumber(orderId) : undefined;
    const o = orderId !== undefined ? (n === undefined ? undefined : v.getOrder(symbol, { orderId: n })) : v.getOrder(symbol, { clientOrderId: link! });
    if (o === undefined) throw category === 'spot' ? new BybitError(spotCode, 'Order does not exist.') : new BybitError(linearCode, msg);
    return o;
  }

  private cancelOrder(a: Record<string, unknown>): Record<string, unknown> {
    const category = this.category(a['category']);
    const o = this.find(a, category, 170213, 110001, 'order not exists or too late to cancel');
    if (o.status !== 'new' && o.status !== 'partially_filled') throw category === 'spot' ? new BybitError(170213, 'Order does not exist.') : new BybitError(110001, 'order not exists or too late to cancel');
    this.venue(category).cancelOrder(o.symbol, { orderId: o.orderId });
    return { orderId: orderNumberToId(o), orderLinkId: o.clientOrderId };
  }

  private amendOrder(a: Record<string, unknown>): Record<string, unknown> {
    const category = this.category(a['category']);
    const o = this.find(a, category, 170213, 110001, 'order not exists or too late to replace');
    if (o.status !== 'new' && o.status !== 'partially_filled') throw category === 'spot' ? new BybitError(170213, 'Order does not exist.') : new BybitError(110001, 'order not exists or too late to replace');
    const price = a['price'] === undefined ? o.price : Number(a['price']);
    const qty = a['qty'] === undefined ? o.origQty : Number(a['qty']);
    if (price === o.price && qty === o.origQty) throw new BybitError(10001, 'The order remains unchanged as the parameters entered match the existing ones.');
    try {
      this.venue(category).modifyOrder(o.symbol, { orderId: o.orderId }, { price, qty });
    } catch (e) {
      if (e instanceof VenueRejectError) throw rejectToBybit(e, category);
      throw e;
    }
    return { orderId: orderNumberToId(o), orderLinkId: o.clientOrderId };
  }

  private page<T>(list: readonly T[], p: URLSearchParams, dflt: number, max: number): { items: T[]; nextPageCursor: string } {
    const limit = this.limit(p, dflt, max);
    const cursor = p.get('cursor');
    let offset = 0;
    if (cursor !== null && cursor !== '') {
      const m = /^page_(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
      if (m === null) throw new BybitError(10001, 'params error: cursor invalid');
      offset = Number(m[1]);
    }
    const items = list.slice(offset, offset + limit);
    const next = offset + limit < list.length ? Buffer.from(`page_${offset + limit}`).toString('base64') : '';
    return { items, nextPageCursor: next };
  }

  private orderRecordOf(o: Order, category: Category): Record<string, unknown> {
    return orderRecord(o, this.venue(category).market(o.symbol), category);
  }

  private realtime(p: URLSearchParams): Record<string, unknown> {
    const category = this.category(p.get('category'));
    const v = this.venue(category);
    const symbol = p.get('symbol');
    if (symbol !== null) this.symbol(v, symbol);
    if (category === 'linear' && symbol === null && p.get('settleCoin') === null && p.get('baseCoin') === null) {
      throw new BybitError(10001, 'Missing some parameters that must be filled in, symbol or settleCoin or baseCoin');
    }
    let list: Order[];
    const orderId = p.get('orderId');
    const link = p.get('orderLinkId');
    const markets = v.markets().filter((m) => (symbol === null || m.id === symbol) && (p.get('settleCoin') === null || m.quote === p.get('settleCoin')) && (p.get('baseCoin') === null || m.base === p.get('baseCoin')));
    const all = markets.flatMap((m) => v.allOrders(m.id));
    if (orderId !== null || link !== null) {
      // by id: an order of any status among the recent ones
      const n = orderId !== null ? orderNumber(orderId) : undefined;
      list = all.filter((o) => (orderId !== null ? o.orderId === n : o.clientOrderId === link));
    } else if (p.get('openOnly') === '1' || p.get('openOnly') === '2') {
      list = all.filter((o) => o.status !== 'new' && o.status !== 'partially_filled').slice(-500);
    } else list = all.filter((o) => o.status === 'new' || o.status === 'partially_filled');
    list.sort((x, y) => y.time - x.time || y.orderId - x.orderId);
    const { items, nextPageCursor } = this.page(list, p, 20, 50);
    return { category, list: items.map((o) => this.orderRecordOf(o, category)), nextPageCursor };
  }

  private window(p: URLSearchParams): { start: number; end: number } {
    const now = this.serverTime();
    const s = p.get('startTime');
    const e = p.get('endTime');
    const end = e !== null ? Number(e) : s !== null ? Number(s) + 7 * DAY : now;
    const start = s !== null ? Number(s) : end - 7 * DAY;
    if (!(end >= start) || end - start > 7 * DAY) throw new BybitError(10001, 'params error: The time range between startTime and endTime cannot exceed 7 days');
    return { start, end };
  }

  private history(p: URLSearchParams): Record<string, unknown> {
    const category = this.category(p.get('category'));
    const v = this.venue(category);
    const symbol = p.get('symbol');
    if (symbol !== null) this.symbol(v, symbol);
    const { start, end } = this.window(p);
    const orderId = p.get('orderId');
    const link = p.get('orderLinkId');
    const status = p.get('orderStatus');
    let list = v.markets().filter((m) => symbol === null || m.id === symbol).flatMap((m) => v.allOrders(m.id));
    if (orderId !== null || link !== null) list = list.filter((o) => (orderId !== null ? o.orderId === orderNumber(orderId) : o.clientOrderId === link));
    else list = list.filter((o) => o.time >= start && o.time <= end);
    if (status !== null) list = list.filter((o) => o.status !== 'new' && o.status !== 'partially_filled' && status.split(',').includes(String(this.orderRecordOf(o, category)['orderStatus'])));
    list.sort((x, y) => y.time - x.time || y.orderId - x.orderId);
    const { items, nextPageCursor } = this.page(list, p, 20, 50);
    return { category, list: items.map((o) => this.orderRecordOf(o, category)), nextPageCursor };
  }

  private executions(p: URLSearchParams): Record<string, unknown> {
    const category = this.category(p.get('category'));
    const v = this.venue(category);
    const symbol = p.get('symbol');
    if (symbol !== null) this.symbol(v, symbol);
    const { start, end } = this.window(p);
    const execType = p.get('execType');
    const orderId = p.get('orderId');
    type Row = { time: number; seq: number; record: Record<string, unknown> };
    const rows: Row[] = [];
    if (execType === null || execType === 'Trade') {
      for (const f of v.fills(symbol ?? undefined)) {
        const o = v.getOrder(f.symbol, { orderId: f.orderId })!;
        if (orderId !== null && orderNumber(orderId) !== o.orderId) continue;
        rows.push({ time: f.time, seq: f.tradeId, record: executionRecord(f, o, v.market(f.symbol), category, v.markPrice(f.symbol)) });
      }
    }
    if (category === 'linear' && (execType === null || execType === 'Funding') && orderId === null) {
      this.fundings.forEach((f, i) => {
        if (symbol === null || f.symbol === symbol) rows.push({ time: f.time, seq: 1e9 + i, record: this.fundingRecord(f) });
      });
    }
    const list = rows.filter((r) => r.time >= start && r.time <= end).sort((x, y) => y.time - x.time || y.seq - x.seq);
    const { items, nextPageCursor } = this.page(list, p, 50, 100);
    return { category, list: items.map((r) => r.record), nextPageCursor };
  }

  private fundingRecord(f: FundingExecution): Record<string, unknown> {
    const m = this.linear.market(f.symbol);
    return {
      symbol: f.symbol,
      orderType: 'UNKNOWN',
      underlyingPrice: '',
      orderLinkId: '',
      side: f.side === 'buy' ? 'Buy' : 'Sell',
      indexPrice: '',
      orderId: '',
      stopOrderType: 'UNKNOWN',
      leavesQty: '0',
      execTime: String(f.time),
      feeCurrency: '',
      isMaker: false,
      execFee: dec(f.fee),
      feeRate: dec(f.rate),
      execId: f.execId,
      tradeIv: '',
      blockTradeId: '',
      markPrice: fx(f.markPrice, m.tickSize),
      execPrice: fx(f.markPrice, m.tickSize),
      markIv: '',
      orderQty: '0',
      orderPrice: '0',
      execValue: dec(f.qty * f.markPrice),
      closedSize: '0',
      execType: 'Funding',
      execQty: fx(f.qty, m.stepSize),
      seq: 0,
      createType: '',
    };
  }

  private positionRecord(symbol: string): Record<string, unknown> {
    const v = this.linear;
    const m = v.market(symbol);
    const pos = v.position(symbol);
    const mark = v.markPrice(symbol);
    const size = Math.abs(pos.qty);
    const value = size * pos.entryPrice;
    const im = v.initialMargin(symbol);
    const realized = v.income.filter((e) => e.symbol === symbol && e.incomeType !== 'FUNDING_FEE').reduce((s, e) => s + e.income, 0);
    const fundingPaid = v.income.filter((e) => e.symbol === symbol && e.incomeType === 'FUNDING_FEE').reduce((s, e) => s + e.income, 0);
    return {
      positionIdx: 0,
      riskId: 1,
      riskLimitValue: '2000000',
      symbol,
      side: pos.qty > 0 ? 'Buy' : pos.qty < 0 ? 'Sell' : '',
      size: fx(size, m.stepSize),
      avgPrice: fx(pos.entryPrice, m.tickSize),
      positionValue: dec(value),
      tradeMode: 0,
      autoAddMargin: 0,
      positionStatus: 'Normal',
      leverage: String(pos.leverage),
      markPrice: fx(mark, m.tickSize),
      liqPrice: '',
      bustPrice: '',
      positionIM: dec(im),
      positionMM: dec(size * mark * 0.005),
      positionBalance: dec(im),
      takeProfit: '0',
      stopLoss: '0',
      trailingStop: '0',
      sessionAvgPrice: '',
      delta: '',
      gamma: '',
      vega: '',
      theta: '',
      unrealisedPnl: dec(v.unrealizedPnl(symbol)),
      curRealisedPnl: dec(realized + fundingPaid),
      cumRealisedPnl: dec(realized + fundingPaid),
      adlRankIndicator: size > 0 ? 2 : 0,
      createdTime: String(pos.updateTime || this.serverTime()),
      updatedTime: String(pos.updateTime || this.serverTime()),
      seq: pos.updateTime,
      isReduceOnly: false,
      mmrSysUpdatedTime: '',
      leverageSysUpdatedTime: '',
      tpslMode: 'Full',
    };
  }

  private positionList(p: URLSearchParams): Record<string, unknown> {
    const category = this.category(p.get('category'));
    if (category !== 'linear') throw new BybitError(10001, 'params error: category only support linear or inverse or option');
    const symbol = p.get('symbol');
    const settle = p.get('settleCoin');
    if (symbol === null && settle === null && p.get('baseCoin') === null) throw new BybitError(10001, 'Missing some parameters that must be filled in, symbol or settleCoin or baseCoin');
    const symbols = symbol !== null ? symbol.split(',').map((s) => this.symbol(this.linear, s)) : this.linear.markets().filter((m) => settle === null || m.quote === settle).map((m) => m.id).filter((s) => this.linear.position(s).qty !== 0);
    const { items, nextPageCursor } = this.page(symbols, p, 20, 200);
    return { category, list: items.map((s) => this.positionRecord(s)), nextPageCursor };
  }

  private wallet(coinFilter: string | null): Record<string, unknown> {
    const coins = new Set<string>([...this.spot.balances.keys(), ...this.linear.wallet.keys()]);
    const wanted = coinFilter === null ? undefined : new Set(coinFilter.split(','));
    const rows = [...coins]
      .filter((c) => wanted === undefined || wanted.has(c))
      .map((coin) => {
        const b = this.spot.balances.get(coin) ?? { free: 0, locked: 0 };
        const w = this.linear.wallet.get(coin) ?? 0;
        const upl = this.linear.markets().filter((m) => m.quote === coin).reduce((s, m) => s + this.linear.unrealizedPnl(m.id), 0);
        const posIm = this.linear.markets().filter((m) => m.quote === coin).reduce((s, m) => s + this.linear.initialMargin(m.id), 0);
        const orderIm = this.linear.openOrderMargin(coin);
        const walletBalance = clean(b.free + b.locked + w);
        return {
          coin,
          equity: dec(walletBalance + upl),
          usdValue: dec(walletBalance + upl),
          walletBalance: dec(walletBalance),
          free: '',
          locked: dec(b.locked),
          spotHedgingQty: '0',
          borrowAmount: '0',
          availableToWithdraw: '',
          accruedInterest: '0',
          totalOrderIM: dec(orderIm),
          totalPositionIM: dec(posIm),
          totalPositionMM: '0',
          unrealisedPnl: dec(upl),
          cumRealisedPnl: '0',
          bonus: '0',
          marginCollateral: true,
          collateralSwitch: true,
          availableToBorrow: '',
        };
      });
    const total = rows.reduce((s, r) => s + Number(r.equity), 0);
    return {
      accountType: 'UNIFIED',
      accountIMRate: '0',
      accountMMRate: '0',
      accountLTV: '0',
      totalEquity: dec(total),
      totalWalletBalance: dec(rows.reduce((s, r) => s + Number(r.walletBalance), 0)),
      totalMarginBalance: dec(total),
      totalAvailableBalance: dec(total),
      totalPerpUPL: dec(rows.reduce((s, r) => s + Number(r.unrealisedPnl), 0)),
      totalInitialMargin: dec(rows.reduce((s, r) => s + Number(r.totalPositionIM) + Number(r.totalOrderIM), 0)),
      totalMaintenanceMargin: '0',
      coin: rows,
    };
  }

  // ================================================================ WebSocket

  private onSocket(s: FakeSocket): boolean {
    const path = s.path;
    let kind: 'public' | 'private' | 'trade';
    if (path === '/v5/public/spot' || path === '/v5/public/linear') {
      kind = 'public';
      s.state.set('category', path.endsWith('spot') ? 'spot' : 'linear');
    } else if (path === '/v5/private') kind = 'private';
    else if (path === '/v5/trade') kind = 'trade';
    else return false;
    s.state.set('kind', kind);
    s.state.set('topics', new Set<string>());
    s.state.set('connId', randomUUID());
    this.sockets.add(s);
    s.ws.on('close', () => this.sockets.delete(s));
    s.ws.on('message', (data) => this.onMessage(s, String(data)));
    return true;
  }

  private onMessage(s: FakeSocket, text: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text) as Record<string, unknown>;
    } catch {
      s.send({ success: false, ret_msg: 'error:request not json', conn_id: s.state.get('connId'), op: '' });
      return;
    }
    const kind = s.state.get('kind');
    const op = String(msg['op'] ?? '');
    const reqId = msg['req_id'] === undefined ? '' : String(msg['req_id']);
    const connId = s.state.get('connId');
    if (op === 'ping') {
      // the public and the private channels answer pings differently
      if (kind === 'public') s.send({ success: true, ret_msg: 'pong', conn_id: connId, req_id: reqId, op: 'ping' });
      else s.send({ req_id: reqId, op: 'pong', args: [String(this.serverTime())], conn_id: connId });
      return;
    }
    if (op === 'auth') {
      if (kind === 'public') {
        s.send({ success: false, ret_msg: 'error:auth is for private channels', conn_id: connId, req_id: reqId, op });
        return;
      }
      const args = Array.isArray(msg['args']) ? (msg['args'] as unknown[]).map(String) : [];
      const [key, expires, signature] = args;
      let fail: string | undefined;
      if (key !== this.apiKey) fail = 'Invalid apikey';
      else if (!(Number(expires) > this.serverTime())) fail = 'Params Error';
      else if (createHmac('sha256', this.secret).update(`GET/realtime${expires}`).digest('hex') !== signature) fail = 'Invalid sign';
      if (kind === 'trade') {
        if (fail === undefined) s.state.set('authed', true);
        s.send({ retCode: fail === undefined ? 0 : 10004, retMsg: fail ?? 'OK', op: 'auth', connId });
        return;
      }
      if (fail === undefined) s.state.set('authed', true);
      s.send({ success: fail === undefined, ret_msg: fail ?? '', op: 'auth', conn_id: connId, req_id: reqId });
      return;
    }
    if (kind === 'trade') {
      this.onTrade(s, msg);
      return;
    }
    if (op === 'subscribe' || op === 'unsubscribe') {
      const topics = s.state.get('topics') as Set<string>;
      const args = Array.isArray(msg['args']) ? (msg['args'] as unknown[]).map(String) : [];
      if (kind === 'private' && s.state.get('authed') !== true) {
        s.send({ success: false, ret_msg: 'Request not authorized', conn_id: connId, req_id: reqId, op });
        return;
      }
      const bad = args.find((t) => !this.validTopic(s, t));
      if (bad !== undefined) {
        s.send({ success: false, ret_msg: `error:handler not found,topic:${bad}`, conn_id: connId, req_id: reqId, op });
        return;
      }
      // Bybit refuses the whole request when one of its topics is subscribed already
      const already = op === 'subscribe' ? args.find((t) => topics.has(t)) : undefined;
      if (already !== undefined) {
        s.send({ success: false, ret_msg: `error:already subscribed,topic:${already}`, conn_id: connId, req_id: reqId, op });
        return;
      }
      for (const t of args) (op === 'subscribe' ? topics.add(t) : topics.delete(t));
      s.send({ success: true, ret_msg: '', conn_id: connId, req_id: reqId, op });
      if (op === 'subscribe') for (const t of args) this.sendInitial(s, t);
      return;
    }
    s.send({ success: false, ret_msg: `error:unknown op ${op}`, conn_id: connId, req_id: reqId, op });
  }

  private validTopic(s: FakeSocket, t: string): boolean {
    if (s.state.get('kind') === 'private') return ['order', 'execution', 'execution.fast', 'position', 'wallet', 'order.spot', 'order.linear', 'execution.spot', 'execution.linear'].includes(t);
    const v = this.venue(s.state.get('category') as Category);
    const parts = t.split('.');
    const sym = parts.at(-1) ?? '';
    if (!v.hasMarket(sym)) return false;
    if (parts[0] === 'orderbook') return parts.length === 3 && ['1', '50', '200', '500', '1000'].includes(parts[1]!);
    if (parts[0] === 'publicTrade' || parts[0] === 'tickers') return parts.length === 2;
    if (parts[0] === 'kline') return parts.length === 3 && INTERVALS[parts[1]!] !== undefined;
    return false;
  }

  /** What Bybit sends right after a subscription: the book snapshot, the ticker snapshot. */
  private sendInitial(s: FakeSocket, topic: string): void {
    const category = s.state.get('category') as Category | undefined;
    if (category === undefined) return;
    const v = this.venue(category);
    const parts = topic.split('.');
    const sym = parts.at(-1)!;
    if (parts[0] === 'orderbook') {
      const d = v.depth(sym, Number(parts[1]));
      const m = v.market(sym);
      const now = this.serverTime();
      s.send({ topic, type: 'snapshot', ts: now, data: { s: sym, b: d.bids.map((l) => this.level(l, m, category)), a: d.asks.map((l) => this.level(l, m, category)), u: d.lastUpdateId, seq: this.seq(d.lastUpdateId) }, cts: now });
    } else if (parts[0] === 'tickers') {
      s.send({ topic, type: 'snapshot', data: this.ticker(category, sym), cs: this.seq(v.updateId(sym)), ts: this.serverTime() });
    }
  }

  private publish(category: Category, topic: string, message: () => Record<string, unknown>): void {
    let built: Record<string, unknown> | undefined;
    for (const s of this.sockets) {
      if (s.state.get('kind') !== 'public' || s.state.get('category') !== category || !(s.state.get('topics') as Set<string>).has(topic)) continue;
      built ??= message();
      s.send(built);
    }
  }

  private subscribed(category: Category, predicate: (t: string) => boolean): string[] {
    const out = new Set<string>();
    for (const s of this.sockets) {
      if (s.state.get('kind') !== 'public' || s.state.get('category') !== category) continue;
      for (const t of s.state.get('topics') as Set<string>) if (predicate(t)) out.add(t);
    }
    return [...out];
  }

  private sendPrivate(topic: 'order' | 'execution' | 'position' | 'wallet', data: Record<string, unknown>[]): void {
    const message = { id: `${this.nextMessageId++}`, topic, creationTime: this.serverTime(), data };
    for (const s of this.sockets) {
      if (s.state.get('kind') !== 'private' || s.state.get('authed') !== true) continue;
      const topics = s.state.get('topics') as Set<string>;
      const category = data[0]?.['category'];
      if (topics.has(topic) || (category !== undefined && topics.has(`${topic}.${String(category)}`))) s.send(message);
    }
  }

  private sendPositions(symbol: string): void {
    this.sendPrivate('position', [{ category: 'linear', ...this.positionRecord(symbol) }]);
  }

  private wire(category: Category, v: FakeVenue): void {
    v.on('book', (d) => this.onBook(category, v, d));
    v.on('trade', (t) => this.onPublicTrade(category, v, t));
    v.on('order', (e) => this.onOrder(category, v, e.order, e.fill, e.exec));
    v.on('balance', () => this.sendPrivate('wallet', [this.wallet(null)]));
    v.on('position', (e) => {
      if (category === 'linear' && e.reason !== 'MARGIN_TYPE_CHANGE') {
        this.sendPositions(e.symbol);
        this.sendPrivate('wallet', [this.wallet(null)]);
      }
    });
  }

  private onBook(category: Category, v: FakeVenue, d: BookDelta): void {
    const m = v.market(d.symbol);
    for (const topic of this.subscribed(category, (t) => t.startsWith('orderbook.') && t.endsWith(`.${d.symbol}`))) {
      const depth = Number(topic.split('.')[1]);
      const within = v.depth(d.symbol, depth);
      // a level pushed out of the topic's depth is a removal for a subscriber of that depth
      const keep = (side: Array<[number, number]>, levels: BookDelta['bids']): Array<[string, string]> =>
        levels.map(([p, q]) => this.level([p, side.some(([x]) => x === p) ? q : 0], m, category));
      const now = this.serverTime();
      if (depth === 1) {
        // level 1 is pushed whole: a snapshot replaces the subscriber's book (Bybit resends level-1 snapshots)
        this.publish(category, topic, () => ({ topic, type: 'snapshot', ts: now, data: { s: d.symbol, b: within.bids.map((l) => this.level(l, m, category)), a: within.asks.map((l) => this.level(l, m, category)), u: d.lastUpdateId, seq: this.seq(d.lastUpdateId) }, cts: now }));
        continue;
      }
      const drop = this.bookDrops.find((x) => x.match === undefined || x.match.test(topic));
      if (drop !== undefined) {
        drop.count -= 1;
        if (drop.count <= 0) this.bookDrops = this.bookDrops.filter((x) => x !== drop);
        continue;
      }
      this.publish(category, topic, () => ({ topic, type: 'delta', ts: now, data: { s: d.symbol, b: keep(within.bids, d.bids), a: keep(within.asks, d.asks), u: d.lastUpdateId, seq: this.seq(d.lastUpdateId) }, cts: now }));
    }
    const tickers = `tickers.${d.symbol}`;
    this.publish(category, tickers, () => ({ topic: tickers, type: 'snapshot', data: this.ticker(category, d.symbol), cs: this.seq(d.lastUpdateId), ts: this.serverTime() }));
  }

  private onPublicTrade(category: Category, v: FakeVenue, t: PublicTrade): void {
    const m = v.market(t.symbol);
    const topic = `publicTrade.${t.symbol}`;
    this.publish(category, topic, () => ({ topic, type: 'snapshot', ts: this.serverTime(), data: [wsTrade(t, m, category)] }));
    for (const k of this.subscribed(category, (x) => x.startsWith('kline.') && x.endsWith(`.${t.symbol}`))) {
      const interval = k.split('.')[1]!;
      const ms = INTERVALS[interval]!;
      const c = candles(v.tape(t.symbol), ms).at(-1);
      if (c === undefined) continue;
      const now = this.serverTime();
      this.publish(category, k, () => ({
        topic: k,
        data: [{ start: c.start, end: c.start + ms - 1, interval, open: dec(c.open), close: dec(c.close), high: dec(c.high), low: dec(c.low), volume: dec(c.volume), turnover: dec(c.turnover), confirm: false, timestamp: now }],
        ts: now,
        type: 'snapshot',
      }));
    }
    const tickers = `tickers.${t.symbol}`;
    this.publish(category, tickers, () => ({ topic: tickers, type: 'snapshot', data: this.ticker(category, t.symbol), cs: this.seq(v.updateId(t.symbol)), ts: this.serverTime() }));
  }

  private onOrder(category: Category, v: FakeVenue, o: Order, fill: Fill | undefined, exec: ExecType): void {
    if (exec === 'trade' && fill !== undefined) {
      this.sendPrivate('execution', [{ category, ...executionRecord(fill, o, v.market(o.symbol), category, v.markPrice(o.symbol)) }]);
    }
    this.sendPrivate('order', [{ category, ...orderRecord(o, v.market(o.symbol), category) }]);
  }

  // ---------------------------------------------------------------- trade WebSocket

  private onTrade(s: FakeSocket, msg: Record<string, unknown>): void {
    const reqId = msg['reqId'] === undefined ? '' : String(msg['reqId']);
    const op = String(msg['op'] ?? '');
    const connId = s.state.get('connId');
    const now = this.serverTime();
    const reply = (retCode: number, retMsg: string, data: unknown): void =>
      s.send({ reqId, retCode, retMsg, op, data, retExtInfo: {}, header: { 'X-Bapi-Limit': '10', 'X-Bapi-Limit-Status': '9', 'X-Bapi-Limit-Reset-Timestamp': String(now), Traceid: randomUUID().replace(/-/g, ''), Timenow: String(now) }, connId });
    try {
      if (s.state.get('authed') !== true) throw new BybitError(10003, 'Request not authorized');
      const header = (msg['header'] ?? {}) as Record<string, unknown>;
      this.checkTimestamp(Number(header['X-BAPI-TIMESTAMP']), Number(header['X-BAPI-RECV-WINDOW'] ?? 5000));
      const arg = (Array.isArray(msg['args']) ? msg['args'][0] : undefined) as Record<string, unknown> | undefined;
      if (arg === undefined) throw new BybitError(10001, 'params error: args is required');
      switch (op) {
        case 'order.create': {
          const r = this.createOrder(arg, 'order.create', now);
          if ('hang' in r) return; // the acknowledgement is lost; the order rests
          reply(0, 'OK', (r.body as { result: unknown }).result);
          return;
        }
        case 'order.amend':
          reply(0, 'OK', this.amendOrder(arg));
          return;
        case 'order.cancel':
          reply(0, 'OK', this.cancelOrder(arg));
          return;
        default:
          throw new BybitError(10001, `params error: unknown op ${op}`);
      }
    } catch (e) {
      if (!(e instanceof BybitError)) throw e;
      reply(e.retCode, e.retMsg, {});
    }
  }
}

function orderNumberToId(o: Order): string {
  return `${o.orderId.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
}

function str(x: unknown): string | undefined {
  return x === undefined || x === null ? undefined : String(x);
}

/** Maps the core's refusal to Bybit's documented code (spot 170xxx, derivatives 110xxx). */
function rejectToBybit(e: VenueRejectError, category: Category): BybitError {
  const spot = category === 'spot';
  switch (e.reason) {
    case 'unknown_symbol':
      return new BybitError(10001, 'Not supported symbols');
    case 'bad_quantity':
      return spot ? new BybitError(170137, 'Order volume decimal too long') : new BybitError(10001, 'Qty invalid');
    case 'bad_price':
      return spot ? new BybitError(170134, 'Order price decimal too long.') : new BybitError(10001, 'price invalid');
    case 'min_notional':
      return spot ? new BybitError(170140, 'Order value exceeded lower limit.') : new BybitError(110094, 'Order notional value below the lower limit');
    case 'insufficient_balance':
      return spot ? new BybitError(170131, 'Insufficient balance.') : new BybitError(110007, 'ab not enough for new order');
    case 'post_only_would_cross':
      return spot ? new BybitError(170218, 'The LIMIT-MAKER order is rejected due to invalid price.') : new BybitError(110003, 'Order price is out of permissible range');
    case 'reduce_only_rejected':
      return new BybitError(110017, 'current position is zero, cannot fix reduce-only order qty');
    case 'duplicate_client_order_id':
      return spot ? new BybitError(170141, 'Duplicate clientOrderId.') : new BybitError(110072, 'OrderLinkedID is duplicate');
    case 'unknown_order':
      return spot ? new BybitError(170213, 'Order does not exist.') : new BybitError(110001, 'order not exists or too late to cancel');
    case 'no_liquidity':
      return spot ? new BybitError(170131, 'Insufficient balance.') : new BybitError(110007, 'ab not enough for new order');
  }
}

/**
 * FakeCoinbase: a local Coinbase Advanced Trade that the real ccxt client (`ccxt.coinbase`,
 * `ccxt.pro.coinbase`) talks to unchanged over HTTP and WebSocket on 127.0.0.1. REST under
 * `/api/v3/brokerage` (products, candles, market trades, product book, best bid/ask, orders, batch
 * cancel, edit, order history, fills, accounts, time) and the few `/v2` public endpoints ccxt's
 * `loadMarkets` reads (currencies, exchange rates, time); every private request authenticated by a CDP
 * JWT (ES256) checked against the public key of the test's key pair; the Advanced Trade WebSocket
 * (`level2`, `market_trades`, `ticker`, `candles`, `heartbeats`, `user`) with a `sequence_num` per
 * message of a connection. Matching, balances and faults come from the venue-neutral core.
 */
import { randomUUID } from 'node:crypto';
import { Faults, type HttpFault } from '../fake-exchange/faults';
import { FakeServer, type FakeSocket, type HttpReply, type HttpRequest } from '../fake-exchange/server';
import type { MarketSpec, Order, OrderRequest, Side } from '../fake-exchange/types';
import { FakeVenue, VenueRejectError, clean } from '../fake-exchange/venue';
import { JwtError, cdpKey, verifyCdpJwt, type CdpKey } from './jwt';
import { GRANULARITY, candles, dstr, fill, iso, marketTrade, order, orderNumber, orderUuid, product, userOrder, type OrderExtra } from './payloads';

/** Markets the fake lists unless the test passes its own (BTC-USD and ETH-USD, Coinbase's increments). */
export const DEFAULT_COINBASE_MARKETS: readonly MarketSpec[] = [
  { id: 'BTC-USD', base: 'BTC', quote: 'USD', kind: 'spot', tickSize: 0.01, stepSize: 0.00000001, minQty: 0.00000001, maxQty: 3400, minNotional: 1, makerFee: 0.004, takerFee: 0.006 },
  { id: 'ETH-USD', base: 'ETH', quote: 'USD', kind: 'spot', tickSize: 0.01, stepSize: 0.00000001, minQty: 0.00000001, maxQty: 15000, minNotional: 1, makerFee: 0.004, takerFee: 0.006 },
];

export interface FakeCoinbaseConfig {
  /** The CDP key whose public key authenticates requests (default a fresh one: `fake.key`). */
  readonly key?: CdpKey;
  readonly markets?: readonly MarketSpec[];
  /** Balances (asset → available). */
  readonly balances?: Readonly<Record<string, number>>;
  /** Heartbeat interval of the `heartbeats` channel in ms (Coinbase: 1000). */
  readonly heartbeatMs?: number;
}

/** An answer with an HTTP status and a body (Coinbase's error payloads). */
class CoinbaseHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

const notFound = (what: string): CoinbaseHttpError => new CoinbaseHttpError(404, { error: 'NOT_FOUND', error_details: what, message: what });
const invalid = (what: string): CoinbaseHttpError => new CoinbaseHttpError(400, { error: 'INVALID_ARGUMENT', error_details: what, message: what });

/** The `error_response` of a refused create, per reason of the core. */
const CREATE_FAILURE: Record<string, { error: string; message: string; preview: string }> = {
  unknown_symbol: { error: 'INVALID_PRODUCT_ID', message: 'Invalid product_id', preview: 'PREVIEW_INVALID_PRODUCT_ID' },
  bad_quantity: { error: 'INVALID_SIZE_PRECISION', message: 'Invalid order size', preview: 'PREVIEW_INVALID_SIZE_PRECISION' },
  bad_price: { error: 'INVALID_PRICE_PRECISION', message: 'Invalid limit price', preview: 'PREVIEW_INVALID_PRICE_PRECISION' },
  min_notional: { error: 'UNKNOWN_FAILURE_REASON', message: 'Order size is too small', preview: 'PREVIEW_INVALID_QUOTE_SIZE_TOO_SMALL' },
  insufficient_balance: { error: 'INSUFFICIENT_FUND', message: 'Insufficient balance in source account', preview: 'PREVIEW_INSUFFICIENT_FUND' },
  post_only_would_cross: { error: 'INVALID_LIMIT_PRICE_POST_ONLY', message: 'Post-only order would cross the book', preview: 'PREVIEW_INVALID_LIMIT_PRICE_POST_ONLY' },
  no_liquidity: { error: 'INVALID_NO_LIQUIDITY', message: 'No liquidity for the market order', preview: 'PREVIEW_INVALID_NO_LIQUIDITY' },
};

type Params = URLSearchParams;

const multi = (p: Params, name: string): string[] => [...p.getAll(name), ...p.getAll(`${name}[]`)].flatMap((v) => v.split(',')).filter((v) => v !== '');

/**
 * A fake Coinbase Advanced Trade on 127.0.0.1, its venue (`fake.venue`) scripted by the test.
 *
 * @example
 * ```ts
 * const fake = await FakeCoinbase.start({ balances: { USD: 100_000 } });
 * fake.venue.setBook('BTC-USD', { bids: [[29_999, 1]], asks: [[30_001, 1]] });
 * const exchange = new ccxt.coinbase(coinbaseCcxtOptions(fake));
 * await exchange.fetchOrderBook('BTC/USD');
 * await fake.stop();
 * ```
 */
export class FakeCoinbase {
  readonly key: CdpKey;
  readonly venue: FakeVenue;
  readonly faults = new Faults();
  readonly server: FakeServer;
  /** What each order was created with (configuration, GTD end, edits), by core order id. */
  readonly extras = new Map<number, OrderExtra>();
  /** Why the last request or subscription was refused by the JWT check (for assertions). */
  lastAuthError: string | undefined;
  private readonly accountIds = new Map<string, string>();
  private readonly heartbeatMs: number;

  private constructor(config: FakeCoinbaseConfig) {
    this.key = config.key ?? cdpKey();
    this.heartbeatMs = config.heartbeatMs ?? 1000;
    this.venue = new FakeVenue({ markets: config.markets ?? DEFAULT_COINBASE_MARKETS, balances: config.balances ?? {}, spotFeeAsset: 'quote' });
    this.server = new FakeServer({ faults: this.faults, faultBody: (f) => this.faultBody(f), http: (req) => this.onHttp(req), ws: (s) => this.onSocket(s) });
    this.wireStreams();
  }

  /** Starts a fake Coinbase on 127.0.0.1 at a free port. */
  static async start(config: FakeCoinbaseConfig = {}): Promise<FakeCoinbase> {
    const fake = new FakeCoinbase(config);
    await fake.server.start();
    return fake;
  }

  async stop(): Promise<void> {
    for (const s of this.server.openSockets()) clearInterval(s.state.get('heartbeat') as NodeJS.Timeout | undefined);
    await this.server.stop();
  }

  get httpUrl(): string {
    return this.server.httpUrl;
  }

  get wsUrl(): string {
    return this.server.wsUrl;
  }

  /** The server clock in ms: wall time plus the injected offset. */
  serverTime(): number {
    return Date.now() + this.faults.clockOffsetMs;
  }

  /** A venue restart: every WebSocket closes (code 1012); clients must connect and subscribe again. */
  restart(): void {
    this.server.dropSockets();
  }

  /** Open WebSockets subscribed to `channel` (and `productId`, when given). */
  subscribers(channel: string, productId?: string): FakeSocket[] {
    return this.server.openSockets().filter((s) => {
      const products = this.subs(s).get(channel);
      return products !== undefined && (productId === undefined || products.has('*') || products.has(productId));
    });
  }

  /** The `order_id` (UUID) of a core order. */
  orderId(o: Order): string {
    return orderUuid(o.orderId);
  }

  private faultBody(f: HttpFault): unknown {
    if (f.status === 429) return { errors: [{ id: 'rate_limit_exceeded', message: 'Too many requests' }] };
    // a 5xx comes from the load balancer as a page, not as a JSON payload
    return `<html><head><title>${f.status}</title></head><body><h1>${f.status}</h1></body></html>`;
  }

  // ================================================================ HTTP

  private async onHttp(req: HttpRequest): Promise<HttpReply> {
    try {
      this.expireDue();
      const params = new URLSearchParams(req.rawQuery);
      const body = req.method === 'GET' || req.rawBody === '' ? {} : (JSON.parse(req.rawBody) as Record<string, unknown>);
      if (req.path.startsWith('/v2/')) return this.v2(req);
      const m = /^\/api\/v3\/brokerage\/(.+)$/.exec(req.path);
      if (m === null) throw notFound(`the fake does not serve ${req.method} ${req.path}`);
      let route = m[1]!;
      const isPublic = route === 'time' || route.startsWith('market/');
      if (!isPublic) this.authenticate(req);
      if (route.startsWith('market/')) route = route.slice('market/'.length);
      return this.route(req, route, params, body);
    } catch (e) {
      if (e instanceof CoinbaseHttpError) return { status: e.status, body: e.body, headers: typeof e.body === 'string' ? { 'content-type': 'text/plain' } : {} };
      if (e instanceof SyntaxError) return { status: 400, body: { error: 'INVALID_ARGUMENT', error_details: 'the body is not JSON', message: 'the body is not JSON' } };
      throw e;
    }
  }

  /** The CDP JWT of a REST request: `Authorization: Bearer <jwt>`, its `uri` claim this request's. */
  private authenticate(req: HttpRequest): void {
    const auth = req.headers['authorization'];
    const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    try {
      if (token === undefined) throw new JwtError('no Authorization: Bearer header');
      verifyCdpJwt(token, this.key, this.serverTime() / 1000, `${req.method} ${req.headers.host}${req.path}`);
      this.lastAuthError = undefined;
    } catch (e) {
      if (!(e instanceof JwtError)) throw e;
      this.lastAuthError = e.message;
      // Coinbase answers a refused JWT with a bare 401 and the text "Unauthorized"
      throw new CoinbaseHttpError(401, 'Unauthorized\n');
    }
  }

  private ok(body: unknown): HttpReply {
    return { status: 200, body };
  }

  private v2(req: HttpRequest): HttpReply {
    const time = this.serverTime();
    switch (`${req.method} ${req.path}`) {
      case 'GET /v2/time':
        return this.ok({ data: { iso: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'), epoch: Math.floor(time / 1000) } });
      case 'GET /v2/currencies': {
        const fiat = [...new Set(this.venue.markets().map((m) => m.quote))];
        return this.ok({ data: fiat.map((id) => ({ id, name: id === 'USD' ? 'US Dollar' : id, min_size: '0.01' })) });
      }
      case 'GET /v2/currencies/crypto': {
        const crypto = [...new Set(this.venue.markets().map((m) => m.base))];
        return this.ok({ data: crypto.map((code, i) => ({ asset_id: `0000000${i}-aaaa-4bbb-8ccc-000000000000`, code, name: code, color: '#000000', sort_index: String(i), exponent: 8, type: 'crypto', address_regex: '^.+$' })) });
      }
      case 'GET /v2/exchange-rates': {
        const rates: Record<string, string> = { USD: '1' };
        for (const m of this.venue.markets()) {
          const px = this.lastOrMid(m.id);
          if (m.quote === 'USD' && px > 0) rates[m.base] = dstr(clean(1 / px));
        }
        return this.ok({ data: { currency: 'USD', rates } });
      }
      default:
        throw new CoinbaseHttpError(404, { errors: [{ id: 'not_found', message: `the fake does not serve ${req.method} ${req.path}` }] });
    }
  }

  private lastOrMid(symbol: string): number {
    return this.venue.markPrice(symbol);
  }

  private route(req: HttpRequest, route: string, p: Params, body: Record<string, unknown>): HttpReply {
    const v = this.venue;
    const key = `${req.method} ${route}`;
    let m: RegExpExecArray | null;
    if (key === 'GET time') {
      const t = this.serverTime();
      return this.ok({ iso: iso(t), epochSeconds: String(Math.floor(t / 1000)), epochMillis: String(t) });
    }
    if (key === 'GET products') {
      const type = p.get('product_type');
      // the fake lists spot products only; futures and perpetuals are an empty list
      const list = type !== null && type !== 'SPOT' ? [] : v.markets().map((s) => product(s, v.tape(s.id).at(-1)?.price));
      return this.ok({ products: list, num_products: list.length });
    }
    if ((m = /^GET products\/([^/]+)$/.exec(key)) !== null) return this.ok(product(this.spec(m[1]!), v.tape(m[1]!).at(-1)?.price));
    if ((m = /^GET products\/([^/]+)\/candles$/.exec(key)) !== null) return this.ok({ candles: this.candles(m[1]!, p) });
    if ((m = /^GET products\/([^/]+)\/ticker$/.exec(key)) !== null) return this.ok(this.marketTrades(m[1]!, p));
    if (key === 'GET product_book') {
      const id = must(p, 'product_id');
      return this.ok({ pricebook: this.pricebook(id, p.get('limit') === null ? 250 : Number(p.get('limit'))), last: dstr(this.lastOrMid(id)), mid_market: dstr(this.lastOrMid(id)), spread_bps: '0', spread_absolute: '0' });
    }
    if (key === 'GET best_bid_ask') {
      const ids = multi(p, 'product_ids');
      return this.ok({ pricebooks: (ids.length > 0 ? ids : v.markets().map((s) => s.id)).map((id) => this.pricebook(id, 1)) });
    }
    if (key === 'GET transaction_summary') {
      const s = v.markets()[0]!;
      return this.ok({
        total_volume: 0, total_fees: 0,
        fee_tier: { pricing_tier: 'Advanced 1', usd_from: '0', usd_to: '10000', taker_fee_rate: dstr(s.takerFee), maker_fee_rate: dstr(s.makerFee), aop_from: '', aop_to: '' },
        margin_rate: null, goods_and_services_tax: null, advanced_trade_only_volume: 0, advanced_trade_only_fees: 0, coinbase_pro_volume: 0, coinbase_pro_fees: 0, total_balance: '', has_promo_fee: false,
      });
    }
    if (key === 'GET accounts') return this.ok(this.accounts(p));
    if (key === 'POST orders') return this.createOrder(body);
    if (key === 'POST orders/batch_cancel') return this.batchCancel(body);
    if (key === 'POST orders/edit') return this.editOrder(body);
    if (key === 'GET orders/historical/batch') return this.ok(this.listOrders(p));
    if (key === 'GET orders/historical/fills') return this.ok(this.listFills(p));
    if ((m = /^GET orders\/historical\/([^/]+)$/.exec(key)) !== null) {
      const o = this.orderByUuid(m[1]!);
      if (o === undefined) {
        // the shape ccxt quotes for an unknown order id
        throw new CoinbaseHttpError(404, { error: 'unknown', error_details: 'order with this orderID was not found', message: 'order with this orderID was not found' });
      }
      return this.ok({ order: this.orderPayload(o) });
    }
    throw notFound(`the fake does not serve ${req.method} /api/v3/brokerage/${route}`);
  }

  private spec(id: string): MarketSpec {
    if (!this.venue.hasMarket(id)) throw notFound(`product ${id} not found`);
    return this.venue.market(id);
  }

  private pricebook(id: string, limit: number): Record<string, unknown> {
    this.spec(id);
    const d = this.venue.depth(id, limit);
    const lvl = ([price, size]: [number, number]): Record<string, string> => ({ price: dstr(price), size: dstr(size) });
    return { product_id: id, bids: d.bids.map(lvl), asks: d.asks.map(lvl), time: iso(this.venue.now()) };
  }

  private candles(id: string, p: Params): Array<Record<string, string>> {
    this.spec(id);
    const g = GRANULARITY[must(p, 'granularity')];
    if (g === undefined) throw invalid('granularity is not one of ONE_MINUTE … ONE_DAY');
    const start = Number(must(p, 'start'));
    const end = Number(must(p, 'end'));
    if (!(end > start)) throw invalid('end must be after start');
    if ((end - start) / g > 350) throw invalid('number of candles requested should be less than 350');
    const limit = p.get('limit') === null ? 350 : Number(p.get('limit'));
    return candles(this.venue.tape(id), g, start, end).slice(0, limit);
  }

  private marketTrades(id: string, p: Params): Record<string, unknown> {
    this.spec(id);
    const limit = Number(must(p, 'limit'));
    const start = p.get('start');
    const end = p.get('end');
    let tape = [...this.venue.tape(id)];
    if (start !== null) tape = tape.filter((t) => t.time >= Number(start) * 1000);
    if (end !== null) tape = tape.filter((t) => t.time <= Number(end) * 1000);
    const bid = this.venue.bestBid(id);
    const ask = this.venue.bestAsk(id);
    // newest first; `limit` of the most recent
    return { trades: tape.reverse().slice(0, limit).map(marketTrade), best_bid: bid === undefined ? '' : dstr(bid[0]), best_ask: ask === undefined ? '' : dstr(ask[0]) };
  }

  private accountUuid(asset: string): string {
    let id = this.accountIds.get(asset);
    if (id === undefined) {
      id = `acc00000-0000-4000-8000-${asset.padEnd(12, '0').slice(0, 12).toLowerCase().replace(/[^0-9a-f]/g, '0')}`;
      this.accountIds.set(asset, id);
    }
    return id;
  }

  private accounts(p: Params): Record<string, unknown> {
    const limit = Math.min(Number(p.get('limit') ?? 49), 250);
    const offset = p.get('cursor') === null || p.get('cursor') === '' ? 0 : Number(p.get('cursor'));
    const fiat = new Set(this.venue.markets().map((m) => m.quote));
    const all = [...this.venue.balances.entries()].sort((a, b) => a[0].localeCompare(b[0]));
    const page = all.slice(offset, offset + limit);
    const hasNext = offset + limit < all.length;
    return {
      accounts: page.map(([asset, b]) => ({
        uuid: this.accountUuid(asset),
        name: `${asset} Wallet`,
        currency: asset,
        available_balance: { value: dstr(b.free), currency: asset },
        default: true,
        active: true,
        created_at: '2024-01-01T00:00:00.000Z',
        updated_at: iso(this.venue.now()),
        deleted_at: null,
        type: fiat.has(asset) ? 'ACCOUNT_TYPE_FIAT' : 'ACCOUNT_TYPE_CRYPTO',
        ready: true,
        hold: { value: dstr(b.locked), currency: asset },
        retail_portfolio_id: '8d9e0f1a-fake-portfolio',
        platform: 'ACCOUNT_PLATFORM_CONSUMER',
      })),
      has_next: hasNext,
      cursor: hasNext ? String(offset + limit) : '',
      size: page.length,
    };
  }

  // ---------------------------------------------------------------- orders

  private orderByUuid(uuid: string): Order | undefined {
    const n = orderNumber(uuid);
    if (n === undefined) return undefined;
    for (const s of this.venue.markets()) {
      const o = this.venue.getOrder(s.id, { orderId: n });
      if (o !== undefined) return o;
    }
    return undefined;
  }

  private orderByClientId(cid: string): Order | undefined {
    for (const s of this.venue.markets()) {
      const o = this.venue.getOrder(s.id, { clientOrderId: cid });
      if (o !== undefined) return o;
    }
    return undefined;
  }

  private extra(o: Order): OrderExtra {
    return this.extras.get(o.orderId) ?? { configuration: {}, configKey: '', endTime: undefined, editHistory: [] };
  }

  private orderPayload(o: Order): Record<string, unknown> {
    return order(o, this.extra(o), this.venue.market(o.symbol));
  }

  /** GTD orders whose `end_time` has passed expire (checked on every request). */
  private expireDue(): void {
    const now = this.venue.now();
    for (const o of this.venue.openOrders()) {
      const end = this.extras.get(o.orderId)?.endTime;
      if (end !== undefined && end <= now) this.venue.expireOrder(o.symbol, { orderId: o.orderId });
    }
  }

  private createOrder(body: Record<string, unknown>): HttpReply {
    const cid = body['client_order_id'];
    const productId = body['product_id'];
    const sideRaw = body['side'];
    const config = body['order_configuration'];
    if (typeof cid !== 'string' || cid === '') throw invalid('client_order_id is required');
    if (typeof productId !== 'string') throw invalid('product_id is required');
    if (sideRaw !== 'BUY' && sideRaw !== 'SELL') throw invalid('side must be BUY or SELL');
    if (config === null || typeof config !== 'object' || Object.keys(config).length !== 1) throw invalid('order_configuration must hold exactly one configuration');
    const side: Side = sideRaw === 'BUY' ? 'buy' : 'sell';
    const [configKey, raw] = Object.entries(config as Record<string, Record<string, unknown>>)[0]!;
    const failure = (reason: string, message?: string): HttpReply => {
      const f = CREATE_FAILURE[reason] ?? { error: 'UNKNOWN_FAILURE_REASON', message: message ?? reason, preview: 'UNKNOWN_PREVIEW_FAILURE_REASON' };
      return this.ok({
        success: false,
        failure_reason: 'UNKNOWN_FAILURE_REASON',
        order_id: '',
        error_response: { error: f.error, message: message ?? f.message, error_details: '', preview_failure_reason: f.preview, new_order_failure_reason: f.error },
        order_configuration: config,
      });
    };
    // Coinbase: a client_order_id already used does not create an order; the existing order is returned
    const existing = this.orderByClientId(cid);
    if (existing !== undefined) {
      if (this.faults.takeSwallowAck('POST /api/v3/brokerage/orders')) return { hang: true };
      return this.ok({ success: true, success_response: { order_id: orderUuid(existing.orderId), product_id: existing.symbol, side: sideRaw, client_order_id: cid }, order_configuration: config });
    }
    if (!this.venue.hasMarket(productId)) return failure('unknown_symbol');
    const num = (k: string): number | undefined => {
      const x = raw[k];
      if (x === undefined) return undefined;
      if (typeof x !== 'string' || !/^\d+(\.\d+)?$/.test(x)) throw invalid(`${configKey}.${k} must be a decimal string`);
      return Number(x);
    };
    let request: OrderRequest;
    let endTime: number | undefined;
    switch (configKey) {
      case 'market_market_ioc': {
        const base = num('base_size');
        const quote = num('quote_size');
        if ((base === undefined) === (quote === undefined)) throw invalid('market_market_ioc needs exactly one of base_size and quote_size');
        request = { symbol: productId, side, type: 'market', ...(base !== undefined ? { qty: base } : { quoteQty: quote! }), timeInForce: 'IOC', clientOrderId: cid };
        break;
      }
      case 'limit_limit_gtc':
      case 'limit_limit_gtd':
      case 'limit_limit_fok':
      case 'sor_limit_ioc': {
        const size = num('base_size');
        const price = num('limit_price');
        if (size === undefined || price === undefined) throw invalid(`${configKey} needs base_size and limit_price`);
        if (configKey === 'limit_limit_gtd') {
          const end = raw['end_time'];
          if (typeof end !== 'string' || Number.isNaN(Date.parse(end))) throw invalid('limit_limit_gtd.end_time must be an RFC 3339 time');
          endTime = Date.parse(end);
          if (endTime <= this.venue.now()) return failure('bad_time', 'end_time must be in the future');
        }
        const tif = configKey === 'limit_limit_fok' ? 'FOK' : configKey === 'sor_limit_ioc' ? 'IOC' : 'GTC';
        request = { symbol: productId, side, type: 'limit', qty: size, price, timeInForce: tif, postOnly: raw['post_only'] === true, clientOrderId: cid };
        break;
      }
      default:
        return failure('UNSUPPORTED_ORDER_CONFIGURATION', `the fake does not serve order_configuration ${configKey}`);
    }
    let o: Order;
    try {
      // the configuration is known before the core emits its first order event
      const pending = { configuration: { [configKey]: { ...raw } }, configKey, endTime, editHistory: [] };
      const onNew = ({ order: x }: { order: Order }): void => {
        if (x.clientOrderId === cid && !this.extras.has(x.orderId)) this.extras.set(x.orderId, pending);
      };
      this.venue.prependListener('order', onNew);
      try {
        o = this.venue.placeOrder(request);
      } finally {
        this.venue.off('order', onNew);
      }
    } catch (e) {
      if (e instanceof VenueRejectError) return failure(e.reason);
      throw e;
    }
    if (this.faults.takeSwallowAck('POST /api/v3/brokerage/orders')) return { hang: true };
    return this.ok({
      success: true,
      success_response: { order_id: orderUuid(o.orderId), product_id: productId, side: sideRaw, client_order_id: cid },
      order_configuration: config,
    });
  }

  private batchCancel(body: Record<string, unknown>): HttpReply {
    const ids = body['order_ids'];
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100) throw invalid('order_ids must list 1 to 100 order ids');
    const results = ids.map((id: unknown) => {
      const o = typeof id === 'string' ? this.orderByUuid(id) : undefined;
      if (o === undefined) return { success: false, failure_reason: 'UNKNOWN_CANCEL_ORDER', order_id: String(id) };
      try {
        this.venue.cancelOrder(o.symbol, { orderId: o.orderId });
        return { success: true, failure_reason: 'UNKNOWN_CANCEL_FAILURE_REASON', order_id: String(id) };
      } catch (e) {
        if (e instanceof VenueRejectError) return { success: false, failure_reason: 'INVALID_CANCEL_REQUEST', order_id: String(id) };
        throw e;
      }
    });
    return this.ok({ results });
  }

  private editOrder(body: Record<string, unknown>): HttpReply {
    const fail = (reason: string): HttpReply => ({ status: 400, body: { success: false, errors: [{ edit_failure_reason: reason, preview_failure_reason: 'UNKNOWN_PREVIEW_FAILURE_REASON' }] } });
    const id = body['order_id'];
    const o = typeof id === 'string' ? this.orderByUuid(id) : undefined;
    if (o === undefined) return fail('ORDER_NOT_FOUND');
    const extra = this.extra(o);
    // Coinbase edits limit orders good till cancelled only
    if (extra.configKey !== 'limit_limit_gtc') return fail('INVALID_ORDER_TYPE');
    const cfg = extra.configuration[extra.configKey]!;
    const price = body['price'] === undefined ? Number(cfg['limit_price']) : Number(body['price']);
    const size = body['size'] === undefined ? o.origQty : Number(body['size']);
    if (!(price > 0) || !(size > 0)) return fail('INVALID_EDITED_SIZE');
    // The configuration changes first: the core publishes the edited order (the user channel) as it modifies it.
    const before = { limit_price: cfg['limit_price'], base_size: cfg['base_size'] };
    cfg['limit_price'] = dstr(price);
    cfg['base_size'] = dstr(size);
    try {
      this.venue.modifyOrder(o.symbol, { orderId: o.orderId }, { price, qty: size });
    } catch (e) {
      Object.assign(cfg, before);
      if (!(e instanceof VenueRejectError)) throw e;
      return fail(e.reason === 'unknown_order' ? 'ORDER_NOT_FOUND' : e.reason === 'post_only_would_cross' ? 'INVALID_EDITED_LIMIT_PRICE_POST_ONLY' : 'INVALID_EDITED_SIZE');
    }
    extra.editHistory.push({ price: dstr(price), size: dstr(size), replace_accept_timestamp: iso(this.venue.now()) });
    return this.ok({ success: true, errors: [] });
  }

  /** "List Orders": filters, newest first, cursor pagination. */
  private listOrders(p: Params): Record<string, unknown> {
    const statuses = multi(p, 'order_status');
    if (statuses.includes('OPEN') && statuses.length > 1) throw invalid('OPEN cannot be combined with other order statuses');
    const products = [...multi(p, 'product_ids'), ...multi(p, 'product_id')];
    const ids = multi(p, 'order_ids');
    const side = p.get('order_side');
    const start = p.get('start_date');
    const end = p.get('end_date');
    let list = this.venue.markets().flatMap((s) => this.venue.allOrders(s.id));
    list = list.filter((o) => {
      const status = String(this.orderPayload(o)['status']);
      if (statuses.length > 0 && !statuses.includes(status)) return false;
      if (products.length > 0 && !products.includes(o.symbol)) return false;
      if (ids.length > 0 && !ids.includes(orderUuid(o.orderId))) return false;
      if (side !== null && side !== (o.side === 'buy' ? 'BUY' : 'SELL')) return false;
      if (start !== null && o.time < Date.parse(start)) return false;
      if (end !== null && o.time > Date.parse(end)) return false;
      return true;
    });
    list.sort((a, b) => b.time - a.time || b.orderId - a.orderId);
    return this.page(list.map((o) => this.orderPayload(o)), p, 'orders', 1000);
  }

  /** "List Fills": filters, newest first, cursor pagination. */
  private listFills(p: Params): Record<string, unknown> {
    const products = [...multi(p, 'product_ids'), ...multi(p, 'product_id')];
    const ids = [...multi(p, 'order_ids'), ...multi(p, 'order_id')];
    const tradeIds = multi(p, 'trade_ids');
    const start = p.get('start_sequence_timestamp');
    const end = p.get('end_sequence_timestamp');
    const orders = new Map(this.venue.markets().flatMap((s) => this.venue.allOrders(s.id)).map((o) => [o.orderId, o]));
    const list = this.venue
      .fills()
      .filter((f) => {
        if (products.length > 0 && !products.includes(f.symbol)) return false;
        if (ids.length > 0 && !ids.includes(orderUuid(f.orderId))) return false;
        if (tradeIds.length > 0 && !tradeIds.includes(String(f.tradeId))) return false;
        if (start !== null && f.time < Date.parse(start)) return false;
        if (end !== null && f.time > Date.parse(end)) return false;
        return true;
      })
      .sort((a, b) => b.time - a.time || b.tradeId - a.tradeId)
      .map((f) => fill(f, orders.get(f.orderId)!));
    return this.page(list, p, 'fills', 1000);
  }

  /** One page of a newest-first list: `limit` items from the opaque `cursor`. */
  private page(list: Array<Record<string, unknown>>, p: Params, key: string, maxLimit: number): Record<string, unknown> {
    const limit = p.get('limit') === null ? maxLimit : Number(p.get('limit'));
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) throw invalid(`limit must be 1..${maxLimit}`);
    const cursor = p.get('cursor');
    const offset = cursor === null || cursor === '' ? 0 : Number(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) throw invalid('cursor is not valid');
    const items = list.slice(offset, offset + limit);
    const more = offset + limit < list.length;
    return { [key]: items, has_next: more, cursor: more ? Buffer.from(String(offset + limit)).toString('base64url') : '', ...(key === 'orders' ? { sequence: '0' } : {}) };
  }

  // ================================================================ WebSocket

  private subs(s: FakeSocket): Map<string, Set<string>> {
    let m = s.state.get('subs') as Map<string, Set<string>> | undefined;
    if (m === undefined) {
      m = new Map();
      s.state.set('subs', m);
    }
    return m;
  }

  /** Sends one channel message with the connection's next `sequence_num`. */
  private push(s: FakeSocket, channel: string, events: unknown[]): void {
    const seq = (s.state.get('seq') as number | undefined) ?? 0;
    s.state.set('seq', seq + 1);
    s.send({ channel, client_id: '', timestamp: iso(this.venue.now()), sequence_num: seq, events });
  }

  private onSocket(s: FakeSocket): boolean {
    if (s.path !== '/' && s.path !== '') return false;
    s.ws.on('message', (raw) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(String(raw)) as Record<string, unknown>;
      } catch {
        s.send({ type: 'error', message: 'failure to parse message' });
        return;
      }
      this.onWsMessage(s, msg);
    });
    s.ws.on('close', () => clearInterval(s.state.get('heartbeat') as NodeJS.Timeout | undefined));
    return true;
  }

  private onWsMessage(s: FakeSocket, msg: Record<string, unknown>): void {
    const type = msg['type'];
    const channel = msg['channel'];
    const products = Array.isArray(msg['product_ids']) ? (msg['product_ids'] as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    if ((type !== 'subscribe' && type !== 'unsubscribe') || typeof channel !== 'string') {
      s.send({ type: 'error', message: 'message must be a subscribe or unsubscribe with a channel' });
      return;
    }
    const known = ['level2', 'market_trades', 'ticker', 'ticker_batch', 'candles', 'heartbeats', 'user', 'status'];
    if (!known.includes(channel)) {
      s.send({ type: 'error', message: `channel ${channel} is not supported` });
      return;
    }
    for (const id of products) {
      if (!this.venue.hasMarket(id)) {
        s.send({ type: 'error', message: `product ${id} is not valid` });
        return;
      }
    }
    if (channel === 'user' || typeof msg['jwt'] === 'string') {
      try {
        if (typeof msg['jwt'] !== 'string') throw new JwtError('the user channel needs a jwt');
        verifyCdpJwt(msg['jwt'], this.key, this.serverTime() / 1000);
      } catch (e) {
        if (!(e instanceof JwtError)) throw e;
        this.lastAuthError = e.message;
        s.send({ type: 'error', message: 'authentication failure' });
        return;
      }
    }
    if (channel !== 'user' && channel !== 'heartbeats' && products.length === 0) {
      s.send({ type: 'error', message: 'product_ids is required for this channel' });
      return;
    }
    const subs = this.subs(s);
    const set = subs.get(channel) ?? new Set<string>();
    const targets = products.length === 0 ? ['*'] : products;
    if (type === 'unsubscribe') {
      for (const id of targets) set.delete(id);
      if (set.size === 0) subs.delete(channel);
      if (channel === 'heartbeats' && !subs.has('heartbeats')) clearInterval(s.state.get('heartbeat') as NodeJS.Timeout | undefined);
      this.pushSubscriptions(s);
      return;
    }
    for (const id of targets) set.add(id);
    subs.set(channel, set);
    this.pushSubscriptions(s);
    this.snapshot(s, channel, targets);
  }

  private pushSubscriptions(s: FakeSocket): void {
    const out: Record<string, string[]> = {};
    for (const [channel, ids] of this.subs(s)) out[channel] = [...ids].filter((x) => x !== '*');
    this.push(s, 'subscriptions', [{ subscriptions: out }]);
  }

  /** What a fresh subscription gets first: the channel's snapshot. */
  private snapshot(s: FakeSocket, channel: string, targets: string[]): void {
    const ids = targets.includes('*') ? this.venue.markets().map((m) => m.id) : targets;
    const now = iso(this.venue.now());
    switch (channel) {
      case 'level2':
        for (const id of ids) {
          const d = this.venue.depth(id, Number.MAX_SAFE_INTEGER);
          const updates = [
            ...d.bids.map(([p, q]) => ({ side: 'bid', event_time: now, price_level: dstr(p), new_quantity: dstr(q) })),
            ...d.asks.map(([p, q]) => ({ side: 'offer', event_time: now, price_level: dstr(p), new_quantity: dstr(q) })),
          ];
          this.push(s, 'l2_data', [{ type: 'snapshot', product_id: id, updates }]);
        }
        break;
      case 'market_trades':
        for (const id of ids) this.push(s, 'market_trades', [{ type: 'snapshot', trades: [...this.venue.tape(id)].reverse().slice(0, 50).map(marketTrade) }]);
        break;
      case 'ticker':
      case 'ticker_batch':
        this.push(s, channel, [{ type: 'snapshot', tickers: ids.map((id) => this.ticker(id)) }]);
        break;
      case 'candles':
        for (const id of ids) this.push(s, 'candles', [{ type: 'snapshot', candles: this.candleNow(id) }]);
        break;
      case 'user':
        this.push(s, 'user', [{ type: 'snapshot', orders: this.venue.openOrders().filter((o) => targets.includes('*') || targets.includes(o.symbol)).map((o) => userOrder(o, this.extra(o), this.venue.market(o.symbol))) }]);
        break;
      case 'heartbeats': {
        clearInterval(s.state.get('heartbeat') as NodeJS.Timeout | undefined);
        let counter = 0;
        const beat = (): void => {
          if (!s.open) return;
          const t = new Date(this.venue.now());
          this.push(s, 'heartbeats', [{ current_time: `${t.toISOString().replace('T', ' ').replace('Z', '')} +0000 UTC`, heartbeat_counter: String(++counter) }]);
        };
        beat();
        const timer = setInterval(beat, this.heartbeatMs);
        timer.unref();
        s.state.set('heartbeat', timer);
        break;
      }
    }
  }

  private ticker(id: string): Record<string, string> {
    const tape = this.venue.tape(id);
    const day = tape.filter((t) => t.time >= this.venue.now() - 86_400_000);
    const bid = this.venue.bestBid(id);
    const ask = this.venue.bestAsk(id);
    const last = tape.at(-1)?.price;
    return {
      type: 'ticker',
      product_id: id,
      price: last === undefined ? '' : dstr(last),
      volume_24_h: dstr(day.reduce((s, t) => s + t.qty, 0)),
      low_24_h: day.length === 0 ? '' : dstr(Math.min(...day.map((t) => t.price))),
      high_24_h: day.length === 0 ? '' : dstr(Math.max(...day.map((t) => t.price))),
      low_52_w: '',
      high_52_w: '',
      price_percent_chg_24_h: day.length === 0 ? '0' : dstr(clean(((day.at(-1)!.price - day[0]!.price) / day[0]!.price) * 100)),
      best_bid: bid === undefined ? '' : dstr(bid[0]),
      best_bid_quantity: bid === undefined ? '' : dstr(bid[1]),
      best_ask: ask === undefined ? '' : dstr(ask[0]),
      best_ask_quantity: ask === undefined ? '' : dstr(ask[1]),
    };
  }

  /** The `candles` channel's current five-minute candle (Coinbase streams 5-minute candles). */
  private candleNow(id: string): Array<Record<string, string>> {
    const start = Math.floor(this.venue.now() / 1000 / 300) * 300;
    return candles(this.venue.tape(id), 300, start, start + 300).map((c) => ({ ...c, product_id: id }));
  }

  private wireStreams(): void {
    const v = this.venue;
    let lastTop = new Map<string, string>();
    v.on('book', (d) => {
      const now = iso(d.time);
      const updates = [
        ...d.bids.map(([p, q]) => ({ side: 'bid', event_time: now, price_level: dstr(p), new_quantity: dstr(q) })),
        ...d.asks.map(([p, q]) => ({ side: 'offer', event_time: now, price_level: dstr(p), new_quantity: dstr(q) })),
      ];
      for (const s of this.subscribers('level2', d.symbol)) this.push(s, 'l2_data', [{ type: 'update', product_id: d.symbol, updates }]);
      const t = this.ticker(d.symbol);
      const top = `${t['best_bid']}/${t['best_bid_quantity']}/${t['best_ask']}/${t['best_ask_quantity']}`;
      if (lastTop.get(d.symbol) !== top) {
        lastTop = new Map(lastTop).set(d.symbol, top);
        for (const s of this.subscribers('ticker', d.symbol)) this.push(s, 'ticker', [{ type: 'update', tickers: [t] }]);
      }
    });
    v.on('trade', (t) => {
      for (const s of this.subscribers('market_trades', t.symbol)) this.push(s, 'market_trades', [{ type: 'update', trades: [marketTrade(t)] }]);
      for (const s of this.subscribers('ticker', t.symbol)) this.push(s, 'ticker', [{ type: 'update', tickers: [this.ticker(t.symbol)] }]);
      for (const s of this.subscribers('candles', t.symbol)) this.push(s, 'candles', [{ type: 'update', candles: this.candleNow(t.symbol) }]);
    });
    v.on('order', ({ order: o }) => {
      const payload = userOrder(o, this.extra(o), v.market(o.symbol));
      for (const s of this.subscribers('user', o.symbol)) this.push(s, 'user', [{ type: 'update', orders: [payload] }]);
    });
  }
}

function must(p: Params, name: string): string {
  const v = p.get(name);
  if (v === null || v === '') throw invalid(`${name} is required`);
  return v;
}

/** A fresh client order id as Coinbase's SDKs make them. */
export const newClientOrderId = (): string => randomUUID();

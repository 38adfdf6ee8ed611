/**
 * FakeVenue: the venue-neutral core of the test tree's fake exchanges. It holds one order book per
 * market, scripted by the test (resting levels of other participants, then prints that walk the book),
 * and one account whose orders are matched against it with price-time priority: limit and market
 * orders, post-only rejection when an order would cross, reduce-only for futures, GTC/IOC/FOK, partial
 * and full fills with trade ids and commissions, spot balances with locked amounts, and one-way futures
 * positions (entry price, unrealized P&L, leverage, margin type, funding on a schedule the test drives).
 *
 * Matching rules (documented because tests depend on them):
 * - an incoming account order takes scripted liquidity only, best price first; the account never
 *   trades with itself (its own resting orders are skipped);
 * - a scripted print (`trade`) walks the hit side from the best price to its limit; at one price the
 *   scripted quantity of the level is ahead of the account's orders, which queue by arrival;
 * - every public call that changes the book emits one `BookDelta` with a fresh update id.
 */
import { EventEmitter } from 'node:events';
import type {
  Balance,
  BookDelta,
  Fill,
  IncomeEntry,
  MarginType,
  MarketSpec,
  Order,
  OrderRequest,
  Position,
  PublicTrade,
  RejectReason,
  Side,
} from './types';

/** An order or cancel the venue refused, with a venue-neutral reason the venue layer maps to its code. */
export class VenueRejectError extends Error {
  override readonly name = 'VenueRejectError';
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
  }
}

/** What happened to an order in one `order` event. */
export type ExecType = 'new' | 'trade' | 'canceled' | 'expired' | 'amended';

/** Events of the venue; a venue layer turns them into its stream messages. */
export interface VenueEvents {
  book: [BookDelta];
  trade: [PublicTrade];
  order: [{ order: Order; fill: Fill | undefined; exec: ExecType }];
  balance: [{ assets: string[]; time: number }];
  position: [{ symbol: string; reason: 'ORDER' | 'FUNDING_FEE' | 'MARGIN_TYPE_CHANGE'; time: number }];
  funding: [IncomeEntry];
}

export interface FakeVenueConfig {
  readonly markets: readonly MarketSpec[];
  /** Spot balances, asset → free amount. */
  readonly balances?: Readonly<Record<string, number>>;
  /** Futures wallet (margin asset → amount), e.g. `{ USDT: 10_000 }`. */
  readonly futuresWallet?: Readonly<Record<string, number>>;
  /** Default leverage of a futures market (Binance's default is 20). */
  readonly defaultLeverage?: number;
  /**
   * Which asset a spot fill's commission is charged in: `received` (the asset the fill brings in: base
   * on a buy, quote on a sell, as Binance does; the default) or `quote` (always the quote asset, as
   * Coinbase does: a buy pays price × size plus the fee).
   */
  readonly spotFeeAsset?: 'received' | 'quote';
  /**
   * What a post-only order that would take does: `reject` refuses the request (Binance's LIMIT_MAKER:
   * error -2010; the default) or `cancel` accepts it and cancels it at once, before it rests or trades
   * (Bybit v5: the create call succeeds and the order is `Cancelled` with `rejectReason`
   * `EC_PostOnlyWillTakeLiquidity`). A cancelled one carries `cancelReason: 'post_only_would_cross'`.
   */
  readonly postOnlyWouldCross?: 'reject' | 'cancel';
}

interface Book {
  readonly spec: MarketSpec;
  readonly bids: Map<number, number>;
  readonly asks: Map<number, number>;
  updateId: number;
  prevUpdateId: number;
  readonly touchedBids: Set<number>;
  readonly touchedAsks: Set<number>;
  readonly tape: PublicTrade[];
  markPrice: number | undefined;
}

const EPS = 1e-12;
/** Rounds away binary noise (0.1 + 0.2) so payloads print the decimal a test expects. */
export const clean = (x: number): number => Number(x.toFixed(10));

const sign = (s: Side): 1 | -1 => (s === 'buy' ? 1 : -1);

const isMultiple = (value: number, step: number): boolean => {
  const n = value / step;
  return Math.abs(n - Math.round(n)) < 1e-8;
};

/**
 * The venue-neutral fake exchange core.
 *
 * @example
 * ```ts
 * const v = new FakeVenue({ markets: [spec], balances: { USDT: 1000 } });
 * v.setBook('BTCUSDT', { bids: [[99, 1]], asks: [[101, 1]] });
 * const o = v.placeOrder({ symbol: 'BTCUSDT', side: 'buy', type: 'limit', qty: 0.5, price: 101, clientOrderId: 'a' });
 * // o.status === 'filled'
 * ```
 */
export class FakeVenue extends EventEmitter<VenueEvents> {
  private readonly books = new Map<string, Book>();
  private readonly orders = new Map<number, Order>();
  private readonly byClientId = new Map<string, Order>();
  readonly balances = new Map<string, Balance>();
  readonly positions = new Map<string, Position>();
  readonly wallet = new Map<string, number>();
  readonly income: IncomeEntry[] = [];
  private readonly allFills: Fill[] = [];
  private nextOrderId = 1000;
  private nextTradeId = 5000;
  private nextSeq = 1;
  private nextTranId = 9000;
  private manualTime: number | undefined;
  private readonly defaultLeverage: number;
  private readonly spotFeeAsset: 'received' | 'quote';
  private readonly postOnlyWouldCross: 'reject' | 'cancel';

  constructor(config: FakeVenueConfig) {
    super();
    this.defaultLeverage = config.defaultLeverage ?? 20;
    this.spotFeeAsset = config.spotFeeAsset ?? 'received';
    this.postOnlyWouldCross = config.postOnlyWouldCross ?? 'reject';
    for (const spec of config.markets) {
      this.books.set(spec.id, {
        spec,
        bids: new Map(),
        asks: new Map(),
        updateId: 100,
        prevUpdateId: 99,
        touchedBids: new Set(),
        touchedAsks: new Set(),
        tape: [],
        markPrice: undefined,
      });
    }
    for (const [asset, free] of Object.entries(config.balances ?? {})) this.balances.set(asset, { free, locked: 0 });
    for (const [asset, amount] of Object.entries(config.futuresWallet ?? {})) this.wallet.set(asset, amount);
  }

  // ---------------------------------------------------------------- clock

  /** The venue's clock: wall time unless the test pinned it with `setTime`. */
  now(): number {
    return this.manualTime ?? Date.now();
  }

  /** Pins the venue clock (market-data timestamps, order times); `undefined` returns to wall time. */
  setTime(ms: number | undefined): void {
    this.manualTime = ms;
  }

  /** Moves a pinned clock forward. */
  advance(ms: number): void {
    if (this.manualTime === undefined) throw new Error('advance: the clock is not pinned; call setTime first');
    this.manualTime += ms;
  }

  // ---------------------------------------------------------------- markets and book

  markets(): MarketSpec[] {
    return [...this.books.values()].map((b) => b.spec);
  }

  market(symbol: string): MarketSpec {
    return this.book(symbol).spec;
  }

  hasMarket(symbol: string): boolean {
    return this.books.has(symbol);
  }

  private book(symbol: string): Book {
    const b = this.books.get(symbol);
    if (b === undefined) throw new VenueRejectError('unknown_symbol', `unknown symbol ${symbol}`);
    return b;
  }

  /** Replaces the scripted levels of a market (the account's resting orders stay). */
  setBook(symbol: string, levels: { bids?: ReadonlyArray<readonly [number, number]>; asks?: ReadonlyArray<readonly [number, number]> }): void {
    const b = this.book(symbol);
    if (levels.bids !== undefined) {
      for (const p of b.bids.keys()) b.touchedBids.add(p);
      b.bids.clear();
      for (const [p, q] of levels.bids) if (q > 0) (b.bids.set(p, q), b.touchedBids.add(p));
    }
    if (levels.asks !== undefined) {
      for (const p of b.asks.keys()) b.touchedAsks.add(p);
      b.asks.clear();
      for (const [p, q] of levels.asks) if (q > 0) (b.asks.set(p, q), b.touchedAsks.add(p));
    }
    this.flush(b);
  }

  /** Sets the scripted quantity at one price (0 removes the level). */
  setLevel(symbol: string, side: 'bid' | 'ask', price: number, qty: number): void {
    const b = this.book(symbol);
    const m = side === 'bid' ? b.bids : b.asks;
    if (qty > 0) m.set(price, qty);
    else m.delete(price);
    (side === 'bid' ? b.touchedBids : b.touchedAsks).add(price);
    this.flush(b);
  }

  /** Current update id of a market's book (the id of the last emitted delta). */
  updateId(symbol: string): number {
    return this.book(symbol).updateId;
  }

  /** Aggregated depth (scripted levels plus the account's resting orders), best first. */
  depth(symbol: string, limit = 100): { lastUpdateId: number; bids: Array<[number, number]>; asks: Array<[number, number]> } {
    const b = this.book(symbol);
    const agg = (side: 'buy' | 'sell'): Array<[number, number]> => {
      const m = new Map(side === 'buy' ? b.bids : b.asks);
      for (const o of this.resting(symbol, side)) m.set(o.price, clean((m.get(o.price) ?? 0) + o.origQty - o.executedQty));
      const levels = [...m.entries()].filter(([, q]) => q > EPS);
      levels.sort((x, y) => (side === 'buy' ? y[0] - x[0] : x[0] - y[0]));
      return levels.slice(0, limit);
    };
    return { lastUpdateId: b.updateId, bids: agg('buy'), asks: agg('sell') };
  }

  bestBid(symbol: string): [number, number] | undefined {
    return this.depth(symbol, 1).bids[0];
  }

  bestAsk(symbol: string): [number, number] | undefined {
    return this.depth(symbol, 1).asks[0];
  }

  /** The public tape of a market, oldest first. */
  tape(symbol: string): readonly PublicTrade[] {
    return this.book(symbol).tape;
  }

  /** Sets the mark price of a futures market (default: last print, else mid of the book). */
  setMarkPrice(symbol: string, price: number | undefined): void {
    this.book(symbol).markPrice = price;
    if (this.positions.has(symbol)) this.emit('position', { symbol, reason: 'ORDER', time: this.now() });
  }

  markPrice(symbol: string): number {
    const b = this.book(symbol);
    if (b.markPrice !== undefined) return b.markPrice;
    const last = b.tape.at(-1);
    if (last !== undefined) return last.price;
    const bid = this.bestBid(symbol)?.[0];
    const ask = this.bestAsk(symbol)?.[0];
    if (bid !== undefined && ask !== undefined) return clean((bid + ask) / 2);
    return bid ?? ask ?? 0;
  }

  /**
   * A print of another participant: an aggressor on `side` walks the opposite side of the book from its
   * best price down (or up) to `price`, taking scripted quantity first and then the account's resting
   * orders at each price. Quantity left over prints at `price` against hidden liquidity.
   */
  trade(symbol: string, t: { side: Side; price: number; qty: number; time?: number }): PublicTrade[] {
    const b = this.book(symbol);
    const time = t.time ?? this.now();
    const hitSide: Side = t.side === 'buy' ? 'sell' : 'buy';
    const scripted = hitSide === 'buy' ? b.bids : b.asks;
    const touched = hitSide === 'buy' ? b.touchedBids : b.touchedAsks;
    const prints: PublicTrade[] = [];
    let left = t.qty;
    const prices = new Set<number>([...scripted.keys(), ...this.resting(symbol, hitSide).map((o) => o.price)]);
    const ordered = [...prices]
      .filter((p) => (hitSide === 'buy' ? p >= t.price : p <= t.price))
      .sort((x, y) => (hitSide === 'buy' ? y - x : x - y));
    const print = (price: number, qty: number): void => {
      const pt: PublicTrade = { id: this.nextTradeId++, symbol, price, qty: clean(qty), aggressor: t.side, time };
      b.tape.push(pt);
      prints.push(pt);
    };
    for (const p of ordered) {
      if (left <= EPS) break;
      const sq = scripted.get(p) ?? 0;
      if (sq > EPS) {
        const take = Math.min(sq, left);
        left = clean(left - take);
        const rest = clean(sq - take);
        if (rest > EPS) scripted.set(p, rest);
        else scripted.delete(p);
        touched.add(p);
        print(p, take);
      }
      for (const o of this.resting(symbol, hitSide).filter((x) => x.price === p)) {
        if (left <= EPS) break;
        const take = Math.min(o.origQty - o.executedQty, left);
        left = clean(left - take);
        touched.add(p);
        print(p, take);
        this.fill(o, p, take, true, time);
      }
    }
    if (left > EPS) print(t.price, left);
    this.flush(b);
    for (const pt of prints) this.emit('trade', pt);
    return prints;
  }

  // ---------------------------------------------------------------- orders

  /** The account's resting orders on one side, in price-time priority. */
  private resting(symbol: string, side: Side): Order[] {
    const list = [...this.orders.values()].filter(
      (o) => o.symbol === symbol && o.side === side && (o.status === 'new' || o.status === 'partially_filled'),
    );
    list.sort((x, y) => (x.price === y.price ? x.seq - y.seq : side === 'buy' ? y.price - x.price : x.price - y.price));
    return list;
  }

  /**
   * Places an account order: validates it, matches it against scripted liquidity, and rests, expires
   * or completes it. Throws `VenueRejectError` when the venue refuses it (nothing changes then).
   */
  placeOrder(req: OrderRequest): Order {
    const b = this.book(req.symbol);
    const spec = b.spec;
    const time = this.now();
    if (this.byClientId.has(req.clientOrderId) && this.isOpen(this.byClientId.get(req.clientOrderId)!)) {
      throw new VenueRejectError('duplicate_client_order_id', `duplicate client order id ${req.clientOrderId}`);
    }
    const opposite = req.side === 'buy' ? this.depthSide(req.symbol, 'sell') : this.depthSide(req.symbol, 'buy');
    const crosses = (p: number): boolean => (req.side === 'buy' ? (req.price ?? Infinity) >= p : (req.price ?? 0) <= p);
    // quantity
    let qty = req.qty;
    if (qty === undefined && req.quoteQty !== undefined) {
      if (req.type !== 'market') throw new VenueRejectError('bad_quantity', 'quoteOrderQty is for market orders only');
      qty = this.qtyForQuote(opposite, req.quoteQty, spec.stepSize);
      if (qty <= 0) throw new VenueRejectError('no_liquidity', 'no liquidity for the quote amount');
    }
    if (qty === undefined || !(qty > 0)) throw new VenueRejectError('bad_quantity', 'quantity must be positive');
    if (!isMultiple(qty, spec.stepSize) || qty < spec.minQty - EPS || qty > spec.maxQty + EPS) {
      throw new VenueRejectError('bad_quantity', `quantity ${qty} breaks the lot size filter`);
    }
    if (req.type === 'limit') {
      if (req.price === undefined || !(req.price > 0)) throw new VenueRejectError('bad_price', 'a limit order needs a positive price');
      if (!isMultiple(req.price, spec.tickSize)) throw new VenueRejectError('bad_price', `price ${req.price} breaks the price filter`);
    }
    const refPrice = req.price ?? opposite[0]?.[0] ?? this.markPrice(req.symbol);
    if (refPrice * qty < spec.minNotional - EPS) throw new VenueRejectError('min_notional', `notional ${refPrice * qty} below ${spec.minNotional}`);
    const postOnlyCrosses = req.postOnly === true && opposite.length > 0 && crosses(opposite[0]![0]);
    if (postOnlyCrosses && this.postOnlyWouldCross === 'reject') {
      throw new VenueRejectError('post_only_would_cross', 'the post-only order would immediately match and take');
    }
    if (req.type === 'market' && opposite.length === 0) throw new VenueRejectError('no_liquidity', 'no liquidity for a market order');
    // reduce-only
    if (req.reduceOnly) {
      if (spec.kind !== 'linear') throw new VenueRejectError('reduce_only_rejected', 'reduce-only is for futures');
      const pos = this.positions.get(req.symbol)?.qty ?? 0;
      if (pos === 0 || Math.sign(pos) === sign(req.side)) {
        throw new VenueRejectError('reduce_only_rejected', 'the reduce-only order would not reduce the position');
      }
      qty = Math.min(qty, Math.abs(pos));
    }
    // available funds
    const fillable = this.walk(opposite, qty, req.type === 'limit' ? req.price : undefined);
    if (spec.kind === 'spot') {
      if (req.side === 'buy') {
        const need = req.type === 'limit' ? req.price! * qty : fillable.cost;
        if (this.bal(spec.quote).free < need - EPS) throw new VenueRejectError('insufficient_balance', `insufficient ${spec.quote} balance`);
      } else if (this.bal(spec.base).free < qty - EPS) {
        throw new VenueRejectError('insufficient_balance', `insufficient ${spec.base} balance`);
      }
    } else if (!req.reduceOnly) {
      const pos = this.positions.get(req.symbol)?.qty ?? 0;
      const increasing = Math.sign(pos) === sign(req.side) || pos === 0 ? qty : Math.max(0, qty - Math.abs(pos));
      const lev = this.position(req.symbol).leverage;
      const need = (increasing * refPrice) / lev;
      if (this.availableBalance(spec.quote) < need - EPS) throw new VenueRejectError('insufficient_balance', 'margin is insufficient');
    }

    const order: Order = {
      orderId: this.nextOrderId++,
      clientOrderId: req.clientOrderId,
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      price: req.price ?? 0,
      origQty: qty,
      quoteQty: req.quoteQty,
      timeInForce: req.timeInForce ?? 'GTC',
      postOnly: req.postOnly ?? false,
      reduceOnly: req.reduceOnly ?? false,
      status: 'new',
      executedQty: 0,
      cumQuote: 0,
      time,
      updateTime: time,
      seq: this.nextSeq++,
      fills: [],
      locked: 0,
    };
    this.orders.set(order.orderId, order);
    this.byClientId.set(order.clientOrderId, order);
    if (postOnlyCrosses) {
      // Accepted, then cancelled by the matching engine before it rests: no lock, no fill, one update.
      order.status = 'canceled';
      order.cancelReason = 'post_only_would_cross';
      this.emit('order', { order, fill: undefined, exec: 'canceled' });
      return order;
    }
    if (spec.kind === 'spot' && req.type === 'limit') {
      const asset = req.side === 'buy' ? spec.quote : spec.base;
      const amount = req.side === 'buy' ? req.price! * qty : qty;
      const bal = this.bal(asset);
      bal.free = clean(bal.free - amount);
      bal.locked = clean(bal.locked + amount);
      order.locked = amount;
    }
    if (order.timeInForce === 'FOK' && fillable.qty < qty - EPS) {
      order.status = 'expired';
      this.releaseLock(order);
      this.emit('order', { order, fill: undefined, exec: 'expired' });
      this.emitBalance(spec, time);
      return order;
    }
    this.emit('order', { order, fill: undefined, exec: 'new' });
    // take scripted liquidity
    const scripted = req.side === 'buy' ? b.asks : b.bids;
    const touched = req.side === 'buy' ? b.touchedAsks : b.touchedBids;
    const levels = [...scripted.entries()].sort((x, y) => (req.side === 'buy' ? x[0] - y[0] : y[0] - x[0]));
    const prints: PublicTrade[] = [];
    for (const [p, q] of levels) {
      const left = clean(order.origQty - order.executedQty);
      if (left <= EPS) break;
      if (req.type === 'limit' && !crosses(p)) break;
      const take = Math.min(q, left);
      const rest = clean(q - take);
      if (rest > EPS) scripted.set(p, rest);
      else scripted.delete(p);
      touched.add(p);
      const pt: PublicTrade = { id: this.nextTradeId, symbol: req.symbol, price: p, qty: clean(take), aggressor: req.side, time };
      b.tape.push(pt);
      prints.push(pt);
      this.fill(order, p, take, false, time);
    }
    const left = clean(order.origQty - order.executedQty);
    if (left > EPS) {
      if (req.type === 'market' || order.timeInForce !== 'GTC') {
        order.status = 'expired';
        order.updateTime = time;
        this.releaseLock(order);
        this.emit('order', { order, fill: undefined, exec: 'expired' });
      } else {
        (req.side === 'buy' ? b.touchedBids : b.touchedAsks).add(order.price);
      }
    }
    this.flush(b);
    for (const pt of prints) this.emit('trade', pt);
    this.emitBalance(spec, time);
    return order;
  }

  private depthSide(symbol: string, side: Side): Array<[number, number]> {
    const b = this.book(symbol);
    const m = side === 'buy' ? b.bids : b.asks;
    return [...m.entries()].sort((x, y) => (side === 'buy' ? y[0] - x[0] : x[0] - y[0]));
  }

  private walk(levels: Array<[number, number]>, qty: number, limit: number | undefined): { qty: number; cost: number } {
    let got = 0;
    let cost = 0;
    const buying = levels.length > 1 ? levels[0]![0] < levels[1]![0] : true;
    for (const [p, q] of levels) {
      if (limit !== undefined && (buying ? p > limit : p < limit)) break;
      const take = Math.min(q, qty - got);
      got += take;
      cost += take * p;
      if (got >= qty - EPS) break;
    }
    return { qty: clean(got), cost: clean(cost) };
  }

  private qtyForQuote(levels: Array<[number, number]>, quote: number, step: number): number {
    let got = 0;
    let left = quote;
    for (const [p, q] of levels) {
      const take = Math.min(q, left / p);
      got += take;
      left -= take * p;
      if (left <= EPS) break;
    }
    return clean(Math.floor(clean(got / step)) * step);
  }

  private isOpen(o: Order): boolean {
    return o.status === 'new' || o.status === 'partially_filled';
  }

  private bal(asset: string): Balance {
    let b = this.balances.get(asset);
    if (b === undefined) {
      b = { free: 0, locked: 0 };
      this.balances.set(asset, b);
    }
    return b;
  }

  /** Sets a spot balance's free amount (and emits a balance event). */
  setBalance(asset: string, free: number): void {
    this.bal(asset).free = free;
    this.emit('balance', { assets: [asset], time: this.now() });
  }

  private releaseLock(o: Order): void {
    if (o.locked <= 0) return;
    const spec = this.market(o.symbol);
    const bal = this.bal(o.side === 'buy' ? spec.quote : spec.base);
    bal.locked = clean(bal.locked - o.locked);
    bal.free = clean(bal.free + o.locked);
    o.locked = 0;
  }

  private emitBalance(spec: MarketSpec, time: number): void {
    if (spec.kind === 'spot') this.emit('balance', { assets: [spec.base, spec.quote], time });
  }

  private fill(o: Order, price: number, qty: number, maker: boolean, time: number): void {
    const spec = this.market(o.symbol);
    const quoteQty = clean(price * qty);
    const feeRate = maker ? spec.makerFee : spec.takerFee;
    let commission: number;
    let commissionAsset: string;
    let realizedPnl = 0;
    if (spec.kind === 'spot') {
      const base = this.bal(spec.base);
      const quote = this.bal(spec.quote);
      if (o.side === 'buy') {
        const inQuote = this.spotFeeAsset === 'quote';
        commission = inQuote ? clean(quoteQty * feeRate) : clean(qty * feeRate);
        commissionAsset = inQuote ? spec.quote : spec.base;
        const quoteFee = inQuote ? commission : 0;
        if (o.type === 'limit') {
          const release = clean(o.price * qty);
          quote.locked = clean(quote.locked - release);
          o.locked = clean(o.locked - release);
          quote.free = clean(quote.free + release - quoteQty - quoteFee);
        } else quote.free = clean(quote.free - quoteQty - quoteFee);
        base.free = clean(base.free + qty - (inQuote ? 0 : commission));
      } else {
        commission = clean(quoteQty * feeRate);
        commissionAsset = spec.quote;
        if (o.type === 'limit') {
          base.locked = clean(base.locked - qty);
          o.locked = clean(o.locked - qty);
        } else base.free = clean(base.free - qty);
        quote.free = clean(quote.free + quoteQty - commission);
      }
    } else {
      commission = clean(quoteQty * feeRate);
      commissionAsset = spec.quote;
      const pos = this.position(o.symbol);
      const s = sign(o.side);
      if (pos.qty === 0 || Math.sign(pos.qty) === s) {
        const absQty = Math.abs(pos.qty);
        pos.entryPrice = clean((pos.entryPrice * absQty + price * qty) / (absQty + qty));
        pos.qty = clean(pos.qty + s * qty);
      } else {
        const closeQty = Math.min(qty, Math.abs(pos.qty));
        realizedPnl = clean((price - pos.entryPrice) * closeQty * Math.sign(pos.qty));
        pos.qty = clean(pos.qty + s * qty);
        if (pos.qty === 0) pos.entryPrice = 0;
        else if (Math.sign(pos.qty) === s) pos.entryPrice = price;
      }
      pos.updateTime = time;
      this.wallet.set(spec.quote, clean((this.wallet.get(spec.quote) ?? 0) + realizedPnl - commission));
    }
    const f: Fill = {
      tradeId: this.nextTradeId,
      orderId: o.orderId,
      symbol: o.symbol,
      side: o.side,
      price,
      qty: clean(qty),
      quoteQty,
      commission,
      commissionAsset,
      maker,
      time,
      realizedPnl,
    };
    // the public print and the account's fill share one trade id, as on a real venue
    if (!maker) this.nextTradeId++;
    else {
      const tape = this.book(o.symbol).tape;
      const last = tape.at(-1);
      if (last !== undefined) Object.assign(f, { tradeId: last.id });
    }
    o.executedQty = clean(o.executedQty + qty);
    o.cumQuote = clean(o.cumQuote + quoteQty);
    o.status = o.executedQty >= o.origQty - EPS ? 'filled' : 'partially_filled';
    o.updateTime = time;
    if (o.status === 'filled') this.releaseLock(o);
    o.fills.push(f);
    this.allFills.push(f);
    if (spec.kind === 'linear') {
      if (realizedPnl !== 0) this.addIncome(o.symbol, 'REALIZED_PNL', realizedPnl, spec.quote, time, f.tradeId);
      this.addIncome(o.symbol, 'COMMISSION', -commission, spec.quote, time, f.tradeId);
    }
    this.emit('order', { order: o, fill: f, exec: 'trade' });
    if (spec.kind === 'linear') this.emit('position', { symbol: o.symbol, reason: 'ORDER', time });
    else if (maker) this.emitBalance(spec, time);
  }

  /** Cancels an open order by venue id or client id. */
  cancelOrder(symbol: string, ref: { orderId?: number; clientOrderId?: string }): Order {
    return this.closeOrder(symbol, ref, 'canceled');
  }

  private closeOrder(symbol: string, ref: { orderId?: number; clientOrderId?: string }, status: 'canceled' | 'expired'): Order {
    const o = this.getOrder(symbol, ref);
    if (o === undefined || !this.isOpen(o)) throw new VenueRejectError('unknown_order', 'unknown order');
    const b = this.book(symbol);
    o.status = status;
    o.updateTime = this.now();
    this.releaseLock(o);
    (o.side === 'buy' ? b.touchedBids : b.touchedAsks).add(o.price);
    this.flush(b);
    this.emit('order', { order: o, fill: undefined, exec: status });
    this.emitBalance(b.spec, o.updateTime);
    return o;
  }

  /** Expires an open order (a good-till-date order whose time is up): like a cancel, status `expired`. */
  expireOrder(symbol: string, ref: { orderId?: number; clientOrderId?: string }): Order {
    return this.closeOrder(symbol, ref, 'expired');
  }

  /**
   * Changes the price and/or quantity of a resting order in place (an amend); it keeps its queue
   * position only when the price is unchanged and the quantity does not grow. A spot order's lock follows
   * its new price and open quantity.
   */
  modifyOrder(symbol: string, ref: { orderId?: number; clientOrderId?: string }, change: { price: number; qty: number }): Order {
    const o = this.getOrder(symbol, ref);
    if (o === undefined || !this.isOpen(o) || o.type !== 'limit') throw new VenueRejectError('unknown_order', 'unknown order');
    const spec = this.market(symbol);
    if (!isMultiple(change.price, spec.tickSize)) throw new VenueRejectError('bad_price', `price ${change.price} breaks the price filter`);
    if (!isMultiple(change.qty, spec.stepSize) || change.qty <= o.executedQty) throw new VenueRejectError('bad_quantity', 'bad quantity');
    const opposite = this.depthSide(symbol, o.side === 'buy' ? 'sell' : 'buy')[0];
    if (opposite !== undefined && (o.side === 'buy' ? change.price >= opposite[0] : change.price <= opposite[0])) {
      throw new VenueRejectError('post_only_would_cross', 'the modified order would cross the book');
    }
    if (spec.kind === 'spot') {
      // a spot order locks what it may spend: quote (buy) or base (sell) for its open quantity
      const asset = o.side === 'buy' ? spec.quote : spec.base;
      const open = change.qty - o.executedQty;
      const need = clean(o.side === 'buy' ? change.price * open : open);
      const bal = this.bal(asset);
      if (bal.free + o.locked < need - EPS) throw new VenueRejectError('insufficient_balance', `insufficient ${asset} balance`);
      bal.free = clean(bal.free + o.locked - need);
      bal.locked = clean(bal.locked - o.locked + need);
      o.locked = need;
    }
    const b = this.book(symbol);
    const touched = o.side === 'buy' ? b.touchedBids : b.touchedAsks;
    touched.add(o.price).add(change.price);
    if (change.price !== o.price || change.qty > o.origQty) o.seq = this.nextSeq++;
    o.price = change.price;
    o.origQty = change.qty;
    o.updateTime = this.now();
    this.flush(b);
    this.emit('order', { order: o, fill: undefined, exec: 'amended' });
    return o;
  }

  getOrder(symbol: string, ref: { orderId?: number; clientOrderId?: string }): Order | undefined {
    const o = ref.orderId !== undefined ? this.orders.get(ref.orderId) : ref.clientOrderId !== undefined ? this.byClientId.get(ref.clientOrderId) : undefined;
    return o !== undefined && o.symbol === symbol ? o : undefined;
  }

  openOrders(symbol?: string): Order[] {
    return [...this.orders.values()].filter((o) => this.isOpen(o) && (symbol === undefined || o.symbol === symbol));
  }

  allOrders(symbol: string): Order[] {
    return [...this.orders.values()].filter((o) => o.symbol === symbol);
  }

  fills(symbol?: string): readonly Fill[] {
    return symbol === undefined ? this.allFills : this.allFills.filter((f) => f.symbol === symbol);
  }

  // ---------------------------------------------------------------- futures

  /** The position of a futures market (created flat with the default leverage on first use). */
  position(symbol: string): Position {
    let p = this.positions.get(symbol);
    if (p === undefined) {
      if (this.market(symbol).kind !== 'linear') throw new VenueRejectError('unknown_symbol', `${symbol} is not a futures market`);
      p = { symbol, qty: 0, entryPrice: 0, leverage: this.defaultLeverage, marginType: 'cross', isolatedWallet: 0, updateTime: 0 };
      this.positions.set(symbol, p);
    }
    return p;
  }

  unrealizedPnl(symbol: string): number {
    const p = this.position(symbol);
    return p.qty === 0 ? 0 : clean((this.markPrice(symbol) - p.entryPrice) * p.qty);
  }

  initialMargin(symbol: string): number {
    const p = this.position(symbol);
    return clean((Math.abs(p.qty) * this.markPrice(symbol)) / p.leverage);
  }

  /** Margin of the account's open futures orders (price × open quantity / leverage). */
  openOrderMargin(asset: string): number {
    let m = 0;
    for (const o of this.openOrders()) {
      const spec = this.market(o.symbol);
      if (spec.kind === 'linear' && spec.quote === asset) m += ((o.origQty - o.executedQty) * o.price) / this.position(o.symbol).leverage;
    }
    return clean(m);
  }

  /** Wallet plus unrealized P&L minus position and order margin. */
  availableBalance(asset: string): number {
    let avail = this.wallet.get(asset) ?? 0;
    for (const p of this.positions.values()) {
      if (this.market(p.symbol).quote !== asset) continue;
      avail += this.unrealizedPnl(p.symbol) - this.initialMargin(p.symbol);
    }
    return clean(avail - this.openOrderMargin(asset));
  }

  setLeverage(symbol: string, leverage: number): Position {
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > 125) throw new VenueRejectError('bad_quantity', 'leverage must be an integer 1..125');
    const p = this.position(symbol);
    p.leverage = leverage;
    return p;
  }

  setMarginType(symbol: string, marginType: MarginType): Position {
    const p = this.position(symbol);
    if (p.qty !== 0 || this.openOrders(symbol).length > 0) {
      throw new VenueRejectError('reduce_only_rejected', 'the margin type cannot be changed with an open position or orders');
    }
    p.marginType = marginType;
    this.emit('position', { symbol, reason: 'MARGIN_TYPE_CHANGE', time: this.now() });
    return p;
  }

  private addIncome(symbol: string, incomeType: IncomeEntry['incomeType'], income: number, asset: string, time: number, tradeId: number | undefined): IncomeEntry {
    const e: IncomeEntry = { tranId: this.nextTranId++, symbol, incomeType, income: clean(income), asset, time, tradeId };
    this.income.push(e);
    return e;
  }

  /**
   * Settles one funding interval: a long pays `rate × position notional at the mark price` (a short
   * receives it) from the futures wallet. Returns the entry, or undefined when the position is flat.
   */
  applyFunding(symbol: string, rate: number, time = this.now()): IncomeEntry | undefined {
    const p = this.position(symbol);
    if (p.qty === 0) return undefined;
    const spec = this.market(symbol);
    const payment = clean(-p.qty * this.markPrice(symbol) * rate);
    this.wallet.set(spec.quote, clean((this.wallet.get(spec.quote) ?? 0) + payment));
    const e = this.addIncome(symbol, 'FUNDING_FEE', payment, spec.quote, time, undefined);
    this.emit('funding', e);
    this.emit('position', { symbol, reason: 'FUNDING_FEE', time });
    return e;
  }

  // ---------------------------------------------------------------- book deltas

  private flush(b: Book): void {
    if (b.touchedBids.size === 0 && b.touchedAsks.size === 0) return;
    const depth = this.depth(b.spec.id, Number.MAX_SAFE_INTEGER);
    const qtyAt = (levels: Array<[number, number]>, p: number): number => levels.find(([x]) => x === p)?.[1] ?? 0;
    const prev = b.updateId;
    b.updateId += 1;
    const delta: BookDelta = {
      symbol: b.spec.id,
      firstUpdateId: prev + 1,
      lastUpdateId: b.updateId,
      prevUpdateId: prev,
      bids: [...b.touchedBids].map((p) => [p, qtyAt(depth.bids, p)] as const),
      asks: [...b.touchedAsks].map((p) => [p, qtyAt(depth.asks, p)] as const),
      time: this.now(),
    };
    b.prevUpdateId = prev;
    b.touchedBids.clear();
    b.touchedAsks.clear();
    this.emit('book', delta);
  }
}

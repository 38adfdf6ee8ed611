/**
 * The execution half of a ccxt venue: orders go out through `createOrder` (or, with `orderEntry:
 * 'websocket'`, through `createOrderWs` while the private socket is up), cancels and modifies through `cancelOrder` and
 * `editOrder`; order updates and fills come from `watchOrders` and `watchMyTrades`, with REST polling
 * (`fetchOrder`, `fetchOrderTrades` / `fetchMyTrades`) while the socket is down or when the exchange has
 * no private stream. The adapter only translates: it keeps just enough per order to turn ccxt's order
 * snapshots into events (accepted once, updated, the fills by trade id, the terminal event after the
 * fills it closes over), and the reconciliation reads ask the venue, never this memory.
 *
 * Outcomes, by what the venue said:
 * - an answer (insufficient funds, an invalid order, …) is an `OrderRejected` with the venue's reason;
 * - no answer (a timeout, a network failure, a 5xx) is an unknown outcome: no event, the submit is not
 *   repeated, and the order manager asks `queryOrder` by client order id after its submit timeout;
 * - a timestamp error (Binance -1021) resyncs the clock difference, asks the venue by client order id,
 *   and sends the submit again only when the venue does not have it;
 * - throttling (429) pauses every request with backoff, asks the venue by client order id, and sends
 *   again (a few times at most) only when the venue does not have it.
 */
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { z } from 'zod';
import type { Exchange, Order as CcxtOrder, Trade as CcxtTrade } from 'ccxt';
import {
  ConnectionStatus,
  Decimal,
  LiveClock,
  ZERO,
  clientOrderId as toClientOrderId,
  ValidationError,
  parseWith,
  silentLogger,
  strategyId as toStrategyId,
  venueId as toVenueId,
  venueOrderId as toVenueOrderId,
  type Balance,
  type CancelOrder,
  type ClientOrderId,
  type Clock,
  type TimerHandle,
  type ExecutionClient,
  type Fill,
  type FundingPayment,
  type Instrument,
  type InstrumentId,
  type Logger,
  type ModifyOrder,
  type OrderEvent,
  type OrderFilled,
  type OrderStatusReport,
  type OrderView,
  type Position,
  type StrategyId,
  type SubmitOrder,
  type VenueCapabilities,
  type VenueId,
  type VenueOrderId,
} from '@rxtrade/core';
import { BackoffConfigSchema } from '../live/watchdog/backoff';
import { CcxtCaller, sleep } from './ccxt-caller';
import { ccxtCapabilities, exchangeTraits, type ExchangeTraits, type ModifyMode } from './ccxt-capabilities';
import { CcxtErrorKind, OrderOutcomeUnknownError } from './ccxt-errors';
import { CcxtInstruments } from './ccxt-instruments';
import { ccxtFill, ccxtOrderReport, ccxtOrderStatus, ccxtOrderView, dec, isTerminalStatus, positivePrice } from './ccxt-orders';
import { settleCcxtWsPromises } from './ccxt-ws-settle';
import { tapOrderAcks, type RawOrderAck } from './ccxt-early-ack';
import type { CcxtExchange } from './ccxt-types';

/**
 * Schema of {@link CcxtExecutionClientConfig}.
 *
 * @example
 * ```ts
 * parseWith(CcxtExecutionClientConfigSchema, { exchange, instruments }, 'CcxtExecutionClientConfig').pollIntervalMs; // 2000
 * ```
 */
export const CcxtExecutionClientConfigSchema = z.strictObject({
  /** A ccxt exchange instance (`new ccxt.pro.binance({...})`), its markets loaded. */
  exchange: z.custom<CcxtExchange>((v) => typeof v === 'object' && v !== null && typeof (v as Exchange).createOrder === 'function', 'must be a ccxt exchange instance'),
  /** The instruments traded there (`loadCcxtInstruments`). */
  instruments: z.instanceof(CcxtInstruments, { message: 'must be CcxtInstruments (loadCcxtInstruments)' }),
  /**
   * The time of events (`tsInit`), of the REST poll, the socket monitor, the funding poll, the backoff
   * and throttling waits and of the fill look-back (default a `LiveClock`); ccxt's own timers are ccxt's.
   */
  clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function', 'must be a Clock').optional(),
  /** Use ccxt's WebSocket methods where the exchange has them (default true); false polls REST only. */
  webSocket: z.boolean().default(true),
  /**
   * How orders go out (default `'rest'`): `'rest'` sends every submit with `createOrder`; `'websocket'`
   * with `createOrderWs` over the exchange's WebSocket API while the private socket is up (where ccxt has
   * it; REST otherwise). ccxt throttles each WebSocket message at `options.ws.cost` (5 on Binance) of its
   * `rateLimit`, against a fraction of it for a REST order: at Binance's `rateLimit` of 50 ms that is one
   * WebSocket order every 250 ms per connection, against one REST order every 10 ms. Order updates and
   * fills come from the private streams either way.
   */
  orderEntry: z.enum(['rest', 'websocket']).default('rest'),
  /** How often open orders are polled while the private socket is down or absent, in ms (default 2000). */
  pollIntervalMs: z.number().int().positive().default(2000),
  /** Waits between reconnects of the private stream, and after throttling. */
  backoff: BackoffConfigSchema.prefault({}),
  /** Retries of a read (query, fills, balances) after a network failure or throttling (default 3). */
  readRetries: z.number().int().min(0).default(3),
  /** Strategy id given to events of orders this client did not send itself (default `external`). */
  strategyId: z.string().min(1).default('external'),
  /** How often funding payments are polled for perpetuals, in ms (default 60 000); 0: never. */
  fundingPollMs: z.number().int().min(0).default(60_000),
  /** Trades per page when paging through fills (default 500). */
  pageLimit: z.number().int().positive().default(500),
  /**
   * How far back `fillsSince` looks at most, in ms (default 7 days): an earlier `ts` is moved up to it.
   * Exchanges answer trade history in windows (Binance spot: 24 hours a request), so each day costs one
   * request per instrument.
   */
  maxFillLookbackMs: z.number().int().positive().default(7 * 86_400_000),
  /** Logs what the client does (never a credential). */
  logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as Logger).warn === 'function', 'must be a Logger').optional(),
  /**
   * Which spot instrument carries the holding of a base currency in `positions()`, by currency
   * (`{ BTC: 'BTC/USDC' }`); default the first spot instrument of that base currency in the order the
   * instruments were loaded. The others of that base currency report no position.
   */
  spotHoldings: z.record(z.string().min(1), z.string().min(1)).optional(),
}).superRefine((c, ctx) => {
  if (c.orderEntry === 'websocket' && !c.webSocket) ctx.addIssue({ code: 'custom', path: ['orderEntry'], message: "'websocket' needs webSocket: true" });
});

/**
 * Configuration of a {@link CcxtExecutionClient}.
 *
 * @example
 * ```ts
 * const config: CcxtExecutionClientConfig = { exchange, instruments, pollIntervalMs: 1000 };
 * ```
 */
export type CcxtExecutionClientConfig = z.input<typeof CcxtExecutionClientConfigSchema>;

/** A contract position as ccxt reports it, beyond rxtrade's `Position`. */
export interface CcxtPosition extends Position {
  readonly side: 'LONG' | 'SHORT' | 'FLAT';
  readonly entryPrice: Decimal | undefined;
  readonly leverage: number | undefined;
  readonly marginMode: string | undefined;
}

interface Tracked {
  readonly clientOrderId: ClientOrderId;
  readonly strategyId: StrategyId;
  readonly instrument: Instrument;
  readonly symbol: string;
  side: 'buy' | 'sell';
  ccxtType: string;
  venueOrderId: string | undefined;
  quantity: Decimal;
  price: Decimal | undefined;
  triggerPrice: Decimal | undefined;
  accepted: boolean;
  terminal: boolean;
  filledEmitted: Decimal;
  since: number;
  /** A cancel-replace is in flight: the cancel of the current venue order is the replacement's, not the order's end. */
  replacing: boolean;
  /** Venue order ids this order had before a cancel-replace: their updates are history. */
  readonly replacedIds: Set<string>;
}

const MAX_SEEN_TRADES = 20_000;

/** Exchanges whose funding history reports a fee paid as a positive amount (ccxt passes the venue's sign). */
const FUNDING_PAID_POSITIVE: ReadonlySet<string> = new Set(['bybit']);

/** Exchanges whose account-wide queries (open orders, trades) without a symbol cover one market type only. */
const SINGLE_TYPE_QUERIES: ReadonlySet<string> = new Set(['bybit']);

/**
 * An `ExecutionClient` for any exchange ccxt supports.
 *
 * @example
 * ```ts
 * const exchange = new ccxt.pro.binance({ apiKey, secret });
 * const instruments = await loadCcxtInstruments(exchange, { venue: 'BINANCE', symbols: ['BTC/USDT'] });
 * const venue = new CcxtExecutionClient({ exchange, instruments });
 * await venue.connect();
 * venue.events.subscribe((e) => console.log(e.type));
 * ```
 */
export class CcxtExecutionClient implements ExecutionClient {
  readonly id: VenueId;
  readonly capabilities: VenueCapabilities;
  /** How a modify is carried out on this exchange. */
  readonly modifyMode: ModifyMode;
  readonly events: Observable<OrderEvent>;
  readonly connection: Observable<ConnectionStatus>;
  readonly fundingPayments: Observable<FundingPayment> | undefined;
  /** Submits whose outcome is unknown (the order manager reconciles them), for logs and alerts. */
  readonly unknownOutcomes: Observable<OrderOutcomeUnknownError>;
  readonly caller: CcxtCaller;
  /** The ccxt exchange instance (read as ccxt's type inside). */
  private readonly ex: Exchange;
  /** The ccxt exchange instance the client drives. */
  get exchange(): CcxtExchange {
    return this.ex;
  }

  private readonly config: z.output<typeof CcxtExecutionClientConfigSchema>;
  private readonly instruments: CcxtInstruments;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly traits: ExchangeTraits;
  private readonly eventSubject = new Subject<OrderEvent>();
  private readonly statusSubject: BehaviorSubject<ConnectionStatus>;
  private readonly fundingSubject = new Subject<FundingPayment>();
  private readonly unknownSubject = new Subject<OrderOutcomeUnknownError>();
  private readonly orders = new Map<string, Tracked>();
  private readonly byVenueId = new Map<string, Tracked>();
  private readonly seenTrades = new Set<string>();
  private readonly orphanTrades = new Map<string, CcxtTrade[]>();
  /** Removes the tap that reads acknowledgements from the private stream ahead of ccxt. */
  private untapAcks: () => void = () => undefined;
  private readonly seenFunding = new Set<string>();
  private serial: Promise<void> = Promise.resolve();
  private running = false;
  private socketUp = false;
  private pollTimer: TimerHandle | undefined;
  private monitorTimer: TimerHandle | undefined;
  private fundingTimer: TimerHandle | undefined;
  private readonly usesWatch: boolean;

  constructor(config: CcxtExecutionClientConfig) {
    this.config = parseWith(CcxtExecutionClientConfigSchema, config, 'CcxtExecutionClientConfig');
    this.ex = this.config.exchange as Exchange;
    this.instruments = this.config.instruments;
    this.id = toVenueId(this.instruments.venue);
    this.clock = this.config.clock ?? new LiveClock();
    this.fundingSince = this.clock.now();
    this.logger = this.config.logger ?? silentLogger;
    this.traits = exchangeTraits(this.ex.id);
    const types = this.instruments.instruments.map((i) => this.instruments.marketOf(i.id).type ?? 'spot');
    const caps = ccxtCapabilities(this.ex, types);
    this.modifyMode = caps.modifyMode;
    const { modifyMode: _mode, ...capabilities } = caps;
    this.capabilities = Object.freeze(capabilities);
    this.caller = new CcxtCaller(this.ex, { venue: this.id, backoff: this.config.backoff, readRetries: this.config.readRetries, clock: this.clock });
    const has = this.ex.has as Record<string, unknown>;
    this.usesWatch = this.config.webSocket && has['watchOrders'] === true;
    this.statusSubject = new BehaviorSubject<ConnectionStatus>(ConnectionStatus.DISCONNECTED);
    this.events = this.eventSubject.asObservable();
    this.connection = this.statusSubject.asObservable();
    this.unknownOutcomes = this.unknownSubject.asObservable();
    const perpetuals = this.instruments.instruments.some((i) => i.assetClass === 'perpetual');
    this.fundingPayments = perpetuals && has['fetchFundingHistory'] === true ? this.fundingSubject.asObservable() : undefined;
    this.spotHolders(); // a wrong spotHoldings entry is an error now, not at the first reconciliation
    // ccxt leaves some promises of its sockets unobserved (a positions snapshot's future, a subscription
    // sent on a closing socket): a disconnect must not turn them into the application's unhandled rejection.
    settleCcxtWsPromises(this.ex);
    // ccxt refuses an open-orders query without a symbol on Binance unless told that it is meant.
    (this.ex.options as Record<string, unknown>)['warnOnFetchOpenOrdersWithoutSymbol'] = false;
    // ccxt's Bybit refuses fetchOrder (the poll, the reconciliation reads) unless told that the order is
    // recent: Bybit finds an order by id among the last 500 only; the client asks about its own orders.
    const options = this.ex.options as Record<string, unknown>;
    options['fetchOrder'] = { ...(options['fetchOrder'] as Record<string, unknown> | undefined), acknowledged: true };
  }

  /** The current connection status. */
  get status(): ConnectionStatus {
    return this.statusSubject.value;
  }

  /**
   * Starts the private streams (or the polling that stands in for them) and the funding poll; resolves
   * at once. `connection` says CONNECTED when the private socket is up (or, polling only, after the
   * first successful poll).
   */
  async connect(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.statusSubject.next(ConnectionStatus.RECONNECTING);
    if (this.usesWatch) {
      this.untapAcks = tapOrderAcks(this.ex, (a) => this.earlyAck(a));
      void this.watchLoop('watchOrders', () => this.ex.watchOrders(), (orders) => this.enqueue(async () => {
        for (const o of orders) await this.applyOrder(o);
      }));
      if ((this.ex.has as Record<string, unknown>)['watchMyTrades'] === true)
        void this.watchLoop('watchMyTrades', () => this.ex.watchMyTrades(), (trades) => this.enqueue(async () => {
          for (const t of trades) await this.applyTrade(t);
        }));
      this.monitorTimer = this.clock.setRepeatingTimer({ interval: 100 }, () => this.checkSocket());
      this.schedulePoll(0);
    } else {
      this.schedulePoll(0);
    }
    if (this.fundingPayments !== undefined && this.config.fundingPollMs > 0) this.scheduleFunding(0);
  }

  /** Stops the streams and the polls and closes the exchange's sockets. */
  async disconnect(): Promise<void> {
    this.running = false;
    this.untapAcks();
    this.untapAcks = () => undefined;
    this.pollTimer?.cancel();
    this.monitorTimer?.cancel();
    this.fundingTimer?.cancel();
    this.statusSubject.next(ConnectionStatus.DISCONNECTED);
    await (this.ex as unknown as { close?: () => Promise<void> }).close?.().catch(() => undefined);
    await this.serial.catch(() => undefined);
  }

  // ---- commands --------------------------------------------------------------------------------------

  submit(command: SubmitOrder): void {
    let tracked: Tracked;
    try {
      tracked = this.track(command.clientOrderId, command.strategyId, command.instrumentId);
    } catch (error) {
      this.emit({ type: 'OrderRejected', ...this.base(command), reason: (error as Error).message });
      return;
    }
    tracked.side = command.side === 'SELL' ? 'sell' : 'buy';
    tracked.quantity = command.quantity;
    tracked.price = command.price;
    tracked.triggerPrice = command.triggerPrice;
    tracked.since = this.clock.now();
    const reason = this.unsupported(command);
    if (reason !== undefined) {
      this.emit({ type: 'OrderRejected', ...this.base(command), reason });
      tracked.terminal = true;
      return;
    }
    void this.enqueueOutside(() => this.doSubmit(command, tracked));
  }

  cancel(command: CancelOrder): void {
    void this.enqueueOutside(() => this.doCancel(command));
  }

  modify(command: ModifyOrder): void {
    void this.enqueueOutside(() => this.doModify(command));
  }

  private unsupported(c: SubmitOrder): string | undefined {
    if (!this.capabilities.orderTypes.includes(c.orderType)) return `${c.orderType} orders are not native at ${this.id}`;
    if (c.postOnly && !this.capabilities.postOnly) return `post-only orders are not supported at ${this.id}`;
    if (c.reduceOnly && !this.capabilities.reduceOnly) return `reduce-only orders are not supported at ${this.id}`;
    return undefined;
  }

  private createParams(c: SubmitOrder): Record<string, unknown> {
    const params: Record<string, unknown> = { [this.traits.clientOrderIdParam]: c.clientOrderId };
    // GTD and DAY are the order manager's (a cancel on the clock): the venue gets its default, GTC.
    if (c.timeInForce === 'IOC' || c.timeInForce === 'FOK') params['timeInForce'] = c.timeInForce;
    if (c.postOnly) params['postOnly'] = true;
    if (c.reduceOnly) params['reduceOnly'] = true;
    if (c.triggerPrice !== undefined && (c.orderType === 'STOP_MARKET' || c.orderType === 'STOP_LIMIT')) params['triggerPrice'] = c.triggerPrice.toNumber();
    return params;
  }

  private async doSubmit(c: SubmitOrder, t: Tracked): Promise<void> {
    const type = c.orderType === 'MARKET' || c.orderType === 'STOP_MARKET' ? 'market' : 'limit';
    t.ccxtType = type;
    const params = this.createParams(c);
    // ccxt sends a spot market buy on Coinbase as a quote amount; rxtrade's quantity is in base units.
    if (type === 'market' && t.side === 'buy' && this.traits.marketBuyBaseParams !== undefined)
      Object.assign(params, this.traits.marketBuyBaseParams(String(this.ex.amountToPrecision(t.symbol, c.quantity.toNumber()))));
    const send = (): Promise<CcxtOrder> => {
      const viaWs = this.config.orderEntry === 'websocket' && this.socketUp && (this.ex.has as Record<string, unknown>)['createOrderWs'] === true;
      const amount = c.quantity.toNumber();
      const price = c.price?.toNumber();
      return this.caller.once(() =>
        viaWs ? this.ex.createOrderWs(t.symbol, type, t.side, amount, price, { ...params }) : this.ex.createOrder(t.symbol, type, t.side, amount, price, { ...params }),
      );
    };
    for (let attempt = 0; ; attempt++) {
      try {
        const order = await send();
        await this.enqueue(() => this.applyOrder(order, t));
        return;
      } catch (error) {
        const kind = this.caller.kind(error);
        const mapped = this.caller.map(error, 'createOrder');
        if ((kind === CcxtErrorKind.TIMESTAMP || kind === CcxtErrorKind.RATE_LIMIT) && attempt < 3) {
          // The venue refused the request before acting on it; ask it anyway before sending again.
          this.logger.warn(`${this.id}: submit ${c.clientOrderId} refused (${kind}); asking the venue before sending again`, { error: mapped.message });
          const known = await this.findByClientId(t).catch(() => 'unknown' as const);
          if (known === 'unknown') return this.outcomeUnknown(c, mapped.message);
          if (known !== undefined) {
            await this.enqueue(() => this.applyOrder(known, t));
            return;
          }
          continue;
        }
        if (kind === CcxtErrorKind.UNKNOWN_OUTCOME || kind === CcxtErrorKind.TIMESTAMP || kind === CcxtErrorKind.RATE_LIMIT) return this.outcomeUnknown(c, mapped.message);
        t.terminal = true;
        this.emit({ type: 'OrderRejected', ...this.base(c), reason: mapped.message });
        return;
      }
    }
  }

  private outcomeUnknown(c: SubmitOrder, message: string): void {
    const error = new OrderOutcomeUnknownError(c.clientOrderId, `${message} (outcome unknown: the order manager asks the venue by client order id; not sent again)`);
    this.logger.warn(`${this.id}: submit ${c.clientOrderId}: outcome unknown`, { error: error.message });
    this.unknownSubject.next(error);
  }

  private async doCancel(c: CancelOrder): Promise<void> {
    let t: Tracked;
    try {
      t = this.track(c.clientOrderId, c.strategyId, c.instrumentId);
    } catch (error) {
      this.emit({ type: 'OrderCancelRejected', ...this.base(c), reason: (error as Error).message });
      return;
    }
    try {
      if (t.venueOrderId === undefined && this.traits.queryByClientId === 'search') {
        const found = await this.findByClientId(t);
        if (found === undefined) {
          this.emit({ type: 'OrderCancelRejected', ...this.base(c), reason: `${this.id} does not know order ${c.clientOrderId}` });
          return;
        }
        await this.enqueue(() => this.applyOrder(found, t));
      }
      const params = t.venueOrderId === undefined ? { clientOrderId: c.clientOrderId } : {};
      let order: CcxtOrder | undefined;
      for (let attempt = 0; ; attempt++) {
        try {
          order = await this.caller.once(() => this.ex.cancelOrder(t.venueOrderId as string, t.symbol, params));
          break;
        } catch (error) {
          const kind = this.caller.kind(error);
          // A cancel the venue refused before acting on it (timestamp, throttling) is safe to send again.
          if ((kind === CcxtErrorKind.TIMESTAMP || kind === CcxtErrorKind.RATE_LIMIT) && attempt < 2) continue;
          throw error;
        }
      }
      if (order !== undefined && order.status !== undefined && order.status !== null) await this.enqueue(() => this.applyOrder(order!, t));
      else await this.enqueue(() => this.finishTerminal(t, 'OrderCanceled', undefined));
    } catch (error) {
      const kind = this.caller.kind(error);
      const mapped = this.caller.map(error, 'cancelOrder');
      if (kind === CcxtErrorKind.UNKNOWN_OUTCOME) {
        // The order manager sends the cancel again after its timeout.
        this.logger.warn(`${this.id}: cancel ${c.clientOrderId}: outcome unknown`, { error: mapped.message });
        return;
      }
      if (kind === CcxtErrorKind.ORDER_NOT_FOUND) {
        // Already closed (filled or canceled) or never there: the venue's record decides.
        const found = await this.findByClientId(t).catch(() => undefined);
        if (found !== undefined && isTerminalStatus(ccxtOrderStatus(found))) {
          await this.enqueue(() => this.applyOrder(found, t));
          return;
        }
      }
      this.emit({ type: 'OrderCancelRejected', ...this.base(c), reason: mapped.message });
    }
  }

  private async doModify(c: ModifyOrder): Promise<void> {
    if (this.modifyMode === 'none') {
      this.emit({ type: 'OrderModifyRejected', ...this.base(c), reason: `${this.id} cannot modify orders` });
      return;
    }
    let t: Tracked;
    try {
      t = this.track(c.clientOrderId, c.strategyId, c.instrumentId);
      if (t.venueOrderId === undefined) {
        const found = await this.findByClientId(t);
        if (found === undefined) throw new Error(`${this.id} does not know order ${c.clientOrderId}`);
        await this.enqueue(() => this.applyOrder(found, t));
      }
    } catch (error) {
      this.emit({ type: 'OrderModifyRejected', ...this.base(c), reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    const quantity = c.quantity ?? t.quantity;
    const price = c.price ?? t.price;
    const triggerPrice = c.triggerPrice ?? t.triggerPrice;
    const params: Record<string, unknown> = {};
    if (this.modifyMode === 'cancel-replace') params[this.traits.clientOrderIdParam] = c.clientOrderId;
    if (triggerPrice !== undefined && c.triggerPrice !== undefined) params['triggerPrice'] = triggerPrice.toNumber();
    const replaced = t.venueOrderId;
    if (this.modifyMode === 'cancel-replace') t.replacing = true;
    try {
      const order = await this.caller.once(() =>
        this.ex.editOrder(t.venueOrderId as string, t.symbol, t.ccxtType as 'limit', t.side, quantity.toNumber(), price?.toNumber(), params),
      );
      await this.enqueue(async () => {
        t.replacing = false;
        const previous = t.venueOrderId;
        if (order.id !== undefined && String(order.id) !== previous) {
          if (previous !== undefined) t.replacedIds.add(previous);
          if (replaced !== undefined && replaced !== String(order.id)) t.replacedIds.add(replaced);
          if (previous !== undefined) this.byVenueId.delete(previous);
          t.venueOrderId = String(order.id);
          this.byVenueId.set(t.venueOrderId, t);
        }
        this.emitUpdated(t, dec(order.amount) ?? quantity, dec(order.price) ?? price, positivePrice(order.triggerPrice) ?? triggerPrice, order.lastUpdateTimestamp ?? order.timestamp);
        await this.applyOrder(order, t);
      });
    } catch (error) {
      t.replacing = false;
      if (replaced !== undefined) t.replacedIds.delete(replaced);
      const kind = this.caller.kind(error);
      const mapped = this.caller.map(error, 'editOrder');
      // A cancel-replace may have canceled the order and failed to place the new one: the venue's record decides.
      if (kind === CcxtErrorKind.UNKNOWN_OUTCOME || this.modifyMode === 'cancel-replace') {
        // Whether the venue applied it is known only from the venue's record.
        const found = await this.findByClientId(t).catch(() => undefined);
        if (found !== undefined) {
          await this.enqueue(() => this.applyOrder(found, t));
          if ((dec(found.amount) ?? ZERO).eq(quantity) && (price === undefined || (dec(found.price) ?? ZERO).eq(price))) return;
        }
      }
      if (!t.terminal) this.emit({ type: 'OrderModifyRejected', ...this.base(c), reason: mapped.message });
    }
  }

  // ---- order and trade updates -----------------------------------------------------------------------

  /** Runs `task` after every update already queued, so events keep the venue's order. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.serial.then(task, task);
    this.serial = next.catch((error: unknown) => this.logger.error(`${this.id}: update failed`, { error: error instanceof Error ? error.message : String(error) }));
    return this.serial;
  }

  /** Runs a command outside the update queue (its REST call must not hold updates back). */
  private async enqueueOutside(task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (error) {
      this.logger.error(`${this.id}: command failed`, { error: error instanceof Error ? error.message : String(error) });
    }
  }

  private track(id: ClientOrderId, strategy: StrategyId, instrumentId: InstrumentId): Tracked {
    const existing = this.orders.get(id);
    if (existing !== undefined) return existing;
    const instrument = this.instruments.get(instrumentId);
    if (instrument === undefined) throw new Error(`instrumentId: ${instrumentId} is not an instrument of ${this.id}`);
    const t: Tracked = {
      clientOrderId: id,
      strategyId: strategy,
      instrument,
      symbol: this.instruments.symbolOf(instrumentId),
      side: 'buy',
      ccxtType: 'limit',
      venueOrderId: undefined,
      quantity: ZERO,
      price: undefined,
      triggerPrice: undefined,
      accepted: false,
      terminal: false,
      filledEmitted: ZERO,
      since: this.clock.now(),
      replacing: false,
      replacedIds: new Set(),
    };
    this.orders.set(id, t);
    return t;
  }

  /** The tracked order of a ccxt order; an order this client did not send is tracked from its payload. */
  private trackedOf(order: CcxtOrder, hint?: Tracked): Tracked | undefined {
    if (hint !== undefined) return hint;
    const byVenue = order.id !== undefined ? this.byVenueId.get(String(order.id)) : undefined;
    if (byVenue !== undefined) return byVenue;
    const cid = order.clientOrderId;
    if (cid === undefined || cid === null || cid === '') return undefined;
    const known = this.orders.get(cid);
    if (known !== undefined) return known;
    const instrument = this.instruments.instrumentOf(order.symbol);
    if (instrument === undefined) return undefined;
    const t = this.track(toClientOrderId(cid), toStrategyId(this.config.strategyId), instrument.id);
    t.side = order.side === 'sell' ? 'sell' : 'buy';
    t.quantity = dec(order.amount) ?? ZERO;
    t.price = dec(order.price);
    t.triggerPrice = positivePrice(order.triggerPrice);
    t.ccxtType = order.type ?? 'limit';
    t.since = order.timestamp ?? this.clock.now();
    // Its earlier events were delivered before this client existed: the order manager has them.
    t.accepted = true;
    t.filledEmitted = dec(order.filled) ?? ZERO;
    return t;
  }

  /**
   * An acknowledgement read from the private stream before ccxt parsed the message: `OrderAccepted` at
   * once for a tracked order not yet accepted. Anything beyond a plain acceptance (a cancel-replace in
   * flight, trades waiting for the order, another venue order id) is left to the parsed update.
   */
  private earlyAck(a: RawOrderAck): void {
    const t = this.orders.get(a.clientOrderId);
    if (t === undefined || t.accepted || t.terminal || t.replacing) return;
    if (t.venueOrderId !== undefined && t.venueOrderId !== a.venueOrderId) return;
    if (this.orphanTrades.has(a.venueOrderId)) return;
    t.venueOrderId = a.venueOrderId;
    this.byVenueId.set(a.venueOrderId, t);
    t.accepted = true;
    const now = this.clock.now();
    this.emit({ type: 'OrderAccepted', ...this.ids(t), venueOrderId: toVenueOrderId(a.venueOrderId), ts: a.ts ?? now, tsInit: now });
  }

  /** Turns one ccxt order snapshot into the events it implies. */
  private async applyOrder(order: CcxtOrder, hint?: Tracked): Promise<void> {
    const t = this.trackedOf(order, hint);
    if (t === undefined || t.terminal) return;
    const oid = order.id === undefined || order.id === null ? undefined : String(order.id);
    if (oid !== undefined && t.replacedIds.has(oid)) return;
    if (t.replacing && oid !== undefined && oid === t.venueOrderId && ccxtOrderStatus(order) === 'CANCELED') {
      // The cancel half of a cancel-replace: the order lives on under a new venue order id.
      t.replacedIds.add(oid);
      return;
    }
    if (order.id !== undefined && order.id !== null && String(order.id) !== '') {
      const vid = String(order.id);
      if (t.venueOrderId !== vid) {
        if (t.venueOrderId !== undefined && t.replacing) t.replacedIds.add(t.venueOrderId);
        if (t.venueOrderId !== undefined) this.byVenueId.delete(t.venueOrderId);
        t.venueOrderId = vid;
        this.byVenueId.set(vid, t);
      }
    }
    const status = ccxtOrderStatus(order);
    const ts = order.lastUpdateTimestamp ?? order.timestamp ?? this.clock.now();
    if (status === 'REJECTED') {
      t.terminal = true;
      const report = ccxtOrderReport(order, t.instrument.id, []);
      this.emit({ type: 'OrderRejected', ...this.ids(t), ts, tsInit: this.clock.now(), reason: report.reason ?? `rejected by ${this.id}` });
      return;
    }
    if (!t.accepted && t.venueOrderId !== undefined) {
      t.accepted = true;
      this.emit({ type: 'OrderAccepted', ...this.ids(t), venueOrderId: toVenueOrderId(t.venueOrderId), ts: order.timestamp ?? ts, tsInit: this.clock.now() });
    }
    // Trades that overtook their order's first update (or arrived before this client knew the order,
    // after a restart) are applied now that it is known.
    const orphans = t.accepted && t.venueOrderId !== undefined ? this.orphanTrades.get(t.venueOrderId) : undefined;
    if (orphans !== undefined) {
      this.orphanTrades.delete(t.venueOrderId!);
      for (const trade of orphans) await this.applyTrade(trade);
    }
    if (status === 'ACCEPTED' || status === 'PARTIALLY_FILLED') {
      // An open order's quantity is its filled plus its remaining amount (ccxt's Coinbase user channel
      // gives `amount` the cumulative quantity filled).
      const filledNow = dec(order.filled);
      const remaining = dec(order.remaining);
      const amount = filledNow !== undefined && remaining !== undefined ? filledNow.plus(remaining) : dec(order.amount);
      const price = order.type === 'market' ? undefined : dec(order.price);
      if (amount !== undefined && (!amount.eq(t.quantity) || (price !== undefined && t.price !== undefined && !price.eq(t.price))))
        this.emitUpdated(t, amount, price ?? t.price, positivePrice(order.triggerPrice) ?? t.triggerPrice, ts);
    }
    for (const trade of order.trades ?? []) if (trade.id !== undefined && trade.id !== null) await this.applyTrade({ ...trade, order: trade.order ?? order.id, symbol: trade.symbol ?? order.symbol });
    const filled = dec(order.filled) ?? ZERO;
    if (isTerminalStatus(status) || filled.gt(t.filledEmitted)) {
      if (filled.gt(t.filledEmitted)) await this.syncFills(t).catch((error: unknown) => this.logger.warn(`${this.id}: fills of ${t.clientOrderId} not fetched`, { error: this.caller.map(error, 'fetchMyTrades').message }));
      if (status === 'CANCELED') this.finishTerminal(t, 'OrderCanceled', ts);
      else if (status === 'EXPIRED') this.finishTerminal(t, 'OrderExpired', ts);
      else if (status === 'FILLED' && t.filledEmitted.gte(filled)) t.terminal = true;
    }
  }

  private finishTerminal(t: Tracked, type: 'OrderCanceled' | 'OrderExpired', ts: number | undefined): Promise<void> {
    if (t.terminal) return Promise.resolve();
    t.terminal = true;
    this.emit({ type, ...this.ids(t), ts: ts ?? this.clock.now(), tsInit: this.clock.now() });
    return Promise.resolve();
  }

  private emitUpdated(t: Tracked, quantity: Decimal, price: Decimal | undefined, triggerPrice: Decimal | undefined, ts: number | undefined): void {
    if (quantity.eq(t.quantity) && (price === t.price || (price !== undefined && t.price !== undefined && price.eq(t.price))) && (triggerPrice === t.triggerPrice || (triggerPrice !== undefined && t.triggerPrice !== undefined && triggerPrice.eq(t.triggerPrice)))) return;
    t.quantity = quantity;
    t.price = price;
    t.triggerPrice = triggerPrice;
    this.emit({ type: 'OrderUpdated', ...this.ids(t), quantity, price, triggerPrice, ts: ts ?? this.clock.now(), tsInit: this.clock.now() });
  }

  /** One ccxt trade: an `OrderFilled` once per trade id, after its order's acceptance. */
  private async applyTrade(trade: CcxtTrade): Promise<void> {
    const tid = trade.id === undefined || trade.id === null ? undefined : String(trade.id);
    if (tid === undefined || this.seenTrades.has(tid)) return;
    const vid = trade.order === undefined || trade.order === null ? undefined : String(trade.order);
    const t = vid !== undefined ? this.byVenueId.get(vid) : undefined;
    if (t === undefined || !t.accepted) {
      // Its order is not known yet (the fill overtook the acknowledgement): held until it is.
      if (vid !== undefined) {
        const list = this.orphanTrades.get(vid) ?? [];
        if (!list.some((x) => String(x.id) === tid)) list.push(trade);
        this.orphanTrades.set(vid, list);
        if (this.orphanTrades.size > 1000) this.orphanTrades.delete(this.orphanTrades.keys().next().value as string);
      }
      return;
    }
    this.rememberTrade(tid);
    const fill = ccxtFill(trade, { instrumentId: t.instrument.id, clientOrderId: t.clientOrderId, quoteCurrency: t.instrument.quote });
    t.filledEmitted = t.filledEmitted.plus(fill.quantity);
    this.emit({ type: 'OrderFilled', ...fill, strategyId: t.strategyId, tsInit: this.clock.now() });
    if (t.filledEmitted.gte(t.quantity) && t.quantity.gt(0)) t.terminal = true;
  }

  private rememberTrade(id: string): void {
    this.seenTrades.add(id);
    if (this.seenTrades.size > MAX_SEEN_TRADES) {
      let drop = MAX_SEEN_TRADES / 2;
      for (const old of this.seenTrades) {
        if (drop-- <= 0) break;
        this.seenTrades.delete(old);
      }
    }
  }

  /** Fetches the trades of one order and applies those not seen. */
  private async syncFills(t: Tracked): Promise<void> {
    if (t.venueOrderId === undefined) return;
    const trades = await this.orderTrades(t.venueOrderId, t.symbol, t.since);
    for (const trade of trades) await this.applyTrade(trade);
  }

  private async orderTrades(venueOrderId: string, symbol: string, since: number | undefined): Promise<CcxtTrade[]> {
    const has = this.ex.has as Record<string, unknown>;
    // ccxt's `has` is per exchange, not per market: Binance's fetchOrderTrades serves spot only.
    const spotOnly = this.ex.id === 'binance' || this.ex.id === 'binanceusdm' || this.ex.id === 'binancecoinm';
    const isSpot = (this.ex.markets?.[symbol] as { spot?: boolean } | undefined)?.spot === true;
    if (has['fetchOrderTrades'] === true && (!spotOnly || isSpot)) return this.caller.read('fetchOrderTrades', () => this.ex.fetchOrderTrades(venueOrderId, symbol));
    const trades = await this.caller.read('fetchMyTrades', () => this.ex.fetchMyTrades(symbol, since !== undefined ? since - 60_000 : undefined, this.config.pageLimit));
    return trades.filter((x) => String(x.order) === venueOrderId);
  }

  private emit(event: OrderEvent): void {
    this.eventSubject.next(event);
  }

  private ids(t: Tracked): { clientOrderId: ClientOrderId; strategyId: StrategyId; instrumentId: InstrumentId } {
    return { clientOrderId: t.clientOrderId, strategyId: t.strategyId, instrumentId: t.instrument.id };
  }

  private base(c: { clientOrderId: ClientOrderId; strategyId: StrategyId; instrumentId: InstrumentId }) {
    const now = this.clock.now();
    return { clientOrderId: c.clientOrderId, strategyId: c.strategyId, instrumentId: c.instrumentId, ts: now, tsInit: now };
  }

  // ---- streams, polling, connection ------------------------------------------------------------------

  private async watchLoop<T>(name: string, watch: () => Promise<T[]>, onValue: (value: T[]) => Promise<void>): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const value = await watch();
        failures = 0;
        if (!this.running) return;
        await onValue(value);
      } catch (error) {
        if (!this.running) return;
        const mapped = this.caller.map(error, name);
        this.logger.warn(`${this.id}: ${name} failed; polling until the socket is back`, { error: mapped.message });
        this.setSocket(false);
        this.forgetListenKeys();
        await sleep(this.clock, this.caller.delay(failures++));
      }
    }
  }

  /**
   * After a private stream failed, the next watch asks for a new listen key: ccxt keeps Binance's
   * (futures) listen key for its 60-minute life in `options[type].lastAuthenticatedTime`, and one the
   * venue invalidated (a restart of its stream servers, an expiry) would otherwise be reused until then.
   */
  private forgetListenKeys(): void {
    for (const value of Object.values(this.ex.options as Record<string, unknown>)) {
      if (value !== null && typeof value === 'object' && 'lastAuthenticatedTime' in value) (value as Record<string, unknown>)['lastAuthenticatedTime'] = 0;
    }
  }

  /** Whether one of the exchange's sockets is open (ccxt keeps them in `exchange.clients`). */
  private socketOpen(): boolean {
    const clients = (this.ex as unknown as { clients?: Record<string, { isConnected?: boolean; connection?: { readyState?: number } }> }).clients ?? {};
    return Object.values(clients).some((c) => c.isConnected === true && (c.connection?.readyState === undefined || c.connection.readyState === 1));
  }

  private checkSocket(): void {
    this.setSocket(this.socketOpen());
  }

  private setSocket(up: boolean): void {
    if (!this.running || up === this.socketUp) return;
    this.socketUp = up;
    this.statusSubject.next(up ? ConnectionStatus.CONNECTED : ConnectionStatus.RECONNECTING);
    if (!up) this.schedulePoll(this.config.pollIntervalMs);
  }

  private schedulePoll(delay: number): void {
    this.pollTimer?.cancel();
    this.pollTimer = this.clock.setTimer(this.clock.now() + delay, () => void this.poll());
  }

  /** One REST poll of the orders this client tracks; rescheduled while polling stands in for the socket. */
  private async poll(): Promise<void> {
    if (!this.running) return;
    let ok = true;
    for (const t of [...this.orders.values()]) {
      if (t.terminal || t.venueOrderId === undefined) continue;
      try {
        const order = await this.caller.read('fetchOrder', () => this.ex.fetchOrder(t.venueOrderId as string, t.symbol));
        await this.enqueue(() => this.applyOrder(order, t));
      } catch (error) {
        ok = false;
        this.logger.warn(`${this.id}: poll of ${t.clientOrderId} failed`, { error: this.caller.map(error, 'fetchOrder').message });
        break;
      }
    }
    if (!this.running) return;
    if (!this.usesWatch) {
      if (ok && this.statusSubject.value !== ConnectionStatus.CONNECTED) this.statusSubject.next(ConnectionStatus.CONNECTED);
      if (!ok && this.statusSubject.value === ConnectionStatus.CONNECTED) this.statusSubject.next(ConnectionStatus.RECONNECTING);
      if (ok && this.orders.size === 0) {
        // Nothing to poll: one cheap authenticated read says whether the venue answers.
        await this.caller.read('fetchBalance', () => this.ex.fetchBalance()).then(
          () => undefined,
          () => this.statusSubject.next(ConnectionStatus.RECONNECTING),
        );
      }
      this.schedulePoll(this.config.pollIntervalMs);
    } else if (!this.socketUp) this.schedulePoll(this.config.pollIntervalMs);
  }

  private scheduleFunding(delay: number): void {
    this.fundingTimer?.cancel();
    this.fundingTimer = this.clock.setTimer(this.clock.now() + delay, () => void this.pollFunding());
  }

  /** The time from which funding payments are asked for (the client's start, then the last payment's). */
  private fundingSince: number;

  /** Polls `fetchFundingHistory` for the perpetuals traded and publishes each payment once. */
  private async pollFunding(): Promise<void> {
    if (!this.running) return;
    for (const instrument of this.instruments.instruments.filter((i) => i.assetClass === 'perpetual')) {
      try {
        const symbol = this.instruments.symbolOf(instrument.id);
        const history = await this.caller.read('fetchFundingHistory', () => this.ex.fetchFundingHistory(symbol, this.fundingSince - 60_000));
        for (const h of history) {
          const key = `${h.symbol}:${h.id ?? h.timestamp}`;
          if (this.seenFunding.has(key) || h.timestamp === undefined) continue;
          this.seenFunding.add(key);
          // ccxt passes Bybit's execFee through: positive when the account paid (Binance's income is signed
          // as received). rxtrade's amount is received (positive) or paid (negative).
          const raw = dec(h.amount) ?? ZERO;
          const amount = FUNDING_PAID_POSITIVE.has(this.ex.id) ? raw.neg() : raw;
          this.fundingSubject.next({
            type: 'FundingPayment',
            instrumentId: instrument.id,
            // The venue's funding history gives the amount (and on some venues the rate); position and mark are not in it.
            rate: typeof (h as { rate?: unknown }).rate === 'number' ? (h as unknown as { rate: number }).rate : Number.NaN,
            positionQuantity: ZERO,
            markPrice: ZERO,
            amount,
            currency: h.code ?? instrument.quote,
            ts: h.timestamp,
          });
        }
      } catch (error) {
        this.logger.warn(`${this.id}: funding history not fetched`, { error: this.caller.map(error, 'fetchFundingHistory').message });
      }
    }
    this.scheduleFunding(this.config.fundingPollMs);
  }

  // ---- reconciliation reads --------------------------------------------------------------------------

  /**
   * The venue's record of a tracked order found by its client order id: a ccxt order, undefined when the
   * venue does not know it.
   */
  private async findByClientId(t: Tracked): Promise<CcxtOrder | undefined> {
    return this.fetchByClientId(t.clientOrderId, t.symbol);
  }

  private async fetchByClientId(clientOrderId: string, symbol: string): Promise<CcxtOrder | undefined> {
    if (this.traits.queryByClientId === 'fetchOrder') {
      try {
        return await this.caller.read('fetchOrder', () => this.ex.fetchOrder(undefined as unknown as string, symbol, { clientOrderId }));
      } catch (error) {
        if ((error as { code?: string }).code === 'ORDER_NOT_FOUND') return undefined;
        throw error;
      }
    }
    const open = await this.caller.read('fetchOpenOrders', () => this.ex.fetchOpenOrders(symbol));
    const hit = open.find((o) => o.clientOrderId === clientOrderId);
    if (hit !== undefined) return hit;
    const has = this.ex.has as Record<string, unknown>;
    if (has['fetchCanceledAndClosedOrders'] === true) {
      // ccxt's Bybit asks fetchClosedOrders for Filled orders only; its order history without a status has every closed one.
      const closed = await this.caller.read('fetchCanceledAndClosedOrders', () => this.ex.fetchCanceledAndClosedOrders(symbol, undefined, this.config.pageLimit));
      return closed.find((o) => o.clientOrderId === clientOrderId);
    }
    if (has['fetchClosedOrders'] === true || has['fetchClosedOrders'] === 'emulated') {
      // ccxt's Coinbase asks for FILLED orders only: a canceled or expired order is closed too.
      const params = this.traits.closedOrderStatuses !== undefined ? { order_status: [...this.traits.closedOrderStatuses] } : {};
      const closed = await this.caller.read('fetchClosedOrders', () => this.ex.fetchClosedOrders(symbol, undefined, this.config.pageLimit, params));
      return closed.find((o) => o.clientOrderId === clientOrderId);
    }
    return undefined;
  }

  private async report(order: CcxtOrder, instrument: Instrument, t: Tracked | undefined): Promise<OrderStatusReport> {
    let fills: Fill[] = [];
    const filled = dec(order.filled) ?? ZERO;
    const cid = toClientOrderId(order.clientOrderId ?? t?.clientOrderId ?? '');
    if (filled.gt(0)) {
      const trades = await this.orderTrades(String(order.id), order.symbol ?? this.instruments.symbolOf(instrument.id), order.timestamp ?? undefined);
      fills = trades.map((x) => ccxtFill(x, { instrumentId: instrument.id, clientOrderId: cid, quoteCurrency: instrument.quote }));
    }
    return { ...ccxtOrderReport(order, instrument.id, fills), clientOrderId: cid };
  }

  /** The symbols to ask when the order's instrument is not known: those of the tracked orders first, then every instrument. */
  private candidateSymbols(): string[] {
    return this.instruments.instruments.map((i) => this.instruments.symbolOf(i.id));
  }

  async queryOrder(clientOrderId: ClientOrderId): Promise<OrderStatusReport | undefined> {
    const t = this.orders.get(clientOrderId);
    const symbols = t !== undefined ? [t.symbol] : this.candidateSymbols();
    for (const symbol of symbols) {
      const order = await this.fetchByClientId(clientOrderId, symbol);
      if (order === undefined) continue;
      const instrument = this.instruments.instrumentOf(order.symbol ?? symbol)!;
      const report = await this.report({ ...order, clientOrderId: order.clientOrderId ?? clientOrderId }, instrument, t);
      if (t === undefined && !isTerminalStatus(report.status)) await this.enqueue(async () => this.adoptReported(report, instrument));
      return report;
    }
    return undefined;
  }

  /**
   * An open order this client did not send (a restarted node's, asked for by client order id): tracked
   * from the venue's report, whose fills the caller has, so that its later updates and fills are events.
   */
  private adoptReported(report: OrderStatusReport, instrument: Instrument): void {
    if (this.orders.has(report.clientOrderId)) return;
    const t = this.track(report.clientOrderId, toStrategyId(this.config.strategyId), instrument.id);
    t.venueOrderId = String(report.venueOrderId);
    this.byVenueId.set(t.venueOrderId, t);
    t.quantity = report.quantity;
    t.price = report.price;
    t.triggerPrice = report.triggerPrice;
    t.accepted = true;
    t.filledEmitted = report.filledQuantity;
    for (const f of report.fills) this.rememberTrade(String(f.tradeId));
  }

  async queryOrderByVenueId(venueOrderId: VenueOrderId): Promise<OrderStatusReport | undefined> {
    const t = this.byVenueId.get(venueOrderId);
    const symbols = t !== undefined ? [t.symbol] : this.candidateSymbols();
    for (const symbol of symbols) {
      try {
        const order = await this.caller.read('fetchOrder', () => this.ex.fetchOrder(venueOrderId, symbol));
        return this.report(order, this.instruments.instrumentOf(order.symbol ?? symbol)!, t);
      } catch (error) {
        if ((error as { code?: string }).code === 'ORDER_NOT_FOUND') continue;
        throw error;
      }
    }
    return undefined;
  }

  async openOrders(): Promise<readonly OrderView[]> {
    const symbolRequired = this.featureSymbolRequired('fetchOpenOrders');
    const orders: CcxtOrder[] = [];
    if (symbolRequired) for (const symbol of this.candidateSymbols()) orders.push(...(await this.caller.read('fetchOpenOrders', () => this.ex.fetchOpenOrders(symbol))));
    else orders.push(...(await this.caller.read('fetchOpenOrders', () => this.ex.fetchOpenOrders())));
    const views: OrderView[] = [];
    for (const o of orders) {
      const instrument = this.instruments.instrumentOf(o.symbol);
      if (instrument === undefined) continue;
      const strategy = this.orders.get(o.clientOrderId ?? '')?.strategyId ?? toStrategyId(this.config.strategyId);
      views.push(ccxtOrderView(o, instrument.id, strategy));
    }
    return views;
  }

  /**
   * Every fill at or after `ts` (at most `maxFillLookbackMs` back), oldest first: `fetchMyTrades` per
   * instrument (or once, where the exchange allows no symbol), page by page from `ts`, in windows of the
   * exchange's longest span.
   */
  async fillsSince(ts: number): Promise<readonly OrderFilled[]> {
    const symbolRequired = this.featureSymbolRequired('fetchMyTrades');
    const symbols: (string | undefined)[] = symbolRequired ? this.candidateSymbols() : [undefined];
    const trades: CcxtTrade[] = [];
    for (const symbol of symbols) trades.push(...(await this.tradesSince(symbol, ts)));
    const seen = new Set<string>();
    const fills: OrderFilled[] = [];
    const clientIds = new Map<string, { cid: ClientOrderId; strategy: StrategyId }>();
    for (const trade of trades.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))) {
      const tid = String(trade.id);
      if (seen.has(tid) || (trade.timestamp ?? 0) < ts) continue;
      seen.add(tid);
      const instrument = this.instruments.instrumentOf(trade.symbol);
      if (instrument === undefined) continue;
      const vid = String(trade.order ?? '');
      let ids = clientIds.get(vid);
      if (ids === undefined) {
        const t = this.byVenueId.get(vid);
        if (t !== undefined) ids = { cid: t.clientOrderId, strategy: t.strategyId };
        else {
          // The trade names the venue's order id only: the order says which client order id it had.
          const order = await this.caller.read('fetchOrder', () => this.ex.fetchOrder(vid, trade.symbol)).catch(() => undefined);
          ids = { cid: toClientOrderId(order?.clientOrderId ?? vid), strategy: toStrategyId(this.config.strategyId) };
        }
        clientIds.set(vid, ids);
      }
      const fill = ccxtFill(trade, { instrumentId: instrument.id, clientOrderId: ids.cid, quoteCurrency: instrument.quote });
      fills.push({ type: 'OrderFilled', ...fill, strategyId: ids.strategy, tsInit: this.clock.now() });
    }
    return fills;
  }

  private async tradesSince(symbol: string | undefined, ts: number): Promise<CcxtTrade[]> {
    const feature = this.feature('fetchMyTrades');
    const spanMs = typeof feature?.['untilDays'] === 'number' ? (feature['untilDays'] as number) * 86_400_000 : undefined;
    const limit = Math.min(this.config.pageLimit, typeof feature?.['limit'] === 'number' ? (feature['limit'] as number) : this.config.pageLimit);
    const out: CcxtTrade[] = [];
    const now = this.clock.now();
    let since = Math.max(ts, now - this.config.maxFillLookbackMs);
    while (since <= now) {
      const until = spanMs !== undefined ? Math.min(since + spanMs, now + 1) : undefined;
      const params = until !== undefined ? { until } : {};
      const page = await this.caller.read('fetchMyTrades', () => this.ex.fetchMyTrades(symbol, since, limit, params));
      out.push(...page);
      if (page.length >= limit && this.traits.tradesPaging === 'cursor') {
        // Newest first (Bybit): the rest of the window is behind the page's cursor, with the same window.
        out.push(...(await this.tradesByCursor(symbol, since, limit, params, page)));
      } else if (page.length >= limit) {
        const last = Math.max(...page.map((x) => x.timestamp ?? since));
        // A full page: continue from its last time (trades at that time come again and are deduplicated).
        since = last > since ? last : since + 1;
        continue;
      }
      if (until === undefined || until > now) break;
      since = until;
    }
    return out;
  }

  /**
   * The pages after `first` of one window of an exchange that pages trades newest first by a cursor
   * (ccxt puts the venue's `nextPageCursor` on the page's last raw record): continuing from a page's time
   * would skip the trades between its oldest and the window's start.
   */
  private async tradesByCursor(symbol: string | undefined, since: number, limit: number, params: Record<string, unknown>, first: readonly CcxtTrade[]): Promise<CcxtTrade[]> {
    const out: CcxtTrade[] = [];
    let page = first;
    for (let pages = 0; page.length > 0 && pages < 10_000; pages++) {
      const cursor = page.map((x) => (x.info as Record<string, unknown> | undefined)?.['nextPageCursor']).find((c): c is string => typeof c === 'string' && c !== '');
      if (cursor === undefined) break;
      page = await this.caller.read('fetchMyTrades', () => this.ex.fetchMyTrades(symbol, since, limit, { ...params, cursor }));
      out.push(...page);
    }
    return out;
  }

  /**
   * What the account holds, per instrument: contract positions (`contractPositions()`) and, for spot
   * instruments, the base currency's total balance (free and locked in orders) as a position. A spot
   * exchange keeps no position, only balances: a node that bought 0.5 BTC on BTC/USDT holds 0.5 BTC more,
   * and that is what it reconciles against. Each base currency is reported on one instrument only (the
   * first spot instrument of that base, or the one `spotHoldings` names), so a holding is never counted
   * twice; the venue keeps no cost, so `avgPrice` is zero (an adopted holding costs nothing: the node's
   * cash stays the venue's).
   */
  async positions(): Promise<readonly Position[]> {
    const contracts = await this.contractPositions();
    return [...contracts, ...(await this.spotPositions())];
  }

  /**
   * The spot holdings as positions: the total balance of each base currency on the instrument that
   * carries it.
   *
   * @example
   * ```ts
   * for (const p of await venue.spotPositions()) console.log(p.instrumentId, p.quantity.toString()); // BTCUSDT.BINANCE 0.5
   * ```
   */
  async spotPositions(): Promise<readonly Position[]> {
    const holders = this.spotHolders();
    if (holders.size === 0) return [];
    const balance = await this.caller.read('fetchBalance', () => this.ex.fetchBalance());
    const totals = (balance.total ?? {}) as unknown as Record<string, number | undefined>;
    const out: Position[] = [];
    const ts = this.clock.now();
    for (const [currency, instrument] of holders) {
      const total = dec(totals[currency]) ?? ZERO;
      if (total.isZero()) continue;
      out.push({ instrumentId: instrument.id, quantity: total, avgPrice: ZERO, realizedPnl: ZERO, unrealizedPnl: ZERO, ts });
    }
    return out;
  }

  /** Base currency → the spot instrument that carries its holding. */
  private spotHolders(): Map<string, Instrument> {
    const out = new Map<string, Instrument>();
    const spot = this.instruments.instruments.filter((i) => (this.instruments.marketOf(i.id).type ?? 'spot') === 'spot' && i.assetClass !== 'perpetual' && i.assetClass !== 'future');
    for (const [currency, symbol] of Object.entries(this.config.spotHoldings ?? {})) {
      const instrument = this.instruments.instrumentOf(symbol);
      if (instrument === undefined || !spot.includes(instrument))
        throw new ValidationError([{ path: ['spotHoldings', currency], message: `${JSON.stringify(symbol)} is not a spot instrument of ${this.id}` }]);
      if (instrument.base !== currency)
        throw new ValidationError([{ path: ['spotHoldings', currency], message: `${symbol} has base currency ${instrument.base}, not ${currency}` }]);
      out.set(currency, instrument);
    }
    for (const i of spot) if (!out.has(i.base)) out.set(i.base, i);
    return out;
  }

  /**
   * Contract positions with side, entry price, leverage and margin mode (`fetchPositions`), for the
   * swaps and futures traded (spot holdings: `spotPositions()`).
   *
   * @example
   * ```ts
   * for (const p of await venue.contractPositions()) console.log(p.instrumentId, p.side, p.leverage, p.marginMode);
   * ```
   */
  async contractPositions(): Promise<readonly CcxtPosition[]> {
    const contracts = this.instruments.instruments.filter((i) => i.assetClass === 'perpetual' || i.assetClass === 'future');
    if (contracts.length === 0 || (this.ex.has as Record<string, unknown>)['fetchPositions'] !== true) return [];
    const symbols = contracts.map((i) => this.instruments.symbolOf(i.id));
    const raw = await this.caller.read('fetchPositions', () => this.ex.fetchPositions(symbols));
    const leverages = await this.leveragesOf(raw.filter((p) => typeof p.leverage !== 'number' && (dec(p.contracts) ?? ZERO).gt(0)).map((p) => p.symbol as string));
    const out: CcxtPosition[] = [];
    // Bybit's unified account sets the margin mode for the account, not per position: ccxt's position has
    // none, the account's (fetchMarginMode) is every position's.
    let accountMarginMode: string | undefined;
    if (raw.some((p) => p.marginMode === undefined || p.marginMode === null) && (this.ex.has as Record<string, unknown>)['fetchMarginMode'] === true && raw.length > 0)
      accountMarginMode = await this.caller.read('fetchMarginMode', () => this.ex.fetchMarginMode(raw[0]!.symbol as string)).then((m) => m.marginMode ?? undefined, () => undefined);
    for (const p of raw) {
      const instrument = this.instruments.instrumentOf(p.symbol);
      if (instrument === undefined) continue;
      const size = dec(p.contracts) ?? ZERO;
      if (size.isZero()) continue;
      const short = p.side === 'short';
      out.push({
        instrumentId: instrument.id,
        quantity: short ? size.abs().neg() : size.abs(),
        avgPrice: dec(p.entryPrice) ?? ZERO,
        realizedPnl: dec(p.realizedPnl) ?? ZERO,
        unrealizedPnl: dec(p.unrealizedPnl) ?? ZERO,
        ts: p.timestamp ?? this.clock.now(),
        side: short ? 'SHORT' : 'LONG',
        entryPrice: dec(p.entryPrice),
        leverage: typeof p.leverage === 'number' ? p.leverage : leverages.get(p.symbol as string),
        marginMode: p.marginMode ?? accountMarginMode,
      });
    }
    return out;
  }

  /**
   * The leverage of symbols whose positions do not carry it (Binance USDⓈ-M's `positionRisk` v3 has
   * none): `fetchLeverages`, where the exchange has it; nothing otherwise.
   */
  private async leveragesOf(symbols: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (symbols.length === 0 || (this.ex.has as Record<string, unknown>)['fetchLeverages'] !== true) return out;
    const all = await this.caller.read('fetchLeverages', () => this.ex.fetchLeverages([...symbols])).catch(() => ({}) as Record<string, never>);
    for (const [symbol, l] of Object.entries(all as Record<string, { longLeverage?: number; shortLeverage?: number }>)) {
      const lev = l.longLeverage ?? l.shortLeverage;
      if (typeof lev === 'number') out.set(symbol, lev);
    }
    return out;
  }

  async balances(): Promise<readonly Balance[]> {
    const balance = await this.caller.read('fetchBalance', () => this.ex.fetchBalance());
    const totals = (balance.total ?? {}) as unknown as Record<string, number | undefined>;
    const free = (balance.free ?? {}) as unknown as Record<string, number | undefined>;
    const used = (balance.used ?? {}) as unknown as Record<string, number | undefined>;
    // A futures account's cash is its wallet balance (deposits, realized P&L, fees, funding), as in the
    // node's ledger; ccxt's total of a Binance futures account is the margin balance, with unrealized P&L.
    const wallet = (balance.info as { assets?: unknown } | undefined)?.assets;
    const walletOf = new Map<string, string>();
    if (Array.isArray(wallet))
      for (const a of wallet as { asset?: unknown; walletBalance?: unknown }[]) if (typeof a.asset === 'string' && typeof a.walletBalance === 'string') walletOf.set(a.asset, a.walletBalance);
    const out: Balance[] = [];
    for (const [currency, total] of Object.entries(totals)) {
      const t = dec(walletOf.get(currency)) ?? dec(total) ?? ZERO;
      if (t.isZero()) continue;
      const f = dec(free[currency]) ?? t;
      out.push({ currency, total: t, free: f, locked: dec(used[currency]) ?? t.minus(f) });
    }
    return out;
  }

  private feature(method: string): Record<string, unknown> | undefined {
    const types = new Set(this.instruments.instruments.map((i) => this.instruments.marketOf(i.id).type ?? 'spot'));
    const features = this.ex.features as Record<string, Record<string, unknown> | undefined> | undefined;
    for (const type of types) {
      const byType = features?.[type];
      const f = (byType?.[method] ?? (byType?.['linear'] as Record<string, unknown> | undefined)?.[method]) as Record<string, unknown> | undefined;
      if (f !== undefined && f !== null) return f;
    }
    return undefined;
  }

  /**
   * Whether `method` must be asked per symbol: when ccxt says so, or when a call without a symbol would
   * cover only ccxt's default market type (Bybit's `category`, `swap` by default) and not every type traded.
   */
  private featureSymbolRequired(method: string): boolean {
    if (this.feature(method)?.['symbolRequired'] === true) return true;
    const defaultType = (this.ex.options as Record<string, unknown>)['defaultType'];
    return typeof defaultType === 'string' && SINGLE_TYPE_QUERIES.has(this.ex.id) && this.instruments.instruments.some((i) => (this.instruments.marketOf(i.id).type ?? 'spot') !== defaultType);
  }
}

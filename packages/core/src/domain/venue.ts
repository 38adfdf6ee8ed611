/**
 * The one interface every venue implements: the simulated venue for backtests and paper trading, and
 * exchange and broker adapters for live trading.
 */
import type { Observable } from 'rxjs';
import type { Balance, FundingPayment, OrderEvent, OrderFilled, OrderStatusReport, OrderView, Position } from './events';
import type { ClientOrderId, VenueId, VenueOrderId } from './ids';
import type { MarketData } from './market-data';
import type { CancelOrder, ContingencyType, ModifyOrder, OrderType, SubmitOrder, TimeInForce } from './orders';

/**
 * What a venue supports natively, and what the order manager may emulate for it. The order manager
 * checks commands against it before sending them: a native feature goes to the venue, an emulatable one
 * is run locally, anything else is denied.
 */
export interface VenueCapabilities {
  readonly orderTypes: readonly OrderType[];
  readonly timeInForce: readonly TimeInForce[];
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  readonly modify: boolean;
  /**
   * What the order manager may emulate on this venue because it is safe there: order types it holds
   * locally and triggers on market data (sending a native MARKET or LIMIT order), times in force it
   * enforces with a cancel on the clock (DAY, GTD), and contingent links (OTO, OCO, OUO) it manages by
   * releasing, canceling or shrinking orders. Absent: nothing is emulated.
   */
  readonly emulation?: VenueEmulation | undefined;
}

/**
 * The part of {@link VenueCapabilities} that says what may be emulated locally.
 *
 * @example
 * ```ts
 * const emulation: VenueEmulation = { orderTypes: ['STOP_MARKET', 'TRAILING_STOP_MARKET'], timeInForce: ['GTD'], contingencies: ['OTO', 'OCO', 'OUO'] };
 * ```
 */
export interface VenueEmulation {
  readonly orderTypes: readonly OrderType[];
  readonly timeInForce: readonly TimeInForce[];
  readonly contingencies: readonly ContingencyType[];
}

/**
 * A place orders go. Commands are fire-and-forget; their outcome arrives on `events` (accepted,
 * rejected, filled, …). Reconciliation queries return what the venue believes.
 */
export interface Venue {
  readonly id: VenueId;
  readonly capabilities: VenueCapabilities;
  /** Order events for every order sent to this venue. */
  readonly events: Observable<OrderEvent>;
  submit(command: SubmitOrder): void;
  cancel(command: CancelOrder): void;
  modify(command: ModifyOrder): void;
  /** Open orders as the venue sees them (for reconciliation). */
  openOrders(): Promise<readonly OrderView[]>;
  /** Positions as the venue sees them. */
  positions(): Promise<readonly Position[]>;
  /** Balances as the venue sees them. */
  balances(): Promise<readonly Balance[]>;
  /**
   * One order as the venue sees it, found by client order id (the idempotency key): what the order
   * manager asks after a submit timed out, instead of submitting again. Undefined when the venue has
   * never seen the order.
   */
  queryOrder(clientOrderId: ClientOrderId): Promise<OrderStatusReport | undefined>;
}

/**
 * The state of a client's connection to its venue. A client that is `RECONNECTING` or `DISCONNECTED`
 * may have missed events: when it is `CONNECTED` again, the node reconciles its orders.
 *
 * @example
 * ```ts
 * venue.connection.subscribe((status) => { if (status !== ConnectionStatus.CONNECTED) logger.warn(`venue ${status}`); });
 * ```
 */
export const ConnectionStatus = {
  CONNECTED: 'CONNECTED',
  DISCONNECTED: 'DISCONNECTED',
  RECONNECTING: 'RECONNECTING',
} as const;
export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus];

/**
 * What every venue adapter implements for trading: the commands and order events of {@link Venue},
 * plus what reconciliation needs after a timeout, a reconnect or a restart: an order by venue order id,
 * the fills since a time (each with its trade id, so a fill seen twice is applied once) and the
 * connection status. Adapters only translate between the venue's protocol and these types; the
 * reconciliation rules live in the node (its order manager), once for every venue.
 *
 * `ExecutionClient` extends `Venue` rather than replacing it: the order manager needs only the
 * `Venue` part, so a test double or a router that has no connection of its own stays small.
 *
 * @example
 * ```ts
 * const venue: ExecutionClient = new SimulatedVenue({ clock, instruments });
 * venue.connection.subscribe((status) => console.log('venue is', status)); // 'CONNECTED'
 * const missed = await venue.fillsSince(lastFillTs); // OrderFilled reports, oldest first
 * const report = await venue.queryOrderByVenueId(venueOrderId('SIM-1'));
 * ```
 */
export interface ExecutionClient extends Venue {
  /**
   * The connection's status: the current one at once on subscription, then every change. A client
   * without a connection (a simulated venue) is always `CONNECTED`.
   */
  readonly connection: Observable<ConnectionStatus>;
  /**
   * Funding payments the venue books on perpetual positions, when it reports them; the node books
   * each into the ledger.
   */
  readonly fundingPayments?: Observable<FundingPayment> | undefined;
  /** One order as the venue sees it, found by the venue's own order id; undefined when unknown to it. */
  queryOrderByVenueId(venueOrderId: VenueOrderId): Promise<OrderStatusReport | undefined>;
  /**
   * Every fill the venue reports at or after `ts` (epoch ms), oldest first, as `OrderFilled` reports
   * carrying their trade ids: what the node asks after a reconnect to find fills it missed.
   */
  fillsSince(ts: number): Promise<readonly OrderFilled[]>;
}

/**
 * A venue that matches orders against market data the node hands it (a simulated venue). The node
 * calls `process` with each event before its order manager and its pipeline see it, so an order
 * decided on one event fills no earlier than the next. Live venues are not sinks: they match on their
 * own market.
 *
 * @example
 * ```ts
 * if (isMarketDataSink(venue)) venue.process(bar);
 * ```
 */
export interface MarketDataSink {
  /** Matches working orders against one market event. */
  process(data: MarketData): void;
}

/**
 * Whether a venue wants the node's market data (implements {@link MarketDataSink}).
 *
 * @example
 * ```ts
 * isMarketDataSink(new SimulatedVenue({ clock, instruments })); // true
 * ```
 */
export function isMarketDataSink(venue: object): venue is MarketDataSink {
  return typeof (venue as { process?: unknown }).process === 'function';
}

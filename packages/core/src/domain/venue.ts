/**
 * The one interface every venue implements: the simulated venue for backtests and paper trading, and
 * exchange and broker adapters for live trading.
 */
import type { Observable } from 'rxjs';
import type { Balance, OrderEvent, OrderStatusReport, OrderView, Position } from './events';
import type { ClientOrderId, VenueId } from './ids';
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

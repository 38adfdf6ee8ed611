/**
 * The one interface every venue implements: the simulated venue for backtests and paper trading, and
 * exchange and broker adapters for live trading.
 */
import type { Observable } from 'rxjs';
import type { Balance, OrderEvent, OrderView, Position } from './events';
import type { VenueId } from './ids';
import type { CancelOrder, ModifyOrder, OrderType, SubmitOrder, TimeInForce } from './orders';

/** What a venue supports. The order manager checks commands against it before sending them. */
export interface VenueCapabilities {
  readonly orderTypes: readonly OrderType[];
  readonly timeInForce: readonly TimeInForce[];
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  readonly modify: boolean;
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
}

/**
 * The account a simulated venue keeps for its client: what it checks before accepting an order (cash,
 * margin, leverage) and what it books on each fill and funding payment. `SimulatedAccount` implements it
 * for cash and margin accounts.
 */
import type { Balance, ClientOrderId, Decimal, Fill, FundingPayment, Instrument, InstrumentId, OrderSide, Position } from '@rxtrade/core';

/**
 * An account at a simulated venue.
 *
 * @example
 * ```ts
 * const account: VenueAccount = new SimulatedAccount({ type: 'MARGIN', instruments, startingBalances: { USDT: 10_000 }, maxLeverage: 5 });
 * new SimulatedVenue({ clock, instruments, account });
 * ```
 */
export interface VenueAccount {
  /**
   * Checks that the account can carry a new order and reserves what it needs (cash for a cash account's
   * buy, initial margin for a margin account's position-increasing order) until the order fills or is
   * released. Returns why the venue must reject the order (naming the figures), or undefined when it
   * was reserved.
   * @param price the order's limit price, else the venue's current reference price for the instrument.
   */
  reserve(clientOrderId: ClientOrderId, instrument: Instrument, side: OrderSide, quantity: Decimal, price: Decimal, reduceOnly: boolean): string | undefined;
  /** Releases what is still reserved for an order (canceled, expired, rejected after acceptance). */
  release(clientOrderId: ClientOrderId): void;
  /** Books one fill (cash, fees, position, realized P&L) and shrinks the order's reservation accordingly. */
  applyFill(fill: Fill): void;
  /** Books a funding payment (cash). */
  applyFunding(payment: FundingPayment): void;
  /** Marks an instrument (unrealized P&L and margin). */
  mark(instrumentId: InstrumentId, price: number): void;
  /** Balances per currency, with `locked` = margin in use (margin accounts) or cash reserved (cash accounts). */
  balances(): readonly Balance[];
  /** Non-zero positions the account holds. */
  positions(): readonly Position[];
}

/**
 * Read-only views of trading state that pipeline stages read synchronously through the context.
 * `@rxtrade/portfolio`'s `Ledger` and `@rxtrade/execution`'s `OrderManager` implement them; the risk
 * engine and other packages depend only on these interfaces.
 */
import type { Decimal } from '../decimal';
import type { Balance, OrderView, Position } from '../domain/events';
import type { ClientOrderId, InstrumentId } from '../domain/ids';
import type { Instrument } from '../domain/instrument';

/** Positions, cash and equity. */
export interface LedgerView {
  /** The account's base currency. */
  readonly baseCurrency: string;
  /** Cash balance in `currency` (default: base currency). */
  cash(currency?: string): Decimal;
  /** Balances in every currency held. */
  balances(): readonly Balance[];
  /** Signed quantity held (0 when flat). */
  positionQuantity(instrumentId: InstrumentId): Decimal;
  /** The position in an instrument, or undefined when none was ever opened. */
  position(instrumentId: InstrumentId): Position | undefined;
  /** Every position that is not flat. */
  openPositions(): readonly Position[];
  /** Cash plus positions marked at the last price. */
  equity(): Decimal;
  /** Total fees paid. */
  totalFees(): Decimal;
}

/** Orders known to the order manager. */
export interface OrdersView {
  /**
   * An order by client order id. Compare orders by id, not by object: a closed order that nothing can
   * change any more may come back as a new, equal object on each call.
   */
  order(clientOrderId: ClientOrderId): OrderView | undefined;
  /** Orders not yet in a terminal state, optionally for one instrument. */
  openOrders(instrumentId?: InstrumentId): readonly OrderView[];
}

/** The instruments a pipeline may trade. */
export interface InstrumentRegistry {
  /** The instrument with this id; throws a `ValidationError` naming the id when unknown. */
  get(id: InstrumentId): Instrument;
  /** The instrument with this id, or undefined. */
  find(id: InstrumentId): Instrument | undefined;
  /** Every registered instrument. */
  all(): readonly Instrument[];
}

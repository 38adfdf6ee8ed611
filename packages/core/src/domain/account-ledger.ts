/**
 * The ledger as a trading node drives it: what pipelines read through `ctx.ledger` (`LedgerView`)
 * plus the bookings the node makes. Defined in core so that the node (in `@rxtrade/execution`) does not
 * depend on `@rxtrade/portfolio`, whose `Ledger` implements it.
 */
import type { Decimal } from '../decimal';
import type { LedgerView } from '../pipeline/views';
import type { Fill } from './events';
import type { InstrumentId } from './ids';

/**
 * The account of record as the trading node reaches it: the reads of {@link LedgerView} and the
 * bookings of a run (fills, funding, marks), plus equity as a plain number for the equity curve.
 *
 * @example
 * ```ts
 * const ledger: AccountLedger = new Ledger({ baseCurrency: 'USD', startingCash: 100_000, instruments });
 * ledger.applyFill(fill);           // before the pipeline hears of the fill
 * ledger.mark(goog.id, 180.7);      // on every bar
 * ledger.equityValue();             // float64, once per event for the curve
 * ```
 */
export interface AccountLedger extends LedgerView {
  /** Books one fill: cash, fees, the position and realized P&L. */
  applyFill(fill: Fill): void;
  /** Books a funding payment: received when `amount` is positive, paid when negative, in `currency`. */
  applyFunding(instrumentId: InstrumentId, amount: Decimal, currency: string): void;
  /** Records an instrument's last price, for equity and unrealized P&L. */
  mark(instrumentId: InstrumentId, price: number): void;
  /** {@link LedgerView.equity} as a float64, cheap enough for every event. */
  equityValue(): number;
}

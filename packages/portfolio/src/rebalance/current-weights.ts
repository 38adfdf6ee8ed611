/**
 * The portfolio's weights as they stand: each position's marked value over equity.
 */
import { ValidationError, type InstrumentId, type InstrumentRegistry, type LedgerView } from '@rxtrade/core';

/**
 * Current weights from a ledger: `quantity x price x multiplier x fx / equity` for every open position
 * (negative for shorts), as plain numbers; `fx` converts the instrument's quote currency into the base
 * currency with the ledger's `fxRate` (1 for the base currency).
 *
 * @param price the last price of an instrument; defaults to the ledger's own `lastPrice` when it has one
 *   (the portfolio `Ledger` does). An open position without a price is left out.
 * @returns an empty object when equity is not > 0.
 * @example
 * ```ts
 * currentWeights(ctx.ledger, ctx.instruments) // { 'SPY.ARCA': 0.62, 'TLT.NASDAQ': 0.37 }
 * ```
 */
export function currentWeights(
  ledger: LedgerView,
  instruments: InstrumentRegistry,
  price: (id: InstrumentId) => number | undefined = defaultPrice(ledger),
): Record<InstrumentId, number> {
  const out: Record<InstrumentId, number> = {};
  const equity = ledger.equity().toNumber();
  if (!(equity > 0)) return out;
  for (const p of ledger.openPositions()) {
    const px = price(p.instrumentId);
    if (px === undefined || !Number.isFinite(px)) continue;
    const instrument = instruments.get(p.instrumentId);
    out[p.instrumentId] = (p.quantity.toNumber() * px * instrument.multiplier.toNumber() * quoteToBase(ledger, instrument.quote)) / equity;
  }
  return out;
}

/** The ledger's `lastPrice` when it has one (the portfolio Ledger), else a function that knows no price. */
export function defaultPrice(ledger: LedgerView): (id: InstrumentId) => number | undefined {
  const withPrices = ledger as LedgerView & { lastPrice?: (id: InstrumentId) => number | undefined };
  return typeof withPrices.lastPrice === 'function' ? (id) => withPrices.lastPrice!(id) : () => undefined;
}

/**
 * Base-currency units per unit of `currency`: 1 for the base currency, else the ledger's `fxRate` (the
 * portfolio Ledger has one).
 *
 * @throws ValidationError naming `currency` when the ledger knows no rate for it.
 */
export function quoteToBase(ledger: LedgerView, currency: string): number {
  if (currency === ledger.baseCurrency) return 1;
  const rate = (ledger as LedgerView & { fxRate?: (c: string) => number | undefined }).fxRate?.(currency);
  if (rate === undefined || !(rate > 0))
    throw new ValidationError([{ path: ['currency'], message: `no FX rate from ${currency} to ${ledger.baseCurrency} to size or weigh a position in it` }]);
  return rate;
}

/**
 * How a {@link Ledger} keeps positions: one net position per instrument, or a long and a short leg side
 * by side (hedging accounts, as MetaTrader 5 "hedging" or Binance "hedge mode").
 */

/**
 * Position modes of a ledger: `netting` (default: one signed position per instrument, a SELL reduces a
 * long) or `hedging` (a long and a short leg per instrument, each fill opens or adds to one leg unless it
 * names the leg it closes).
 *
 * @example
 * ```ts
 * const ledger = new Ledger({ baseCurrency: 'USD', startingCash: 0, instruments, positionMode: PositionMode.HEDGING });
 * ```
 */
export const PositionMode = {
  NETTING: 'netting',
  HEDGING: 'hedging',
} as const;
export type PositionMode = (typeof PositionMode)[keyof typeof PositionMode];

/**
 * The leg of a hedging-mode position: `LONG` (quantity >= 0) or `SHORT` (quantity <= 0). In netting mode
 * the single leg is `NET`.
 *
 * @example
 * ```ts
 * ledger.applyFill(sellFill, { positionSide: PositionSide.LONG }); // closes part of the long leg
 * ```
 */
export const PositionSide = {
  NET: 'NET',
  LONG: 'LONG',
  SHORT: 'SHORT',
} as const;
export type PositionSide = (typeof PositionSide)[keyof typeof PositionSide];

/**
 * Cost methods of a {@link Ledger}: which cost a reducing fill realizes P&L against.
 */

/**
 * Lot methods: `average` (default: one average cost per position; a reduction realizes against it) or
 * `fifo` (every opening fill is a lot at its own price; a reduction closes the oldest lots first).
 *
 * @example
 * ```ts
 * const ledger = new Ledger({ baseCurrency: 'USD', startingCash: 0, instruments, lotMethod: LotMethod.FIFO });
 * ```
 */
export const LotMethod = {
  AVERAGE: 'average',
  FIFO: 'fifo',
} as const;
export type LotMethod = (typeof LotMethod)[keyof typeof LotMethod];

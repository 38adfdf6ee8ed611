/**
 * Trading states of the risk engine, as NautilusTrader's: ACTIVE (every gate applies), REDUCING (only
 * orders that reduce exposure pass) and HALTED (no new order or modify passes; cancels always do).
 */

/**
 * The engine's trading state.
 *
 * @example
 * ```ts
 * if (engine.tradingState === TradingState.HALTED) console.warn('trading halted');
 * ```
 */
export const TradingState = { ACTIVE: 'ACTIVE', REDUCING: 'REDUCING', HALTED: 'HALTED' } as const;
export type TradingState = (typeof TradingState)[keyof typeof TradingState];

const SEVERITY: Record<TradingState, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };

/** The more restrictive of two trading states (internal). */
export function mostRestrictive(a: TradingState, b: TradingState): TradingState {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

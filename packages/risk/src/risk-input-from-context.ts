/**
 * Reads a {@link RiskStateInput} from a pipeline context: time from the clock, equity and positions from
 * the ledger view, open orders from the orders view.
 */
import type { PipelineContext } from '@rxtrade/core';
import type { RiskStateInput } from './risk-state';

/**
 * The snapshot input of the current moment of a pipeline.
 *
 * @example
 * ```ts
 * const state = engine.snapshot(riskInputFromContext(ctx));
 * ```
 */
export function riskInputFromContext(ctx: Pick<PipelineContext, 'clock' | 'ledger' | 'orders'>): RiskStateInput {
  return { time: ctx.clock.now(), equity: ctx.ledger.equity(), positions: ctx.ledger.openPositions(), openOrders: ctx.orders.openOrders() };
}
